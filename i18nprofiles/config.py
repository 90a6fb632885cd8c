"""Project configuration: ``[tool.i18nprofiles]`` in pyproject.toml, or i18nprofiles.toml."""

from __future__ import annotations

import copy
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from i18nprofiles.errors import ConfigError, LocaleError

CONFIG_FILES = ("i18nprofiles.toml", "pyproject.toml")

# -- the schema: every setting, its default and what it must be ----------------------------


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_path(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != "" and "\0" not in value


def _is_optional_path(value: Any) -> bool:
    return value is None or _is_path(value)


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_percent(value: Any) -> bool:
    return _is_number(value) and 0 <= value <= 100


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if not value:
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c in value for c in "\0\n\r\t ")


def _is_text_table(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(key, str) and isinstance(item, str) for key, item in value.items())


def _is_fail_under(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_percent(item) for key, item in value.items())
    return value is None or _is_percent(value)


@dataclass(frozen=True)
class Setting:
    """One setting: its default, the test a value must pass, and what the test asks for."""

    default: Any
    valid: Callable[[Any], bool]
    expects: str


SCHEMA: dict[str, Setting] = {
    "project": Setting("", _is_text, "a string"),
    "source_locale": Setting("fr", _is_text, "a string"),
    "locales": Setting([], _is_texts, "a list of strings"),
    "profiles": Setting(["profiles/*.md", "profiles/*.yaml", "profiles/*.yml"], _is_texts, "a list of strings"),
    "locales_dir": Setting("locales", _is_path, "a folder name (a non-empty string)"),
    "output_dir": Setting("site", _is_path, "a folder name (a non-empty string)"),
    "site_url": Setting("", _is_http_url, "an http or https URL"),
    "templates_dir": Setting(None, _is_optional_path, "a folder name (a non-empty string)"),
    "translatable_fields": Setting([], _is_texts, "a list of strings"),
    "width": Setting(76, lambda v: _is_whole(v) and v >= 0, "a whole number (0: no wrapping)"),
    # update: how similar an old msgid must be to offer its translation (msgmerge's)
    "fuzzy_threshold": Setting(0.6, lambda v: _is_number(v) and 0 <= v < 1,
                               "a number from 0 up to (not including) 1"),
    # rendering
    # a string, or a table by locale ({fr = "…", es = "…"}); default: project
    "site_name": Setting("", lambda v: _is_text(v) or _is_text_table(v), "a string or a table of strings by locale"),
    # the same; the meta description of the indexes and the root
    "site_description": Setting("", lambda v: _is_text(v) or _is_text_table(v),
                                "a string or a table of strings by locale"),
    "favicon": Setting(None, _is_optional_path, "the path of an image file"),  # default: the theme's
    # "fit" (the whole photo, its own ratio) or "crop" (a centred square)
    "photo_fit": Setting("fit", lambda v: v in ("fit", "crop"), '"fit" or "crop"'),
    # percent: a locale less translated is not published
    "publish_threshold": Setting(50, _is_percent, "a percentage from 0 to 100"),
    "use_fuzzy": Setting(False, lambda v: isinstance(v, bool), "true or false (without quotes)"),
    # machine pre-fill
    "glossary": Setting(None, _is_optional_path, "a file name (a non-empty string)"),
    "cache_dir": Setting(".i18nprofiles-cache", _is_path, "a folder name (a non-empty string)"),
    "engine_url": Setting(None, lambda v: v is None or (_is_http_url(v) and v != ""), "an http or https address"),
    "prefill_timeout": Setting(30.0, lambda v: _is_number(v) and v > 0, "a positive number"),  # seconds per request
    # further tries on timeouts, 429 and 5xx
    "prefill_retries": Setting(4, lambda v: _is_whole(v) and v >= 0, "a whole number, 0 or more"),
    # seconds before the first retry, doubled each time
    "prefill_backoff": Setting(1.0, lambda v: _is_number(v) and v >= 0, "a number of seconds, 0 or more"),
    # requests per second, concurrent requests, characters per request (default: the engine's)
    "prefill_rate": Setting(None, lambda v: v is None or (_is_number(v) and v > 0), "a positive number"),
    "prefill_in_flight": Setting(None, lambda v: v is None or (_is_whole(v) and v > 0), "a positive number"),
    "prefill_max_chars": Setting(None, lambda v: v is None or (_is_whole(v) and v > 0), "a positive number"),
    # CI gate
    "fail_under": Setting(None, _is_fail_under, "a percentage from 0 to 100, or a table of them by locale"),
    "fail_on": Setting([], _is_texts, "a list of strings"),
    "fail_level": Setting("error", lambda v: v in ("error", "warning"), "\"error\" or \"warning\""),
    "skip": Setting([], _is_texts, "a list of strings"),
    # per message domain: {placeholders = {percent = "kept", …}, markup = "…", skip = […]} (validate_check_tables)
    "check": Setting({}, lambda v: isinstance(v, dict), "a table of domains ([tool.i18nprofiles.check.<domain>])"),
}

