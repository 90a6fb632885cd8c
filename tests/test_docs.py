"""Docs that cannot drift: every console example of README.md and docs/*.md is run, and its output compared.

Each page runs in a scratch folder, a copy of the example project (or, after
``<!-- doctest: project alumni -->``, of ``tests/data/docs/alumni``, the
project of docs/profile-format.md).  In a ```console block, each ``$ command``
runs with bash there, and what it prints (standard output and error, in
order) must be the lines below it.  A ```python block followed by an output
block (``` with no language) runs with Python and must print that block; one
whose first line is ``# NAME.py`` is written to that file instead, for a
console block to run.  A ```po block must be an excerpt of a catalogue or
template of the scratch folder as it is at that point.  Only paths (the scratch folder is the page's
``/tmp``) and timings are normalised.

Hidden directives, in HTML comments, set the scene before the next block:

- ``<!-- doctest: setup`` … ``-->``: shell lines to run first (not shown);
- ``<!-- doctest: write PATH -->``: the next block is written to PATH;
- ``<!-- doctest: project NAME -->``: start again from that project;
- ``<!-- doctest: skip REASON -->``: the next block is not run.

``DOCTEST_UPDATE=1 pytest tests/test_docs.py`` rewrites the expected outputs
with what the commands print (review the diff before committing it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, copy_example

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROJECTS = ROOT / "tests" / "data" / "docs"
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
DIRECTIVE = re.compile(r"^<!-- doctest: (?P<verb>\w+) ?(?P<arg>.*?)(?P<end>-->)?$")
TIMING = re.compile(r"\b\d+(\.\d+)? s\b")
UPDATE = os.environ.get("DOCTEST_UPDATE") == "1"


@dataclass
class Block:
    """A fenced block of a page, where it is, and the directives before it."""

    lang: str
    lines: list[str]
    start: int  # index of the first content line in the page
    indent: str
    setup: list[str] = field(default_factory=list)
    write: str | None = None
    project: str | None = None
    skip: str | None = None


def read_blocks(text: str) -> list[Block]:
    """The fenced blocks of a page, with the directives before each."""
    lines = text.split("\n")
    blocks: list[Block] = []
    pending: dict[str, object] = {"setup": []}
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.match(line)
        if directive:
            verb, arg = directive["verb"], directive["arg"].strip()
            if verb == "setup":
                index += 1
                while not lines[index].startswith("-->"):
                    pending["setup"].append(lines[index])  # type: ignore[union-attr]
                    index += 1
            else:
                pending[verb] = arg
            index += 1
            continue
        fence = FENCE.match(line)
        if fence:
            indent, start = fence["indent"], index + 1
            end = start
            while not re.match(rf"^{indent}```\s*$", lines[end]):
                end += 1
            body = [item[len(indent):] if item.startswith(indent) else item for item in lines[start:end]]
            blocks.append(Block(fence["lang"], body, start, indent, **pending))  # type: ignore[arg-type]
            pending = {"setup": []}
            index = end + 1
            continue
        index += 1
    return blocks


@dataclass
class Scratch:
    """The page's scratch folders: its project (the working folder) and its /tmp."""

    root: Path
    cwd: Path
    tmp: Path
    status: int = 0

    def env(self) -> dict[str, str]:
        env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200", I18NPROFILES_PROGRESS="plain")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env.pop("SOURCE_DATE_EPOCH", None)
        return env

    def to_scratch(self, text: str) -> str:
        return re.sub(r"(?<![\w.])/tmp(?=/|\b)", str(self.tmp), text)

    def from_scratch(self, text: str) -> str:
        text = text.replace(str(self.tmp), "/tmp").replace(str(self.root), "/tmp/project")
        return TIMING.sub("N s", text)

    def shell(self, command: str) -> str:
        """Run one command as the page's reader would (cwd and $? carried over); what it printed."""
        script = f"(exit {self.status}); {self.to_scratch(command)}\n__status=$?; echo; echo \"@@$__status@@$PWD\""
        run = subprocess.run(["bash", "-c", script], cwd=self.cwd, env=self.env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=300)
        output, _, tail = run.stdout.rpartition("\n@@")
        status, _, cwd = tail.strip().partition("@@")
        self.status, self.cwd = int(status), Path(cwd)
        return self.from_scratch(output[:-1] if output.endswith("\n") else output)


def start(project: str | None, tmp_path: Path) -> Scratch:
    """A fresh scratch copy of the example project, or of a project of tests/data/docs."""
    if tmp_path.exists():
        shutil.rmtree(tmp_path)
    root, tmp = tmp_path / "project", tmp_path / "tmp"
    tmp.mkdir(parents=True)
    if project in (None, "example"):
        root.mkdir()
        copy_example(root)
    else:
        shutil.copytree(PROJECTS / project, root)
    return Scratch(root, root, tmp)


def split_console(lines: list[str]) -> list[tuple[str, list[str]]]:
    """``$ command`` lines and the output lines under each."""
    steps: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


NOT_IN_A_CATALOGUE = "(in no .po or .pot file of the project)"


