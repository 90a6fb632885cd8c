"""``new``: a working project in a folder; and ``publish_locale``: a locale added to a project's ``locales``.

A new project has a configuration, one example profile (in French), its
template and catalogues (translated for the languages this module knows),
a ``.gitignore`` and a GitHub Actions workflow that runs the CI gate.  It
builds and passes ``check`` as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from i18nprofiles.commands.extract import extract
from i18nprofiles.commands.messages import extract_messages
from i18nprofiles.commands.update import init_catalog, update_catalogs
from i18nprofiles.config import CONFIG_FILES, Config, find_config_file, load_config, normalize_locale, parse_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.files import write_text_atomic
from i18nprofiles.gettext.pofile import read_catalog, write_catalog
from i18nprofiles.paths import MESSAGES_DOMAIN
from i18nprofiles.site.theme import THEME_DIR, UI_SOURCE_LANG
from i18nprofiles.store import open_store

EXAMPLE_SLUG = "camille-martin"
WORKFLOW = Path(".github/workflows/translations.yml")

# The example profile, and its translations into the languages this module knows.
EXAMPLE_PROFILE = """\
---
# An example profile (a fictional person): edit it, or replace it with your own.
name: Camille Martin
headline: Coordinatrice de projets dans une coopérative agricole
location: Lyon (France)
updated: 2024-05-14
tags:
  - Coopération
  - Agriculture
---

Camille accompagne depuis 2018 les petits producteurs de la région, du champ
jusqu’au marché.

## Témoignage

> Travailler ensemble, c’est aller plus loin.
"""

TRANSLATIONS: dict[str, dict[str, str]] = {
    "es": {
        "Coordinatrice de projets dans une coopérative agricole": "Coordinadora de proyectos en una cooperativa agrícola",
        "Lyon (France)": "Lyon (Francia)",
        "Coopération": "Cooperación",
        "Agriculture": "Agricultura",
        "Camille accompagne depuis 2018 les petits producteurs de la région, du champ jusqu’au marché.":
            "Desde 2018, Camille acompaña a los pequeños productores de la región, del campo al mercado.",
        "Témoignage": "Testimonio",
        "Travailler ensemble, c’est aller plus loin.": "Trabajar juntos es llegar más lejos.",
    },
    "en": {
        "Coordinatrice de projets dans une coopérative agricole": "Project coordinator at a farming cooperative",
        "Lyon (France)": "Lyon (France)",
        "Coopération": "Cooperation",
        "Agriculture": "Agriculture",
        "Camille accompagne depuis 2018 les petits producteurs de la région, du champ jusqu’au marché.":
            "Since 2018, Camille has supported the region’s small farmers, from the field to the market.",
        "Témoignage": "Testimony",
        "Travailler ensemble, c’est aller plus loin.": "Working together takes us further.",
    },
    "de": {
        "Coordinatrice de projets dans une coopérative agricole": "Projektkoordinatorin in einer landwirtschaftlichen Genossenschaft",
        "Lyon (France)": "Lyon (Frankreich)",
        "Coopération": "Zusammenarbeit",
        "Agriculture": "Landwirtschaft",
        "Camille accompagne depuis 2018 les petits producteurs de la région, du champ jusqu’au marché.":
            "Seit 2018 begleitet Camille die Kleinbauern der Region, vom Feld bis zum Markt.",
        "Témoignage": "Erfahrungsbericht",
        "Travailler ensemble, c’est aller plus loin.": "Gemeinsam kommt man weiter.",
    },
    "it": {
        "Coordinatrice de projets dans une coopérative agricole": "Coordinatrice di progetti in una cooperativa agricola",
        "Lyon (France)": "Lione (Francia)",
        "Coopération": "Cooperazione",
        "Agriculture": "Agricoltura",
        "Camille accompagne depuis 2018 les petits producteurs de la région, du champ jusqu’au marché.":
            "Dal 2018 Camille accompagna i piccoli produttori della regione, dal campo al mercato.",
        "Témoignage": "Testimonianza",
        "Travailler ensemble, c’est aller plus loin.": "Lavorare insieme significa andare più lontano.",
    },
    "pt": {
        "Coordinatrice de projets dans une coopérative agricole": "Coordenadora de projetos numa cooperativa agrícola",
        "Lyon (France)": "Lyon (França)",
        "Coopération": "Cooperação",
        "Agriculture": "Agricultura",
        "Camille accompagne depuis 2018 les petits producteurs de la région, du champ jusqu’au marché.":
            "Desde 2018, Camille acompanha os pequenos produtores da região, do campo ao mercado.",
        "Témoignage": "Testemunho",
        "Travailler ensemble, c’est aller plus loin.": "Trabalhar juntos é ir mais longe.",
    },
}

GITIGNORE = """\
# Made by `i18nprofiles build`: the site (and the folder where its next version is made), the compiled
# catalogues, the cache.
/site/
/.site.staging/
/.i18nprofiles-cache/
*.mo
"""


@dataclass(frozen=True)
class NewProject:
    """What ``new_project`` made: the folder, the files written (relative paths), the install line of its CI,
    and whether that line installs from a place a CI runner can reach."""

    root: Path
    files: list[str]
    install: str
    portable_install: bool


def find_install_spec() -> tuple[str, bool]:
    """How a CI runner installs the i18nprofiles running now: a ``pip install`` argument, and whether it
    will work there (not from a folder of this machine)."""
    try:
        dist = metadata.distribution("i18nprofiles")
    except metadata.PackageNotFoundError:
        return "i18nprofiles", False
    found = dist.read_text("direct_url.json")
    if found:
        try:
            origin = json.loads(found)
        except ValueError:
            origin = {}
        vcs = origin.get("vcs_info") or {}
        if vcs.get("vcs") == "git" and origin.get("url"):
            return f"i18nprofiles @ git+{origin['url']}@{vcs.get('commit_id', 'HEAD')}", True
        if str(origin.get("url", "")).startswith(("http://", "https://")):
            return f"i18nprofiles @ {origin['url']}", True
        return f"i18nprofiles=={dist.version}", False  # a folder or file on this machine
    return f"i18nprofiles=={dist.version}", True


def build_config_text(name: str, source: str, locales: Sequence[str], untranslated: Sequence[str]) -> str:
    """The new project's i18nprofiles.toml."""
    listed = ", ".join(json.dumps(code) for code in [source, *locales])
    lines = [
        "# The i18nprofiles project: `i18nprofiles --help` lists the commands.",
        f"project = {json.dumps(name)}",
        f"source_locale = {json.dumps(source)}",
        "# The published languages, the source first; each of the others has a catalogue in locales/.",
        f"locales = [{listed}]",
        'profiles = ["profiles/*.md", "profiles/*.yaml"]',
        'locales_dir = "locales"',
        'output_dir = "site"',
        '# The public address of the site, for the sitemap and the links between languages:',
        '# site_url = "https://profiles.example.org/"',
    ]
    if untranslated:
        table = ", ".join(f"{code} = 0" for code in untranslated)
        lines += ["# The CI gate wants every locale complete; these start with nothing translated:",
                  "# raise them to 100 once their catalogues are.",
                  f"fail_under = {{ {table} }}"]
    return "\n".join(lines) + "\n"


