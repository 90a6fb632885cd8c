"""i18nprofiles: translate people's profiles through gettext and publish them per locale.

The command line is a thin layer over these functions; none of them prints or exits.
"""

from i18nprofiles.catalog import generate_po, read_catalog, write_catalog
from i18nprofiles.compile import CompileResult, Statistics, build_mo, compile_catalogs, count_entries
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
from i18nprofiles.extract import ExtractResult, build_template, extract
from i18nprofiles.merge import MergeReport, UpdateResult, init_catalog, merge_catalog, new_catalog, update_catalogs
from i18nprofiles.model import Profile, Segment
from i18nprofiles.profiles import parse_profile, read_profile, read_profiles

__all__ = [
    "CatalogError", "CompileResult", "Config", "ConfigError", "EngineError", "ExtractResult", "I18nProfilesError",
    "LocaleError", "MergeReport", "Profile", "ProfileError", "Segment", "Statistics", "TemplateError",
    "UpdateResult", "build_mo", "build_template", "compile_catalogs", "count_entries", "extract", "generate_po",
    "init_catalog", "load_config", "merge_catalog", "new_catalog", "parse_profile", "read_catalog", "read_profile",
    "read_profiles", "update_catalogs", "write_catalog",
]
