"""``check --report DIR``: a self-contained HTML page and an SVG badge per locale.

Rendering is pure (report in, text out) and escapes every value that comes
from a profile, a catalogue or a path; ``write_report`` is the only I/O.
"""

from __future__ import annotations

import gettext
import math
from html import escape
from pathlib import Path

from babel.numbers import format_percent
from markupsafe import Markup

from i18nprofiles.check.findings import Finding
from i18nprofiles.check.formats import visible_findings
from i18nprofiles.check.conventions import PROFILES
from i18nprofiles.check.gate import CatalogReport, CheckReport, Coverage
from i18nprofiles.files import write_text_atomic

# White text on each colour has a contrast of at least 4.5:1 (WCAG AA), as on the grey label.
BADGE_COLOURS = ((100.0, "#1a7f37"), (90.0, "#4d6b00"), (75.0, "#806000"), (50.0, "#a64200"), (0.0, "#b3261e"))
BADGE_LABEL_COLOUR = "#555"
CHAR_WIDTH = 7  # pixels per character of 11px Verdana, near enough for a badge

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;
padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .6rem}
.state{font-weight:600;padding:.15rem .5rem;border-radius:.3rem}.passed{background:#dafbe1;color:#116329}
.failed{background:#ffebe9;color:#a40e26}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:start;padding:.35rem .5rem;border-bottom:1px solid #d8dee4;
vertical-align:top}th{font-weight:600;background:#f6f8fa}td.num{text-align:end;font-variant-numeric:tabular-nums}
.bar{display:flex;height:.9rem;min-width:10rem;background:#d8dee4;border-radius:.45rem;overflow:hidden}
.bar span{display:block;height:100%}.t{background:#2da44e}.f{background:#d4a72c}
.pct{font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{font-weight:600}.error{color:#a40e26}.warning{color:#7d4e00}.notice{color:#57606a}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}td.where{white-space:nowrap}
.legend span{display:inline-block;width:.8rem;height:.8rem;border-radius:.2rem;margin:0 .3rem 0 .8rem;
vertical-align:-.1rem}.legend .u{background:#d8dee4}
"""


class UI:
    """The report's words in one language: gettext UI strings (domain ``messages``) and Babel's numbers.

    A translation is text (escaped here); the theme's English fallback is markup already (``<span lang="en">``).
    """

    def __init__(self, translations: gettext.NullTranslations | None = None, locale: str = "en") -> None:
        self.translations = translations or gettext.NullTranslations()
        self.locale = locale

    def html(self, message: str, **values: object) -> str:
        """A UI string as HTML, with ``%(name)s`` values escaped into it."""
        return self._fill(self.translations.gettext(message), values)

    def nhtml(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self._fill(self.translations.ngettext(singular, plural, n), {"num": n, **values})

    def text(self, message: str, **values: object) -> str:
        """A UI string as plain text (for attributes), escaped for an attribute."""
        return escape(Markup(self.html(message, **values)).striptags())

    def percent(self, value: float) -> str:
        return escape(format_percent(value / 100, "#,##0.0%", locale=self.locale))

    def _fill(self, found: str, values: dict[str, object]) -> str:
        template = str(found) if hasattr(found, "__html__") else escape(found)
        return template % {key: escape(str(value)) for key, value in values.items()} if values else template


def badge_colour(percent: float) -> str:
    return next(colour for limit, colour in BADGE_COLOURS if percent >= limit)


def whole_percent(percent: float) -> int:
    """Whole percent, rounded down: 99.9 % is not 100 %."""
    return math.floor(percent + 1e-9)


def render_badge(label: str, percent: float) -> str:
    """A flat SVG badge, ``label | 87%``, coloured by the percentage."""
    value = f"{whole_percent(percent)}%"
    left, right = len(label) * CHAR_WIDTH + 10, len(value) * CHAR_WIDTH + 10
    width = left + right
    text = escape(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{text}">'
        f"<title>{text}</title>"
        f'<rect width="{left}" height="20" fill="{BADGE_LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{badge_colour(percent)}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(value)}</text></g></svg>\n'
    )


def _bar(coverage_parts: list[tuple[str, float]], label: str) -> str:
    spans = "".join(f'<span class="{cls}" style="width:{share:.2f}%"></span>' for cls, share in coverage_parts if share)
    return f'<div class="bar" role="img" aria-label="{label}">{spans}</div>'


def _coverage_bar(coverage: Coverage, ui: UI) -> str:
    total = coverage.total.messages or 1
    parts = [("t", 100.0 * coverage.translated.messages / total), ("f", 100.0 * coverage.fuzzy.messages / total)]
    label = ui.text("%(percent)s translated, %(fuzzy)s fuzzy", percent=Markup(ui.percent(coverage.percent)).unescape(),
                    fuzzy=coverage.fuzzy.messages)
    return _bar(parts, label)


def _locale_row(catalog: CatalogReport, ui: UI) -> str:
    c = catalog.coverage
    verdict = ui.html("ok") if catalog.passed else ui.html("below")
    cells = [
        f"<th scope=\"row\">{escape(catalog.locale)}</th>",
        f"<td>{_coverage_bar(c, ui)}</td>",
        f'<td class="pct">{ui.percent(c.percent)}</td>',
        f'<td class="num">{c.translated.messages}/{c.total.messages}</td>',
        f'<td class="num">{c.fuzzy.messages}</td>',
        f'<td class="num">{c.untranslated.messages}</td>',
        f'<td class="num">{c.obsolete.messages}</td>',
        f'<td class="num">{ui.percent(c.words_percent)}</td>',
        f"<td>{ui.percent(catalog.threshold)} {verdict}</td>",
        f"<td>{render_badge(badge_label(catalog.locale), c.percent).strip()}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def shown_catalogs(report: CheckReport) -> list[CatalogReport]:
    """The catalogues whose rows and badges the report shows: the content's (``profiles``, or catalogues
    given by path) when it has any, else every one (``-D messages``); the others' findings are listed all
    the same."""
    content = [catalog for catalog in report.catalogs if catalog.domain in (PROFILES, None)]
    return content or list(report.catalogs)


def _profile_rows(report: CheckReport, ui: UI) -> list[str]:
    rows: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for catalog in shown_catalogs(report):
        for progress in catalog.profiles:
            names[progress.path] = progress.slug
            label = ui.text("%(done)s of %(total)s translated", done=progress.translated, total=progress.total)
            cell = (f"<td>{_bar([('t', progress.percent)], label)}</td>"
                    f'<td class="pct">{whole_percent(progress.percent)}%</td>')
            rows.setdefault(progress.path, []).append(cell)
    return [
        f"<tr><th scope=\"row\">{escape(names[path])}<br><code>{escape(path)}</code></th>{''.join(cells)}</tr>"
        for path, cells in sorted(rows.items())
    ]


def _finding_row(finding: Finding, ui: UI) -> str:
    severity = {"error": ui.html("error"), "warning": ui.html("warning"), "notice": ui.html("notice")}
    return (
        f'<tr><td class="sev {escape(finding.severity)}">{severity.get(finding.severity, escape(finding.severity))}</td>'
        f"<td>{escape(finding.check)}</td><td>{escape(finding.locale or '')}</td>"
        f'<td class="where"><code>{escape(finding.path)}:{finding.line}</code></td><td>{escape(finding.message)}</td></tr>'
    )


def _table(caption: str, heads: list[str], rows: list[str], extra: str = "") -> list[str]:
    """A table in a region that scrolls sideways on a narrow screen (named by ``caption``, reachable by keyboard)."""
    head = "".join(f'<th scope="col">{cell}</th>' for cell in heads) + extra
    return [f'<div class="scroll" role="region" aria-label="{escape(Markup(caption).striptags())}" tabindex="0">',
            f"<table><thead><tr>{head}</tr></thead><tbody>", *rows, "</tbody></table></div>"]


def render_html(report: CheckReport, title: str | None = None, ui: UI | None = None) -> str:
    """The whole report page in one file: inline CSS and badges, no scripts, nothing fetched; its words in
    the language of ``ui`` (English without)."""
    ui = ui or UI()
    title_html = escape(title) if title else ui.html("Translation status")
    state = ui.html("check failed") if report.failed else ui.html("check passed")
    counts = ui.html("errors: %(errors)s, warnings: %(warnings)s, notices: %(notices)s (failing at: %(level)s)",
                     errors=report.count("error"), warnings=report.count("warning"), notices=report.count("notice"),
                     level=report.fail_level)
    shown, left = visible_findings(report.findings)
    more = [ui.html("%(num)s more %(check)s in %(path)s", num=count, check=check, path=path)
            for (path, check), count in sorted(left.items())]
    catalogs = shown_catalogs(report)
    locale_heads = "".join(f'<th scope="col" colspan="2">{escape(c.locale)}</th>' for c in catalogs)
    lang = escape(ui.locale.replace("_", "-"))
    words = {"translated": ui.html("translated"), "fuzzy": ui.html("fuzzy"), "untranslated": ui.html("untranslated")}
    locales, profiles = ui.html("Locales"), ui.html("Profiles")
    findings = ui.html("Findings (%(num)s)", num=len(report.findings))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(Markup(title_html).striptags())}</title><style>{STYLE}</style></head><body>",
        "<main>",
        f"<h1>{title_html}</h1>",
        f'<p><span class="state {"failed" if report.failed else "passed"}">{state}</span> {counts}</p>',
        f'<section><h2 id="locales-title">{locales}</h2>',
        f'<p class="legend"><span class="t"></span>{words["translated"]}<span class="f"></span>{words["fuzzy"]}'
        f'<span class="u"></span>{words["untranslated"]}</p>',
        *_table(locales, [ui.html("locale"), ui.html("progress"), "%", ui.html("messages"),
                          words["fuzzy"], words["untranslated"], ui.html("obsolete"),
                          ui.html("words"), ui.html("threshold"), ui.html("badge")],
                [_locale_row(c, ui) for c in catalogs]),
        "</section>",
        f'<section><h2 id="profiles-title">{profiles}</h2>',
        *_table(profiles, [ui.html("profile")], _profile_rows(report, ui), extra=locale_heads),
        "</section>",
        f'<section><h2 id="findings-title">{findings}</h2>',
    ]
    if shown:
        heads = [ui.html("severity"), ui.html("check"), ui.html("locale"), ui.html("where"), ui.html("message")]
        parts += _table(findings, heads, [_finding_row(f, ui) for f in shown])
    else:
        parts.append("<p>" + ui.html("Nothing to report.") + "</p>")
    if more:
        parts += ["<ul>", *(f"<li>{item}</li>" for item in more), "</ul>"]
    parts.append("</section></main></body></html>")
    return "\n".join(parts) + "\n"


def badge_name(locale: str) -> str:
    return f"badge-{locale}.svg"


def badge_label(locale: str) -> str:
    return f"translated {locale}"


def write_report(report: CheckReport, directory: str | Path, ui: UI | None = None) -> list[Path]:
    """Write ``index.html`` (in the language of ``ui``) and one ``badge-<locale>.svg`` per catalogue;
    return the paths."""
    folder = Path(directory)
    files = {folder / "index.html": render_html(report, ui=ui)}
    for catalog in shown_catalogs(report):
        files[folder / badge_name(catalog.locale)] = render_badge(badge_label(catalog.locale), catalog.coverage.percent)
    for path, text in files.items():
        write_text_atomic(path, text.encode("utf-8"))
    return list(files)
