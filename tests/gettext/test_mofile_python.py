"""``build_mo`` on the real catalogues (UTF-8, and converted to ISO-8859-1/-15 and KOI8-R) against
``msgfmt``: every lookup through Python's ``gettext`` gives the same result, and the bytes are the same."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from po_corpus import (
    LEGACY_CHARSETS,
    convert_catalog,
    corpus_files,
    corpus_id,
    language_of,
    lookups,
    needs_msgfmt,
    python_results,
    read_po,
    run_msgfmt,
)

from i18nprofiles.gettext.messages import compiled_entries
from i18nprofiles.gettext.mofile import build_mo

pytestmark = [needs_msgfmt, pytest.mark.skipif(not corpus_files(), reason="../shared/realworld-po/ is not there")]
CASES = [(path, charset) for path in corpus_files() for charset in ("UTF-8", LEGACY_CHARSETS[language_of(path)])]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[Path, str], Path]:
    """Each catalogue in each charset of CASES, made once."""
    folder = tmp_path_factory.mktemp("converted")
    return {(path, charset): path if charset == "UTF-8" else convert_catalog(path, charset, folder)
            for path, charset in CASES}


@pytest.mark.parametrize(("path", "charset"), CASES, ids=[f"{corpus_id(p)}-{c}" for p, c in CASES])
def test_every_lookup_equals_msgfmt(path: Path, charset: str, converted: dict, tmp_path: Path) -> None:
    po = converted[(path, charset)]
    assert f"charset={charset}" in po.read_text(encoding="latin-1")
    result = run_msgfmt(po, tmp_path / "msgfmt.mo")
    assert result.returncode == 0, result.stderr
    theirs = (tmp_path / "msgfmt.mo").read_bytes()
    catalog = read_po(po)
    ours = build_mo(catalog)

    asked = lookups(catalog)
    expected = python_results(theirs, asked)
    assert python_results(ours, asked) == expected
    translated = sum(1 for (context, msgid, _, _), got in zip(asked, expected) if got != msgid)
    assert len(asked) > 300 and translated > len(asked) // 2  # the comparison is not between two empty files
    for data in (ours, theirs):
        info = gettext.GNUTranslations(io.BytesIO(data))
        assert info.charset().upper() == charset
    assert gettext.GNUTranslations(io.BytesIO(ours)).info() == gettext.GNUTranslations(io.BytesIO(theirs)).info()
    assert ours == theirs  # msgfmt's very layout: hash table, system-dependent strings, charset


@pytest.mark.parametrize(("path", "charset"), CASES[:: 2], ids=[f"{corpus_id(p)}-{c}" for p, c in CASES[:: 2]])
def test_use_fuzzy_equals_msgfmt_f(path: Path, charset: str, tmp_path: Path) -> None:
    """With fuzzy entries, every lookup but the header equals ``msgfmt -f``'s; the header says X-Use-Fuzzy."""
    assert run_msgfmt(path, tmp_path / "msgfmt.mo", "-f").returncode == 0
    catalog = read_po(path)
    ours = build_mo(catalog, use_fuzzy=True)
    theirs = (tmp_path / "msgfmt.mo").read_bytes()
    asked = lookups(catalog)
    assert python_results(ours, asked) == python_results(theirs, asked)
    our_info = gettext.GNUTranslations(io.BytesIO(ours)).info()
    assert our_info.pop("x-use-fuzzy") == "yes"
    assert our_info == gettext.GNUTranslations(io.BytesIO(theirs)).info()
    fuzzy = [entry for entry in compiled_entries(catalog, True) if entry.fuzzy]
    without = gettext.GNUTranslations(io.BytesIO(build_mo(catalog)))
    with_fuzzy = gettext.GNUTranslations(io.BytesIO(ours))
    for entry in fuzzy:
        if not entry.msgid_plural and entry.msgctxt is None:
            assert without.gettext(entry.msgid) == entry.msgid
            assert with_fuzzy.gettext(entry.msgid) == entry.msgstr