# Keys a project may set, with their defaults.  Every subsystem reads its
# options from here, so a typo in the configuration is an error, not a no-op.
DEFAULTS: dict[str, Any] = {key: setting.default for key, setting in SCHEMA.items()}

# The conventions a domain's table under [tool.i18nprofiles.check.<domain>] may set (docs/check.md).
PLACEHOLDER_KINDS = ("percent", "brace", "angle")  # %s %(name)s · {name} · <name>
PLACEHOLDER_MODES = ("kept", "translated", "off")  # kept as written · kept in number, names translated · prose
TRANSLATED_KINDS = ("angle",)  # the kinds whose names may be translated (a usage's <path>)
MARKUP_MODES = ("markdown", "html", "none")
CHECK_DOMAIN_KEYS = ("placeholders", "markup", "skip")


@dataclass(frozen=True)
class Config:
    """Settings of one project; paths are relative to ``root``."""

    root: Path
    source: Path | None = None
    settings: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULTS))

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    @property
    def source_locale(self) -> str:
        return self.settings["source_locale"]

    @property
    def locales(self) -> list[str]:
        """Every published locale, the source locale first."""
        rest = [loc for loc in self.settings["locales"] if loc != self.source_locale]
        return [self.source_locale, *rest]

    @property
    def target_locales(self) -> list[str]:
        """Locales that need a catalogue: every published locale but the source."""
        return self.locales[1:]

    @property
    def cache_dir(self) -> Path:
        """The folder of caches and snapshots (``cache_dir``)."""
        return self.root / self.settings["cache_dir"]

    @property
    def locales_dir(self) -> Path:
        return self.root / self.settings["locales_dir"]

    @property
    def output_dir(self) -> Path:
        return self.root / self.settings["output_dir"]

    @property
    def templates_dir(self) -> Path | None:
        value = self.settings["templates_dir"]
        return self.root / value if value else None

    @property
    def profile_globs(self) -> list[str]:
        return list(self.settings["profiles"])

    @property
    def translatable_fields(self) -> list[str]:
        return list(self.settings["translatable_fields"])

    def with_options(self, **options: Any) -> Config:
        """A copy with the options that are not ``None`` overriding the settings."""
        settings = dict(self.settings)
        for key, value in options.items():
            if key not in DEFAULTS:
                raise ConfigError(f"unknown option {key!r}")
            if value is not None and value != ():
                settings[key] = list(value) if isinstance(value, tuple) else value
        config = replace(self, settings=settings)
        validate_settings(config)
        return config


def find_config_file(start: Path) -> Path | None:
    """The nearest i18nprofiles.toml, or pyproject.toml with a [tool.i18nprofiles] table."""
    for folder in [start, *start.parents]:
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(path: Path) -> bool:
    """Whether a pyproject.toml configures i18nprofiles (a malformed one is reported, not skipped)."""
    try:
        tool = _read_toml(path).get("tool", {})
        return isinstance(tool, dict) and "i18nprofiles" in tool
    except ConfigError:
        return True


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", path) from None


def describe_search(start: Path) -> str:
    """Where ``find_config_file`` looks, in words, for an error message."""
    return (f"looked for i18nprofiles.toml, or pyproject.toml with a [tool.i18nprofiles] table, in {start} "
            "and every folder above it")


def load_config(start: str | Path | None = None, *, required: bool = False) -> Config:
    """Read the configuration of the project at or above ``start`` (default: the current folder).

    ``start`` that does not exist is a ConfigError.  With no configuration
    file the defaults apply and the root is ``start``, unless ``required``:
    then it is a ConfigError that says where it looked.
    """
    start_path = Path(start or Path.cwd()).resolve()
    if not start_path.exists():
        raise ConfigError("no such file or folder", start_path)
    if start_path.is_file():
        path: Path | None = start_path
    else:
        path = find_config_file(start_path)
    if path is None:
        if required:
            raise ConfigError(f"not an i18nprofiles project: {describe_search(start_path)} "
                              "(run `i18nprofiles new` to start one, or name one with -P)")
        config = Config(root=start_path)
        validate_settings(config)
        return config
    data = _read_toml(path)
    in_pyproject = path.name == "pyproject.toml"
    tool = data.get("tool", {})
    table = (tool.get("i18nprofiles", {}) if isinstance(tool, dict) else {}) if in_pyproject else data
    table_name = "[tool.i18nprofiles]" if in_pyproject else path.name
    if not isinstance(table, dict):
        raise ConfigError(f"{table_name} must be a table of settings", path, setting_line(path, "i18nprofiles"))
    unknown = sorted(set(table) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} in {table_name}", path, setting_line(path, unknown[0]))
    settings = {**copy.deepcopy(DEFAULTS), **table}
    if not settings["project"] and in_pyproject:
        name = data.get("project", {}).get("name", "") if isinstance(data.get("project"), dict) else ""
        settings["project"] = name if isinstance(name, str) else ""
    config = Config(root=path.parent, source=path, settings=settings)
    validate_settings(config)
    return config


