"""Catalogue files rewritten block by block: only the entries that changed are made again.

When the store wrote a file, it keeps the file's *layout* (for the file's
digest): every entry's key, the size of its block in bytes and a hash of the
block.

``extract`` (``splice_template``) makes again only the entries of the texts
of profiles that changed, and copies every other block from the template it
wrote last.  ``update`` (``splice_catalog``): a catalogue that is what the last
update made from a template T0 (the store kept the hashes of T0's blocks),
merged with a new template T whose layout is known, is merged again only
where T's blocks differ from T0's; the other entries are the catalogue's own
blocks, since merging is idempotent.  Only those entries are parsed.

Both are accelerators: the full stage (format every entry, merge every
entry) is the definition, and verify mode compares their bytes.
"""

from __future__ import annotations

import hashlib
import io
import operator
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain, compress, count, filterfalse, islice, repeat
from operator import itemgetter
from typing import Any

import polib

from i18nprofiles.gettext.matcher import DEFAULT_CUTOFF, FuzzyMatcher
from i18nprofiles.gettext.merge import (
    MergeReport,
    entry_key,
    find_fuzzy,
    fuzzy_matcher,
    merged_entry,
    merged_header,
    previous_key,
    restored_entry,
    retire,
)
from i18nprofiles.gettext.pofile import (
    CHARSETS,
    Key,
    catalog_charset,
    entry_block,
    generate_blocks,
    has_translation,
    header_block,
    parse_catalog,
    plural_count,
)
from i18nprofiles.source.model import Profile
from i18nprofiles.store import Input, Store
from i18nprofiles.store.changes import entry_content
from i18nprofiles.store.codec import split_hashes

LAYOUT = "layout"  # record kind: slot = a file's absolute path, key = its digest
HASH_SIZE = 16
MADE = -2  # in ``join_blocks``: a block made, not copied (no two positions in the old file differ by 1 from it)


def writer_options(width: int, no_location: bool = False, sort_output: bool = False, ignore_obsolete: bool = False,
                   omit_header: bool = False) -> tuple[Any, ...]:
    """The writer's options that shape the bytes, in a fixed order."""
    return (width, no_location, sort_output, ignore_obsolete, omit_header)


def catalog_shape(catalog: polib.POFile) -> tuple[int, str]:
    """What besides an entry and the options shapes its block: the catalogue's plural forms and charset."""
    return plural_count(catalog), catalog_charset(catalog)


def block_hash(block: bytes) -> bytes:
    """The hash a layout keeps of an entry's block: the same bytes, the same entry (for the same options)."""
    return hashlib.blake2b(block, digest_size=HASH_SIZE).digest()


@dataclass
class Layout:
    """Where each entry of a file written by the store lies, and what its block holds.

    The header block comes first (``header`` bytes); entry ``i`` is the
    block that follows, ``sizes[i]`` bytes (its leading blank line
    included), whose content hash is ``hashes[i]``.  Active entries come
    first, then ``len(keys) - active`` obsolete ones.  ``translated`` holds a
    byte per entry, 1 when it has a translation; ``previous`` maps the key of
    each active fuzzy entry with a previous msgid to that msgid's key.
    """

    options: tuple[Any, ...]
    shape: tuple[int, str]  # the catalogue's (plural forms, charset)
    header: int = 0
    keys: list[Key] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    hashes: list[bytes] = field(default_factory=list)
    active: int = 0
    translated: bytearray = field(default_factory=bytearray)
    previous: dict[Key, Key] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # what the writing command keeps about its inputs

    def add(self, entry: polib.POEntry, size: int, digest: bytes) -> None:
        """Append an entry's block (active entries must all come before obsolete ones)."""
        key = entry_key(entry)
        self.keys.append(key)
        self.sizes.append(size)
        self.hashes.append(digest)
        self.translated.append(has_translation(entry))
        if not entry.obsolete:
            self.active += 1
            found = previous_key(entry)
            if found is not None:
                self.previous[key] = found

    def ends(self) -> list[int]:
        """Where each block ends: entry ``i`` is ``data[ends[i]:ends[i + 1]]``, the header ``data[:ends[0]]``."""
        return list(accumulate(self.sizes, initial=self.header))

    def index(self) -> dict[Key, int]:
        return dict(zip(self.keys, count()))

    def to_plain(self) -> tuple[Any, ...]:
        return (self.options, self.shape, self.header, self.keys, self.sizes, b"".join(self.hashes), self.active,
                bytes(self.translated), self.previous, self.extra)

    @classmethod
    def from_plain(cls, data: Any) -> Layout:
        options, shape, header, keys, sizes, hashes, active, translated, previous, extra = data
        split = split_hashes(hashes, HASH_SIZE)
        layout = cls(tuple(options), tuple(shape), header, list(map(tuple, keys)), list(sizes), split, active,
                     bytearray(translated), {tuple(k): tuple(v) for k, v in previous.items()}, dict(extra))
        if not len(layout.keys) == len(layout.sizes) == len(layout.hashes) == len(layout.translated) >= active:
            raise ValueError("inconsistent layout")
        return layout


