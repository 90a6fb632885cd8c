"""aside.Aside: a function called in a forked second process."""

from __future__ import annotations

import os

import pytest

from i18nprofiles.aside import Aside
from i18nprofiles.errors import CatalogError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def pid_and(value: object) -> tuple[int, object]:
    return os.getpid(), value


def fail(path: str) -> None:
    raise CatalogError("syntax error in catalogue: no msgid", path, 7)


def test_the_value_comes_from_another_process() -> None:
    pid, value = Aside(pid_and, {"a": [1, 2]}).result()
    assert pid != os.getpid() and value == {"a": [1, 2]}


def test_an_error_is_raised_here_with_its_path_and_line() -> None:
    with pytest.raises(CatalogError) as caught:
        Aside(fail, "locales/profiles.pot").result()
    assert (caught.value.path, caught.value.line) == ("locales/profiles.pot", 7)


def test_a_value_that_cannot_be_sent_is_computed_here() -> None:
    pid, value = Aside(pid_and, lambda: 1).result()  # a lambda cannot be pickled: the second process sends nothing
    assert pid == os.getpid() and value() == 1


def test_close_waits_for_the_second_process_and_gives_its_value() -> None:
    aside = Aside(pid_and, "kept")
    child = aside._pid
    assert aside.close()[1] == "kept"
    with pytest.raises(ChildProcessError):
        os.waitpid(child, 0)  # already waited for: no process left behind
    assert Aside(fail, "x").close() is None


def test_without_a_second_process_the_call_is_made_here(monkeypatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError("no process to spare")

    monkeypatch.setattr(os, "fork", no_fork)
    aside = Aside(pid_and, "here")
    assert aside.result() == (os.getpid(), "here") and aside.close() is None
