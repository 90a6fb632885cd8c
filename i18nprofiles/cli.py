"""The ``i18nprofiles`` command line: a thin shell over the library.

Exit codes: 0 success, 1 a check found problems or a catalogue is out of
date, 2 bad input or usage.  Errors read ``error: path:line: message``.
"""

from __future__ import annotations

import gc
import os
import shlex
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from i18nprofiles.check.findings import CHECKS

from i18nprofiles.config import Config, load_config
from i18nprofiles.display import Display
from i18nprofiles.errors import ConfigError, I18nProfilesError
from i18nprofiles.files import TEMP_RE
from i18nprofiles.runtime import STOP_SIGNALS, collect_seldom, received_signal, stop_on_signals, stop_workers
from i18nprofiles.source.model import shorten
from i18nprofiles.store import Store, open_store

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
INTERRUPT_GRACE = 0.5  # seconds that threads get to end after Ctrl-C before the process ends without them
CHECK_NAMES = tuple(CHECKS)


@dataclass
class Session:
    """What the group's options give every command: the project (read when a command first needs it),
    and whether to use the cache."""

    project: str | None = None
    no_cache: bool = False
    _config: Config | None = None

    def load(self, standalone: bool = False) -> Config:
        """The project's configuration; a ConfigError, saying where it looked, outside a project, unless
        the command names its files itself (``standalone``): then the defaults apply."""
        if self._config is None:
            self._config = load_config(self.project, required=not standalone)
        return self._config


def get_config(ctx: click.Context, standalone: bool = False, **options: Any) -> Config:
    """The project configuration with the command's options laid over it (see ``Session.load``)."""
    session: Session = ctx.obj
    return session.load(standalone).with_options(**options)


def given_options(ctx: click.Context | None, leave: Iterable[str] = ()) -> list[str]:
    """The options given on the command line to ``ctx``'s command, as they were typed (but those in ``leave``)."""
    if ctx is None:
        return []
    words = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name in leave or param.name is None:
            continue
        if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.COMMANDLINE:
            continue
        if param.name not in ctx.params:
            continue  # handled by its callback (-P after the command, --previous)
        value = ctx.params[param.name]
        if param.is_flag:
            words.append(param.opts[0])
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            words += [param.opts[0], shlex.quote(str(item))]
    return words


