"""Progress: the library reports through a callback, the CLI draws it (a bar on a terminal, a few lines in CI)."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from i18nprofiles import load_config
from i18nprofiles.display import PLAIN_AFTER, PLAIN_EVERY, WITH_ETA, Display
from i18nprofiles.pipeline import build_project
from i18nprofiles.store import NullStore

PROFILE = """---
name: Personne {index}
headline: Membre numéro {index} de la coopérative
tags: [Café, Région {index}]
---

Paragraphe {index} : une vie de travail, de rencontres et de projets communs.

## Témoignage

> Citation {index}, dite avec le sourire.
"""


def make_project(root: Path, count: int) -> Path:
    (root / "profiles").mkdir(parents=True)
    (root / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es", "en"]\npublish_threshold = 0\n',
                                            encoding="utf-8")  # untranslated, every locale still rendered
    for index in range(count):
        (root / "profiles" / f"p{index:04d}.md").write_text(PROFILE.format(index=index), encoding="utf-8")
    return root


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_library_reports_every_step_of_build(tmp_path: Path) -> None:
    heard: list[tuple[str, int, int]] = []
    build_project(load_config(make_project(tmp_path, 5)), store=NullStore(), progress=lambda *a: heard.append(a))
    steps = list(dict.fromkeys(step for step, _, _ in heard))
    assert steps == ["read profiles", "extract", "update", "compile", "render"]
    for step in steps:
        mine = [(done, total) for name, done, total in heard if name == step]
        assert mine[-1][0] == mine[-1][1] > 0, step  # each step ends complete
        assert all(a[0] <= b[0] for a, b in zip(mine, mine[1:])), step  # and never goes back
    assert ("read profiles", 0, 5) in heard and ("read profiles", 3, 5) in heard  # one file at a time


def test_off_a_terminal_a_fast_step_prints_nothing_and_a_slow_one_a_few_lines() -> None:
    clock, out = FakeClock(), io.StringIO()
    display = Display("build", stream=out, mode="plain", clock=clock)
    display("extract", 0, 1)
    clock.now += 0.5
    display("extract", 1, 1)
    display("render", 0, 1000)
    assert out.getvalue() == ""  # a fast step: nothing
    for done in range(1, 1001):  # a slow one: 60 s
        clock.now += 0.06
        display("render", done, 1000)
    display.close()
    lines = out.getvalue().splitlines()
    assert len(lines) <= 60 / PLAIN_EVERY + 2
    assert lines[0].startswith("build: render: ") and f"{int(PLAIN_AFTER)} s)" in lines[0]
    assert lines[-1] == "build: render: 1000/1000 files in 60.0 s"


def test_on_a_terminal_the_time_left_waits_until_it_means_something() -> None:
    clock, out = FakeClock(), io.StringIO()
    display = Display("prefill", stream=out, mode="bar", clock=clock)
    display("prefill", 0, 1000)
    display("prefill", 1, 1000)  # the first answer came fast (a cache hit): no estimate from that
    assert display.bar.bar_format != WITH_ETA
    clock.now = 0.5
    display("prefill", 30, 1000)
    assert display.bar.bar_format != WITH_ETA  # not a second yet
    clock.now = 1.5
    display("prefill", 60, 1000)
    assert display.bar.bar_format == WITH_ETA
    display.close()
    assert "prefill: prefill:" in out.getvalue() and "left" not in out.getvalue().split("\r")[1]


def read_pty(args: list[str], cwd: Path, timeout: float = 120) -> list[tuple[float, bytes]]:
    """Run a command with its output on a pseudo-terminal; each chunk it wrote, with the seconds since start."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        os.chdir(cwd)
        os.execv(args[0], args)
    start, chunks = time.monotonic(), []
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append((time.monotonic() - start, data))
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, b"".join(data for _, data in chunks).decode(errors="replace")
    return chunks


def test_build_on_a_terminal_shows_each_step_before_it_ends(tmp_path: Path) -> None:
    """A cold build of 400 profiles on a pseudo-terminal: a bar for each step from its start, before the report."""
    project = make_project(tmp_path, 400)
    command = str(Path(sys.executable).with_name("i18nprofiles"))
    chunks = read_pty([command, "build", "-j", "2"], project)
    text = b"".join(data for _, data in chunks).decode("utf-8")
    frames = text.split("\r")
    first = next(i for i, frame in enumerate(frames) if "build: read profiles:" in frame)
    report = next(i for i, frame in enumerate(frames) if "site: " in frame and "files written" in frame)
    assert first < report
    for step, unit, total in (("read profiles", "profiles", 400), ("update", "catalogues", 2),
                              ("compile", "catalogues", 2)):
        shown = [frame for frame in frames if f"build: {step}:" in frame]
        assert any(f" 0/{total} {unit}" in frame for frame in shown), step  # drawn when the step starts
        assert shown, step
    render = [frame for frame in frames if "build: render:" in frame]
    assert any(re.search(r" 0/\d+ files", frame) for frame in render)
    # the bars are gone at the end: the last lines are the report
    assert text.rstrip().endswith("(fr, es, en)")
    started = next(seconds for seconds, data in chunks if b"build: " in data)
    print(f"first frame after {started:.2f} s")  # the time is measured in benchmarks/first_frame.py, not here


def test_build_off_a_terminal_prints_only_its_report(example: Path) -> None:
    run = subprocess.run([str(Path(sys.executable).with_name("i18nprofiles")), "build"], cwd=example,
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == ""
    assert len(run.stdout.splitlines()) == 4


@pytest.mark.parametrize("command", [["extract"], ["update"], ["compile"], ["render"], ["check"]])
def test_every_long_command_reports_progress(example: Path, command: list[str], monkeypatch) -> None:
    """Through the CLI, each command's display hears its steps (forced to plain lines, with a clock that runs fast)."""
    from i18nprofiles import display as display_module
    from i18nprofiles.cli import main

    ticks = iter(range(0, 10**6, 5))
    monkeypatch.setattr(display_module.time, "monotonic", lambda: float(next(ticks)))
    monkeypatch.setenv("I18NPROFILES_PROGRESS", "plain")
    monkeypatch.chdir(example)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit):
        main(command)
    step = {"extract": "extract", "update": "update", "compile": "compile", "render": "render",
            "check": "check"}[command[0]]
    assert re.search(rf"^{command[0]}: {step}: \d+/\d+ \w+ in ", err.getvalue(), re.MULTILINE), err.getvalue()
