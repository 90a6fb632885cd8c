"""``check --report DIR``: a self-contained HTML page and an SVG badge per locale.

Rendering is pure (report in, text out) and escapes every value that comes
from a profile, a catalogue or a path; ``write_report`` is the only I/O.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

from i18nprofiles.check.findings import Finding
from i18nprofiles.check.formats import format_summary, visible_findings
from i18nprofiles.check.gate import CatalogReport, CheckReport, Coverage
from i18nprofiles.files import write_text_atomic

BADGE_COLOURS = ((100.0, "#4c1"), (90.0, "#97ca00"), (75.0, "#dfb317"), (50.0, "#fe7d37"), (0.0, "#e05d44"))
CHAR_WIDTH = 7  # pixels per character of 11px Verdana, near enough for a badge

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;
padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .6rem}
.state{font-weight:600;padding:.15rem .5rem;border-radius:.3rem}.passed{background:#dafbe1;color:#116329}
.failed{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d8dee4;
vertical-align:top}th{font-weight:600;background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:flex;height:.9rem;min-width:10rem;background:#d8dee4;border-radius:.45rem;overflow:hidden}
.bar span{display:block;height:100%}.t{background:#2da44e}.f{background:#d4a72c}
.pct{font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{font-weight:600}.error{color:#a40e26}.warning{color:#7d4e00}.notice{color:#57606a}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}td.where{white-space:nowrap}
.legend span{display:inline-block;width:.8rem;height:.8rem;border-radius:.2rem;margin:0 .3rem 0 .8rem;
vertical-align:-.1rem}
"""


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
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{badge_colour(percent)}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(value)}</text></g></svg>\n'
    )


def _bar(coverage_parts: list[tuple[str, float]], label: str) -> str:
    spans = "".join(f'<span class="{cls}" style="width:{share:.2f}%"></span>' for cls, share in coverage_parts if share)
    return f'<div class="bar" role="img" aria-label="{escape(label)}">{spans}</div>'


def _coverage_bar(coverage: Coverage) -> str:
    total = coverage.total.messages or 1
    parts = [("t", 100.0 * coverage.translated.messages / total), ("f", 100.0 * coverage.fuzzy.messages / total)]
    label = f"{coverage.percent:.1f}% translated, {coverage.fuzzy.messages} fuzzy"
    return _bar(parts, label)


def _locale_row(catalog: CatalogReport) -> str:
    c = catalog.coverage
    threshold = f"{catalog.threshold:g}% {'ok' if catalog.passed else 'below'}"
    cells = [
        f"<th>{escape(catalog.locale)}</th>",
        f"<td>{_coverage_bar(c)}</td>",
        f'<td class="pct">{c.percent:.1f}%</td>',
        f'<td class="num">{c.translated.messages}/{c.total.messages}</td>',
        f'<td class="num">{c.fuzzy.messages}</td>',
        f'<td class="num">{c.untranslated.messages}</td>',
        f'<td class="num">{c.obsolete.messages}</td>',
        f'<td class="num">{c.words_percent:.1f}%</td>',
        f"<td>{escape(threshold)}</td>",
        f"<td>{render_badge(badge_label(catalog.locale), c.percent).strip()}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _profile_rows(report: CheckReport) -> list[str]:
    rows: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for catalog in report.catalogs:
        for progress in catalog.profiles:
            names[progress.path] = progress.slug
            label = f"{progress.translated} of {progress.total} translated"
            cell = (f"<td>{_bar([('t', progress.percent)], label)}</td>"
                    f'<td class="pct">{whole_percent(progress.percent)}%</td>')
            rows.setdefault(progress.path, []).append(cell)
    return [
        f"<tr><th>{escape(names[path])}<br><code>{escape(path)}</code></th>{''.join(cells)}</tr>"
        for path, cells in sorted(rows.items())
    ]


def _finding_row(finding: Finding) -> str:
    return (
        f'<tr><td class="sev {escape(finding.severity)}">{escape(finding.severity)}</td>'
        f"<td>{escape(finding.check)}</td><td>{escape(finding.locale or '')}</td>"
        f'<td class="where"><code>{escape(finding.path)}:{finding.line}</code></td><td>{escape(finding.message)}</td></tr>'
    )


def render_html(report: CheckReport, title: str = "Translation status") -> str:
    """The whole report page in one file: inline CSS and badges, no scripts, nothing fetched."""
    state = "failed" if report.failed else "passed"
    shown, left = visible_findings(report.findings)
    more = [f"<li>{count} more {escape(check)} in <code>{escape(path)}</code></li>"
            for (path, check), count in sorted(left.items())]
    locale_heads = "".join(f'<th colspan="2">{escape(c.locale)}</th>' for c in report.catalogs)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p><span class="state {state}">check {state}</span> {escape(format_summary(report).split(": ", 1)[1])}</p>',
        '<h2>Locales</h2><p class="legend"><span class="t"></span>translated<span class="f"></span>fuzzy'
        '<span style="background:#d8dee4"></span>untranslated</p>',
        "<table><thead><tr><th>locale</th><th>progress</th><th>%</th><th>messages</th><th>fuzzy</th>"
        "<th>untranslated</th><th>obsolete</th><th>words</th><th>threshold</th><th>badge</th></tr></thead><tbody>",
        *(_locale_row(c) for c in report.catalogs),
        "</tbody></table>",
        "<h2>Profiles</h2>",
        f"<table><thead><tr><th>profile</th>{locale_heads}</tr></thead><tbody>",
        *_profile_rows(report),
        "</tbody></table>",
        f"<h2>Findings ({len(report.findings)})</h2>",
    ]
    if shown:
        parts += [
            "<table><thead><tr><th>severity</th><th>check</th><th>locale</th><th>where</th><th>message</th></tr>"
            "</thead><tbody>",
            *(_finding_row(f) for f in shown),
            "</tbody></table>",
        ]
    else:
        parts.append("<p>Nothing to report.</p>")
    if more:
        parts += ["<ul>", *more, "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def badge_name(locale: str) -> str:
    return f"badge-{locale}.svg"


def badge_label(locale: str) -> str:
    return f"translated {locale}"


def write_report(report: CheckReport, directory: str | Path) -> list[Path]:
    """Write ``index.html`` and one ``badge-<locale>.svg`` per catalogue; return the paths."""
    folder = Path(directory)
    files = {folder / "index.html": render_html(report)}
    for catalog in report.catalogs:
        files[folder / badge_name(catalog.locale)] = render_badge(badge_label(catalog.locale), catalog.coverage.percent)
    for path, text in files.items():
        write_text_atomic(path, text.encode("utf-8"))
    return list(files)