def set_project(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``-P`` given after the command name: the same as before it."""
    if value is None:
        return
    session: Session = ctx.find_object(Session)
    if session.project is not None and Path(session.project).resolve() != Path(value).resolve():
        raise click.UsageError("-P given twice, with two projects")
    session.project = value


@contextmanager
def showing_progress(command: str) -> Iterator[Display]:
    """The progress display of a command (a bar on a terminal, a few lines in CI), closed when it ends."""
    display = Display(command)
    display.start()
    try:
        yield display
    finally:
        display.close()


@contextmanager
def project_store(ctx: click.Context, config: Config) -> Iterator[Store]:
    """The project's store for one command (``--no-cache``: one that keeps nothing), committed when the
    command succeeds, emptied when it fails; its warnings are printed."""
    session: Session = ctx.obj
    outside = config.source is None  # catalogues named on the command line, no project: no cache folder
    store = open_store(None if session.no_cache or outside else config.cache_dir)
    try:
        yield store
    except BaseException:
        store.discard()
        raise
    store.commit()
    for warning in store.warnings:
        click.echo(f"warning: {warning}", err=True)


def target_of(path: str | Path) -> str:
    """The file a temporary file stands for (``.name.<pid>-<random>.tmp`` → ``name``), else the path."""
    found = TEMP_RE.match(Path(path).name)
    return str(Path(path).with_name(found.group("name"))) if found else str(path)


def relative_to_cwd(path: str | Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)



def examples(*lines: str) -> str:
    """A command's ``--help`` epilog: examples, each line kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def command(name: str | None = None, *, example: Sequence[str]) -> Any:
    """A subcommand of ``cli`` with examples in its help, that also takes ``-P`` after its name."""

    def decorate(function: Any) -> Any:
        function = click.option("-P", "--project", type=click.Path(exists=True), expose_value=False,
                                callback=set_project, is_eager=True,
                                help="Project folder or configuration file (also accepted before the command).")(function)
        return cli.command(name, epilog=examples(*example))(function)

    return decorate


locale_option = click.option("-l", "--locale", "locales", multiple=True, help="Locale (repeatable); default: all.")
directory_option = click.option("-d", "--directory", type=click.Path(file_okay=False), help="Locales folder.")
domain_option = click.option("-D", "--domain", default="profiles", show_default=True, help="Message domain.")
width_option = click.option("-w", "--width", type=int, help="Wrap lines at this width (0: no wrapping).")
input_option = click.option("-i", "--input-file", type=click.Path(dir_okay=False), help="Template (.pot) to read.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-P",
    "--project",
    type=click.Path(exists=True),
    help="Project folder or configuration file (default: found from the current folder).",
)
@click.option("--no-cache", is_flag=True, help="Do not use or write the cache folder (everything is worked out again).")
@click.version_option(package_name="i18nprofiles")
@click.pass_context
def cli(ctx: click.Context, project: str | None, no_cache: bool) -> None:
    """Translate people's profiles through gettext catalogues and publish them per locale.

    \b
    Start a project, build its site, check its translations:
      i18nprofiles new alumni --source fr --locales es,en
      cd alumni && i18nprofiles build && i18nprofiles check

    Short options mean one thing in every command (-l locale, -d locales
    folder, -D domain, -i input file, -w width, -f --use-fuzzy, -j jobs,
    -P project).  -o is where the output goes: a file for the commands that
    write one file (extract, init, update -l, compile -l, check), a folder
    for those that write a site (render, build).
    """
    ctx.obj = Session(project, no_cache)


@command(example=["i18nprofiles extract", "i18nprofiles extract -o /tmp/profiles.pot profiles/ana.md",
                  "i18nprofiles extract -D messages"])
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False), help="Template to write.")
@click.option("--no-location", is_flag=True, help="Do not write #: references.")
@click.option("--omit-header", is_flag=True, help="Do not write the header entry.")
@width_option
@click.option("--sort-output", is_flag=True, help="Sort entries by msgid.")
@domain_option
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def extract(ctx: click.Context, output: str | None, no_location: bool, omit_header: bool, width: int | None,
            sort_output: bool, domain: str, files: Sequence[str]) -> int:
    """Extract the profiles' segments into the template (locales/profiles.pot).

    With -D messages, extract the UI strings of the templates into locales/messages.pot.
    """
    from i18nprofiles.commands.extract import extract as run_extract
    from i18nprofiles.commands.profiles import read_profiles

    config = get_config(ctx)
    if domain == "messages":
        from i18nprofiles.commands.messages import extract_messages

        result = extract_messages(config, output=output, width=width)
        state = "written" if result.written else "unchanged"
        click.echo(f"{relative_to_cwd(result.path)}: {result.messages} messages from {result.profiles} templates ({state})")
        return EXIT_OK
    with project_store(ctx, config) as store, showing_progress("extract") as progress:
        profiles = read_profiles(config, files, store=store, progress=progress) if files else None
        result = run_extract(config, output=output, no_location=no_location, omit_header=omit_header,
                             width=width, sort_output=sort_output, profiles=profiles, store=store,
                             progress=progress)
    state = "written" if result.written else "unchanged"
    click.echo(f"{relative_to_cwd(result.path)}: {result.messages} messages from {result.profiles} profiles ({state})")
    return EXIT_OK