def setting_line(path: Path | None, key: str) -> int | None:
    """The line where a configuration file sets ``key`` (``key = …``), for messages; None if not found."""
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"""\s*(?:[\w.-]*\.)?(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=.]""")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_settings(config: Config) -> None:
    """Raise ConfigError for a setting of the wrong type or value, and LocaleError for an unknown locale.

    Every setting is checked against ``SCHEMA`` (a string where a boolean
    belongs is an error, never taken as true); locales are normalised, and a
    locale listed twice (``en`` and ``EN``) is an error.
    """
    where = config.source
    for key, setting in SCHEMA.items():
        value = config.settings[key]
        if not setting.valid(value):
            line = setting_line(where, key)
            if key == "engine_url":
                raise ConfigError(f"engine URL must be an http or https address, not {_short(value)}", where, line)
            if setting.expects == "a list of strings":
                raise ConfigError(f"setting {key!r} must be {setting.expects}", where, line)
            raise ConfigError(f"setting {key!r} must be {setting.expects}, not {_short(value)}", where, line)
    validate_check_tables(config.settings["check"], where)
    config.settings["source_locale"] = normalize_locale(config.settings["source_locale"], where,
                                                        setting_line(where, "source_locale"))
    seen: dict[str, str] = {}
    normalized = []
    for locale in config.settings["locales"]:
        code = normalize_locale(locale, where, setting_line(where, "locales"))
        if code.casefold() in seen:
            raise ConfigError(f"locale {locale!r} is listed twice in 'locales' (also as {seen[code.casefold()]!r})",
                              where, setting_line(where, "locales"))
        seen[code.casefold()] = locale
        normalized.append(code)
    config.settings["locales"] = normalized


def validate_check_tables(value: Any, where: Path | None) -> None:
    """Raise ConfigError unless ``check`` maps domains to tables of CHECK_DOMAIN_KEYS with valid values.

    The names in ``skip`` are checked by the gate, which knows its checks.
    """
    if not isinstance(value, dict):
        raise ConfigError("setting 'check' must be a table of domains ([tool.i18nprofiles.check.<domain>])", where)
    for domain, table in value.items():
        name = f"check.{domain}"
        if not isinstance(table, dict):
            raise ConfigError(f"setting {name!r} must be a table", where)
        unknown = sorted(set(table) - set(CHECK_DOMAIN_KEYS))
        if unknown:
            raise ConfigError(f"unknown setting {unknown[0]!r} in {name} (known: {', '.join(CHECK_DOMAIN_KEYS)})",
                              where)
        placeholders = table.get("placeholders", {})
        if not isinstance(placeholders, dict):
            raise ConfigError(f"setting '{name}.placeholders' must be a table such as "
                              '{ percent = "kept", angle = "translated" }', where)
        for kind, mode in placeholders.items():
            if kind not in PLACEHOLDER_KINDS:
                raise ConfigError(f"{name}.placeholders: unknown kind {kind!r} (known: {', '.join(PLACEHOLDER_KINDS)})",
                                  where)
            modes = PLACEHOLDER_MODES if kind in TRANSLATED_KINDS else tuple(m for m in PLACEHOLDER_MODES
                                                                              if m != "translated")
            if mode not in modes:
                raise ConfigError(f"{name}.placeholders.{kind} must be one of {', '.join(modes)}, not {mode!r}",
                                  where)
        if "markup" in table and table["markup"] not in MARKUP_MODES:
            raise ConfigError(f"{name}.markup must be one of {', '.join(MARKUP_MODES)}, not {table['markup']!r}", where)
        skip = table.get("skip", [])
        if not isinstance(skip, list) or not all(isinstance(item, str) for item in skip):
            raise ConfigError(f"setting '{name}.skip' must be a list of strings", where)


def read_glossary(path: str | Path) -> list[str]:
    """Do-not-translate terms: one a line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read glossary: {getattr(exc, 'strerror', None) or exc}", path) from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def parse_locale(identifier: str, path: str | Path | None = None, line: int | None = None) -> Locale:
    """The Babel Locale for ``identifier`` (``pt_BR`` or ``pt-BR``); LocaleError if Babel does not know it."""
    try:
        return Locale.parse(identifier.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise LocaleError(f"unknown locale {identifier!r}", path, line) from None


def normalize_locale(identifier: str, path: str | Path | None = None, line: int | None = None) -> str:
    """The gettext form of a locale identifier (``pt_BR``), checked against Babel's data."""
    return str(parse_locale(identifier, path, line))
