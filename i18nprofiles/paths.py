"""Where a project's templates and catalogues live: (domain, locale) → path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ConfigError

PROFILES_DOMAIN = "profiles"  # the content of the profiles
MESSAGES_DOMAIN = "messages"  # the UI strings of the templates


def template_path(config: Config, domain: str = PROFILES_DOMAIN) -> Path:
    """``locales/<domain>.pot``."""
    return config.locales_dir / f"{domain}.pot"


def catalog_path(config: Config, locale: str, domain: str = PROFILES_DOMAIN, directory: Path | None = None) -> Path:
    """``locales/<ll>/LC_MESSAGES/<domain>.po``."""
    return (directory or config.locales_dir) / locale / "LC_MESSAGES" / f"{domain}.po"


def find_catalogs(directory: Path, domain: str = PROFILES_DOMAIN) -> dict[str, Path]:
    """The existing catalogues of a domain in a locales folder, by locale, sorted."""
    found = {}
    if directory.is_dir():
        for path in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
            found[path.parent.parent.name] = path
    return found


def select_catalogs(
    config: Config, folder: Path, domain: str, locales: Iterable[str], *, create_missing: bool = False
) -> dict[str, Path]:
    """The catalogues a command works on, by locale: those asked for, or all that exist.

    With ``create_missing``, the configured target locales that have no
    catalogue yet are included too (with the path they will have).
    """
    existing = find_catalogs(folder, domain)
    wanted = [normalize_locale(loc) for loc in ([locales] if isinstance(locales, str) else locales)]
    if create_missing:
        names = wanted or sorted({*existing, *config.target_locales})
        return {loc: existing.get(loc, catalog_path(config, loc, domain, folder)) for loc in names}
    missing = [loc for loc in wanted if loc not in existing]
    if missing:
        raise ConfigError(f"no catalogue for locale {missing[0]!r} (run init, or update --init-missing)", folder)
    return {loc: existing[loc] for loc in wanted} if wanted else existing