@command(example=["i18nprofiles init -l es", "i18nprofiles init -l de --publish", "i18nprofiles init -l pt-BR -o pt.po"])
@click.option("-l", "--locale", "locale", required=True, help="Locale of the new catalogue.")
@input_option
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False), help="Catalogue to write.")
@directory_option
@domain_option
@width_option
@click.option("--force", is_flag=True, help="Overwrite an existing catalogue.")
@click.option("--publish", is_flag=True, help="Also add the locale to `locales` in the configuration, so that "
              "build renders it.")
@click.pass_context
def init(ctx: click.Context, locale: str, input_file: str | None, output: str | None, directory: str | None,
         domain: str, width: int | None, force: bool, publish: bool) -> int:
    """Create a new catalogue for a locale from the template."""
    from i18nprofiles.commands.new import publish_locale
    from i18nprofiles.commands.update import init_catalog
    from i18nprofiles.config import normalize_locale

    config = get_config(ctx, standalone=input_file is not None and (output or directory) is not None)
    code = normalize_locale(locale)
    path = init_catalog(config, locale, input_file=input_file, output=output, directory=directory,
                        domain=domain, width=width, force=force)
    click.echo(f"created {relative_to_cwd(path)}")
    if code not in config.locales and not output:
        if publish:
            click.echo(f"added {code} to `locales` in {relative_to_cwd(publish_locale(config, code))}")
            if config["publish_threshold"] > 0:
                click.echo(f"note: build publishes {code} once {config['publish_threshold']:g}% of it is translated "
                           f"(publish_threshold)", err=True)
        else:
            where = relative_to_cwd(config.source) if config.source else "the configuration"
            click.echo(f"note: {code} is not in `locales` ({where}): build keeps its catalogue up to date but does "
                       f"not publish it: add it there to publish it (`init --publish` does that)",
                       err=True)
    return EXIT_OK


@command(example=["i18nprofiles update", "i18nprofiles update --check", "i18nprofiles update -l es -o /tmp/es.po"])
@locale_option
@input_option
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False),
              help="Write the merged catalogue here (one --locale only).")
@directory_option
@domain_option
@width_option
@click.option("-N", "--no-fuzzy-matching", is_flag=True, help="Do not look for similar messages.")
@click.option("--fuzzy-threshold", type=click.FloatRange(0, 1, max_open=True), metavar="RATIO",
              help="How similar an old message must be to offer its translation as fuzzy "
                   "(default: fuzzy_threshold, 0.6).")
@click.option("--ignore-obsolete", is_flag=True, help="Drop obsolete entries instead of keeping them as #~.")
@click.option("--init-missing", is_flag=True, help="Create catalogues for configured locales that have none.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a catalogue would change.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Accepted for compatibility: catalogues are merged one after the other.")
@click.option("--previous", is_flag=True, expose_value=False,
              help="Accepted for msgmerge's habit: the previous msgid (#|) of a fuzzy entry is always kept.")
@click.pass_context
def update(ctx: click.Context, locales: Sequence[str], input_file: str | None, output: str | None,
           directory: str | None, domain: str, width: int | None, no_fuzzy_matching: bool,
           fuzzy_threshold: float | None, ignore_obsolete: bool, init_missing: bool, check: bool, jobs: int) -> int:
    """Merge the template into every catalogue."""
    from i18nprofiles.commands.update import update_catalogs

    config = get_config(ctx, standalone=input_file is not None and (output or directory) is not None)
    with project_store(ctx, config) as store, showing_progress("update") as progress:
        results = update_catalogs(config, locales=locales, input_file=input_file, output=output, directory=directory,
                                  domain=domain, width=width, fuzzy_matching=not no_fuzzy_matching,
                                  fuzzy_threshold=fuzzy_threshold,
                                  ignore_obsolete=ignore_obsolete, init_missing=init_missing, check=check, store=store,
                                  progress=progress)
    if not results:
        raise ConfigError(f"no {domain}.po catalogues (run init, or update --init-missing)", config.locales_dir)
    stale = False
    for result in results:
        report = result.report
        name = relative_to_cwd(result.path)
        counts = (f"{len(report.added)} new, {len(report.fuzzy)} fuzzy, {len(report.revived)} revived, "
                  f"{len(report.obsoleted)} obsolete")
        if not check:
            state = f"written: GNU layout, width {width or config['width']}" if result.written else "unchanged"
            click.echo(f"{name}: {counts} ({state})")
            continue
        if not result.changed:
            click.echo(f"{name}: up to date")
            continue
        stale = True
        click.echo(f"{name}: out of date ({counts})")
        for kind, entries in (("new", report.added), ("fuzzy", report.fuzzy), ("revived", report.revived)):
            for entry in entries:
                where = ":".join(entry.occurrences[0]) if entry.occurrences else ""
                click.echo(f"  {kind}: {where}: {shorten(entry.msgid)}")
        for entry in report.obsoleted:
            click.echo(f"  obsolete: {shorten(entry.msgid)}")
        for entry in report.removed:
            click.echo(f"  removed: {shorten(entry.msgid)}")
    if stale:
        again = " ".join(["i18nprofiles", *given_options(ctx.parent), "update", *given_options(ctx, {"check"})])
        click.echo(f"run `{again}` to bring the catalogues up to date", err=True)
        return EXIT_PROBLEMS
    return EXIT_OK


