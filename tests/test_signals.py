"""Ctrl-C and SIGTERM: the command stops within a second or two, says so in one line, exits 130 or 143,
leaves every file old or new and no process behind, also while its worker processes start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability import generate_project, leftovers, outputs, run_cli, translate_half

from prefill.server import LibreServer

from i18nprofiles.runtime import STOP_SIGNALS, Interrupted, stop_on_signals

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches processes through /proc")

STOPPED_WITHIN = 3.0  # seconds from the signal to the exit (a second or two, and a loaded test machine)


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same dates in every build, whenever each runs (a minute may turn between two)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")


def processes() -> dict[int, tuple[int, int, str]]:
    """Every live process: pid -> (parent, process group, state)."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            found[int(name)] = (int(fields[1]), int(fields[2]), fields[0].decode())
    return found


def group_members(group: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    return [pid for pid, (_, pgid, state) in processes().items() if pgid == group and state != "Z"]


def wait_for_a_worker(process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    """Wait until the command starts a worker process (a child that is not multiprocessing's tracker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        for pid, (parent, _, _) in processes().items():
            if parent == process.pid:
                try:
                    command = open(f"/proc/{pid}/cmdline", "rb").read()
                except OSError:
                    continue
                if b"spawn_main" in command:
                    return True
        time.sleep(0.002)
    return False


def start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "i18nprofiles", *args], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def stop(process: subprocess.Popen[bytes], signum: int, group: bool) -> tuple[float, str]:
    """Send ``signum`` (to the whole group, as a terminal's Ctrl-C does, or to the main process only); the
    seconds until it exits and its stderr.  Fails if a process of the group outlives it."""
    started = time.monotonic()
    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the command did not stop") from None
    took = time.monotonic() - started
    deadline = time.monotonic() + 3
    while group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = group_members(process.pid)
    if left:
        os.killpg(process.pid, signal.SIGKILL)
    assert not left, f"processes left behind: {left}"
    return took, err.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1710754200")
        root = generate_project(tmp_path_factory.mktemp("signals") / "project", 100)
        assert run_cli(root, "build").returncode == 0
        translate_half(root)
        assert run_cli(root, "build").returncode == 0
        yield root


def edit(root: Path, step: int) -> None:
    path = sorted((root / "profiles").glob("*.md"))[step]
    path.write_text(path.read_text(encoding="utf-8") + f"\nUn paragraphe de plus, le numéro {step}.\n",
                    encoding="utf-8")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_workers_start_stops_everything_at_once(project: Path, signum: int) -> None:
    for step in range(2):
        edit(project, step + (0 if signum == signal.SIGINT else 5))
        before = outputs(project)
        process = start(project, "--no-cache", "build")  # every page rendered: in worker processes
        assert wait_for_a_worker(process), "no worker process was started"
        took, err = stop(process, signum, group=signum == signal.SIGINT)
        assert process.returncode == 128 + signum, err
        assert took < STOPPED_WITHIN, took
        assert "Traceback" not in err and err.strip().splitlines()[-1] == "error: interrupted", err
        assert outputs(project) == before and leftovers(project) == []
    assert run_cli(project, "build").returncode == 0


def test_ctrl_c_at_any_moment_leaves_files_old_or_new(project: Path) -> None:
    for step, delay in enumerate((0.5, 1.2, 2.0)):
        edit(project, 10 + step)
        before = outputs(project)
        process = start(project, "build")
        time.sleep(delay)
        if process.poll() is None:
            took, err = stop(process, signal.SIGINT, group=True)
            assert process.returncode in (0, 130), err
            assert took < STOPPED_WITHIN and "Traceback" not in err, err
        else:
            process.communicate()
        after = outputs(project)
        assert run_cli(project, "build").returncode == 0
        new = outputs(project)
        for name in after.keys() | before.keys():
            assert after.get(name) in (before.get(name), new.get(name)), (delay, name)
        site = {name for name in after if name.startswith("site/")}
        assert {n: after[n] for n in site} in ({n: before.get(n) for n in site}, {n: new.get(n) for n in site})
        assert leftovers(project) == []


def test_ctrl_c_during_prefill_does_not_wait_for_a_slow_server(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es"]\nprefill_timeout = 30\n'
                                            'prefill_retries = 0\n', encoding="utf-8")
    po = root / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
                  + "".join(f'msgid "Phrase numéro {n}"\nmsgstr ""\n\n' for n in range(20)), encoding="utf-8")
    before = po.read_bytes()
    with LibreServer() as server:
        server.respond = server.stall  # no answer comes
        process = start(root, "prefill", "-e", "libre", "--engine-url", server.url)
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.requests, process.stderr.read() if process.poll() is not None else "no request"
        took, err = stop(process, signal.SIGINT, group=True)
    assert process.returncode == 130 and took < STOPPED_WITHIN, (took, err)
    assert "Traceback" not in err and err.strip().endswith("error: interrupted"), err
    assert po.read_bytes() == before and leftovers(root) == []


class Finalized:
    """An object whose finalizer receives a Ctrl-C (as a thread's or a pool's clean-up can, at any moment)."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


class Plain:
    """An object with no finalizer of its own."""


def ctrl_c_in_a_weakref_callback() -> None:
    weakref.finalize(Plain(), signal.raise_signal, signal.SIGINT)


@pytest.mark.parametrize("drop", [Finalized, ctrl_c_in_a_weakref_callback], ids=["finalizer", "weakref-callback"])
def test_ctrl_c_inside_a_finalizer_stops_the_command_after_it(drop: Callable[[], object],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Raised inside a finalizer or a weak-reference callback, Interrupted would be printed as "Exception
    ignored" and lost (the command went on): the signal comes again once that code has returned."""
    dropped: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    stop_on_signals()
    try:
        with pytest.raises(Interrupted):
            drop()  # (nothing holds what it makes: the finalizer or callback runs inside this statement)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert dropped == []
