"""Differential fuzzing of the .po reader against GNU msgfmt (and the writer against msgcat).

``run_fuzz(seed, count, folder)`` makes ``count`` mutants of slices of the
real-world catalogues (seeded: the same seed makes the same files), asks
``msgfmt`` whether it accepts each one and compares with ``read_po``:

* both must accept or both reject, except for the reader's documented
  differences (see ``pofile``): a charset GNU does not know, non-UTF-8 bytes
  in a file without a charset, an escape making an undecodable byte;
* every rejection names the file and a line;
* when both accept, the .mo msgfmt wrote holds exactly the translated,
  non-fuzzy entries the reader saw, byte for byte;
* and when ``msgcat -w 79`` accepts the file too, ``encode_po`` writes the
  very bytes msgcat writes;
* reading a UTF-8 file in small pieces (as a large one is read) accepts
  exactly what reading it whole accepts, and sees the same entries.

Run more from the command line: ``python tests/gettext/fuzzing.py SEED COUNT``.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gnu import CORPUS, converted_corpus, msgcat, msgfmt, read_mo  # noqa: E402

from i18nprofiles.errors import CatalogError  # noqa: E402
from i18nprofiles.gettext.pofile import (  # noqa: E402
    _read_in_pieces,
    encode_po,
    header_charset,
    read_po,
)

KEYWORDS = [b"msgid", b"msgstr", b"msgctxt", b"msgid_plural", b"msgstr[0]", b"msgstr[1]", b"msgstr[2]",
            b"msgstr [1]", b"msgstrr", b"domain", b"msgid ", b"#~ msgid", b"#| msgid"]
INSERTS = [b'"', b"\\", b"#", b"#~ ", b"#| ", b"\n", b" ", b"\t", b"[", b"]", b"0", b"7", b"\\\n", b"\x00", b"\x04",
           b"\x01", b"\x1b", b"\x7f", b"\xc3", b"\xa9", b"\xff", b"\xe2\x80\xa8", b"\r", b"\x0c", b"\\x", b"\\3",
           b"msgstr \"\"\n", b'"x"\n', b"#, fuzzy\n", b"#, c-format\n", b"\n\n"]
DOMAIN_RE = re.compile(rb"(?m)^[ \t]*domain\b")
KEYWORD_RE = re.compile(rb"msgid_plural|msgid|msgstr\[\d+\]|msgstr|msgctxt")


@dataclass
class FuzzReport:
    """What a fuzzing run saw."""

    seed: int
    count: int = 0
    both_accept: int = 0
    both_reject: int = 0
    same_line: int = 0  # rejections where msgfmt reports the reader's line (or the next, for a cut string)
    documented: Counter[str] = field(default_factory=Counter)
    mo_compared: int = 0
    pieces_compared: int = 0  # files read both whole and in pieces
    msgcat_compared: int = 0
    msgcat_refused: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"seed {self.seed}: {self.count} mutants, {self.both_accept} accepted by both, {self.both_reject} rejected by"
                f" both ({self.same_line} at a line msgfmt reports too), documented differences {dict(self.documented)}; {self.mo_compared} .mo compared,"
                f" {self.pieces_compared} read in pieces too, {self.msgcat_compared} msgcat rewrites compared ({self.msgcat_refused} refused by msgcat or with a domain);"
                f" {len(self.failures)} failures")


def base_document(rng: random.Random, blocks_of: list[list[bytes]]) -> bytes:
    """A slice of the corpus: a file's header and a run of a few entries (obsolete ones near the end)."""
    blocks = rng.choice(blocks_of)
    size = rng.randint(1, 12)
    start = rng.choice([rng.randint(1, max(1, len(blocks) - size)), max(1, len(blocks) - size)])
    return b"\n\n".join([blocks[0], *blocks[start:start + size]]) + b"\n"


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to three random damages of the kinds translators and tools make."""
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = rng.choice(MUTATIONS)(rng, data)
    return data


def _positions(data: bytes, needle: bytes) -> list[int]:
    return [found.start() for found in re.finditer(re.escape(needle), data)]


def _drop_quote(rng: random.Random, data: bytes) -> bytes:
    spots = _positions(data, b'"')
    at = rng.choice(spots) if spots else 0
    return data[:at] + data[at + 1:]


def _double_quote(rng: random.Random, data: bytes) -> bytes:
    spots = _positions(data, b'"')
    at = rng.choice(spots) if spots else 0
    return data[:at] + b'"' + data[at:]


def _break_escape(rng: random.Random, data: bytes) -> bytes:
    spots = _positions(data, b"\\")
    if not spots:
        return _insert(rng, data)
    at = rng.choice(spots)
    kind = rng.randrange(3)
    if kind == 0:
        return data[:at] + data[at + 1:]  # the backslash dropped
    if kind == 1:
        return data[:at + 1] + rng.choice([b"q", b"z", b"0", b"x4", b"x", b"u", b"'", b"3", b"\n"]) + data[at + 2:]
    return data[:at] + b"\\" + data[at:]


def _swap_keyword(rng: random.Random, data: bytes) -> bytes:
    spots = list(KEYWORD_RE.finditer(data))
    if not spots:
        return data
    found = rng.choice(spots)
    return data[:found.start()] + rng.choice(KEYWORDS) + data[found.end():]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(INSERTS) + data[at:]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _delete_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def _double_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return b"\n".join(lines)


def _comment_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    lines.insert(rng.randrange(len(lines) + 1), rng.choice([b"# note", b"#.", b"#", b"#: x.c:1", b"#, fuzzy", b"#~"]))
    return b"\n".join(lines)


def _obsolete_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    lines[at] = lines[at][3:] if lines[at].startswith(b"#~ ") else b"#~ " + lines[at]
    return b"\n".join(lines)


def _duplicate_entry(rng: random.Random, data: bytes) -> bytes:
    blocks = data.split(b"\n\n")
    block = rng.choice(blocks)
    blocks.insert(rng.randrange(len(blocks) + 1), block)
    return b"\n\n".join(blocks)


def _plural_index(rng: random.Random, data: bytes) -> bytes:
    spots = list(re.finditer(rb"msgstr\[(\d+)\]", data))
    if not spots:
        return _swap_keyword(rng, data)
    found = rng.choice(spots)
    return data[:found.start(1)] + str(rng.choice([0, 1, 2, 3, 10])).encode() + data[found.end(1):]


def _bad_bytes(rng: random.Random, data: bytes) -> bytes:
    spots = _positions(data, b'"')
    at = rng.choice(spots) + 1 if spots else 0
    return data[:at] + rng.choice([b"\xff", b"\xc3(", b"\xe9t\xe9", b"\x80", b"\xed\xa0\x80"]) + data[at:]


MUTATIONS = [_drop_quote, _double_quote, _break_escape, _break_escape, _swap_keyword, _swap_keyword, _truncate,
             _insert, _insert, _insert, _delete_line, _double_line, _comment_line, _obsolete_line, _duplicate_entry,
             _plural_index, _bad_bytes]


def compiled_pairs(catalog) -> dict[bytes, bytes]:  # type: ignore[no-untyped-def]
    """What msgfmt should put in the .mo for a catalogue read by ``read_po``, in the file's bytes."""
    codec = catalog.encoding
    pairs = {}
    entries = list(catalog)
    if catalog.header_entry is not None and catalog.header_msgstr:
        # msgfmt leaves the POT-Creation-Date line out of the .mo
        header = re.sub(r"(?m)^POT-Creation-Date:.*\n?", "", catalog.header_msgstr, count=1)
        pairs[b""] = header.encode(codec, "surrogateescape")
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]
        if not forms or not forms[0]:
            continue
        if "<PRI" in entry.msgid + entry.msgid_plural + "".join(forms) and any(flag in entry.flags for flag in ("c-format", "objc-format")):
            continue  # a system-dependent string: msgfmt stores it in another table of the .mo
        key = ((entry.msgctxt + "\x04") if entry.msgctxt is not None else "") + entry.msgid
        if entry.msgid_plural:
            key += "\x00" + entry.msgid_plural
        pairs[key.encode(codec, "surrogateescape")] = "\x00".join(forms).encode(codec, "surrogateescape")
    return pairs