@command("compile", example=["i18nprofiles compile", "i18nprofiles compile --statistics",
                             "i18nprofiles compile -l es -i es.po -o es.mo"])
@locale_option
@directory_option
@domain_option
@click.option("-i", "--input-file", type=click.Path(dir_okay=False, exists=True), help="Catalogue to compile (one --locale).")
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False), help=".mo file to write.")
@click.option("-f", "--use-fuzzy", is_flag=True, help="Include fuzzy translations.")
@click.option("--statistics", is_flag=True, help="Print translated, fuzzy and untranslated counts.")
@click.option("--force", is_flag=True, help="Compile even when the .mo is newer than the .po.")
@click.pass_context
def compile_command(ctx: click.Context, locales: Sequence[str], directory: str | None, domain: str,
                    input_file: str | None, output: str | None, use_fuzzy: bool, statistics: bool,
                    force: bool) -> int:
    """Compile catalogues to .mo files (fuzzy entries left out unless --use-fuzzy)."""
    from i18nprofiles.commands.compile import compile_catalogs

    config = get_config(ctx, standalone=(input_file or directory) is not None)
    with project_store(ctx, config) as store, showing_progress("compile") as progress:
        results = compile_catalogs(config, locales=locales, directory=directory, domain=domain, input_file=input_file,
                                   output=output, use_fuzzy=use_fuzzy, statistics=statistics, force=force, store=store,
                                   progress=progress)
    if not results:
        raise ConfigError(f"no {domain}.po catalogues to compile", config.locales_dir)
    failed = False
    for result in results:
        name = relative_to_cwd(result.path)
        for problem in result.problems:
            click.echo(f"error: {relative_to_cwd(problem.path)}:{problem.line}: {problem.message}", err=True)
            failed = True
        if statistics and result.statistics:
            s = result.statistics
            click.echo(f"{name}: {s.translated} translated, {s.fuzzy} fuzzy, {s.untranslated} untranslated "
                       f"({s.percent:g}% of {s.total})")
        elif result.skipped:
            click.echo(f"{relative_to_cwd(result.mo_path)}: up to date")
        elif not result.problems:
            state = "written" if result.written else "unchanged"
            click.echo(f"{relative_to_cwd(result.mo_path)}: {state}")
    return EXIT_PROBLEMS if failed else EXIT_OK


# -- render and build: commands `render` and `build` go here ------------------


use_fuzzy_option = click.option("-f", "--use-fuzzy", is_flag=True, default=None,
                                help="Publish fuzzy (machine) translations, visibly marked.")
site_output_option = click.option("-o", "--output", "output", type=click.Path(file_okay=False),
                                  help="Output folder (default: output_dir).")
