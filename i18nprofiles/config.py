"""Project configuration: ``[tool.i18nprofiles]`` in pyproject.toml, or i18nprofiles.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from i18nprofiles.errors import ConfigError, LocaleError

CONFIG_FILES = ("i18nprofiles.toml", "pyproject.toml")

# Keys a project may set, with their defaults.  Every subsystem reads its
# options from here, so a typo in the configuration is an error, not a no-op.
DEFAULTS: dict[str, Any] = {
    "project": "",
    "source_locale": "fr",
    "locales": [],
    "profiles": ["profiles/*.md", "profiles/*.yaml", "profiles/*.yml"],
    "locales_dir": "locales",
    "output_dir": "site",
    "site_url": "",
    "templates_dir": None,
    "translatable_fields": [],
    "width": 76,
    "fuzzy_threshold": 0.6,  # update: how similar an old msgid must be to offer its translation (msgmerge's)
    # rendering
    "site_name": "",  # a string, or a table by locale ({fr = "…", es = "…"}); default: project
    "site_description": "",  # the same; the meta description of the indexes and the root
    "favicon": None,  # an image file (.svg, .png, .ico); default: the theme's
    "photo_fit": "fit",  # "fit" (the whole photo, its own ratio) or "crop" (a centred square)
    "publish_threshold": 50,  # percent: a locale less translated is not published
    "use_fuzzy": False,
    # machine pre-fill
    "glossary": None,
    "cache_dir": ".i18nprofiles-cache",
    "engine_url": None,
    "prefill_timeout": 30.0,  # seconds per request
    "prefill_retries": 4,  # further tries on timeouts, 429 and 5xx
    "prefill_backoff": 1.0,  # seconds before the first retry, doubled each time
    "prefill_rate": None,  # requests per second (default: the engine's)
    "prefill_in_flight": None,  # concurrent requests (default: the engine's)
    "prefill_max_chars": None,  # characters per request (default: the engine's)
    # CI gate
    "fail_under": None,
    "fail_on": [],
    "fail_level": "error",
    "skip": [],
    "check": {},  # per message domain: {placeholders = {percent = "kept", …}, markup = "…", skip = […]}
}

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
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))

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
        return "i18nprofiles" in _read_toml(path).get("tool", {})
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
    table = data.get("tool", {}).get("i18nprofiles", {}) if path.name == "pyproject.toml" else data
    unknown = sorted(set(table) - set(DEFAULTS))
    if unknown:
        table_name = "[tool.i18nprofiles]" if path.name == "pyproject.toml" else path.name
        raise ConfigError(f"unknown setting {unknown[0]!r} in {table_name}", path)
    settings = {**DEFAULTS, **table}
    if not settings["project"] and path.name == "pyproject.toml":
        settings["project"] = data.get("project", {}).get("name", "")
    config = Config(root=path.parent, source=path, settings=settings)
    validate_settings(config)
    return config


def validate_settings(config: Config) -> None:
    """Raise ConfigError for settings of the wrong type and LocaleError for unknown locales."""
    where = config.source
    for key in ("locales", "profiles", "translatable_fields", "fail_on", "skip"):
        value = config.settings[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"setting {key!r} must be a list of strings", where)
    for key in ("source_locale", "locales_dir", "output_dir", "site_url"):
        if not isinstance(config.settings[key], str):
            raise ConfigError(f"setting {key!r} must be a string", where)
    if not isinstance(config.settings["width"], int) or isinstance(config.settings["width"], bool):
        raise ConfigError("setting 'width' must be a whole number", where)
    threshold = config.settings["fuzzy_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold < 1:
        raise ConfigError("setting 'fuzzy_threshold' must be a number from 0 up to (not including) 1", where)
    validate_check_tables(config.settings["check"], where)
    for key in ("site_name", "site_description"):
        value = config.settings[key]
        if isinstance(value, dict):
            if not all(isinstance(text, str) for text in value.values()):
                raise ConfigError(f"setting {key!r} must be a string or a table of strings by locale", where)
            config.settings[key] = {normalize_locale(locale, where): text for locale, text in value.items()}
        elif not isinstance(value, str):
            raise ConfigError(f"setting {key!r} must be a string or a table of strings by locale", where)
    if config.settings["favicon"] is not None and not isinstance(config.settings["favicon"], str):
        raise ConfigError("setting 'favicon' must be the path of an image file", where)
    if config.settings["photo_fit"] not in ("fit", "crop"):
        raise ConfigError("setting 'photo_fit' must be \"fit\" or \"crop\"", where)
    config.settings["source_locale"] = normalize_locale(config.settings["source_locale"], where)
    config.settings["locales"] = [normalize_locale(locale, where) for locale in config.settings["locales"]]


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
