"""Spliced extract and update give the bytes of a whole extract and merge, edit after edit.

Project ``spliced`` keeps its cache (extract and update copy unchanged
entries from the files they wrote last); a copy of it without the cache
(``whole``) makes every file from scratch.  After each edit both must hold
the same template and catalogues, byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from conftest import needs_gettext
from i18nprofiles.catalog import read_catalog
from i18nprofiles.changes import diff_catalogs, entry_content
from i18nprofiles.config import load_config
from i18nprofiles.extract import extract
from i18nprofiles.merge import UpdateResult, update_catalogs

WORDS = ("coopérative familles café vallée récolte marché équitable école village eau potable quinoa "
         "santé enfants laine alpaga tisserandes projet région montagne rivière semences jardin "
         "bibliothèque radio communautaire femmes artisanes fromage lait troupeau").split()
LOCATIONS = ["Puno", "Cusco", "Lima"]


def paragraph(seed: int, size: int = 24) -> str:
    """A deterministic French-looking paragraph, different for each seed."""
    words = [WORDS[(seed * 7 + i * (seed % 5 + 3)) % len(WORDS)] for i in range(size)]
    return f"Texte {seed} : " + " ".join(words).capitalize() + "."


def write(root: Path, name: str, seed: int, paragraphs: list[str] | None = None, location: str | None = None) -> None:
    body = "\n\n".join(paragraphs if paragraphs is not None else [paragraph(seed * 10 + i) for i in range(3)])
    place = location or LOCATIONS[seed % len(LOCATIONS)]
    text = f"---\nname: Person {seed}\nheadline: Titre {seed}\nlocation: {place}\n---\n{body}\n"
    (root / "profiles" / f"{name}.md").write_text(text, encoding="utf-8")


def body(root: Path, name: str) -> list[str]:
    text = (root / "profiles" / f"{name}.md").read_text(encoding="utf-8")
    return text.split("---\n", 2)[2].strip().split("\n\n")


def pseudo_translate(po: Path, locale: str) -> None:
    """Translate most entries; leave some empty and make one fuzzy, as translators do."""
    catalog = polib.pofile(str(po))
    for entry in catalog:
        if entry.msgid in ("Titre 2", "Titre 5") or entry.msgid.startswith("Texte 12 "):
            continue
        entry.msgstr = f"[{locale}] {entry.msgid}"
        if entry.msgid.startswith("Texte 41 "):
            entry.flags.append("fuzzy")
    catalog.save()


@pytest.fixture
def spliced(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path / "spliced"
    (root / "profiles").mkdir(parents=True)
    (root / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es", "en"]\n')
    for seed in range(8):
        write(root, f"p{seed}", seed)
    config = load_config(root)
    extract(config)
    update_catalogs(config, init_missing=True)
    for locale in ("es", "en"):
        pseudo_translate(root / f"locales/{locale}/LC_MESSAGES/profiles.po", locale)
    update_catalogs(config)  # our own layout, and the memo
    return root


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def build_both(spliced: Path, tmp_path: Path, edit: Callable[[Path], None]) -> tuple[list[UpdateResult], Path]:
    """Apply ``edit`` to the spliced project and to a copy without cache; extract and update both."""
    whole = tmp_path / "whole"
    shutil.rmtree(whole, ignore_errors=True)
    shutil.copytree(spliced, whole, ignore=shutil.ignore_patterns(".i18nprofiles-cache"))
    results = []
    for root in (spliced, whole):
        edit(root)
        config = load_config(root)
        extract(config)
        results.append(update_catalogs(config))
    assert files(spliced) == files(whole)
    return results[0], whole


def refuse_whole_merge(monkeypatch) -> None:
    """Make the whole merge fail, to show that a step was spliced."""
    import i18nprofiles.merge as merge

    def fail(*args, **kwargs):
        raise AssertionError("merge_catalog ran: the update was not spliced")

    monkeypatch.setattr(merge, "merge_catalog", fail)


def edit_words(root: Path) -> None:
    paragraphs = body(root, "p3")
    paragraphs[1] = paragraphs[1].replace(".", " et la laine des alpagas.", 1)
    write(root, "p3", 3, paragraphs)


def drop_paragraph(root: Path) -> None:
    write(root, "p4", 4, body(root, "p4")[:2])


def move_location(root: Path) -> None:
    write(root, "p5", 5, body(root, "p5"), location="Puno")  # a place other profiles name too


def swap_paragraphs(root: Path) -> None:
    paragraphs = body(root, "p6")
    write(root, "p6", 6, [paragraphs[2], paragraphs[0], paragraphs[1]])


def remove_profile(root: Path) -> None:
    (root / "profiles" / "p7.md").unlink()


SPLICED_EDITS = [edit_words, drop_paragraph, move_location, swap_paragraphs, remove_profile]


@pytest.mark.parametrize("edit", SPLICED_EDITS, ids=lambda e: e.__name__)
def test_a_spliced_update_writes_what_a_whole_merge_writes(spliced: Path, tmp_path: Path, edit, monkeypatch) -> None:
    before = {locale: read_catalog(spliced / f"locales/{locale}/LC_MESSAGES/profiles.po") for locale in ("en", "es")}
    refuse_whole_merge(monkeypatch)
    whole = tmp_path / "whole"
    shutil.copytree(spliced, whole, ignore=shutil.ignore_patterns(".i18nprofiles-cache"))
    edit(spliced)
    config = load_config(spliced)
    extract(config)
    results = update_catalogs(config, describe=True)
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    edit(whole)
    extract(load_config(whole))
    expected = update_catalogs(load_config(whole))
    assert files(spliced) == files(whole)
    for result, other in zip(results, expected):
        assert result.written and result.change is not None
        assert [len(getattr(result.report, k)) for k in ("added", "fuzzy", "revived", "obsoleted", "removed")] == [
            len(getattr(other.report, k)) for k in ("added", "fuzzy", "revived", "obsoleted", "removed")]
        after = read_catalog(result.path)
        found = diff_catalogs(before[result.locale], after, result.path, None, "")
        assert result.change.entries.keys() == found.entries.keys()
        for key, (old, new) in result.change.entries.items():
            assert (old and entry_content(old)) == (found.entries[key][0] and entry_content(found.entries[key][0]))
            assert (new and entry_content(new)) == (found.entries[key][1] and entry_content(found.entries[key][1]))
        assert result.change.metadata[1] == dict(after.metadata)


def test_an_edited_paragraph_keeps_its_own_translation_as_fuzzy(spliced: Path, tmp_path: Path) -> None:
    old = body(spliced, "p3")[1]
    results, _ = build_both(spliced, tmp_path, edit_words)
    entry = next(e for e in read_catalog(results[1].path) if e.previous_msgid == old)
    assert entry.fuzzy and entry.msgstr == f"[es] {old}" and entry.msgid == body(spliced, "p3")[1]


def test_edits_in_a_row_stay_equal_to_whole_merges(spliced: Path, tmp_path: Path) -> None:
    dropped = body(spliced, "p4")[2]

    def restore(root: Path) -> None:  # the obsolete entry comes back to life
        write(root, "p4", 4, [*body(root, "p4"), dropped])

    def new_profile(root: Path) -> None:  # new texts: the whole catalogue is searched
        write(root, "p9", 90)

    def first_profile(root: Path) -> None:  # sorts first: the texts it shares move to the front
        write(root, "a0", 3, body(root, "p3"), location="Lima")

    def new_place(root: Path) -> None:
        write(root, "p2", 2, body(root, "p2"), location="Arequipa")

    def edit_untranslated(root: Path) -> None:  # its old version has no translation: the catalogue is searched
        write(root, "p1", 1, [body(root, "p1")[0], body(root, "p1")[1] + " Fin.", body(root, "p1")[2]])

    for edit in (edit_words, drop_paragraph, restore, move_location, new_profile, first_profile, new_place,
                 edit_untranslated, swap_paragraphs, remove_profile):
        build_both(spliced, tmp_path, edit)
        update_catalogs(load_config(spliced))  # a rerun changes nothing
    assert any(e.obsolete for e in read_catalog(spliced / "locales/es/LC_MESSAGES/profiles.po"))


def test_a_catalogue_edited_by_hand_is_merged_whole(spliced: Path, tmp_path: Path) -> None:
    po = spliced / "locales/es/LC_MESSAGES/profiles.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "[es] Titre 3"', 'msgstr "Título 3"'), encoding="utf-8")
    results, _ = build_both(spliced, tmp_path, edit_words)
    assert any(e.msgstr == "Título 3" for e in read_catalog(results[1].path))


def test_a_fuzzy_entry_whose_source_comes_back_gets_its_translation_back(spliced: Path, tmp_path: Path) -> None:
    original = body(spliced, "p3")
    build_both(spliced, tmp_path, edit_words)
    results, _ = build_both(spliced, tmp_path, lambda root: write(root, "p3", 3, original))
    entry = next(e for e in read_catalog(results[1].path) if e.msgid == original[1])
    assert not entry.fuzzy and entry.msgstr == f"[es] {original[1]}"


@needs_gettext
def test_spliced_catalogues_pass_msgfmt(spliced: Path, tmp_path: Path) -> None:
    import subprocess

    build_both(spliced, tmp_path, edit_words)
    for po in (spliced / "locales").rglob("*.po"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True)


def test_catalogues_spliced_in_worker_processes_are_the_same(spliced: Path, tmp_path: Path, monkeypatch) -> None:
    import i18nprofiles.merge as merge

    whole = tmp_path / "whole"
    shutil.copytree(spliced, whole, ignore=shutil.ignore_patterns(".i18nprofiles-cache"))
    for root in (spliced, whole):
        edit_words(root)
        extract(load_config(root))
    monkeypatch.setattr(merge, "PARALLEL_TEMPLATE_BYTES", 0)
    refuse_whole_merge(monkeypatch)  # forked workers inherit it
    results = update_catalogs(load_config(spliced), workers=2, describe=True)
    monkeypatch.undo()
    update_catalogs(load_config(whole))
    assert files(spliced) == files(whole)
    assert all(result.change is not None and result.change.entries for result in results)


def test_a_paragraph_quoting_a_reference_and_no_location_templates(spliced: Path, tmp_path: Path) -> None:
    def quote(root: Path) -> None:  # a text that looks like a reference only makes one more entry again
        write(root, "p2", 2, [*body(root, "p2"), "Voir profiles/p3.md: la fiche de la coopérative."])

    build_both(spliced, tmp_path, quote)
    build_both(spliced, tmp_path, edit_words)
    for root in (spliced, tmp_path / "whole"):
        extract(load_config(root), no_location=True)
        edit_words(root)
        extract(load_config(root), no_location=True)
    assert files(spliced) == files(tmp_path / "whole")


def test_extractions_in_a_row_before_an_update_are_spliced_together(spliced: Path, tmp_path: Path, monkeypatch) -> None:
    whole = tmp_path / "whole"
    shutil.copytree(spliced, whole, ignore=shutil.ignore_patterns(".i18nprofiles-cache"))
    for root in (spliced, whole):
        for edit in (edit_words, drop_paragraph, move_location):
            edit(root)
            extract(load_config(root))
    refuse_whole_merge(monkeypatch)
    results = update_catalogs(load_config(spliced))
    monkeypatch.undo()
    update_catalogs(load_config(whole))
    assert files(spliced) == files(whole) and all(result.written for result in results)


def test_files_left_alone_keep_a_layout_so_the_next_edit_splices(spliced: Path, monkeypatch) -> None:
    shutil.rmtree(spliced / ".i18nprofiles-cache")  # as after an upgrade: every layout is stale
    before = files(spliced)
    extract(load_config(spliced))
    update_catalogs(load_config(spliced))
    assert files(spliced) == before  # nothing to write but the cache
    edit_words(spliced)
    extract(load_config(spliced))
    refuse_whole_merge(monkeypatch)
    assert all(result.written for result in update_catalogs(load_config(spliced)))


def test_new_texts_search_the_whole_catalogue_without_merging_it_whole(spliced: Path, tmp_path: Path, monkeypatch) -> None:
    borrowed = body(spliced, "p2")[0]
    whole = tmp_path / "whole"
    shutil.copytree(spliced, whole, ignore=shutil.ignore_patterns(".i18nprofiles-cache"))

    def new_profile(root: Path) -> None:  # one text close to another profile's, one unlike any
        write(root, "p9", 9, [borrowed.replace(".", " et des alpagas.", 1), "Un texte sans aucun rapport, ni voisin."])

    for root in (spliced, whole):
        new_profile(root)
        extract(load_config(root))
    refuse_whole_merge(monkeypatch)
    results = update_catalogs(load_config(spliced))
    monkeypatch.undo()
    update_catalogs(load_config(whole))
    assert files(spliced) == files(whole)
    entry = next(e for e in read_catalog(results[1].path) if e.previous_msgid == borrowed)
    assert entry.fuzzy and entry.msgstr == f"[es] {borrowed}"
    assert any(e.msgid.startswith("Un texte sans") and not e.msgstr for e in read_catalog(results[1].path))


def test_changes_are_described_only_when_asked(spliced: Path) -> None:
    edit_words(spliced)
    extract(load_config(spliced))
    assert all(result.written and result.change is None for result in update_catalogs(load_config(spliced)))
