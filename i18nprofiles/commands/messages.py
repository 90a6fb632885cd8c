"""``extract -D messages``: the UI strings of the templates → ``locales/messages.pot``."""

from __future__ import annotations

from pathlib import Path

from i18nprofiles.commands.extract import ExtractResult
from i18nprofiles.config import Config
from i18nprofiles.gettext.pofile import build_date, format_po_date, write_catalog
from i18nprofiles.paths import MESSAGES_DOMAIN, template_path
from i18nprofiles.site.theme import build_messages_template, template_files


def extract_messages(config: Config, *, output: str | Path | None = None, width: int | None = None) -> ExtractResult:
    """Extract the templates' UI strings into ``locales/messages.pot`` (unchanged dates aside)."""
    path = Path(output) if output else template_path(config, MESSAGES_DOMAIN)
    template = build_messages_template(config, format_po_date(build_date()))
    written = write_catalog(path, template, width=config["width"] if width is None else width)
    return ExtractResult(path, written, len(template), sum(1 for _ in template_files(config)))