jobs_option = click.option("-j", "--jobs", type=click.IntRange(min=1),
                           help="Processes for large sites and catalogues (default: one per CPU).")


def report_render(result: Any, config: Config) -> None:
    """Print what render wrote, the translations it did not publish and the locales it held back."""
    for item in result.held_back:
        click.echo(f"warning: {relative_to_cwd(item.path)}:{item.line}: translation not published ({item.check}: "
                   f"{item.message}); the page shows the source text: {shorten(item.msgid)}", err=True)
    for locale, percent in sorted(result.withheld.items()):
        click.echo(f"{locale}: not published ({percent:g}% translated, publish_threshold is "
                   f"{config['publish_threshold']}%)")
    for name in result.removed:
        click.echo(f"removed {name} (no longer rendered)")
    written = len(result.written)
    click.echo(f"{relative_to_cwd(result.output)}: {written} file{'' if written == 1 else 's'} written, "
               f"{len(result.unchanged)} unchanged ({', '.join(result.published)})")


@command(example=["i18nprofiles render", "i18nprofiles render -o public", "i18nprofiles render --use-fuzzy"])
@site_output_option
@use_fuzzy_option
@jobs_option
@click.pass_context
def render(ctx: click.Context, output: str | None, use_fuzzy: bool | None, jobs: int | None) -> int:
    """Render one page per profile per locale, the indexes and the sitemap."""
    from i18nprofiles.commands.render import render_site

    config = get_config(ctx, use_fuzzy=use_fuzzy)
    with project_store(ctx, config) as store, showing_progress("render") as progress:
        result = render_site(config, output=output, workers=jobs, store=store, progress=progress)
    report_render(result, config)
    return EXIT_OK


@command(example=["i18nprofiles build", "i18nprofiles build -o public", "i18nprofiles build -P path/to/project"])
@site_output_option
@use_fuzzy_option
@jobs_option
@click.pass_context
def build(ctx: click.Context, output: str | None, use_fuzzy: bool | None, jobs: int | None) -> int:
    """Extract, update (creating missing catalogues), compile and render."""
    from i18nprofiles.pipeline import build_project

    config = get_config(ctx, use_fuzzy=use_fuzzy)
    with project_store(ctx, config) as store, showing_progress("build") as progress:
        steps = build_project(config, output=output, workers=jobs, store=store, progress=progress)
    return report_build(steps, config)


def report_build(steps: Any, config: Config) -> int:
    """Print what build did; EXIT_PROBLEMS when a catalogue stopped it before rendering."""
    click.echo(f"{relative_to_cwd(steps.extract.path)}: {steps.extract.messages} messages "
               f"({'written' if steps.extract.written else 'unchanged'})")
    for result in steps.update:
        click.echo(f"{relative_to_cwd(result.path)}: {'written' if result.written else 'unchanged'}")
    for compiled in steps.compile:
        for problem in compiled.problems:
            click.echo(f"error: {relative_to_cwd(problem.path)}:{problem.line}: {problem.message}", err=True)
    if steps.render is None:
        click.echo("not rendered: fix the catalogues above", err=True)
        return EXIT_PROBLEMS
    report_render(steps.render, config)
    return EXIT_OK


