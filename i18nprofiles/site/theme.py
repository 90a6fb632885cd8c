"""The theme: Jinja2 templates, static files and their UI strings (domain ``messages``).

Templates come from the project's ``templates_dir`` first, then from the
default theme in the package.  UI strings are looked up in the project's
``locales/<ll>/LC_MESSAGES/messages.po``, then in the theme's own catalogues;
a string that neither translates shows in English, marked ``lang="en"``.
"""

from __future__ import annotations

import gettext
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import polib
from babel.messages.extract import extract as babel_extract
from markupsafe import Markup, escape

from i18nprofiles.config import Config, parse_locale
from i18nprofiles.errors import CatalogError, TemplateError
from i18nprofiles.gettext.checks import HEADER_LINE, find_problems
from i18nprofiles.gettext.control import check_translations
from i18nprofiles.gettext.mofile import build_mo
from i18nprofiles.gettext.pofile import read_catalog
from i18nprofiles.paths import MESSAGES_DOMAIN, catalog_path
from i18nprofiles.source.discover import relative_path
from i18nprofiles.source.template import new_template

THEME_DIR = Path(__file__).resolve().parent.parent / "themes" / "default"
UI_SOURCE_LANG = "en"  # the language of the msgids in templates
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")
# Python modules with UI strings of their own (the check report): their ``ui.html``/``ui.text`` calls.
UI_MODULES = (Path(__file__).resolve().parent.parent / "check" / "report.py",)
MODULE_KEYWORDS = {"html": None, "text": None, "nhtml": (1, 2)}


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up, the project's folder first."""
    dirs = [config.templates_dir] if config.templates_dir else []
    return [*dirs, THEME_DIR / "templates"]


def static_files(config: Config) -> dict[str, Path]:
    """The theme's static files by output name (``static/style.css``); the project's win."""
    found: dict[str, Path] = {}
    roots = [THEME_DIR / "static"]
    if config.templates_dir:
        roots.append(config.templates_dir / "static")
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file():
                found["static/" + path.relative_to(root).as_posix()] = path
    return dict(sorted(found.items()))


def root_files(config: Config) -> dict[str, Path]:
    """The files the theme puts at the root of the site (favicon.ico, favicon.svg); the project's win."""
    found: dict[str, Path] = {}
    roots = [THEME_DIR / "root"]
    if config.templates_dir:
        roots.append(config.templates_dir / "root")
    for root in roots:
        for path in sorted(root.iterdir()) if root.is_dir() else []:
            if path.is_file():
                found[path.name] = path
    return dict(sorted(found.items()))


def theme_digest(config: Config, locale: str) -> str:
    """A digest of the templates and UI catalogues that pages in ``locale`` are made with."""
    digest = hashlib.sha256()
    for folder in template_dirs(config):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for folder in (config.locales_dir, THEME_DIR / "locales"):
        for candidate in _catalog_candidates(locale):
            path = catalog_path(config, candidate, MESSAGES_DOMAIN, folder)
            if path.is_file():
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# -- UI strings ----------------------------------------------------------------


class EnglishFallback(gettext.NullTranslations):
    """The last link of the chain: the English msgid, marked with its language."""

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.mark = page_language != UI_SOURCE_LANG

    def _wrap(self, text: str) -> str:
        if not self.mark:
            return text
        return Markup('<span lang="en" dir="ltr">%s</span>') % text

    def gettext(self, message: str) -> str:
        return self._wrap(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._wrap(singular if n == 1 else plural)


def _catalog_candidates(locale: str) -> list[str]:
    babel_locale = parse_locale(locale)
    return list(dict.fromkeys([str(babel_locale), babel_locale.language]))


def _load_ui_catalog(path: Path, locale: str) -> gettext.GNUTranslations | None:
    """A UI catalogue as the pages use it; CatalogError (with the line) for what ``msgfmt -c`` rejects
    (a broken ``Plural-Forms`` line…) and for control characters in translations."""
    if not path.is_file():
        return None
    catalog = read_catalog(path)
    check_translations(catalog, path)
    problems = find_problems(catalog, path)
    if problems:
        first = problems[0]
        line = _header_field_line(path, "Plural-Forms") if first.line == HEADER_LINE else first.line
        raise CatalogError(first.message, path, line or first.line)
    try:
        return gettext.GNUTranslations(io.BytesIO(build_mo(catalog)))
    except (ValueError, OSError, LookupError, SyntaxError, RecursionError, OverflowError) as exc:
        raise CatalogError(f"cannot read catalogue: {exc}", path, _header_field_line(path, "Plural-Forms")) from None


def _header_field_line(path: Path, name: str) -> int | None:
    """The line of a catalogue's header that holds the field ``name`` (for messages)."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return None
    needle = f'"{name}:'.encode("ascii")
    return next((number for number, line in enumerate(lines, start=1) if line.lstrip().startswith(needle)), None)


def load_ui_translations(config: Config, locale: str) -> gettext.NullTranslations:
    """The UI strings of ``locale``: project catalogue, then theme catalogue, then English."""
    chain: list[gettext.NullTranslations] = []
    for folder in (config.locales_dir, THEME_DIR / "locales"):
        for candidate in _catalog_candidates(locale):
            found = _load_ui_catalog(catalog_path(config, candidate, MESSAGES_DOMAIN, folder), locale)
            if found is not None:
                chain.append(found)
                break
    chain.append(EnglishFallback(parse_locale(locale).language))
    head = chain[0]
    for link in chain[1:]:
        head.add_fallback(link)
    return head


def _escaped(text: str) -> Markup:
    """UI translations are escaped too; only our own fallback marker is markup."""
    return text if isinstance(text, Markup) else escape(text)


def make_environment(config: Config, locale: str | None = None,
                     ui: gettext.NullTranslations | None = None) -> jinja2.Environment:
    """A Jinja2 environment: autoescape, strict undefined, newstyle gettext.

    With a ``locale`` (or ``ui``), its UI strings are the environment's; without, templates get them from
    their context (``gettext_callables``): one environment, its templates compiled once, serves every locale.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in template_dirs(config)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    if ui is None:
        ui = load_ui_translations(config, locale) if locale else gettext.NullTranslations()
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: _escaped(ui.gettext(message)),
        lambda singular, plural, n: _escaped(ui.ngettext(singular, plural, n)),
        newstyle=True,
    )
    return env