@dataclass(frozen=True)
class Written:
    """A catalogue file's bytes and their layout."""

    data: bytes
    layout: Layout


def write_blocks(catalog: polib.POFile, options: tuple[Any, ...], extra: dict[str, Any] | None = None) -> Written:
    """The bytes of a catalogue (as ``generate_blocks`` writes them) and their layout, with ``extra``.

    The layout is None for a file whose header is not its first block (only
    odd files read as they were), which no later write copies from.
    """
    width, no_location, sort_output, ignore_obsolete, omit_header = options
    shape = catalog_shape(catalog)
    codec = CHARSETS[shape[1]]
    layout: Layout | None = Layout(options, shape, extra=extra or {})
    out = io.BytesIO()  # (its bytes are not copied again at the end, as a join of the blocks would be)
    written = 0
    for entry, text in generate_blocks(catalog, width=width, no_location=no_location, omit_header=omit_header,
                                       sort_output=sort_output, ignore_obsolete=ignore_obsolete):
        block = text.encode(codec, "surrogateescape")
        out.write(block)
        written += 1
        if layout is None:
            continue
        if entry is None:
            if written > 1:
                layout = None  # a header after entries: no layout
            else:
                layout.header = len(block)
        else:
            layout.add(entry, len(block), block_hash(block))
    return Written(out.getvalue(), layout)  # type: ignore[arg-type]


def recall_layout(store: Store, found: Input) -> tuple[Layout, bytes] | None:
    """The layout kept for a file as it is now, with its bytes; None when the store did not write these bytes."""
    if found.data is None:
        return None
    layout = store.recall_as(LAYOUT, os.path.abspath(found.path), found.digest, Layout.from_plain)
    if layout is None:
        return None
    if layout.header + sum(layout.sizes) != len(found.data):
        return None
    return layout, found.data


def keep_layout(store: Store, path: Any, digest: str, layout: Layout) -> None:
    store.keep_as(LAYOUT, os.path.abspath(path), digest, layout, Layout.to_plain, Layout.from_plain)


# -- update: merging only what the template changed ----------------------------------------------


def parse_blocks(data: bytes, layout: Layout, index: dict[Key, int], keys: Iterable[Key],
                 path: Any = "<blocks>") -> tuple[polib.POFile, dict[Key, polib.POEntry]]:
    """Parse a file's header and the entries of ``keys`` alone."""
    ends = layout.ends()
    chosen = sorted(map(index.__getitem__, keys))
    parsed = parse_catalog(b"".join([data[: layout.header], *(data[ends[i]:ends[i + 1]] for i in chosen)]), path)
    return parsed, {entry_key(entry): entry for entry in parsed}


@dataclass(frozen=True)
class Spliced:
    """What ``splice_catalog`` made: the file, its layout, the report, and what changed (for compile)."""

    written: Written
    report: MergeReport
    metadata: tuple[dict[str, str], dict[str, str]]  # the header before and after
    entries: dict[Key, tuple[polib.POEntry | None, polib.POEntry | None]]


def template_hashes(layout: Layout) -> bytes:
    """The hashes of a template's active blocks, sorted: what a catalogue merged with it keeps of it."""
    return b"".join(sorted(layout.hashes[: layout.active]))