@command(example=["i18nprofiles serve", "i18nprofiles serve -p 8000", "i18nprofiles serve --use-fuzzy"])
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@site_output_option
@use_fuzzy_option
@jobs_option
@click.pass_context
def serve(ctx: click.Context, port: int, output: str | None, use_fuzzy: bool | None, jobs: int | None) -> int:
    """Build, serve the site on 127.0.0.1, build again and reload the page when an input changes."""
    import time

    from i18nprofiles.commands.serve import start_server

    session: Session = ctx.obj
    config = get_config(ctx, use_fuzzy=use_fuzzy)
    server = start_server(config, port=port, output=output, use_fuzzy=use_fuzzy, workers=jobs,
                          no_cache=session.no_cache, log=click.echo,
                          on_build=lambda made, steps: report_build(steps, made))
    click.echo(f"serving {relative_to_cwd(server.folder)} at {server.url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("stopped")
    return EXIT_OK



# -- machine pre-fill: command `prefill` goes here -----------------------------


@command(example=["i18nprofiles prefill -e pseudo -l es", "i18nprofiles prefill -e memory --memory old/es.po -l es",
                  "i18nprofiles prefill -e libre --engine-url http://localhost:5000/ -n"])
@locale_option
@click.option("-e", "--engine", required=True,
              type=click.Choice(["libre", "google", "deepl", "mymemory", "microsoft", "pseudo", "memory"]),
              help="Translation engine.")
@click.option("--engine-url", help="LibreTranslate server, e.g. http://localhost:5000/.")
@click.option("--glossary", type=click.Path(dir_okay=False), help="Terms never to translate, one a line.")
@click.option("--memory", "memory", multiple=True, type=click.Path(exists=True),
              help="Extra .po file or folder for the memory engine (repeatable).")
@directory_option
@domain_option
@width_option
@click.option("-n", "--dry-run", is_flag=True, help="Send nothing; print what would be sent.")
@click.option("-v", "--verbose", is_flag=True, help="Name every entry left empty (default: a count per reason).")
@click.pass_context
def prefill(ctx: click.Context, locales: Sequence[str], engine: str, engine_url: str | None, glossary: str | None,
            memory: Sequence[str], directory: str | None, domain: str, width: int | None, dry_run: bool,
            verbose: bool) -> int:
    """Machine-translate empty entries, each marked fuzzy for review."""
    from i18nprofiles.commands.prefill import prefill_catalogs
    from i18nprofiles.mt.engines import build_engine

    config = get_config(ctx)
    machine = build_engine(engine, config, url=engine_url, memory=memory, require_key=not dry_run)
    with showing_progress(f"prefill ({engine})") as progress:
        result = prefill_catalogs(config, machine, locales=locales, directory=directory, domain=domain,
                                  glossary=glossary, width=width, dry_run=dry_run, progress=progress)
    for report in result.reports:
        name = relative_to_cwd(report.path)
        if dry_run:
            click.echo(f"{name}: {len(report.to_send)} texts, {report.characters} characters would be sent "
                       f"({report.candidates} empty entries)")
            for text in report.to_send:
                click.echo(f"  {len(text):5d}  {shorten(text, 70)}")
            continue
        if verbose:
            for failure in report.failures:
                click.echo(f"warning: {relative_to_cwd(failure.path)}:{failure.line}: {failure.reason}: "
                           f"{shorten(failure.msgid)}", err=True)
        elif report.failures:
            reasons = Counter(failure.reason for failure in report.failures)
            listed = ", ".join(f"{reason} ({count})" for reason, count in sorted(reasons.items()))
            click.echo(f"warning: {name}: {len(report.failures)} entries left empty: {listed} "
                       f"(--verbose names them)", err=True)
        state = "written" if report.written else "unchanged"
        click.echo(f"{name}: {report.filled} of {report.candidates} empty entries filled, "
                   f"{len(report.failures)} left empty ({state})")
    if not dry_run:
        click.echo(f"{engine}: {result.unique_texts} unique texts, {result.cache_hits} from cache, "
                   f"{result.requests} requests")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    return EXIT_OK



# -- CI gate: command `check` goes here ------------------------------------------


@command(example=["i18nprofiles check", "i18nprofiles check --fail-under 90 --fail-on fuzzy",
                  "i18nprofiles check --format junit -o check-junit.xml --report translation-report",
                  "i18nprofiles check po/fr.po po/de.po"])
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@locale_option
@directory_option
@click.option("-D", "--domain", default=None,
              help="Check this domain only: profiles, messages (UI strings) or another catalogue name in the locales "
                   "folder; with PATHs, the conventions to check them by. Default: profiles and messages.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PCT",
              help="Fail when a locale has fewer translated messages (percent); overrides the configuration.")
@click.option("--fail-on", multiple=True, metavar="STATES",
              help="Fail on any fuzzy, untranslated or obsolete entry (comma-separated, repeatable); "
                   "'error' or 'warning': the lowest severity that fails.")
@click.option("--fail-level", type=click.Choice(["error", "warning"]), help="Lowest severity that fails (default: error).")
@click.option("--skip", multiple=True, metavar="NAME", help=f"Turn a check off (repeatable): {', '.join(CHECK_NAMES)}.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github", "junit"]),
              default="text", show_default=True, help="Output format (text: capped per severity; json: everything).")
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False),
              help="Write the output (in --format) to this file; the table and summary still go to the terminal.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), help="Write an HTML report and SVG badges here.")
