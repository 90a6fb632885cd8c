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
    "i18nprofiles.commands.check": ["check_project"],
    "i18nprofiles.commands.compile": ["CompileResult", "compile_catalogs"],
    "i18nprofiles.commands.extract": ["ExtractResult", "extract"],
    "i18nprofiles.commands.messages": ["extract_messages"],
    "i18nprofiles.commands.prefill": ["Failure", "LocaleReport", "PrefillResult", "prefill_catalogs"],
    "i18nprofiles.commands.profiles": ["read_profile", "read_profiles"],
    "i18nprofiles.commands.render": ["RenderResult", "render_site"],
    "i18nprofiles.commands.update": ["UpdateResult", "init_catalog", "update_catalogs"],
    "i18nprofiles.config": ["Config", "load_config"],
    "i18nprofiles.errors": [
        "CatalogError", "ConfigError", "EngineError", "I18nProfilesError", "LocaleError", "ProfileError",
        "TemplateError",
    ],
    "i18nprofiles.gettext.merge": ["MergeReport", "merge_catalog", "new_catalog"],
    "i18nprofiles.gettext.mofile": ["build_mo"],
    "i18nprofiles.gettext.pofile": ["generate_po", "read_catalog", "write_catalog"],
    "i18nprofiles.gettext.stats": ["Statistics", "count_entries"],
    "i18nprofiles.mt.engines": ["Engine", "EngineStopped", "NoTranslation", "RetryableError", "build_engine"],
    "i18nprofiles.pipeline": ["BuildResult", "build_project"],
    "i18nprofiles.source.model": ["Profile", "Segment"],
    "i18nprofiles.source.parse": ["parse_profile"],
    "i18nprofiles.source.template": ["build_template"],
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
    from i18nprofiles.commands.check import check_project
    from i18nprofiles.commands.compile import CompileResult, compile_catalogs
    from i18nprofiles.commands.extract import ExtractResult, extract
    from i18nprofiles.commands.messages import extract_messages
    from i18nprofiles.commands.prefill import (
        Failure,
        LocaleReport,
        PrefillResult,
        prefill_catalogs,
    )
    from i18nprofiles.commands.profiles import read_profile, read_profiles
    from i18nprofiles.commands.render import RenderResult, render_site
    from i18nprofiles.commands.update import UpdateResult, init_catalog, update_catalogs
    from i18nprofiles.config import Config, load_config
    from i18nprofiles.errors import (
        CatalogError,
        ConfigError,
        EngineError,
        I18nProfilesError,
        LocaleError,
        ProfileError,
        TemplateError,
    )
    from i18nprofiles.gettext.merge import MergeReport, merge_catalog, new_catalog
    from i18nprofiles.gettext.mofile import build_mo
    from i18nprofiles.gettext.pofile import generate_po, read_catalog, write_catalog
    from i18nprofiles.gettext.stats import Statistics, count_entries
    from i18nprofiles.mt.engines import (
        Engine,
        EngineStopped,
        NoTranslation,
        RetryableError,
        build_engine,
    )
    from i18nprofiles.pipeline import BuildResult, build_project
    from i18nprofiles.source.model import Profile, Segment
    from i18nprofiles.source.parse import parse_profile
    from i18nprofiles.source.template import build_template
