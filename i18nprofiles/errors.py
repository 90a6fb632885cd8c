"""One exception hierarchy: every error knows the file and line it is about."""

from __future__ import annotations

from pathlib import Path


class I18nProfilesError(Exception):
    """Base class of every error raised by i18nprofiles."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[type, tuple[str, str | None, int | None]]:
        # Errors cross from worker processes to the main one with their path and line.
        return type(self), (self.message, self.path, self.line)

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(I18nProfilesError):
    """The configuration or a command-line option is wrong."""


class ProfileError(I18nProfilesError):
    """A profile cannot be read: bad YAML, missing name, bad slug…"""


class CatalogError(I18nProfilesError):
    """A .po or .pot file cannot be read or is inconsistent."""


class LocaleError(I18nProfilesError):
    """A locale identifier that Babel does not know."""


class TemplateError(I18nProfilesError):
    """A template cannot be loaded or rendered."""


class EngineError(I18nProfilesError):
    """A machine translation engine failed or is misconfigured."""
