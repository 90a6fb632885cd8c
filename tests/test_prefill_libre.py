"""Pre-fill through the real deep-translator LibreTranslator against a LibreTranslate-compatible server on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from i18nprofiles.gettext.pofile import read_catalog
from i18nprofiles.cli import main
from i18nprofiles.config import load_config
from i18nprofiles.mt.engines import EngineStopped, RetryableError, build_engine
from i18nprofiles.errors import EngineError
from i18nprofiles.commands.prefill import PrefillResult, prefill_catalogs
from prefill.server import LibreServer, answer_ok, fake_translate

FIXTURES = Path(__file__).parent / "prefill"
SECRET = "s3cr3t-key/+="
EMPTY = ["Commerce équitable", "Elle a travaillé", "  Deux espaces devant"]

SETTINGS = {
    "source_locale": '"fr"',
    "locales": '["fr", "es", "en"]',
    "glossary": '"glossary.txt"',
    "cache_dir": '".cache"',
    "prefill_timeout": "5.0",
    "prefill_retries": "2",
    "prefill_backoff": "0.01",
}


def write_settings(root: Path, **overrides: object) -> None:
    """pyproject.toml with the test settings, ``overrides`` (TOML literals) laid over them."""
    settings = {**SETTINGS, **{key: str(value) for key, value in overrides.items()}}
    lines = ["[tool.i18nprofiles]", *(f"{key} = {value}" for key, value in settings.items())]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_project(root: Path, locales: tuple[str, ...] = ("es", "en")) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_settings(root)
    shutil.copy(FIXTURES / "glossary.txt", root / "glossary.txt")
    text = (FIXTURES / "profiles.po").read_text(encoding="utf-8")
    for locale in locales:
        path = root / "locales" / locale / "LC_MESSAGES" / "profiles.po"
        path.parent.mkdir(parents=True)
        path.write_text(text.replace('"Language: es\\n"', f'"Language: {locale}\\n"'), encoding="utf-8")
    return root


def po_path(project: Path, locale: str = "es") -> Path:
    return project / "locales" / locale / "LC_MESSAGES" / "profiles.po"


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted(project.rglob("*.po"))}


def blocks(path: Path) -> list[str]:
    """The entries of a catalogue file as their exact text."""
    return path.read_text(encoding="utf-8").split("\n\n")


def run(project: Path, server: LibreServer | str, **options: object) -> PrefillResult:
    config = load_config(project)
    engine = build_engine("libre", config, url=server if isinstance(server, str) else server.url, environ={})
    return prefill_catalogs(config, engine, **options)  # type: ignore[arg-type]


def entry(project: Path, start: str, locale: str = "es") -> polib.POEntry:
    return next(e for e in read_catalog(po_path(project, locale)) if e.msgid.startswith(start))


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def server() -> Iterator[LibreServer]:
    with LibreServer() as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")  # 2024-03-18
    monkeypatch.delenv("I18NPROFILES_LIBRE_KEY", raising=False)
    return make_project(tmp_path / "project")


def test_fills_empty_entries_fuzzy_with_a_comment(project: Path, server: LibreServer) -> None:
    before = {locale: blocks(po_path(project, locale)) for locale in ("es", "en")}
    result = run(project, server)

    filled = entry(project, "Commerce")
    assert filled.msgstr == fake_translate("Commerce équitable", "es")
    assert filled.flags == ["fuzzy"]
    assert filled.tcomment == "machine pre-fill: libre, 2024-03-18"
    assert entry(project, "Commerce", "en").msgstr == fake_translate("Commerce équitable", "en")
    # human translations, human fuzzy entries and obsolete entries: the same bytes
    for locale in ("es", "en"):
        after = blocks(po_path(project, locale))
        assert after[0] == before[locale][0].replace('"Language: es', f'"Language: {locale}')
        assert after[1:3] == before[locale][1:3]
        assert after[-1] == before[locale][-1]
    # nothing human or obsolete was sent, nor the glossary-only entry
    assert not any(t.startswith(("Coordinatrice", "Au Pérou", "Un texte", "HEC")) for t in server.texts)
    assert [r.filled for r in result.reports] == [3, 3]
    assert [[f.reason for f in r.failures] for r in result.reports] == [["nothing to translate"]] * 2
    assert result.requests == len(server.requests) == 6
    if shutil.which("msgfmt"):
        for locale in ("es", "en"):
            subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po_path(project, locale))], check=True)


def test_protected_markup_and_margins_come_back(project: Path, server: LibreServer) -> None:
    run(project, server)
    sent = next(t for t in server.texts if t.startswith("Elle"))
    assert "**" not in sent and "https://" not in sent and "@" not in sent and "Autre Terre" not in sent
    assert re.findall(r"⟦\d+⟧", sent) == ["⟦0⟧", "⟦1⟧", "⟦2⟧", "⟦3⟧"]
    paragraph = entry(project, "Elle").msgstr
    assert "**Autre Terre**" in paragraph and "[PÉROU](https://example.org/pe)" in paragraph
    assert "info@example.org" in paragraph
    assert "  Deux espaces devant" in server.texts[0:0] or "Deux espaces devant, une ligne après" in server.texts
    assert entry(project, "  Deux").msgstr == "  es: DEUX ESPACES DEVANT, UNE LIGNE APRÈS\n"


def test_whitespace_added_by_the_engine_is_dropped(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (200, {"translatedText": f"\n  {fake_translate(f['q'], f['target'])}  \n"})
    run(project, server)
    assert entry(project, "Commerce").msgstr == "es: COMMERCE ÉQUITABLE"
    assert entry(project, "  Deux").msgstr == "  es: DEUX ESPACES DEVANT, UNE LIGNE APRÈS\n"


def test_second_run_is_served_from_cache(project: Path, server: LibreServer, tmp_path: Path) -> None:
    pristine = snapshot(project)
    run(project, server)
    first = snapshot(project)
    sent = len(server.requests)
    for name, data in pristine.items():
        (project / name).write_bytes(data)
    result = run(project, server)
    assert len(server.requests) == sent and result.requests == 0
    assert result.cache_hits == result.unique_texts == 6
    assert snapshot(project) == first
    again = run(project, server)  # nothing left to fill: nothing written, nothing sent
    assert again.unique_texts == 0 and snapshot(project) == first


@pytest.mark.parametrize(
    "payload",
    [{}, None, {"translatedText": None}, {"translatedText": ""}, b"<html>not json</html>"],
    ids=["empty-object", "null", "null-text", "empty-text", "not-json"],
)
def test_useless_answers_leave_entries_empty(project: Path, server: LibreServer, payload: object) -> None:
    server.respond = lambda f: (200, payload)
    before = snapshot(project)
    result = run(project, server)
    assert snapshot(project) == before
    assert all(r.filled == 0 and len(r.failures) == 4 for r in result.reports)
    assert len(server.requests) == 6  # no retries for an answer that came
    assert not (project / ".cache" / "prefill" / "libre.jsonl").exists()


def test_echo_of_the_source_is_no_translation(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (200, {"translatedText": f["q"]})
    result = run(project, server, locales=["es"])
    assert result.reports[0].filled == 0
    assert "the engine returned the source text" in [f.reason for f in result.reports[0].failures]


def test_http_400_leaves_the_entry_empty(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (400, {"error": "bad"}) if f["q"].startswith("Commerce") else answer_ok(f)
    result = run(project, server, locales=["es"])
    assert entry(project, "Commerce").msgstr == ""
    assert entry(project, "Elle").msgstr
    assert "engine 'libre': HTTP 400" in [f.reason for f in result.reports[0].failures]


def test_http_403_stops_at_once_and_never_shows_the_key(
    project: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("I18NPROFILES_LIBRE_KEY", SECRET)
    monkeypatch.setenv("I18NPROFILES_TEST", "1")
    server.respond = lambda f: (403, {"error": f"invalid key {f.get('api_key')}"})
    before = snapshot(project)
    code = run_cli(project, "prefill", "-e", "libre", "--engine-url", server.url, "-l", "es")
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error: engine 'libre': HTTP 403") and "Traceback" not in err
    assert server.requests[0]["api_key"] == SECRET  # the key was used…
    assert SECRET not in out + err  # …but never shown
    assert len(server.requests) <= 10  # stopped: no retries (at most the requests already in flight)
    assert snapshot(project) == before


def test_the_key_is_sent_but_written_nowhere(project: Path, server: LibreServer) -> None:
    config = load_config(project)
    engine = build_engine("libre", config, url=server.url, environ={"I18NPROFILES_LIBRE_KEY": SECRET})
    prefill_catalogs(config, engine)
    assert {fields["api_key"] for fields in server.requests} == {SECRET}
    files = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jsonl" for p in files)
    assert not any(SECRET.encode() in p.read_bytes() for p in files)


def test_429_is_retried_then_succeeds(project: Path, server: LibreServer) -> None:
    calls: list[int] = []

    def busy_twice(fields: dict[str, str]) -> tuple[int, object]:
        calls.append(1)
        return (429, {"error": "slow down"}) if len(calls) <= 2 else answer_ok(fields)

    server.respond = busy_twice
    write_settings(project, prefill_in_flight=1)
    result = run(project, server, locales=["es"])
    assert result.reports[0].filled == 3
    assert len(server.requests) == result.requests == 3 + 2


def test_500_after_retries_is_an_error_and_changes_nothing(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (500, {"error": "boom"})
    write_settings(project, prefill_in_flight=1)
    before = snapshot(project)
    with pytest.raises(RetryableError, match=r"HTTP 500 from http://127\.0\.0\.1:\d+"):
        run(project, server)
    assert len(server.requests) == 3  # one text, tried 1 + 2 times, then the run stops
    assert snapshot(project) == before


def test_refused_port_is_an_error_without_traceback(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)
    code = run_cli(project, "prefill", "-e", "libre", "--engine-url", refused_url())
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: engine 'libre': cannot connect to http://127.0.0.1:")
    assert "Traceback" not in err
    assert snapshot(project) == before


def test_stalled_server_times_out(project: Path, server: LibreServer) -> None:
    server.respond = server.stall
    write_settings(project, prefill_timeout=0.2, prefill_in_flight=1)
    with pytest.raises(RetryableError, match="no answer within 0.2 s"):
        run(project, server, locales=["es"])
    assert len(server.requests) == 3


def test_long_text_is_split_and_joined(project: Path, server: LibreServer) -> None:
    write_settings(project, prefill_max_chars=40)
    run(project, server, locales=["es"])
    assert all(len(text) <= 40 for text in server.texts)
    pieces = [t for t in server.texts if not t.startswith(("Commerce", "Deux"))]
    assert len(pieces) >= 2
    paragraph = entry(project, "Elle").msgstr
    assert paragraph.count("es: ") == len(pieces)
    assert "**Autre Terre**" in paragraph and "(https://example.org/pe)" in paragraph


def test_text_longer_than_the_engine_limit(project: Path, server: LibreServer) -> None:
    sentence = "Pendant {} ans, elle a coordonné des coopératives de producteurs dans la région andine."
    long_text = " ".join(sentence.format(n) for n in range(60))  # 5,300 characters; the engine's limit: 2,000
    path = po_path(project)
    path.write_text(path.read_text(encoding="utf-8") + f'\nmsgid "{long_text}"\nmsgstr ""\n', encoding="utf-8")
    run(project, server, locales=["es"])
    long_requests = [t for t in server.texts if t.startswith("Pendant")]
    assert len(long_requests) == 3 and all(len(t) <= 2000 for t in long_requests)
    translation = entry(project, "Pendant").msgstr
    assert translation.count("es: ") == 3 and translation.replace("es: ", "") == long_text.upper()


def test_token_damaged_by_the_server_discards_the_result(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (200, {"translatedText": fake_translate(f["q"].replace("⟦1⟧", "⟦ 1⟧"), "es")})
    result = run(project, server, locales=["es"])
    assert entry(project, "Elle").msgstr == ""
    assert entry(project, "Commerce").msgstr
    assert any("⟦1⟧" in f.reason for f in result.reports[0].failures)


def test_token_lost_by_the_server_discards_the_result(project: Path, server: LibreServer) -> None:
    server.respond = lambda f: (200, {"translatedText": fake_translate(f["q"].replace("⟦2⟧", ""), "es")})
    result = run(project, server, locales=["es"])
    assert entry(project, "Elle").msgstr == ""
    assert any("lost" in f.reason for f in result.reports[0].failures)


def test_interrupted_run_keeps_its_work_and_resumes_without_duplicates(project: Path, server: LibreServer) -> None:
    count: list[int] = []

    def refuse_after_two(fields: dict[str, str]) -> tuple[int, object]:
        count.append(1)
        return answer_ok(fields) if len(count) <= 2 else (403, {"error": "quota"})

    server.respond = refuse_after_two
    write_settings(project, prefill_in_flight=1)
    with pytest.raises(EngineStopped, match="2 entries filled before were kept"):
        run(project, server, locales=["es"])
    assert sum(1 for e in read_catalog(po_path(project)) if e.fuzzy and e.tcomment) == 2
    first_texts = list(server.texts)

    server.respond = answer_ok
    result = run(project, server, locales=["es"])
    assert result.reports[0].filled == 1 and result.requests == 1
    assert server.texts[:3] == first_texts
    assert server.texts[3:] == first_texts[2:]  # only the refused text is sent again
    text = po_path(project).read_text(encoding="utf-8")
    assert text.count("machine pre-fill: libre") == 3
    assert text.count("#, fuzzy\n") == 4  # three machine entries and the human one


def test_ctrl_c_keeps_finished_entries(project: Path, server: LibreServer) -> None:
    def interrupt(step: str, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    write_settings(project, prefill_in_flight=1)
    with pytest.raises(KeyboardInterrupt):
        run(project, server, locales=["es"], progress=interrupt)
    kept = po_path(project).read_text(encoding="utf-8").count("machine pre-fill")
    assert kept >= 2  # the entries finished before the interrupt (and any answer already in)
    sent = len(server.requests)
    result = run(project, server, locales=["es"])
    assert result.reports[0].filled == 3 - kept and result.requests == 3 - sent
    assert po_path(project).read_text(encoding="utf-8").count("machine pre-fill") == 3


def test_identical_texts_are_sent_once_across_catalogues(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path / "p", locales=("es", "es_ES"))
    config = load_config(project).with_options(locales=["fr", "es", "es_ES"])
    engine = build_engine("libre", config, url=server.url, environ={})
    result = prefill_catalogs(config, engine)
    assert result.unique_texts == 3 and len(server.requests) == 3
    assert [r.filled for r in result.reports] == [3, 3]


def test_unsupported_language_fails_before_any_request(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path / "p", locales=("qu",))
    with pytest.raises(EngineError, match="does not support language 'qu'"):
        run(project, server)
    assert server.requests == []


def test_dry_run_sends_and_writes_nothing(
    project: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    code = run_cli(project, "prefill", "-e", "libre", "--engine-url", server.url, "--dry-run")
    out = capsys.readouterr().out
    assert code == 0 and server.requests == [] and snapshot(project) == before
    assert "locales/es/LC_MESSAGES/profiles.po: 3 texts, " in out
    assert "would be sent" in out
    assert not (project / ".cache").exists()


def run_cli(project: Path, *args: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(project), *args])
    return int(exit_info.value.code or 0)
