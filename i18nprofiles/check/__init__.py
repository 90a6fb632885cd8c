"""The CI gate: the named checks and their severities, findings, coverage, and ways to show a report.

The ``check`` command (``i18nprofiles.commands.check.check_project``) reads
the project and returns a CheckReport; ``format_report`` shows it as text,
json, github or junit, and ``write_report`` writes the HTML page and badges.
"""

from i18nprofiles.check.findings import CHECKS, Finding
from i18nprofiles.check.formats import (
    FORMATS,
    format_report,
    format_summary,
    format_table,
)
from i18nprofiles.check.gate import CatalogReport, CheckReport, Coverage
from i18nprofiles.check.report import render_badge, render_html, write_report

__all__ = [
    "CHECKS", "FORMATS", "CatalogReport", "CheckReport", "Coverage", "Finding", "format_report",
    "format_summary", "format_table", "render_badge", "render_html", "write_report",
]
