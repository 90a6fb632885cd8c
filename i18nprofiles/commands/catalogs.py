"""Reading and writing catalogues for the commands: through the store, dates aside."""

from __future__ import annotations

from pathlib import Path

import polib

from i18nprofiles.config import Config
from i18nprofiles.files import remove_leftovers
from i18nprofiles.gettext.control import check_translations
from i18nprofiles.gettext.pofile import parse_catalog, same_but_date
from i18nprofiles.store import Input, Store


def stage_catalog(store: Store, path: Path, old: Input, data: bytes) -> bool:
    """Stage ``data`` as the new bytes of ``path`` unless the file (``old``) holds them, dates aside.

    Returns whether the file changes.
    """
    if old.data is not None and same_but_date(old.data, data):
        return False
    store.stage(path, data)
    return True


def parse_input(found: Input) -> polib.POFile:
    """The catalogue a file holds (it must exist); CatalogError for a control character in a translation."""
    assert found.data is not None
    catalog = parse_catalog(found.data, found.path)
    check_translations(catalog, found.path)
    return catalog


def remove_catalog_leftovers(config: Config, directory: Path | None = None) -> None:
    """Remove the temporary files that killed runs left beside the template and the catalogues."""
    folder = directory or config.locales_dir
    remove_leftovers(folder)
    if folder.is_dir():
        for messages in folder.glob("*/LC_MESSAGES"):
            remove_leftovers(messages)
