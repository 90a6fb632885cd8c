"""The public Python API: every exported name resolves, and importing stays light."""

from __future__ import annotations

import subprocess
import sys

import i18nprofiles


def test_every_exported_name_resolves() -> None:
    for name in i18nprofiles.__all__:
        assert getattr(i18nprofiles, name) is not None


def test_the_command_line_does_not_load_heavy_modules_for_update() -> None:
    code = "import sys, i18nprofiles.cli, i18nprofiles.merge; print(sorted(m for m in ('jinja2', 'deep_translator', 'requests') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