def documented_difference(error: CatalogError, data: bytes) -> str | None:
    """The documented reason why the reader rejects a file msgfmt accepts, if it is one."""
    message = error.message
    if "not a portable encoding name" in message:
        return "charset GNU does not know"
    if "made by an escape" in message:
        return "escape making a byte invalid in the charset"
    if "invalid multibyte sequence" in message and header_charset(data) in (None, "CHARSET"):
        return "non-UTF-8 bytes and no charset"
    return None


PIECE_SIZE = 300  # bytes: a slice of the corpus is read in several pieces


def entry_facts(catalog) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """Everything the reader sets on the header and each entry."""
    facts: list[tuple[object, ...]] = [(catalog.header, sorted(catalog.metadata.items()), catalog.metadata_is_fuzzy)]
    for entry in catalog:
        facts.append(tuple(sorted((name, repr(value)) for name, value in vars(entry).items())))
    return facts


def compare_pieces(path: Path, data: bytes, catalog, report: FuzzReport, label: str) -> None:  # type: ignore[no-untyped-def]
    """A UTF-8 file read in pieces: rejected when read whole, no catalogue; accepted, the same catalogue."""
    if b"\x00" in data or b"\\\n" in data or (header_charset(data) or "utf-8").lower() not in ("utf-8", "utf8"):
        return  # (read whole, always)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    pieces = _read_in_pieces(body, str(path), header_charset(body), True, size=PIECE_SIZE)
    if catalog is None and pieces is not None:
        report.failures.append(f"{label}: read in pieces, a file read whole rejects is accepted")
    elif catalog is not None and pieces is None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return  # (bytes invalid in UTF-8: read whole)
        report.failures.append(f"{label}: read in pieces, a file read whole accepts is not")
    elif catalog is not None and entry_facts(pieces) != entry_facts(catalog):
        report.failures.append(f"{label}: read in pieces, the entries differ from the file read whole")
    elif catalog is not None:
        report.pieces_compared += 1


