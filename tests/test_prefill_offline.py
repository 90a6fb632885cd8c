"""Pre-fill without a network: token protection, the pseudo and memory engines, keys kept secret."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from i18nprofiles.gettext.pofile import read_catalog
from i18nprofiles.cli import main
from i18nprofiles.config import load_config
from i18nprofiles.mt.engines import REMOTE_SPECS, RemoteEngine, build_engine, find_code, pseudo_localize, scrub
from i18nprofiles.errors import EngineError
from i18nprofiles.commands.prefill import backoff_delay
from i18nprofiles.mt.protect import DamagedTokens, build_pattern, protect_text, restore_text, split_margins, split_text

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "prefill"
PATTERN = build_pattern(["Autre Terre", "HEC", "ULiège"])


@pytest.mark.parametrize(
    ("text", "protected"),
    [
        ("Un **master** à HEC", "Un ⟦0⟧master⟦1⟧ à ⟦2⟧"),
        ("Voir [le site](https://x.org/a_b) !", "Voir ⟦0⟧le site⟦1⟧ !"),
        ("![Logo de *Autre Terre*](logo.svg)", "⟦0⟧Logo de ⟦1⟧"),
        ("Écrire à ana@example.org ou www.example.org.", "Écrire à ⟦0⟧ ou ⟦1⟧."),
        ("Bonjour {name}, %s et %(count)d, {{ page.title }}", "Bonjour ⟦0⟧, ⟦1⟧ et ⟦2⟧, ⟦3⟧"),
        ("100 % bio, 50 %de plus, snake_case", "100 % bio, 50 %de plus, snake_case"),
        ("Le code `x = 1` et <br> puis _fin_", "Le code ⟦0⟧ et ⟦1⟧ puis ⟦2⟧fin⟦3⟧"),
        ("Les HECtares et ULiège.", "Les HECtares et ⟦0⟧."),
        ("Déjà ⟦0⟧ dans le texte", "Déjà ⟦0⟧ dans le texte"),
    ],
)
def test_protect_and_restore(text: str, protected: str) -> None:
    result = protect_text(text, PATTERN)
    assert result.text == protected
    assert restore_text(result.text, result) == text


def test_a_source_holding_token_marks_still_round_trips() -> None:
    result = protect_text("Déjà ⟦0⟧ ici", PATTERN)
    assert result.spans == ("⟦0⟧",) and restore_text(result.text, result) == "Déjà ⟦0⟧ ici"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("A ⟦0⟧b⟦1⟧", "⟦2⟧ .* lost"),
        ("A ⟦0⟧b⟦1⟧ ⟦2⟧ ⟦2⟧", "⟦2⟧ .* duplicated"),
        ("A ⟦0⟧b⟦1⟧ ⟦2⟧ ⟦3⟧", "altered"),
        ("A ⟦0⟧b⟦1⟧ ⟦2⟧ ⟦", "altered"),
        ("A ⟦0⟧b⟦1⟧ ⟦02⟧", "lost"),
    ],
)
def test_damaged_tokens_are_refused(answer: str, reason: str) -> None:
    protected = protect_text("A **b** {c}", PATTERN)
    assert protected.text == "A ⟦0⟧b⟦1⟧ ⟦2⟧"
    with pytest.raises(DamagedTokens, match=reason):
        restore_text(answer, protected)


def test_tokens_may_move() -> None:
    protected = protect_text("Le site de HEC est [ici](https://hec.example)", PATTERN)
    answer = restore_text("⟦1⟧here⟦2⟧ is the site of ⟦0⟧", protected)
    assert answer == "[here](https://hec.example) is the site of HEC"


def test_margins() -> None:
    assert split_margins("  a b\n") == ("  ", "a b", "\n")
    assert split_margins("\n") == ("\n", "", "")


@pytest.mark.parametrize("limit", [5, 12, 30, 1000])
def test_split_text_keeps_every_character_and_the_limit(limit: int) -> None:
    text = "Une phrase. Une autre phrase, plus longue !\nEt ⟦0⟧⟦1⟧ une dernière ligne sans fin" + "x" * 40
    pieces = split_text(text, limit)
    assert "".join(piece + separator for piece, separator in pieces) == text
    assert all(0 < len(piece) <= limit for piece, _ in pieces)
    assert all(piece.count("⟦") == piece.count("⟧") for piece, _ in pieces)


def test_split_text_prefers_line_breaks_then_sentences() -> None:
    assert split_text("Un deux. Trois quatre.\nCinq six.", 25) == [("Un deux. Trois quatre.", "\n"), ("Cinq six.", "")]
    assert split_text("Un deux. Trois quatre.", 12) == [("Un deux.", " "), ("Trois", " "), ("quatre.", "")]


def test_pseudo_keeps_tokens_and_grows_by_about_a_third() -> None:
    text = "Coopération au développement ⟦0⟧ et ⟦1⟧"
    result = pseudo_localize(text)
    assert re.findall(r"⟦\d⟧", result) == ["⟦0⟧", "⟦1⟧"]
    assert result.startswith("[Çööƥéŕåţîöñ") and result.endswith("]")
    assert 1.25 <= len(result) / len(text) <= 1.5


def test_language_codes_per_engine() -> None:
    codes = {name: spec.codes() for name, spec in REMOTE_SPECS.items()}
    assert find_code("es", codes["libre"], "libre") == "es"
    assert find_code("es", codes["mymemory"], "mymemory") == "es-ES"
    assert find_code("en", codes["mymemory"], "mymemory") == "en-US"
    assert find_code("pt_BR", codes["mymemory"], "mymemory") == "pt-BR"
    assert find_code("pt_BR", codes["google"], "google") == "pt"
    assert find_code("zh_Hans", codes["microsoft"], "microsoft") == "zh-hans"
    with pytest.raises(EngineError, match="does not support language 'qu'"):
        find_code("qu", codes["deepl"], "deepl")


def test_keys_come_from_the_environment_and_are_scrubbed() -> None:
    from deep_translator.exceptions import AuthorizationException

    config = load_config(ROOT)
    with pytest.raises(EngineError, match="I18NPROFILES_DEEPL_KEY"):
        build_engine("deepl", config, environ={})
    assert build_engine("deepl", config, environ={}, require_key=False).name == "deepl"  # a dry run needs no key
    engine = build_engine("deepl", config, environ={"I18NPROFILES_DEEPL_KEY": "k/e y+1"})
    assert isinstance(engine, RemoteEngine)
    message = str(AuthorizationException("k/e y+1")) + " https://api/?auth_key=k%2Fe+y%2B1"
    assert scrub(message, engine.secrets) == "Unauthorized access with the api key *** https://api/?auth_key=***"
    error = engine._classify(AuthorizationException("k/e y+1"), 403)
    assert "k/e" not in str(error) and "HTTP 403" in str(error)
    with pytest.raises(EngineError, match="--engine-url applies to the libre engine only"):
        build_engine("google", config, url="http://127.0.0.1:1/")


def test_backoff_doubles_with_jitter() -> None:
    assert [backoff_delay(n, 1.0, rand=lambda: 0.5) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(2, 1.0, rand=lambda: 0.0) == 2.0
    assert backoff_delay(2, 1.0, rand=lambda: 0.999) < 6.0


# -- the example project -----------------------------------------------------------


@pytest.fixture
def fresh_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example project with its catalogues brought up to date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")
    project = tmp_path / "example"
    shutil.copytree(ROOT / "examples", project / "examples")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    assert run_cli(project, "extract") == 0
    assert run_cli(project, "update", "--init-missing") == 0
    return project


def run_cli(project: Path, *args: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(project), *args])
    return int(exit_info.value.code or 0)


def test_pseudo_prefills_the_example(fresh_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(fresh_example, "prefill", "-e", "pseudo") == 0
    out, err = capsys.readouterr()
    assert "locales/es/LC_MESSAGES/profiles.po: " in out and " empty entries filled" in out
    assert "prefill (pseudo)" not in err  # off a terminal, a run of a few seconds prints no progress
    for locale in ("es", "en"):
        path = fresh_example / "locales" / locale / "LC_MESSAGES" / "profiles.po"
        entries = [e for e in read_catalog(path) if not e.obsolete]
        assert entries and all(e.fuzzy and e.msgstr.startswith("[") for e in entries)
        assert all(e.tcomment == "machine pre-fill: pseudo, 2024-03-18" for e in entries)
        for entry in entries:  # markup and links survive
            assert re.findall(r"\]\([^)]*\)|\*\*", entry.msgstr) == re.findall(r"\]\([^)]*\)|\*\*", entry.msgid)
        if shutil.which("msgfmt"):
            subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    first = {p: p.read_bytes() for p in fresh_example.rglob("*.po")}
    assert run_cli(fresh_example, "prefill", "-e", "pseudo") == 0
    assert "(unchanged)" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in fresh_example.rglob("*.po")} == first
    assert run_cli(fresh_example, "compile", "--statistics") == 0
    assert " 0 translated, " in capsys.readouterr().out  # machine drafts never count as translated


def test_pseudo_drafts_render_marked_only_with_use_fuzzy(fresh_example: Path) -> None:
    with open(fresh_example / "pyproject.toml", "a", encoding="utf-8") as handle:  # [tool.i18nprofiles] is last
        handle.write("publish_threshold = 0\n")  # publish the machine-only locales too, to compare them
    assert run_cli(fresh_example, "prefill", "-e", "pseudo") == 0
    assert run_cli(fresh_example, "render", "-o", str(fresh_example / "reviewed")) == 0
    assert run_cli(fresh_example, "render", "--use-fuzzy", "-o", str(fresh_example / "drafts")) == 0
    reviewed = (fresh_example / "reviewed" / "es" / "constant-piscart" / "index.html").read_text(encoding="utf-8")
    drafts = (fresh_example / "drafts" / "es" / "constant-piscart" / "index.html").read_text(encoding="utf-8")
    assert "Çööŕđîñåţéûŕ" not in reviewed and 'data-translation="unreviewed"' not in reviewed
    assert re.search(r'data-translation="unreviewed"[^>]*>[^<]*\[Çööŕđîñåţéûŕ', drafts)


def test_memory_engine_exact_and_near_matches(fresh_example: Path, tmp_path: Path) -> None:
    compendium = tmp_path / "compendium.po"
    compendium.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Commerce équitable"\nmsgstr "Comercio justo"\n\n'
        'msgid "Coordinateur pays et représentant légal d’Autre Terre en Bolivie"\n'
        'msgstr "Coordinador país y representante legal de Autre Terre en Bolivia"\n\n'
        '#, fuzzy\nmsgid "Agroécologie"\nmsgstr "Agroecología"\n',
        encoding="utf-8",
    )
    assert run_cli(fresh_example, "prefill", "-e", "memory", "--memory", str(compendium), "-l", "es") == 0
    catalog = read_catalog(fresh_example / "locales" / "es" / "LC_MESSAGES" / "profiles.po")
    found = {e.msgid: e for e in catalog if e.msgstr}
    assert found["Commerce équitable"].msgstr == "Comercio justo"
    assert found["Commerce équitable"].tcomment == "machine pre-fill: memory (exact match), 2024-03-18"
    near = found["Coordinateur pays et représentant légal d’Autre Terre au Pérou"]
    assert near.msgstr.startswith("Coordinador país") and near.fuzzy
    assert re.fullmatch(r"machine pre-fill: memory \(\d\d% similar\), 2024-03-18", near.tcomment)
    assert "Agroécologie" not in found  # a fuzzy memory entry is no memory
    assert all(e.msgstr == "" for e in read_catalog(fresh_example / "locales" / "en" / "LC_MESSAGES" / "profiles.po"))


@pytest.mark.parametrize(
    ("setting", "message"),
    [("prefill_timeout = 0", "'prefill_timeout' must be a positive number"),
     ('prefill_rate = "fast"', "'prefill_rate' must be a positive number"),
     ("prefill_retries = -1", "'prefill_retries' must be a whole number"),
     ("engine_url = 5000", "engine URL must be an http or https address")],
)
def test_bad_settings_are_errors(fresh_example: Path, setting: str, message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    if not setting.startswith("engine_url"):
        setting += '\nengine_url = "http://127.0.0.1:9/"'  # should a check fail, nothing leaves the machine
    with (fresh_example / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(setting + "\n")
    capsys.readouterr()
    assert run_cli(fresh_example, "prefill", "-e", "libre") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_request_failures_are_classified_by_cause() -> None:
    import requests

    from i18nprofiles.mt.engines import EngineStopped, NoTranslation, RetryableError

    engine = build_engine("libre", load_config(ROOT), url="http://127.0.0.1:9/x", environ={})
    assert isinstance(engine, RemoteEngine)
    cases = [
        (requests.ConnectionError("?api_key=k"), None, RetryableError, "cannot connect to http://127.0.0.1:9"),
        (requests.ReadTimeout(), None, RetryableError, "no answer within 30 s"),
        (RuntimeError(), 503, RetryableError, "HTTP 503"),
        (RuntimeError(), 456, EngineStopped, "HTTP 456"),
        (RuntimeError(), 401, EngineStopped, "HTTP 401"),
        (RuntimeError(), 404, NoTranslation, "HTTP 404"),
        (ValueError("Expecting value"), 200, NoTranslation, "not valid JSON"),
        (AttributeError(), 200, NoTranslation, "no translation"),
    ]
    for error, status, kind, message in cases:
        found = engine._classify(error, status)
        assert type(found) is kind and message in str(found), (error, status)


def test_reviewed_example_keeps_every_human_byte(example: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the shipped, fully reviewed catalogues only a new, empty entry is filled."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")
    po = example / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    result = cli("prefill", "-e", "pseudo", cwd=example)
    assert result.code == 0 and "0 of 0 empty entries filled, 0 left empty (unchanged)" in result.out
    profile = example / "examples" / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8") + "\nUn paragraphe **nouveau**.\n", encoding="utf-8")
    assert cli("extract", cwd=example).code == 0 and cli("update", cwd=example).code == 0
    before = po.read_text(encoding="utf-8").split("\n\n")
    result = cli("prefill", "-e", "pseudo", "-l", "es", cwd=example)
    assert result.code == 0 and "1 of 1 empty entries filled" in result.out
    after = po.read_text(encoding="utf-8").split("\n\n")
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(before) == len(after) and len(changed) == 1
    old, new = changed[0]
    assert new.startswith("# machine pre-fill: pseudo, 2024-03-18\n") and "#, fuzzy\n" in new
    assert 'msgid "Un paragraphe **nouveau**."\nmsgstr ""' in old
    entry = next(e for e in read_catalog(po) if e.msgid == "Un paragraphe **nouveau**.")
    assert entry.fuzzy and entry.msgstr == "[Ûñ ƥåŕåĝŕåƥĥé **ñöûvéåû**. ·······]"
