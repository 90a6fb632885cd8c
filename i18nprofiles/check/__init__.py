"""The CI gate: the named checks and their severities, findings, coverage, and ways to show a report.

The ``check`` command (``i18nprofiles.commands.check.check_project``) reads
the project and returns a CheckReport; ``format_report`` shows it as text,
json, github or junit, and ``write_report`` writes the HTML page and badges.
"""

from importlib import import_module
from typing import Any

#: Where each name lives: imported when first used, so that commands that only need ``CHECKS`` (the CLI's
#: help) do not load the formats and the gate.
_MODULE_OF = {
    "CHECKS": "findings", "Finding": "findings", "FORMATS": "formats", "format_report": "formats",
    "format_summary": "formats", "format_table": "formats", "CatalogReport": "gate", "CheckReport": "gate",
    "Coverage": "gate", "render_badge": "report", "render_html": "report", "write_report": "report",
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