def splice_catalog(
    template: tuple[Layout, bytes],
    catalog: tuple[Layout, bytes],
    base: bytes,
    options: tuple[Any, ...],
    *,
    fuzzy_matching: bool = True,
    fuzzy_threshold: float = DEFAULT_CUTOFF,
    keep_obsolete: bool = True,
) -> Spliced | None:
    """``merge_catalog`` of a template into a catalogue that a merge with another template (``base``: its
    ``template_hashes``) made, writing only the entries whose blocks differ in the two templates.

    None when the catalogue does not have that template's keys, or when the
    layouts were written with other options (the whole merge runs then).
    """
    tlayout, tdata = template
    clayout, cdata = catalog
    if clayout.options != options or options[2] or options[3] or options[4]:
        return None  # other options, or sorted, without obsolete entries, headerless: not a file update writes
    if len(base) % HASH_SIZE:
        return None
    base_hashes = set(split_hashes(base, HASH_SIZE))
    tkeys = tlayout.keys[: tlayout.active]
    tindex = tlayout.index()
    changed = list(compress(tkeys, map(operator.not_, map(base_hashes.__contains__, tlayout.hashes))))
    template_keys = set(tkeys)
    active = clayout.keys[: clayout.active]
    is_active = set(active)
    removed = list(filterfalse(template_keys.__contains__, active))  # catalogue (file) order
    if len(base_hashes) != len(is_active) or len(base) != HASH_SIZE * len(is_active):
        return None  # not the catalogue a merge with that template made
    cindex = clayout.index()
    previous = {prior: key for key, prior in clayout.previous.items()}
    wanted = {*changed, *removed, *(previous[k] for k in changed if k not in cindex and k in previous)}
    theader, tentries = parse_blocks(tdata, tlayout, tindex, changed)
    cheader, centries = parse_blocks(cdata, clayout, cindex, wanted & cindex.keys())

    plurals = plural_count(cheader)
    report = MergeReport()
    used: set[Key] = template_keys - set(changed)
    merged: dict[Key, polib.POEntry] = {}
    unmatched: list[polib.POEntry] = []
    for key in changed:
        new, old = tentries[key], centries.get(key)
        if old is not None:
            if old.obsolete:
                report.revived.append(new)
            used.add(key)
            merged[key] = merged_entry(new, old, plurals=plurals)
        elif key in previous and previous[key] not in template_keys:
            used.add(previous[key])
            report.revived.append(new)
            merged[key] = restored_entry(new, centries[previous[key]], plurals)
        else:
            unmatched.append(new)
    matches: dict[Key, polib.POEntry] = {}
    if fuzzy_matching and unmatched:
        pool = list(filter(itemgetter(1), compress(clayout.keys, clayout.translated)))  # translated, a msgid

        def fetch(keys: set[Key]) -> dict[Key, polib.POEntry]:
            centries.update(parse_blocks(cdata, clayout, cindex, keys - centries.keys())[1])
            return centries

        matches = find_fuzzy(unmatched, (centries[key] for key in removed), pool, fetch, fuzzy_threshold,
                             index=shared_index)
    for new in unmatched:
        old = matches.get(entry_key(new))
        merged[entry_key(new)] = entry = merged_entry(new, old, fuzzy=old is not None, plurals=plurals)
        (report.fuzzy if old is not None else report.added).append(entry)
    used.update(entry_key(old) for old in matches.values())

    header = merged_header(cheader, theader.metadata)
    if catalog_shape(header) != clayout.shape:
        return None  # plural forms or charset changed: copied blocks would be wrong
    entries: dict[Key, tuple[polib.POEntry | None, polib.POEntry | None]] = {
        key: (centries.get(key), entry) for key, entry in merged.items()
        if centries.get(key) is None or entry_content(centries[key]) != entry_content(entry)}
    obsolete: list[Key] = []
    for key in [*removed, *clayout.keys[clayout.active:]]:
        if key in template_keys:
            continue
        if key in used:
            entries[key] = (centries[key], None)  # its translation went to a new msgid
        elif key not in is_active:
            obsolete.append(key)  # obsolete already
        else:
            kept = retire(centries[key], keep_obsolete, report)
            entries[key] = (centries[key], kept)
            if kept is not None:
                merged[key] = kept
                obsolete.append(key)
    return Spliced(join_blocks(header, [*tkeys, *obsolete], merged, catalog, index=cindex), report,
                   (dict(cheader.metadata), dict(header.metadata)), entries)


@lru_cache(maxsize=1)
def _index_of(pool: tuple[Key, ...], cutoff: float) -> FuzzyMatcher:
    return fuzzy_matcher(pool, cutoff)


def shared_index(pool: Sequence[Key], cutoff: float) -> FuzzyMatcher:
    """The fuzzy index of a pool of msgids, made once for catalogues that translate the same msgids (one
    new paragraph spliced into es and en: one index of 65,000 paragraphs, not two); ``forget_indexes``
    lets it go."""
    return _index_of(tuple(pool), cutoff)


def forget_indexes() -> None:
    _index_of.cache_clear()


