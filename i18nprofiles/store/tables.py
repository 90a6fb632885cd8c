"""Translation tables kept between runs, in shards, so that a render reads and writes only what changed.

A table (msgid → (translation, fuzzy)) is what rendering needs of a
catalogue.  The store keeps the table of each catalogue version (by the
digest of its bytes) as an index of ``SHARDS`` shard digests; each shard (the
msgids a stable hash sends to it) is a record of its own, keyed by its
content's digest.  So:

- after ``update`` changed a few entries, the new table is the old one with
  those entries replaced: only the shards they fall in are read and written;
- two versions of a table differ only in the shards whose digests differ:
  finding which msgids translate otherwise reads only those;
- a render that makes a few pages reads only the shards of their texts.

A catalogue with msgctxt entries that translate is not patched: which of two
entries of one msgid wins depends on their order in the file.

Beside its shards, a table keeps its *status*: a 16-byte hash of each msgid
it translates, reviewed and fuzzy apart (a record of its own, for the
shards' digests).  That is all a publishing verdict needs (``count_covered``):
counting a locale's coverage reads one small record instead of every shard.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import polib

from i18nprofiles.site.pages import (
    Counts,
    CoverageInputs,
    Translation,
    Verdict,
    judge,
    other_texts,
    table_from_catalog,
    translation_of,
)
from i18nprofiles.store import Store
from i18nprofiles.store.codec import split_hashes

INDEX = "table"  # record kind: slot = the catalogue's absolute path, key = its digest
SHARD = "table-shard"  # record kind: slot = path and shard number, key = the shard's digest
STATUS = "table-status"  # record kind: slot = the catalogue's absolute path, key = the digest of the shard digests
SHARDS = 64
HASH_SIZE = 16

Status = tuple[frozenset[bytes], frozenset[bytes]]  # the hashes of the msgids translated: reviewed, fuzzy


def text_hash(msgid: str) -> bytes:
    """The hash a table's status keeps of a msgid."""
    return hashlib.blake2b(msgid.encode("utf-8", "surrogatepass"), digest_size=HASH_SIZE).digest()


def status_hashes(blob: bytes) -> frozenset[bytes]:
    return frozenset(split_hashes(blob, HASH_SIZE))


def status_of(table: Mapping[str, Translation]) -> Status:
    """The status of a whole table."""
    reviewed, fuzzy = [], []
    for msgid, (_, is_fuzzy) in table.items():
        (fuzzy if is_fuzzy else reviewed).append(text_hash(msgid))
    return frozenset(reviewed), frozenset(fuzzy)


def shard_of(msgid: str) -> int:
    """The shard of a table that holds ``msgid``: a stable hash of it."""
    return zlib.crc32(msgid.encode("utf-8", "surrogatepass")) % SHARDS


def shard_digest(shard: Mapping[str, Translation]) -> str:
    """The digest of a shard's content (sorted: the same translations give the same digest)."""
    return hashlib.sha256(pickle.dumps(sorted(shard.items()), protocol=5)).hexdigest()


def has_contexts(catalog: polib.POFile) -> bool:
    """Whether an entry with a msgctxt gives a translation (then which entry wins a msgid depends on order)."""
    return any(entry.msgctxt is not None and translation_of(entry) is not None for entry in catalog)


def split_table(table: Mapping[str, Translation]) -> list[dict[str, Translation]]:
    shards: list[dict[str, Translation]] = [{} for _ in range(SHARDS)]
    for msgid, found in table.items():
        shards[shard_of(msgid)][msgid] = found
    return shards


def valid_shard(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(msgid, str) and isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)
        and isinstance(found[1], bool) for msgid, found in data.items())


