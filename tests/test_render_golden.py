"""Golden files: the example's pages in fr, es and en, byte for byte.

Regenerate with ``I18NPROFILES_UPDATE_GOLDEN=1 pytest tests/test_render_golden.py``
and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from i18nprofiles.config import load_config
from i18nprofiles.commands.render import render_site
from test_render_helpers import FIXTURES, make_project, site_files

GOLDEN = FIXTURES / "golden"
UPDATE = os.environ.get("I18NPROFILES_UPDATE_GOLDEN") == "1"


def rendered(tmp_path: Path, use_fuzzy: bool) -> dict[str, bytes]:
    config = load_config(make_project(tmp_path))
    render_site(config, use_fuzzy=use_fuzzy)
    return {name: data for name, data in site_files(config.output_dir).items() if name.endswith((".html", ".xml"))}


@pytest.mark.parametrize("variant, use_fuzzy", [("reviewed", False), ("use-fuzzy", True)])
def test_pages_match_golden_files(tmp_path: Path, variant: str, use_fuzzy: bool) -> None:
    files = rendered(tmp_path, use_fuzzy)
    folder = GOLDEN / variant
    if UPDATE:
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    expected = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert sorted(files) == sorted(expected)
    for name, data in files.items():
        assert data.decode("utf-8") == expected[name].decode("utf-8"), name


def test_golden_covers_every_profile_in_every_locale() -> None:
    for locale in ("fr", "es", "en"):
        for slug in ("constant-piscart", "lucia-mamani", "maria-quispe"):
            assert (GOLDEN / "reviewed" / locale / slug / "index.html").is_file()