def build_workflow(install: str) -> str:
    """The GitHub Actions workflow of a new project: catalogues in step, the CI gate, the site built."""
    return f"""\
# The translation gate: catalogues in step with the profiles, every locale translated.
name: translations
on:
  pull_request:
  push:
    branches: [main]

jobs:
  translations:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install i18nprofiles
        run: pip install {json.dumps(install)}
      - uses: actions/cache@v4
        with:
          path: .i18nprofiles-cache
          key: i18nprofiles-${{{{ github.ref }}}}-${{{{ github.sha }}}}
          restore-keys: i18nprofiles-${{{{ github.ref }}}}-
      - name: Catalogues merged with the template
        run: i18nprofiles update --check
      - name: Translation gate
        run: i18nprofiles check --format github --report translation-report
      - name: Site
        run: i18nprofiles build
      - name: Keep the report and the site
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: site-and-translation-report
          path: |
            translation-report/
            site/
"""


def check_new_folder(folder: Path, paths: Iterable[Path]) -> None:
    """ConfigError when ``folder`` is already a project or holds one of the files to write."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError("not a folder", folder)
    found = find_config_file(folder) if folder.is_dir() else None
    if found is not None and found.parent == folder:
        raise ConfigError(f"already an i18nprofiles project ({found.name})", folder)
    for path in paths:
        if path.exists():
            raise ConfigError("already exists: `new` writes only new files", path)


def new_project(
    folder: str | Path,
    *,
    source_locale: str = "fr",
    locales: Iterable[str] = ("es", "en"),
    name: str | None = None,
    install: str | None = None,
) -> NewProject:
    """Create a project in ``folder``: configuration, an example profile, its template and catalogues,
    ``.gitignore`` and a CI workflow.  Writes nothing when a file it would write exists."""
    root = Path(folder).resolve()
    source = normalize_locale(source_locale)
    targets = list(dict.fromkeys(normalize_locale(code) for code in locales if normalize_locale(code) != source))
    if not targets:
        raise ConfigError("give at least one locale to translate into besides the source (--locales es,en)")
    known = {code for code in targets if parse_locale(code).language in TRANSLATIONS and source == "fr"}
    untranslated = [code for code in targets if code not in known]
    if install is None:
        install, portable = find_install_spec()
    else:
        portable = True
    texts = {
        Path(CONFIG_FILES[0]): build_config_text(name or root.name, source, targets, untranslated),
        Path("profiles") / f"{EXAMPLE_SLUG}.md": EXAMPLE_PROFILE if source == "fr"
        else EXAMPLE_PROFILE.replace("name: Camille Martin\n", "name: Camille Martin\nlang: fr\n"),
        Path(".gitignore"): GITIGNORE,
        WORKFLOW: build_workflow(install),
    }
    catalogues = [Path("locales") / "profiles.pot", *(Path("locales") / code / "LC_MESSAGES" / "profiles.po"
                                                       for code in targets)]
    no_ui = unshipped_ui_locales([source, *targets])  # their pages need a UI catalogue (check wants one)
    if no_ui:
        catalogues += [Path("locales") / "messages.pot",
                       *(Path("locales") / code / "LC_MESSAGES" / "messages.po" for code in no_ui)]
    check_new_folder(root, [root / path for path in [*texts, *catalogues]])
    for path, text in texts.items():
        write_text_atomic(root / path, text.encode("utf-8"))
    config = load_config(root, required=True)
    store = open_store(None)
    extract(config, store=store)
    store.commit()
    update_catalogs(config, init_missing=True, store=store)
    store.commit()
    for code in sorted(known):
        fill_catalog(config, code, TRANSLATIONS[parse_locale(code).language])
    if no_ui:
        extract_messages(config)
        for code in no_ui:
            init_catalog(config, code, domain=MESSAGES_DOMAIN)
    files = [path.as_posix() for path in [*texts, *catalogues]]
    return NewProject(root, files, install, portable)


def unshipped_ui_locales(locales: Iterable[str]) -> list[str]:
    """The locales whose interface strings the default theme does not translate (English needs none)."""
    shipped = {path.name for path in (THEME_DIR / "locales").iterdir() if path.is_dir()}
    return [code for code in locales if parse_locale(code).language != UI_SOURCE_LANG
            and code not in shipped and parse_locale(code).language not in shipped]


def fill_catalog(config: Config, locale: str, translations: dict[str, str]) -> None:
    """Put the known translations into a new catalogue."""
    path = config.locales_dir / locale / "LC_MESSAGES" / "profiles.po"
    catalog = read_catalog(path)
    for entry in catalog:
        entry.msgstr = translations.get(entry.msgid, entry.msgstr)
    write_catalog(path, catalog, width=config["width"])


LOCALES_RE = re.compile(r"^(?P<key>locales\s*=\s*)\[(?P<items>[^\]]*)\]", re.MULTILINE)


def publish_locale(config: Config, locale: str) -> Path:
    """Add ``locale`` to the ``locales`` setting of the project's configuration file; returns the file.

    The file is edited in place, its other lines kept as they are.
    """
    if config.source is None:
        raise ConfigError("no configuration file to add the locale to")
    code = normalize_locale(locale)
    text = config.source.read_text(encoding="utf-8")
    start, end = table_span(text, config.source.name == "pyproject.toml")
    found = LOCALES_RE.search(text, start, end)
    listed = [*config.locales, code] if code not in config.locales else config.locales
    value = "[" + ", ".join(json.dumps(item) for item in listed) + "]"
    if found is not None:
        text = text[:found.start()] + found.group("key") + value + text[found.end():]
    else:
        text = text[:end].rstrip("\n") + f"\nlocales = {value}\n" + text[end:]
    write_text_atomic(config.source, text.encode("utf-8"))
    load_config(config.source, required=True)  # the file still reads
    return config.source


def table_span(text: str, in_pyproject: bool) -> tuple[int, int]:
    """Where the settings are in a configuration file's text: the [tool.i18nprofiles] table, or the top level."""
    if not in_pyproject:
        header = re.search(r"^\[", text, re.MULTILINE)
        return 0, header.start() if header else len(text)
    header = re.search(r"^\[tool\.i18nprofiles\]\s*$", text, re.MULTILINE)
    if header is None:
        raise ConfigError("no [tool.i18nprofiles] table to add the locale to")
    following = re.search(r"^\[", text[header.end():], re.MULTILINE)
    return header.end(), header.end() + following.start() if following else len(text)