def join_blocks(header: polib.POFile, keys: Sequence[Key], merged: dict[Key, polib.POEntry],
                old: tuple[Layout, bytes], extra: dict[str, Any] | None = None,
                index: dict[Key, int] | None = None) -> Written:
    """A file of ``header`` and the entries of ``keys``: those in ``merged`` formatted, the others copied
    from ``old`` (runs of blocks that follow each other there in one slice; ``index``: its layout's)."""
    layout, data = old
    width, no_location = layout.options[0], layout.options[1]
    shape = catalog_shape(header)
    codec = CHARSETS[shape[1]]
    head = header_block(header, width=width, no_location=no_location).encode(codec, "surrogateescape")
    ends = layout.ends()
    index = layout.index() if index is None else index
    written = Layout(layout.options, shape, len(head), extra=extra or {})
    previous = sorted((index[key], key) for key in layout.previous if key in index)
    positions = list(map(index.get, keys, repeat(MADE)))  # where each block is in the old file (MADE: made)
    made = 0
    for at in compress(count(), map(merged.__contains__, keys)):  # (C loops: 65,000 keys, a few made)
        positions[at] = MADE
        made += 1
    if positions.count(MADE) != made:
        raise KeyError("a key neither made nor in the old file")
    # Runs of blocks that follow each other in the old file: a run ends where the next block is not the next one.
    ends_of_runs = [*compress(count(1), map(operator.ne, map(operator.sub, islice(positions, 1, None), positions),
                                            repeat(1))), len(positions)] if positions else []
    view = memoryview(data)  # (slices of the old file are copied once, by the join)
    pieces: list[bytes | memoryview] = [head]
    start = 0
    for end in ends_of_runs:
        first = positions[start]
        if first == MADE:  # an entry made again (a run of one)
            entry = merged[keys[start]]
            block = entry_block(entry, width=width, no_location=no_location, plurals=shape[0],
                                charset=shape[1]).encode(codec, "surrogateescape")
            if block:  # (an obsolete entry GNU drops has none)
                pieces.append(block)
                written.add(entry, len(block), block_hash(block))
            start = end
            continue
        last = first + end - start  # one past the run's last block
        pieces.append(view[ends[first]:ends[last]])
        written.keys.extend(keys[start:end])
        written.sizes.extend(layout.sizes[first:last])
        written.hashes.extend(layout.hashes[first:last])
        written.translated.extend(layout.translated[first:last])
        written.active += max(0, min(last, layout.active) - first)
        for _, key in previous[bisect_left(previous, (first,)):bisect_left(previous, (min(last, layout.active),))]:
            written.previous[key] = layout.previous[key]
        start = end
    return Written(b"".join(pieces), written)


# -- extract: making only the entries of the profiles that changed --------------------------------


def referring(layout: Layout, ends: list[int], data: bytes, name: str) -> Iterator[Key]:
    """The keys of the entries of a template file whose ``#:`` references name the file ``name``.

    Found by searching the bytes: a msgid that happens to quote the
    reference only adds an entry to make again, never misses one.
    """
    needle = b" " + name.encode("utf-8")
    found = data.find(needle, layout.header)
    while found >= 0:
        end = found + len(needle)
        if data[end:end + 1] in (b":", b" ", b"\n"):
            yield layout.keys[bisect_right(ends, found) - 1]
        found = data.find(needle, end)


def splice_template(old: tuple[Layout, bytes], options: tuple[Any, ...], profiles: Sequence[Profile],
                    header: polib.POFile, inputs: dict[str, Any],
                    build: Callable[[Sequence[Profile], set[str]], polib.POFile]) -> Written | None:
    """The template of ``profiles`` written over the file that ``old`` describes, making only the entries of
    the texts of profiles that changed (``inputs``: the settings and each profile's digest, kept in the
    layout; ``build``: the template of some profiles, for some texts only).

    The entry of a text that no changed profile gives, before (the entries
    whose references name it) or after, is the same bytes as before: its
    references and comments come from the same profiles, in the same order.
    None when the file was written with other settings or options.
    """
    layout, data = old
    _, no_location, sort_output, _, omit_header = options
    extra = layout.extra
    if layout.options != options or no_location or sort_output or omit_header or extra.get("settings") != inputs["settings"]:
        return None
    before, now = extra.get("profiles", {}), inputs["profiles"]
    touched = {name for name in before.keys() | now.keys() if before.get(name) != now.get(name)}
    ends = layout.ends()
    affected = {msgid for name in touched & before.keys() for _, msgid in referring(layout, ends, data, name)}
    affected.update(segment.text for profile in profiles if profile.path in touched for segment in profile.segments)
    giving = [profile for profile in profiles if not affected.isdisjoint(map(itemgetter(0), profile.segments))]
    made = {entry_key(entry): entry for entry in build(giving, affected)}
    index = layout.index()
    keys = list(zip(repeat(None), dict.fromkeys(chain.from_iterable(map(itemgetter(0), p.segments) for p in profiles))))
    if any(key not in index and key not in made for key in keys):
        return None  # a text no changed profile gives that the old template does not have
    return join_blocks(header, keys, made, old, inputs, index)
