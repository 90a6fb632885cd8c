"""Randomized differential test: incremental builds give the bytes of builds from scratch, edit after edit.

A project is edited at random (profile text, new and removed profiles,
front matter, translations, hand edits of catalogues with old times,
templates, photos, settings); after each edit it is built incrementally,
with its store (verify mode on), and a copy of it as it was before that
build is built from scratch with a ``NullStore``.  Every template,
catalogue, .mo and page must be the same bytes.  The seed is in the
failure message; ``I18NPROFILES_EDITS`` sets how many edits (default 200),
``I18NPROFILES_SEED`` the seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from conftest import copy_example, snapshot

from i18nprofiles.config import load_config
from i18nprofiles.pipeline import build_project
from i18nprofiles.store import Mismatch, NullStore, Store, open_store

WORDS = ("coopérative", "café", "récolte", "formation", "jeunes", "producteurs", "marché", "qualité", "semences",
         "eau", "terre", "famille", "village", "projet", "réseau", "femmes", "vallée", "saison", "prix", "avenir",
         "**bio**", "[site](https://example.org/coop)", "« équitable »", "2024", "18 %", "l’atelier")


def outputs(root: Path) -> dict[str, bytes]:
    found = {f"locales/{k}": v for k, v in snapshot(root / "locales").items()}
    if (root / "site").is_dir():
        found.update((f"site/{k}", v) for k, v in snapshot(root / "site").items())
    return found


def build(root: Path, store: Store) -> None:
    build_project(load_config(root), store=store, workers=1)
    store.commit()


def phrase(rng: random.Random, size: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(size)).capitalize() + "."


def profiles(root: Path) -> list[Path]:
    return sorted((root / "examples" / "profiles").glob("*.md"))


def catalogues(root: Path) -> list[Path]:
    return sorted((root / "locales").glob("*/LC_MESSAGES/profiles.po"))


# -- edits: each changes the project and says what it did --------------------------------------


def edit_paragraph(root: Path, rng: random.Random) -> str:
    path = rng.choice(profiles(root))
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines.index("---", 1) + 1
    prose = [i for i in range(body, len(lines)) if len(lines[i].split()) > 3 and not lines[i].startswith(("|", "#"))]
    if not prose:
        return "no prose"
    i = rng.choice(prose)
    words = lines[i].split(" ")
    words.insert(rng.randrange(len(words) + 1), rng.choice(WORDS))
    lines[i] = " ".join(words)
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"paragraph of {path.name}"


def profile_hand_edit(root: Path, rng: random.Random) -> str:
    """Three letters of a profile turned round, the file the same size, its old modification time put back."""
    path = rng.choice(profiles(root))
    before = path.stat()
    data = path.read_bytes()
    spots = [m.start() for m in re.finditer(rb"[a-z]{3}", data)]
    at = rng.choice(spots)
    path.write_bytes(data[:at] + data[at:at + 3][::-1] + data[at + 3:])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return f"hand edit of {path.name} with its old time"


def new_paragraph(root: Path, rng: random.Random) -> str:
    path = rng.choice(profiles(root))
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + phrase(rng, rng.randint(4, 30)) + "\n",
                    encoding="utf-8")
    return f"new paragraph in {path.name}"


def new_profile(root: Path, rng: random.Random) -> str:
    source = rng.choice(profiles(root))
    slug = f"profil-{rng.randrange(10**6)}"
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", f"name: {phrase(rng, 2)[:-1]}", text, count=1, flags=re.M)
    text = re.sub(r"^photo: .*$\n", "", text, flags=re.M)
    (source.parent / f"{slug}.md").write_text(text.rstrip("\n") + "\n\n" + phrase(rng, 12) + "\n", encoding="utf-8")
    return f"new profile {slug} from {source.name}"


def remove_profile(root: Path, rng: random.Random) -> str:
    found = profiles(root)
    if len(found) < 2:
        return "kept the last profile"
    path = rng.choice(found)
    path.unlink()
    return f"removed {path.name}"


def front_matter(root: Path, rng: random.Random) -> str:
    path = rng.choice(profiles(root))
    text = path.read_text(encoding="utf-8")
    key = rng.choice(["headline", "location", "updated", "tags"])
    if key == "updated":
        text = re.sub(r"^updated: .*$", f"updated: 20{rng.randint(20, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                      text, count=1, flags=re.M)
    elif key == "tags" and "tags:\n" in text:
        text = text.replace("tags:\n", f"tags:\n  - {rng.choice(WORDS).strip('*[]«» ')}\n", 1)
    else:
        text = re.sub(rf"^{key}: .*$", f"{key}: {phrase(rng, 5)[:-1]}", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return f"{key} of {path.name}"


def translate(root: Path, rng: random.Random) -> str:
    found = catalogues(root)
    if not found:
        return "no catalogue"
    path = rng.choice(found)
    catalog = polib.pofile(str(path), wrapwidth=76)
    entries = [e for e in catalog if not e.obsolete and not e.msgid_plural]
    entry = rng.choice(entries)
    action = rng.choice(["translate", "clear", "fuzzy", "review"])
    if action == "translate":
        entry.msgstr = phrase(rng, rng.randint(1, 12)) + ("\n" if entry.msgid.endswith("\n") else "")
    elif action == "clear":
        entry.msgstr = ""
    elif action == "fuzzy" and "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    elif "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    catalog.save(str(path))  # polib's layout: the file is no longer the one the store wrote
    return f"{action} an entry of {path.parent.parent.name} (saved by polib)"


def hand_edit(root: Path, rng: random.Random) -> str:
    found = catalogues(root)
    if not found:
        return "no catalogue"
    path = rng.choice(found)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    spots = [m.start() for m in re.finditer(r'^msgstr "[^"\n]{3,}', text, flags=re.M)]
    if not spots:
        return "nothing to edit"
    at = rng.choice(spots) + len('msgstr "')
    text = text[:at] + text[at:at + 3][::-1] + text[at + 3:]  # the same size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns - rng.randint(1, 10**12)))
    return f"hand edit of {path.parent.parent.name} with an old time"


def template_change(root: Path, rng: random.Random) -> str:
    theme = root / "theme"
    choice = rng.choice(["profile", "css", "remove"])
    if choice == "profile":
        (theme / "profile.html").write_text(
            '{% extends "base.html" %}{% block main %}<p>' + phrase(rng, 3) + '</p><p>{{ site.profiles|length }}'
            '</p>{{ profile.body }}{% endblock %}\n', encoding="utf-8")
    elif choice == "css":
        (theme / "static").mkdir(exist_ok=True)
        (theme / "static" / "style.css").write_text(f"body {{ margin: {rng.randint(0, 9)}px }}\n", encoding="utf-8")
    else:
        for path in [theme / "profile.html", theme / "static" / "style.css"]:
            path.unlink(missing_ok=True)
    return f"template: {choice}"


def photo_change(root: Path, rng: random.Random) -> str:
    path = rng.choice(sorted((root / "examples" / "profiles").glob("*.svg")))
    path.write_text(path.read_text(encoding="utf-8").replace("</svg>", f"<!-- {rng.randrange(1000)} --></svg>"),
                    encoding="utf-8")
    return f"photo {path.name}"


def setting_change(root: Path, rng: random.Random) -> str:
    path = root / "i18nprofiles.toml"
    text = re.sub(r"^use_fuzzy = .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    fuzzy = rng.choice([True, False])
    path.write_text(text + f"use_fuzzy = {'true' if fuzzy else 'false'}\n", encoding="utf-8")
    return f"use_fuzzy = {fuzzy}"


EDITS: list[tuple[Callable[[Path, random.Random], str], int]] = [
    (edit_paragraph, 6), (profile_hand_edit, 2), (new_paragraph, 3), (new_profile, 2), (remove_profile, 1), (front_matter, 3),
    (translate, 4), (hand_edit, 3), (template_change, 1), (photo_change, 1), (setting_change, 1),
]


def test_incremental_builds_give_the_bytes_of_builds_from_scratch(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")
    monkeypatch.setenv("I18NPROFILES_VERIFY", "1")
    # A profile unchanged for 0.1 s before a build is settled: read_profiles trusts its signature (verify mode
    # checks it), so the edits here go through that path and not only through files just written.
    monkeypatch.setattr("i18nprofiles.store.SETTLED_NS", 100_000_000)
    seed = int(os.environ.get("I18NPROFILES_SEED", random.randrange(2**32)))
    count = int(os.environ.get("I18NPROFILES_EDITS", "200"))
    rng = random.Random(seed)
    root = copy_example(tmp_path / "project")
    (root / "theme").mkdir()
    config = root / "i18nprofiles.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'templates_dir = "theme"\n', encoding="utf-8")
    build(root, open_store(root / ".i18nprofiles-cache"))
    done = []
    functions, weights = zip(*EDITS)
    for step in range(count):
        done.append(rng.choices(functions, weights)[0](root, rng))
        scratch = tmp_path / "scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".i18nprofiles-cache", "site", "*.mo"))
        for mo in root.rglob("*.mo"):
            target = scratch / mo.relative_to(root)
            shutil.copy2(mo, target)  # the scratch build starts from the same .mo files, without any record
        context = f"seed {seed}, edit {step + 1}: {done[-1]} (after {done[-6:-1]})"
        try:
            build(root, open_store(root / ".i18nprofiles-cache"))
        except Mismatch as exc:
            pytest.fail(f"{context}: {exc}")
        except Exception as exc:  # noqa: BLE001 - the scratch build must fail the same way
            with pytest.raises(type(exc)):
                build(scratch, NullStore())
            continue
        build(scratch, NullStore())
        mine, reference = outputs(root), outputs(scratch)
        assert mine.keys() == reference.keys(), context
        differing = [name for name in mine if mine[name] != reference[name]]
        assert differing == [], context


def test_record_digests_made_together_are_each_record_s_own(tmp_path: Path) -> None:
    """``record_digests`` makes what records share once (a profile's part, the index's summaries): the
    same digests as each record alone; a profile's change reaches its pages and the indexes, no other page."""
    from conftest import copy_example

    from i18nprofiles.commands.profiles import read_profiles
    from i18nprofiles.config import load_config
    from i18nprofiles.site.pages import (
        SiteInputs,
        plan_pages,
        plan_site,
        record_digest,
        record_digests,
    )
    from i18nprofiles.store import NullStore

    root = copy_example(tmp_path / "project")
    config = load_config(root)

    def digests() -> dict[str, str]:
        profiles = read_profiles(config, store=NullStore())
        records = plan_pages(plan_site(SiteInputs(config, profiles, {}, False), list(config.locales)))
        found = record_digests(records)
        assert found == {name: record_digest(record) for name, record in records.items()}
        return found

    before = digests()
    profile = next((root / "examples").rglob("maria-quispe.md"))
    text = profile.read_text(encoding="utf-8")
    headline = next(line for line in text.splitlines() if line.startswith("headline:"))
    profile.write_text(text.replace(headline, headline + " (new)"), encoding="utf-8")
    after = digests()
    changed = sorted(name for name in before if before[name] != after[name])
    slug = next(name.split("/")[1] for name in changed if name.endswith("/index.html") and name.count("/") == 2)
    assert changed == sorted([*(f"{lang}/index.html" for lang in ("fr", "es", "en")),
                              *(f"{lang}/{slug}/index.html" for lang in ("fr", "es", "en"))]), changed
