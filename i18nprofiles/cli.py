"""The ``i18nprofiles`` command line: a thin shell over the library.

Exit codes: 0 success, 1 a check found problems or a catalogue is out of
date, 2 bad input or usage.  Errors read ``error: path:line: message``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from i18nprofiles.config import Config, load_config
from i18nprofiles.errors import ConfigError, I18nProfilesError
from i18nprofiles.source.model import shorten
from i18nprofiles.store import Store, open_store

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Session:
    """What the group's options give every command: the configuration, and whether to use the cache."""

    config: Config
    no_cache: bool = False


def get_config(ctx: click.Context, **options: Any) -> Config:
    """The project configuration with the command's options laid over it."""
    session: Session = ctx.obj
    return session.config.with_options(**options)


@contextmanager
def project_store(ctx: click.Context, config: Config) -> Iterator[Store]:
    """The project's store for one command (``--no-cache``: one that keeps nothing), committed when the
    command succeeds, emptied when it fails; its warnings are printed."""
    session: Session = ctx.obj
    store = open_store(None if session.no_cache else config.cache_dir)
    try:
        yield store
    except BaseException:
        store.discard()
        raise
    store.commit()
    for warning in store.warnings:
        click.echo(f"warning: {warning}", err=True)


def relative_to_cwd(path: str | Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)



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
    """Translate people's profiles through gettext catalogues and publish them per locale."""
    ctx.obj = Session(load_config(project), no_cache)


@cli.command()
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
    with project_store(ctx, config) as store:
        profiles = read_profiles(config, files, store=store) if files else None
        result = run_extract(config, output=output, no_location=no_location, omit_header=omit_header,
                             width=width, sort_output=sort_output, profiles=profiles, store=store)
    state = "written" if result.written else "unchanged"
    click.echo(f"{relative_to_cwd(result.path)}: {result.messages} messages from {result.profiles} profiles ({state})")
    return EXIT_OK


@cli.command()
@click.option("-l", "--locale", "locale", required=True, help="Locale of the new catalogue.")
@input_option
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False), help="Catalogue to write.")
@directory_option
@domain_option
@width_option
@click.option("--force", is_flag=True, help="Overwrite an existing catalogue.")
@click.pass_context
def init(ctx: click.Context, locale: str, input_file: str | None, output: str | None, directory: str | None,
         domain: str, width: int | None, force: bool) -> int:
    """Create a new catalogue for a locale from the template."""
    from i18nprofiles.commands.update import init_catalog

    config = get_config(ctx)
    path = init_catalog(config, locale, input_file=input_file, output=output, directory=directory,
                        domain=domain, width=width, force=force)
    click.echo(f"created {relative_to_cwd(path)}")
    return EXIT_OK


@cli.command()
@locale_option
@input_option
@click.option("-o", "--output", "--output-file", "output", type=click.Path(dir_okay=False),
              help="Write the merged catalogue here (one --locale only).")
@directory_option
@domain_option
@width_option
@click.option("-N", "--no-fuzzy-matching", is_flag=True, help="Do not look for similar messages.")
@click.option("--ignore-obsolete", is_flag=True, help="Drop obsolete entries instead of keeping them as #~.")
@click.option("--init-missing", is_flag=True, help="Create catalogues for configured locales that have none.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a catalogue would change.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Accepted for compatibility: catalogues are merged one after the other.")
@click.pass_context
def update(ctx: click.Context, locales: Sequence[str], input_file: str | None, output: str | None,
           directory: str | None, domain: str, width: int | None, no_fuzzy_matching: bool,
           ignore_obsolete: bool, init_missing: bool, check: bool, jobs: int) -> int:
    """Merge the template into every catalogue."""
    from i18nprofiles.commands.update import update_catalogs

    config = get_config(ctx)
    with project_store(ctx, config) as store:
        results = update_catalogs(config, locales=locales, input_file=input_file, output=output, directory=directory,
                                  domain=domain, width=width, fuzzy_matching=not no_fuzzy_matching,
                                  ignore_obsolete=ignore_obsolete, init_missing=init_missing, check=check, store=store)
    if not results:
        raise ConfigError(f"no {domain}.po catalogues (run init, or update --init-missing)", config.locales_dir)
    stale = False
    for result in results:
        report = result.report
        name = relative_to_cwd(result.path)
        counts = (f"{len(report.added)} new, {len(report.fuzzy)} fuzzy, {len(report.revived)} revived, "
                  f"{len(report.obsoleted)} obsolete")
        if not check:
            click.echo(f"{name}: {counts} ({'written' if result.written else 'unchanged'})")
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
        click.echo("run `i18nprofiles update` to bring the catalogues up to date", err=True)
        return EXIT_PROBLEMS
    return EXIT_OK


@cli.command(name="compile")
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

    config = get_config(ctx)
    with project_store(ctx, config) as store:
        results = compile_catalogs(config, locales=locales, directory=directory, domain=domain, input_file=input_file,
                                   output=output, use_fuzzy=use_fuzzy, statistics=statistics, force=force, store=store)
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
    click.echo(f"{relative_to_cwd(result.output)}: {len(result.written)} files written, "
               f"{len(result.unchanged)} unchanged ({', '.join(result.published)})")