@click.pass_context
def check(ctx: click.Context, paths: Sequence[str], locales: Sequence[str], directory: str | None, domain: str | None,
          fail_under: float | None, fail_on: Sequence[str], fail_level: str | None, skip: Sequence[str],
          output_format: str, output: str | None, report_dir: str | None) -> int:
    """CI gate: coverage, stale catalogues and quality findings of the project's profiles and UI strings, or of
    the catalogues given (PATH…, any application's, no project needed); exit 1 when something fails."""

    from i18nprofiles.check import (
        format_report,
        format_summary,
        format_table,
        write_report,
    )
    from i18nprofiles.commands.check import check_project
    from i18nprofiles.files import write_text_atomic

    config = get_config(ctx, standalone=bool(paths))
    options = dict(domain=domain, locales=locales, directory=directory, fail_under=fail_under, fail_on=fail_on,
                   skip=skip, fail_level=fail_level)
    if paths:
        if locales or directory:
            raise click.UsageError("-l/--locale and -d/--directory do not apply to catalogues given by path")
        report = check_project(config, paths=paths, **options)  # catalogues named: nothing cached
    else:
        with project_store(ctx, config) as store, showing_progress("check") as progress:
            report = check_project(config, store=store, progress=progress, **options)
    text = format_report(report, output_format)
    if output:
        write_text_atomic(Path(output), text.encode("utf-8"))
        click.echo(format_table(report) + format_summary(report), nl=False)
    else:
        click.echo(text, nl=False)
        if output_format != "text":
            click.echo(format_summary(report), nl=False, err=True)
    if report_dir:
        from i18nprofiles.check.report import UI
        from i18nprofiles.site.theme import load_ui_translations

        locale = config.source_locale  # the project's working language (the report shows the content's catalogues)
        paths_written = write_report(report, report_dir, ui=UI(load_ui_translations(config, locale), locale))
        click.echo(f"report: {relative_to_cwd(paths_written[0])}", err=True)
    return EXIT_PROBLEMS if report.failed else EXIT_OK



# -- a new project ------------------------------------------------------------------


