"""i18nprofiles: translate people's profiles through gettext and publish them per locale.

The command line is a thin layer over these functions; none of them prints or exits.
Names are imported on first use, so that ``import i18nprofiles`` (and every
command) stays fast and loads Jinja2 or the translation engines only when needed.
"""

# The imports under TYPE_CHECKING re-export, for type checkers, the names loaded on first use:
# ruff: noqa: F401

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "i18nprofiles.catalog": ["generate_po", "read_catalog", "write_catalog"],
    "i18nprofiles.compile": ["CompileResult", "Statistics", "build_mo", "compile_catalogs", "count_entries"],
    "i18nprofiles.config": ["Config", "load_config"],
    "i18nprofiles.engines": ["Engine", "EngineStopped", "NoTranslation", "RetryableError", "build_engine"],
    "i18nprofiles.errors": [
        "CatalogError", "ConfigError", "EngineError", "I18nProfilesError", "LocaleError", "ProfileError",
        "TemplateError",
    ],
    "i18nprofiles.extract": ["ExtractResult", "build_template", "extract"],
    "i18nprofiles.merge": ["MergeReport", "UpdateResult", "init_catalog", "merge_catalog", "new_catalog",
                           "update_catalogs"],
    "i18nprofiles.model": ["Profile", "Segment"],
    "i18nprofiles.prefill": ["Failure", "LocaleReport", "PrefillResult", "prefill_catalogs"],
    "i18nprofiles.profiles": ["parse_profile", "read_profile", "read_profiles"],
    "i18nprofiles.render": ["BuildResult", "RenderResult", "build_project", "render_site"],
    "i18nprofiles.theme": ["extract_messages"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'i18nprofiles' has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from i18nprofiles.catalog import generate_po, read_catalog, write_catalog
    from i18nprofiles.compile import CompileResult, Statistics, build_mo, compile_catalogs, count_entries
    from i18nprofiles.config import Config, load_config
    from i18nprofiles.engines import Engine, EngineStopped, NoTranslation, RetryableError, build_engine
    from i18nprofiles.errors import (
        CatalogError, ConfigError, EngineError, I18nProfilesError, LocaleError, ProfileError, TemplateError,
    )
    from i18nprofiles.extract import ExtractResult, build_template, extract
    from i18nprofiles.merge import MergeReport, UpdateResult, init_catalog, merge_catalog, new_catalog, update_catalogs
    from i18nprofiles.model import Profile, Segment
    from i18nprofiles.prefill import Failure, LocaleReport, PrefillResult, prefill_catalogs
    from i18nprofiles.profiles import parse_profile, read_profile, read_profiles
    from i18nprofiles.render import BuildResult, RenderResult, build_project, render_site
    from i18nprofiles.theme import extract_messages