def run_page(doc: Path, tmp_path: Path) -> list[tuple[int, list[str], list[str]]]:
    """Run every example of a page; (line, expected, got) for each output that differs."""
    blocks = read_blocks(doc.read_text(encoding="utf-8"))
    scratch = start(None, tmp_path / "run")
    differences = []
    for number, block in enumerate(blocks):
        if block.project:
            scratch = start(block.project, tmp_path / f"run{number}")
        for command in block.setup:
            scratch.shell(command)
        if block.skip:
            continue
        if block.write:
            target = Path(scratch.to_scratch(block.write))
            target = target if target.is_absolute() else scratch.cwd / target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
            continue
        if block.lang == "console":
            offset = block.start
            for command, expected in split_console(block.lines):
                offset += 1
                got = scratch.shell(command)
                got_lines = [line.rstrip() for line in got.split("\n")] if got else []
                want = [line.rstrip() for line in expected]
                if got_lines != want:
                    differences.append((offset, want, got_lines))
                offset += len(expected)
        elif block.lang == "po":
            excerpt = "\n".join(block.lines).strip("\n") + "\n"
            files = sorted(scratch.cwd.rglob("*.po*")) + sorted(Path(scratch.to_scratch("/tmp")).glob("*.po*"))
            if not any(excerpt in path.read_text(encoding="utf-8", errors="replace") for path in files):
                differences.append((block.start, block.lines, [NOT_IN_A_CATALOGUE]))
        elif block.lang == "python" and block.lines and re.fullmatch(r"# [\w-]+\.py", block.lines[0]):
            (scratch.cwd / block.lines[0][2:]).write_text("\n".join(block.lines) + "\n", encoding="utf-8")
        elif block.lang == "python" and number + 1 < len(blocks) and blocks[number + 1].lang == "":
            expected = blocks[number + 1].lines
            script = scratch.cwd / "_doctest_block.py"
            script.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
            got = scratch.shell(f"python {script.name}; rm {script.name}")
            got_lines = [line.rstrip() for line in got.split("\n")] if got else []
            if got_lines != [line.rstrip() for line in expected]:
                differences.append((blocks[number + 1].start, expected, got_lines))
    return differences


def rewrite_page(doc: Path, differences: list[tuple[int, list[str], list[str]]]) -> None:
    """DOCTEST_UPDATE: put what the commands printed in place of the expected outputs (not po excerpts: a
    catalogue has more than the page shows)."""
    lines = doc.read_text(encoding="utf-8").split("\n")
    for offset, expected, got in sorted(differences, reverse=True):
        if got == [NOT_IN_A_CATALOGUE]:
            continue
        indent = re.match(r" *", lines[offset - 1] if offset else "")[0] if offset else ""
        indent = re.match(r" *", lines[offset])[0] if offset < len(lines) and lines[offset].strip() else indent
        lines[offset:offset + len(expected)] = [indent + line if line else line for line in got]
    doc.write_text("\n".join(lines), encoding="utf-8")


def console_pages() -> list[Path]:
    return [doc for doc in DOCS if "```console" in doc.read_text(encoding="utf-8")
            or re.search(r"```python\n(.*?)```\n+```\n", doc.read_text(encoding="utf-8"), re.DOTALL)]


@pytest.mark.parametrize("doc", console_pages(), ids=lambda doc: doc.name)
def test_the_examples_print_what_the_page_says(doc: Path, tmp_path: Path) -> None:
    differences = run_page(doc, tmp_path)
    if UPDATE and differences:
        rewrite_page(doc, differences)
    report = "\n\n".join(f"{doc.name}:{offset + 1}:\n  expected:\n    " + "\n    ".join(want)
                         + "\n  printed:\n    " + "\n    ".join(got) for offset, want, got in differences)
    assert not differences, report


def test_a_changed_output_fails(tmp_path: Path) -> None:
    """The harness itself: an output that differs by one character is reported, with its line."""
    page = tmp_path / "page.md"
    page.write_text("Text.\n\n```console\n$ i18nprofiles extract\nlocales/profiles.pot: 55 messages from 3 "
                    "profiles (written)\n$ echo $?\n0\n```\n", encoding="utf-8")
    differences = run_page(page, tmp_path / "scratch")
    assert differences == [(4, ["locales/profiles.pot: 55 messages from 3 profiles (written)"],
                            ["locales/profiles.pot: 54 messages from 3 profiles (unchanged)"])]
    page.write_text(page.read_text(encoding="utf-8").replace("55 messages", "54 messages").replace("(written)", "(unchanged)"), encoding="utf-8")
    assert run_page(page, tmp_path / "scratch") == []


def test_a_po_excerpt_must_be_in_a_catalogue(tmp_path: Path) -> None:
    """A ```po block that no catalogue of the scratch folder holds is reported; one that is, is not."""
    page = tmp_path / "page.md"
    page.write_text('```po\nmsgid "Pérou"\nmsgstr "Perú"\n```\n', encoding="utf-8")
    assert run_page(page, tmp_path / "scratch") == []
    page.write_text('```po\nmsgid "Pérou"\nmsgstr "Pérou!"\n```\n', encoding="utf-8")
    assert [offset for offset, _, _ in run_page(page, tmp_path / "scratch2")] == [1]  # the line after the fence


def test_the_alumni_project_is_the_one_of_profile_format() -> None:
    """tests/data/docs/alumni holds the configuration and profile that docs/profile-format.md shows."""
    page = (ROOT / "docs" / "profile-format.md").read_text(encoding="utf-8")
    config = re.search(r"```toml\n# i18nprofiles.toml\n(.*?)```", page, re.DOTALL)
    profile = re.search(r"````markdown\n(.*?)````", page, re.DOTALL)
    assert config and profile
    assert (PROJECTS / "alumni" / "i18nprofiles.toml").read_text(encoding="utf-8") == config.group(1)
    assert (PROJECTS / "alumni" / "profiles" / "ana-torres.md").read_text(encoding="utf-8") == profile.group(1)