class KeptTable(Mapping[str, Translation]):
    """The table of one catalogue version: shards read from the store as lookups need them, or given whole.

    ``digests`` are the shards' digests (None: the version is not kept, nor
    known without its shards).  A shard that cannot be read raises ``LookupError``.
    """

    def __init__(self, store: Store, path: str, digests: list[str], contexts: bool,
                 shards: dict[int, dict[str, Translation]] | None = None,
                 patch: tuple[KeptTable, Mapping[str, Translation | None]] | None = None) -> None:
        self.store, self.slot, self.digests, self.contexts = store, os.path.abspath(path), digests, contexts
        self._shards = dict(shards or {})
        self._patch = patch  # the table this one patched, and the translations it changed (for its status)
        self._status: Status | None = None

    @classmethod
    def of(cls, store: Store, path: str, table: Mapping[str, Translation], contexts: bool) -> KeptTable:
        shards = split_table(table)
        return cls(store, path, [shard_digest(shard) for shard in shards], contexts, dict(enumerate(shards)))

    @classmethod
    def recall(cls, store: Store, path: str, digest: str | None) -> KeptTable | None:
        """The table kept for the catalogue at ``path`` with these bytes, or None."""
        if digest is None:
            return None
        found = store.recall(INDEX, os.path.abspath(path), digest)
        if (not isinstance(found, tuple) or len(found) != 2 or not isinstance(found[1], bool)
                or not isinstance(found[0], tuple) or len(found[0]) != SHARDS):
            return None
        return cls(store, path, list(found[0]), found[1])

    def shard(self, index: int) -> dict[str, Translation]:
        if index not in self._shards:
            found = self.store.recall(SHARD, f"{self.slot}#{index}", self.digests[index])
            if not valid_shard(found):
                raise LookupError(f"shard {index} of the table of {self.slot} is not kept")
            self._shards[index] = found
        return self._shards[index]

    def __getitem__(self, msgid: str) -> Translation:
        return self.shard(shard_of(msgid))[msgid]

    def get(self, msgid: str, default: Any = None) -> Any:  # type: ignore[override]
        return self.shard(shard_of(msgid)).get(msgid, default)

    def __iter__(self) -> Iterator[str]:
        for index in range(SHARDS):
            yield from self.shard(index)

    def __len__(self) -> int:
        return sum(len(self.shard(index)) for index in range(SHARDS))

    def whole(self) -> dict[str, Translation]:
        """Every shard read: the table as a dict."""
        return {msgid: found for index in range(SHARDS) for msgid, found in self.shard(index).items()}

    def patched(self, entries: Mapping[Any, tuple[polib.POEntry | None, polib.POEntry | None]]
                ) -> tuple[KeptTable, frozenset[str]] | None:
        """This table with the translations of changed entries, and the msgids that translate otherwise;
        None when a changed entry has a msgctxt and translates (see the module's docstring)."""
        if self.contexts:
            return None
        new: dict[str, Translation | None] = {}
        for (context, msgid), (_, entry) in entries.items():
            found = translation_of(entry) if entry is not None else None
            if context is not None:
                if found is not None:
                    return None
                continue
            new[msgid] = found
        shards = {index: dict(self.shard(index)) for index in {shard_of(msgid) for msgid in new}}
        changed = set()
        for msgid, found in new.items():
            shard = shards[shard_of(msgid)]
            if shard.get(msgid) != found:
                changed.add(msgid)
                if found is None:
                    del shard[msgid]
                else:
                    shard[msgid] = found
        digests = list(self.digests)
        for index, shard in shards.items():
            digests[index] = shard_digest(shard)
        patched = KeptTable(self.store, self.slot, digests, False, {**self._shards, **shards}, (self, new))
        return patched, frozenset(changed)

    def _status_key(self) -> str:
        return hashlib.sha256("".join(self.digests).encode("ascii")).hexdigest()

    def status(self) -> Status | None:
        """The hashes of the msgids this table translates (see the module), or None when not known without
        reading every shard: from the shards in memory, the store, or the status of the table it patched."""
        if self._status is None:
            self._status = self._find_status()
        return self._status

    def _find_status(self) -> Status | None:
        if len(self._shards) == SHARDS:
            return status_of(self.whole())
        found = self.store.recall(STATUS, self.slot, self._status_key())
        if (isinstance(found, tuple) and len(found) == 2
                and all(isinstance(blob, bytes) and len(blob) % HASH_SIZE == 0 for blob in found)):
            return status_hashes(found[0]), status_hashes(found[1])
        if self._patch is None:
            return None
        base, changes = self._patch
        before = base.status()
        if before is None:
            return None
        reviewed, fuzzy = set(before[0]), set(before[1])
        for msgid, found in changes.items():
            digest = text_hash(msgid)
            reviewed.discard(digest)
            fuzzy.discard(digest)
            if found is not None:
                (fuzzy if found[1] else reviewed).add(digest)
        return frozenset(reviewed), frozenset(fuzzy)

    def changed_since(self, other: KeptTable) -> frozenset[str]:
        """The msgids that this table translates otherwise than ``other`` (only differing shards are read)."""
        changed: set[str] = set()
        for index in range(SHARDS):
            if self.digests[index] != other.digests[index]:
                mine, theirs = self.shard(index), other.shard(index)
                changed.update(msgid for msgid, found in mine.items() if theirs.get(msgid) != found)
                changed.update(theirs.keys() - mine.keys())
        return frozenset(changed)

    def keep(self, digest: str) -> None:
        """Stage this table as the one of the catalogue version ``digest``: its index, and its shards in memory
        that the store does not hold yet."""
        for index, shard in self._shards.items():
            if not self.store.holds(SHARD, f"{self.slot}#{index}", self.digests[index]):
                self.store.keep(SHARD, f"{self.slot}#{index}", self.digests[index], shard)
        self.store.keep(INDEX, self.slot, digest, (tuple(self.digests), self.contexts))
        if self._status is not None or len(self._shards) == SHARDS:
            key = self._status_key()
            if not self.store.holds(STATUS, self.slot, key):
                reviewed, fuzzy = self.status()  # type: ignore[misc]
                self.store.keep(STATUS, self.slot, key, (b"".join(sorted(reviewed)), b"".join(sorted(fuzzy))))


def table_of(store: Store, path: str, catalog: polib.POFile) -> KeptTable:
    """The table of a catalogue read or made in this run."""
    return KeptTable.of(store, path, table_from_catalog(catalog), has_contexts(catalog))


_hashed: dict[str, bytes] = {}  # the hashes of the texts last counted (the locales of one render share them)


def hash_texts(texts: set[str]) -> list[bytes]:
    """The hash of each text, made once for the locales of one render (they count the same texts)."""
    if not _hashed.keys() >= texts:
        made = {text: text_hash(text) for text in texts}
        _hashed.clear()
        _hashed.update(made)
    return list(map(_hashed.__getitem__, texts))


def count_covered(store: Store, inputs: CoverageInputs) -> Verdict | None:
    """The accelerator of ``coverage_verdict``: the texts counted against the table's status (its shards
    unread); None when the table has no status known."""
    table = inputs.table
    status = table.status() if isinstance(table, KeptTable) else None
    if status is None:
        return None
    reviewed, fuzzy = status  # (no msgid is in both)
    texts = other_texts(inputs.profiles, inputs.code)
    hashes = hash_texts(texts)
    done = sum(map(reviewed.__contains__, hashes))
    if inputs.use_fuzzy:
        done += sum(map(fuzzy.__contains__, hashes))
    for text in inputs.withheld & texts:  # a withheld translation does not count
        digest = text_hash(text)
        done -= digest in reviewed or (inputs.use_fuzzy and digest in fuzzy)
    return judge(Counts(done, len(texts)), inputs.threshold)
