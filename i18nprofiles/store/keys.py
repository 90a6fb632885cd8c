"""What every record of the store depends on besides its own inputs: the code that made it.

The key covers every file of the installed package (modules of every
subpackage, templates, catalogues, data files), the package's version, the
Python version, and the versions of the libraries whose behaviour shapes
what the stages produce.
A new release, a local edit of the package or an upgraded library makes every
record stale.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Distributions whose output-shaping behaviour every record depends on.
LIBRARIES = ("i18nprofiles", "babel", "polib", "jinja2", "markdown-it-py", "PyYAML", "rapidfuzz", "MarkupSafe", "Pillow")


def library_versions() -> tuple[tuple[str, str], ...]:
    """(distribution, version) for each of ``LIBRARIES``; "absent" for one that is not installed.

    Read from the names of the installed ``.dist-info`` folders (``babel-2.19.0.dist-info``: the
    wheel format puts the version there), the first of each name along ``sys.path`` as Python
    imports; a distribution found no such way is asked of ``importlib.metadata``.
    """
    wanted = {_normalise(name): name for name in LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            stem = entry[: -len(".dist-info")]
            if entry.endswith(".dist-info") and stem.count("-") == 1:
                name, version = stem.split("-")
                key = _normalise(name)
                if key in wanted and key not in found:
                    found[key] = version
    versions = []
    for key, name in wanted.items():
        if key not in found:
            import importlib.metadata  # here: the slow way, for an installation of another kind

            try:
                found[key] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                found[key] = "absent"
        versions.append((name, found[key]))
    return tuple(versions)


def _normalise(name: str) -> str:
    """A distribution name as its ``.dist-info`` folder spells it, case aside (PEP 503, PEP 427)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@lru_cache(maxsize=1)
def code_key() -> str:
    """SHA-256 of every file of the package (by relative name) and of the library versions."""
    digest = hashlib.sha256(repr((sys.version, library_versions())).encode("utf-8"))
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            name = path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8")
            digest.update(len(name).to_bytes(4, "big") + name)
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