def check_one(path: Path, data: bytes, report: FuzzReport, label: str) -> None:
    """Compare the reader with msgfmt (and the writer with msgcat) on one file."""
    path.write_bytes(data)
    path.with_suffix(".mo").unlink(missing_ok=True)  # msgfmt writes none for a file without messages
    gnu = msgfmt(path, path.with_suffix(".mo"))
    try:
        catalog = read_po(data, path)
        error = None
    except CatalogError as exc:
        catalog, error = None, exc
    if error is not None and (error.path != str(path) or not error.line or error.line < 1):
        report.failures.append(f"{label}: rejection without path and line: {error!r}")
    compare_pieces(path, data, catalog, report, label)
    if gnu.returncode != 0 and error is not None:
        report.both_reject += 1
        lines = {int(found) for found in re.findall(rf"{re.escape(str(path))}:(\d+):", gnu.stderr.decode(errors="replace"))}
        if error.line in lines or error.line + 1 in lines:
            report.same_line += 1
        return
    if gnu.returncode != 0:
        report.failures.append(f"{label}: msgfmt rejects ({gnu.stderr.decode(errors='replace').strip()[:300]}),"
                               " read_po accepts")
        return
    if error is not None:
        reason = documented_difference(error, data)
        if reason:
            report.documented[reason] += 1
        else:
            report.failures.append(f"{label}: msgfmt accepts, read_po rejects: {error}")
        return
    report.both_accept += 1
    mo = path.with_suffix(".mo")
    if (read_mo(mo.read_bytes()) if mo.exists() else {}) != compiled_pairs(catalog):
        report.failures.append(f"{label}: the .mo of msgfmt and the entries read differ")
    else:
        report.mo_compared += 1
    if DOMAIN_RE.search(data):
        report.msgcat_refused += 1  # msgcat keeps domains, the reader ignores them as ``msgfmt -o`` does
        return
    rewritten = msgcat(path, "--force-po", "-w", "79")
    if rewritten.returncode != 0:
        report.msgcat_refused += 1
        return
    ours = encode_po(catalog, width=79)
    if ours != rewritten.stdout:
        report.failures.append(f"{label}: encode_po differs from msgcat -w 79")
    else:
        report.msgcat_compared += 1


def run_fuzz(seed: int, count: int, folder: Path, sources: list[Path] | None = None, workers: int = 4) -> FuzzReport:
    """Make ``count`` mutants with ``seed`` and compare reader and writer with GNU on each (files in ``folder``)."""
    sources = sources or [path for path in CORPUS if path.suffix in (".po", ".pot")]
    blocks_of = [path.read_bytes().split(b"\n\n") for path in sources]
    mutants = []
    for index in range(count):  # mutant i depends on the seed and i alone: any count makes it again
        rng = random.Random(f"{seed}:{index}")
        mutants.append(mutate(rng, base_document(rng, blocks_of)))
    report = FuzzReport(seed=seed, count=count)
    names = [folder / f"m{index:05d}.po" for index in range(count)]

    def work(index: int) -> None:
        check_one(names[index], mutants[index], report, f"seed {seed} mutant {index} ({names[index]})")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work, range(count)))
    return report


def main(arguments: list[str]) -> None:
    """SEED COUNT [FOLDER]: mutants of the corpus and of its Latin-1, CP1252 and KOI8-R versions."""
    seed, count = int(arguments[0]), int(arguments[1])
    with tempfile.TemporaryDirectory() as temp:
        sources = [path for path in CORPUS if path.suffix in (".po", ".pot")] + converted_corpus(Path(temp))
        folder = Path(arguments[2]) if len(arguments) > 2 else Path(temp) / "mutants"  # FOLDER keeps the mutants
        folder.mkdir(parents=True, exist_ok=True)
        result = run_fuzz(seed, count, folder, sources)
    print(result.summary())
    for failure in result.failures[:50]:
        print(failure)


if __name__ == "__main__":
    main(sys.argv[1:])
