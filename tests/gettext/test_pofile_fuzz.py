"""Differential fuzzing against GNU msgfmt and msgcat (see ``fuzzing``).

The default run is CI-sized; set I18NPROFILES_FUZZ_COUNT (and
I18NPROFILES_FUZZ_SEED) for a longer one.  A failure names the seed and the
mutant, and ``python tests/gettext/fuzzing.py SEED COUNT FOLDER`` makes the
same files again in FOLDER.
"""

from __future__ import annotations

import os

from fuzzing import run_fuzz
from gnu import CORPUS, converted_corpus, needs_corpus, needs_gettext

COUNT = int(os.environ.get("I18NPROFILES_FUZZ_COUNT", "2000"))
SEED = int(os.environ.get("I18NPROFILES_FUZZ_SEED", "20240318"))


@needs_gettext
@needs_corpus
def test_reader_agrees_with_msgfmt_and_writer_with_msgcat(tmp_path):
    """Mutants of the corpus and of its Latin-1, CP1252 and KOI8-R versions."""
    charsets = tmp_path / "charsets"
    charsets.mkdir()
    sources = [path for path in CORPUS if path.suffix in (".po", ".pot")] + converted_corpus(charsets)
    mutants = tmp_path / "mutants"
    mutants.mkdir()
    report = run_fuzz(SEED, COUNT, mutants, sources)
    print(report.summary())
    assert not report.failures, f"{report.summary()}\n" + "\n".join(report.failures[:20])
    assert report.both_accept > COUNT // 5 and report.both_reject > COUNT // 5  # the mutants test both sides
    assert report.mo_compared == report.both_accept
    assert sum(report.documented.values()) < COUNT // 50
    assert report.same_line > report.both_reject * 0.8
