"""The console entry point ends the process once the command is done, without the interpreter's teardown,
and loses nothing by it: the exit status, the whole output, every exit handler of the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A command run through the entry point, with hooks: an exit handler registered while the command runs, and
# garbage in a reference cycle (made by another handler, after the command) that only the interpreter's
# teardown would collect, its finaliser leaving a mark.
SCRIPT = """
import atexit, importlib, sys, types
from pathlib import Path

marks = Path(sys.argv[1])

class Teardown:
    def __init__(self):
        self.path, self.open = str(marks / "teardown"), open  # (module globals are gone when it is freed)

    def __del__(self):
        with self.open(self.path, "w"):
            pass

def make_garbage():
    found = Teardown()
    found.itself = found

def main(*args, **kwargs):  # the command line, imported as the entry point imports it (after its start)
    del sys.modules["i18nprofiles.cli"]
    run = importlib.import_module("i18nprofiles.cli").main
    atexit.register(lambda: (marks / "handler").write_text("ran"))
    atexit.register(make_garbage)
    atexit.register(lambda: sys.stdout.write("written at exit\\n"))  # (into a pipe: buffered, not flushed)
    run(*args, **kwargs)

sys.modules["i18nprofiles.cli"] = types.SimpleNamespace(main=main)
sys.argv = ["i18nprofiles", *sys.argv[2:]]
{before}
from i18nprofiles.console import main as entry
entry()
"""


def buffered() -> dict[str, str]:
    """The environment with the output block-buffered into a pipe, as by default (not PYTHONUNBUFFERED)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def run_entry(marks: Path, *args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(before=before), str(marks), *args],
                          capture_output=True, text=True, cwd=marks, timeout=120, env=buffered())


def test_a_finished_command_skips_the_teardown_but_not_its_output_status_or_exit_handlers(tmp_path: Path) -> None:
    done = run_entry(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: i18nprofiles") and "build" in done.stdout
    assert (tmp_path / "handler").read_text() == "ran"
    assert not (tmp_path / "teardown").exists()


def test_a_failing_command_keeps_its_status_and_message(tmp_path: Path) -> None:
    done = run_entry(tmp_path, "build")  # no project here
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert (tmp_path / "handler").read_text() == "ran"
    assert not (tmp_path / "teardown").exists()


def test_the_output_into_a_pipe_arrives_whole(tmp_path: Path) -> None:
    """The output is flushed before the process ends (into a pipe it is block-buffered: what an exit handler
    writes last would be lost): it is what the command line prints when the interpreter ends as usual."""
    done = run_entry(tmp_path, "--help")
    assert done.stdout.endswith("written at exit\n")
    usual = subprocess.run([sys.executable, "-c", "from i18nprofiles.cli import main; main(['--help'])"],
                           capture_output=True, text=True, timeout=120, env=buffered())
    assert usual.returncode == 0 and usual.stdout.startswith("Usage: i18nprofiles")
    assert done.stdout.removesuffix("written at exit\n") == usual.stdout


def test_an_exit_handler_registered_before_the_entry_point_still_runs(tmp_path: Path) -> None:
    """A tool started before the command (coverage from a .pth file) keeps its exit handler: the interpreter
    then ends as usual, teardown included."""
    before = "atexit.register(lambda: (marks / 'early').write_text('ran'))"
    done = run_entry(tmp_path, "--help", before=before)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "early").read_text() == "ran"
    assert (tmp_path / "handler").read_text() == "ran"
    assert (tmp_path / "teardown").exists()