def split_locales(values: Sequence[str]) -> list[str]:
    """``-l es,en -l de`` → ``["es", "en", "de"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@cli.command(epilog=examples("i18nprofiles new alumni --source fr --locales es,en",
                             "i18nprofiles new . --locales es,en,de"))
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--source", "source_locale", default="fr", show_default=True, help="The language the profiles are written in.")
@click.option("-l", "--locale", "--locales", "locales", multiple=True, default=("es,en",), show_default=True,
              help="Languages to translate into (comma-separated, repeatable).")
@click.option("--name", help="The project's name (default: the folder's name).")
@click.option("--install", metavar="SPEC", help="What the CI workflow gives `pip install` (default: this i18nprofiles: "
              "its git commit when installed from git, else its version).")
def new(folder: str, source_locale: str, locales: Sequence[str], name: str | None, install: str | None) -> int:
    """Start a project: configuration, an example profile and its catalogues, .gitignore, a CI workflow.

    The project builds and passes `check` as it is.  Nothing is written when
    the folder is already a project or holds one of the files.
    """
    from i18nprofiles.commands.new import WORKFLOW, new_project

    made = new_project(folder, source_locale=source_locale, locales=split_locales(locales), name=name,
                       install=install)
    for file in made.files:
        click.echo(f"created {relative_to_cwd(made.root / file)}")
    if not made.portable_install:
        click.echo(f"warning: {relative_to_cwd(made.root / WORKFLOW)}: this i18nprofiles was installed from a folder "
                   f"of this machine, so the workflow's `pip install {made.install}` will not find it: give "
                   "--install SPEC (e.g. 'i18nprofiles @ git+https://…/i18nprofiles@COMMIT') or edit that line",
                   err=True)
    where = relative_to_cwd(made.root)
    click.echo(f"next: cd {where} && i18nprofiles build && i18nprofiles check" if where != "."
               else "next: i18nprofiles build && i18nprofiles check")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> None:
    """Run the command line and exit with its code; errors never show a traceback.

    Ctrl-C (``SIGINT``) and ``SIGTERM`` stop the command: what it had not
    put in place is discarded, worker processes are killed, and it exits 130
    (143 for ``SIGTERM``) with ``error: interrupted``.  ``own_process``: the
    process is the command's alone (the console entry point), so its signal
    handling may be changed for good; otherwise it is put back as it was.
    """
    in_main_thread = threading.current_thread() is threading.main_thread()
    before = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS} if in_main_thread else {}
    stop_on_signals()
    if own_process:
        collect_seldom()
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="i18nprofiles",
                        standalone_mode=False)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - every way out is a message and an exit code
        code = report_failure(exc, own_process)
    finally:
        for signum, handler in before.items():
            # The work is done: in a process of its own, a late Ctrl-C does not change the outcome.
            signal.signal(signum, signal.SIG_IGN if own_process else handler)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def report_failure(exc: BaseException, own_process: bool = False) -> int:
    """Print what stopped the command (no traceback) and return its exit code; an unexpected error propagates."""
    signum = received_signal()
    if signum is not None or isinstance(exc, (KeyboardInterrupt, click.exceptions.Abort)):
        return report_interrupt(signum, own_process)
    if isinstance(exc, I18nProfilesError):
        if exc.path:
            exc.path = relative_to_cwd(exc.path)
        click.echo(f"error: {exc}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(exc, click.ClickException):
        click.echo(f"error: {exc.format_message()}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(exc, BrokenPipeError):  # the reader of our output went away (`| head`): stop quietly
        with suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13
    if isinstance(exc, OSError):
        where = relative_to_cwd(target_of(exc.filename)) if exc.filename else ""
        click.echo(f"error: {where + ': ' if where else ''}{exc.strerror or exc}", err=True)
        return EXIT_BAD_INPUT
    if isinstance(exc, MemoryError):
        click.echo("error: out of memory", err=True)
        return EXIT_BAD_INPUT
    raise exc


def report_interrupt(signum: int | None, own_process: bool = False) -> int:
    """Stop for good after Ctrl-C or SIGTERM: workers killed, one line said, 130 or 143.

    Threads still waiting for a machine-translation server would hold the
    exit until their time-out: a process of its own with such threads ends
    at once (its files are already as they were, or saved).
    """
    if threading.current_thread() is threading.main_thread():
        for other in STOP_SIGNALS:
            signal.signal(other, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up short
    if own_process:
        stop_workers()
        gc.collect()  # the stopped pool's locks are released now, not reported leaked at exit (collect_seldom)
    code = 128 + (signum or signal.SIGINT)
    with suppress(Exception):
        click.echo("error: interrupted", err=True)
    if not own_process:
        return code
    deadline = time.monotonic() + INTERRUPT_GRACE
    stuck = False
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            try:
                thread.join(max(0.0, deadline - time.monotonic()))
            except RuntimeError:  # a thread whose start the signal cut short: it cannot be joined
                stuck = True
    if stuck or any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
                    if thread is not threading.current_thread()):
        with suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    return code