@cli.command()
@site_output_option
@use_fuzzy_option
@jobs_option
@click.pass_context
def render(ctx: click.Context, output: str | None, use_fuzzy: bool | None, jobs: int | None) -> int:
    """Render one page per profile per locale, the indexes and the sitemap."""
    from i18nprofiles.commands.render import render_site

    config = get_config(ctx, use_fuzzy=use_fuzzy)
    with project_store(ctx, config) as store:
        result = render_site(config, output=output, workers=jobs, store=store)
    report_render(result, config)
    return EXIT_OK


@cli.command()
@site_output_option
@use_fuzzy_option
@jobs_option
@click.pass_context
def build(ctx: click.Context, output: str | None, use_fuzzy: bool | None, jobs: int | None) -> int:
    """Extract, update (creating missing catalogues), compile and render."""
    from i18nprofiles.pipeline import build_project

    config = get_config(ctx, use_fuzzy=use_fuzzy)
    with project_store(ctx, config) as store:
        steps = build_project(config, output=output, workers=jobs, store=store)
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


@cli.command()
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


def make_progress(label: str) -> Any:
    """A progress callback: a tqdm bar on a terminal, a plain line every tenth in CI; and its closer."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=label, unit="entry", file=sys.stderr, delay=0.5)

        def update(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return update, bar.close
    shown: set[int] = set()

    def report(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth not in shown and (tenth > 0 or done == total):
            shown.add(tenth)
            click.echo(f"{label}: {done}/{total} entries", err=True)

    return report, lambda: None


@cli.command()
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
@click.pass_context
def prefill(ctx: click.Context, locales: Sequence[str], engine: str, engine_url: str | None, glossary: str | None,
            memory: Sequence[str], directory: str | None, domain: str, width: int | None, dry_run: bool) -> int:
    """Machine-translate empty entries, each marked fuzzy for review."""
    from i18nprofiles.commands.prefill import prefill_catalogs
    from i18nprofiles.mt.engines import build_engine

    config = get_config(ctx)
    machine = build_engine(engine, config, url=engine_url, memory=memory, require_key=not dry_run)
    update, close = make_progress(f"prefill ({engine})") if not dry_run else (None, lambda: None)
    try:
        result = prefill_catalogs(config, machine, locales=locales, directory=directory, domain=domain,
                                  glossary=glossary, width=width, dry_run=dry_run, progress=update)
    finally:
        close()
    for report in result.reports:
        name = relative_to_cwd(report.path)
        if dry_run:
            click.echo(f"{name}: {len(report.to_send)} texts, {report.characters} characters would be sent "
                       f"({report.candidates} empty entries)")
            for text in report.to_send:
                click.echo(f"  {len(text):5d}  {shorten(text, 70)}")
            continue
        for failure in report.failures:
            click.echo(f"warning: {relative_to_cwd(failure.path)}:{failure.line}: {failure.reason}: "
                       f"{shorten(failure.msgid)}", err=True)
        state = "written" if report.written else "unchanged"
        click.echo(f"{name}: {report.filled} of {report.candidates} empty entries filled, "
                   f"{len(report.failures)} left empty ({state})")
    if not dry_run:
        click.echo(f"{engine}: {result.unique_texts} unique texts, {result.cache_hits} from cache, "
                   f"{result.requests} requests")
    return EXIT_OK



# -- CI gate: command `check` goes here ------------------------------------------


@cli.command()
@locale_option
@directory_option
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PCT",
              help="Fail when a locale has fewer translated messages (percent); overrides the configuration.")
@click.option("--fail-on", multiple=True, metavar="STATES",
              help="Fail on any fuzzy, untranslated or obsolete entry (comma-separated, repeatable).")
@click.option("--fail-level", type=click.Choice(["error", "warning"]), help="Lowest severity that fails (default: error).")
@click.option("--skip", multiple=True, metavar="NAME", help="Turn a check off (repeatable; see docs/check.md).")
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json", "github", "junit"]),
              default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the output here; a summary still goes to the terminal.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), help="Write an HTML report and SVG badges here.")
@click.pass_context
def check(ctx: click.Context, locales: Sequence[str], directory: str | None, fail_under: float | None,
          fail_on: Sequence[str], fail_level: str | None, skip: Sequence[str], output_format: str,
          output: str | None, report_dir: str | None) -> int:
    """CI gate: coverage, stale catalogues and quality findings; exit 1 when something fails."""
    from i18nprofiles.check import (
        format_report,
        format_summary,
        format_table,
        write_report,
    )
    from i18nprofiles.commands.check import check_project
    from i18nprofiles.files import write_text_atomic

    config = get_config(ctx)
    with project_store(ctx, config) as store:
        report = check_project(config, locales=locales, directory=directory, fail_under=fail_under, fail_on=fail_on,
                               skip=skip, fail_level=fail_level, store=store)
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

        locale = config.source_locale  # the project's working language
        paths = write_report(report, report_dir, ui=UI(load_ui_translations(config, locale), locale))
        click.echo(f"report: {relative_to_cwd(paths[0])}", err=True)
    return EXIT_PROBLEMS if report.failed else EXIT_OK



def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with its code; errors never show a traceback."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="i18nprofiles",
                        standalone_mode=False)
    except I18nProfilesError as exc:
        if exc.path:
            exc.path = relative_to_cwd(exc.path)
        click.echo(f"error: {exc}", err=True)
        code = EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        code = 130
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        code = EXIT_BAD_INPUT
    except OSError as exc:
        where = relative_to_cwd(exc.filename) if exc.filename else ""
        click.echo(f"error: {where + ': ' if where else ''}{exc.strerror or exc}", err=True)
        code = EXIT_BAD_INPUT
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else EXIT_OK)