def gettext_callables(ui: gettext.NullTranslations) -> dict[str, Any]:
    """``_``, ``gettext`` and ``ngettext`` of one locale for a template's context, as Jinja2's newstyle
    gettext makes them: the translation escaped, then ``%(name)s`` values put in (``num`` for ngettext)."""

    @jinja2.pass_context
    def gettext_(context: jinja2.runtime.Context, message: str, **values: Any) -> str:
        found = _escaped(ui.gettext(message))
        if context.eval_ctx.autoescape:
            found = Markup(found)
        return found % values

    @jinja2.pass_context
    def ngettext_(context: jinja2.runtime.Context, singular: str, plural: str, num: int, **values: Any) -> str:
        values.setdefault("num", num)
        found = _escaped(ui.ngettext(singular, plural, num))
        if context.eval_ctx.autoescape:
            found = Markup(found)
        return found % values

    return {"_": gettext_, "gettext": gettext_, "ngettext": ngettext_}


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any], root: Path | None = None) -> str:
    """Render a template; Jinja2's errors become TemplateError with file (relative to ``root``) and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = relative_path(Path(exc.filename), root) if exc.filename and root else exc.filename or name
        raise TemplateError(f"template syntax error: {exc.message}", where, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", name) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc.message}", name) from None
    except UnicodeDecodeError:
        raise TemplateError("template is not valid UTF-8", name) from None


def check_templates(config: Config) -> None:
    """TemplateError (file and line) for the first template the pages may use that does not compile."""
    env = make_environment(config, config.source_locale, gettext.NullTranslations())
    names: dict[str, None] = {}
    for folder in template_dirs(config):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path.suffix in TEMPLATE_SUFFIXES:
                names.setdefault(path.relative_to(folder).as_posix())
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            where = relative_path(Path(exc.filename), config.root) if exc.filename else name
            raise TemplateError(f"template syntax error: {exc.message}", where, exc.lineno) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template error: {exc.message}", name) from None
        except UnicodeDecodeError:
            raise TemplateError("template is not valid UTF-8", name) from None


# -- extraction ----------------------------------------------------------------


def template_files(config: Config) -> Iterator[tuple[Path, str]]:
    """Every template with the path its references name (project-relative or ``theme/…``)."""
    for folder in template_dirs(config):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in TEMPLATE_SUFFIXES:
                if folder.is_relative_to(THEME_DIR):
                    yield path, "i18nprofiles/themes/default/templates/" + path.relative_to(folder).as_posix()
                else:
                    yield path, relative_path(path, config.root)


def build_messages_template(config: Config, created: str = "") -> polib.POFile:
    """The template of the UI strings of every template, in order of appearance."""
    template = new_template(config["project"], created)
    entries: dict[tuple[str, str | None], polib.POEntry] = {}
    sources = [(path, reference, False) for path, reference in template_files(config)]
    sources += [(path, "i18nprofiles/" + path.relative_to(THEME_DIR.parent.parent).as_posix(), True)
                for path in UI_MODULES]
    for path, reference, module in sources:
        with path.open("rb") as handle:
            if module:
                found = babel_extract("python", handle, MODULE_KEYWORDS, ["Translators:"], {})
            else:
                found = babel_extract(
                    jinja2.ext.babel_extract, handle, KEYWORDS, ["Translators:"],
                    {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                     "silent": "false"},
                )
            for line, message, comments, _context in found:
                singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
                entry = entries.get((singular, plural))
                if entry is None:
                    entry = entries[(singular, plural)] = polib.POEntry(
                        msgid=singular, msgid_plural=plural or "", msgstr="",
                        msgstr_plural={0: "", 1: ""} if plural else {}, comment="\n".join(comments),
                    )
                    if "%(" in singular:
                        entry.flags.append("python-format")
                    template.append(entry)
                entry.occurrences.append((reference, str(line)))
    return template
