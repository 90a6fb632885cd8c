"""Counts of translated, fuzzy and untranslated messages: those of ``msgfmt --statistics``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from gnu import CORPUS, needs_corpus, needs_gettext

from i18nprofiles.gettext.pofile import read_po_file
from i18nprofiles.gettext.stats import count_entries

MIXED = b'''msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
msgid "fuzzy flag, no translation"
msgstr ""

#, fuzzy
msgid "fuzzy"
msgstr "flou"

msgid "translated"
msgstr "traduit"

#, fuzzy
msgid "one file"
msgid_plural "%d files"
msgstr[0] ""
msgstr[1] ""

#~ msgid "gone"
#~ msgstr "parti"
'''


def gnu_statistics(path: Path) -> tuple[int, int, int]:
    run = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                         env={"LC_ALL": "C"}, timeout=60)
    counts = {kind: int(number) for number, kind in
              re.findall(r"(\d+) (translated|fuzzy|untranslated)", run.stderr)}
    return counts.get("translated", 0), counts.get("fuzzy", 0), counts.get("untranslated", 0)


def our_statistics(path: Path) -> tuple[int, int, int]:
    counts = count_entries(read_po_file(path, compile_checks=False))
    return counts.translated, counts.fuzzy, counts.untranslated


@needs_gettext
def test_a_fuzzy_flag_on_an_empty_translation_counts_as_untranslated(tmp_path: Path) -> None:
    path = tmp_path / "mixed.po"
    path.write_bytes(MIXED)
    assert our_statistics(path) == gnu_statistics(path) == (1, 1, 2)


@needs_gettext
@needs_corpus
@pytest.mark.parametrize("path", [p for p in CORPUS if p.suffix == ".po"], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_counts_are_msgfmts_on_real_catalogues(path: Path) -> None:
    assert our_statistics(path) == gnu_statistics(path)
