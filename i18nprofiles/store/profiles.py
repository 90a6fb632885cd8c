"""Parsed profiles kept between runs: a profile file whose bytes did not change is not parsed again.

Records are shards (a stable hash of each profile's path picks its shard),
so that editing one profile rewrites a 32nd of them.  Each entry is a
profile as plain data with the SHA-256 of the bytes it was parsed from and
the file's signature when it was read settled (``Store.unchanged``); the
shard's key holds the settings parsing depends on.  A profile is recalled
only for the same path and the same bytes: bytes read, or a file the store
says is unchanged since the read.
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Iterable
from typing import Any

from i18nprofiles.files import Signature
from i18nprofiles.source.model import Profile, Segment
from i18nprofiles.store import Store

KIND = "profiles"
SHARDS = 32
PLAIN = (str, int, float, bool, type(None), bytes)


def shard_of(rel: str) -> int:
    """The shard that keeps a profile: a stable hash of its path relative to the root."""
    return zlib.crc32(rel.encode("utf-8")) % SHARDS


def encode_value(value: Any) -> Any:
    """A front-matter value as plain data: dates and times become tagged tuples; ValueError for other types."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        return {"dict": [(encode_value(k), encode_value(v)) for k, v in value.items()]}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            raise ValueError("an aware datetime is not kept")
        return ("datetime", value.isoformat())
    if isinstance(value, datetime.date):
        return ("date", value.isoformat())
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(encode_value(item) for item in value))
    raise ValueError(f"{type(value).__name__} is not kept")


def decode_value(value: Any) -> Any:
    """The front-matter value ``encode_value`` made ``value`` from."""
    if type(value) is str:  # the usual case first
        return value
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if isinstance(value, dict):
        return {decode_value(k): decode_value(v) for k, v in value["dict"]}
    if isinstance(value, tuple):
        tag, data = value
        if tag == "datetime":
            return datetime.datetime.fromisoformat(data)
        if tag == "date":
            return datetime.date.fromisoformat(data)
        if tag == "set":
            return {decode_value(item) for item in data}
        raise ValueError(f"unknown tag {tag!r}")
    if not isinstance(value, PLAIN):
        raise ValueError(f"{type(value).__name__} in a record")
    return value


def encode_profile(profile: Profile) -> tuple[Any, ...]:
    """A profile as plain data (ValueError when a front-matter value cannot be kept)."""
    return (profile.path, profile.slug, profile.name, profile.lang, encode_value(profile.fields), profile.body,
            profile.body_line, [tuple(segment) for segment in profile.segments], profile.digest)


def decode_profile(data: tuple[Any, ...]) -> Profile:
    """The profile ``encode_profile`` made ``data`` from."""
    path, slug, name, lang, fields, body, body_line, segments, digest = data
    return Profile(path, slug, name, lang, decode_value(fields), body, body_line,
                   tuple(Segment(*segment) for segment in segments), digest)


class ProfileRecords:
    """The kept profiles of a project, loaded shard by shard as they are asked for."""

    def __init__(self, store: Store, key: Any) -> None:
        self.store, self.key = store, key
        self._shards: dict[int, dict[str, Any]] = {}
        self._changed: set[int] = set()

    def _shard(self, shard: int) -> dict[str, Any]:
        if shard not in self._shards:
            found = self.store.recall(KIND, f"{shard:02d}", self.key)
            self._shards[shard] = dict(found) if isinstance(found, dict) else {}
        return self._shards[shard]

    def _entry(self, rel: str) -> tuple[Any, ...] | None:
        found = self._shard(shard_of(rel)).get(rel)
        return found if isinstance(found, tuple) and len(found) == 3 else None

    def recall(self, rel: str, digest: str) -> Profile | None:
        """The profile parsed from the file ``rel`` with these bytes, if kept."""
        found = self._entry(rel)
        return self._decode(found[1]) if found is not None and found[0] == digest else None

    def recall_unchanged(self, rel: str, file: str) -> Profile | None:
        """The profile of the file ``rel`` (at ``file``) if kept and the store vouches that the file did not
        change since it was read (it is not read)."""
        found = self._entry(rel)
        if found is None or not isinstance(found[2], tuple) or not self.store.unchanged(file, found[2]):
            return None
        profile = self._decode(found[1])
        return profile if profile is not None and profile.digest == found[0] else None

    @staticmethod
    def _decode(data: Any) -> Profile | None:
        try:
            return decode_profile(data)
        except Exception:  # noqa: BLE001 - a record of the wrong shape is a miss
            return None

    def keep(self, profile: Profile, settled: Signature | None) -> None:
        """Keep a profile parsed from a file (its digest says which bytes; ``settled``: the file's signature
        as the store read it, None when it was not settled)."""
        try:
            entry = (profile.digest, encode_profile(profile), settled)
        except ValueError:
            return  # a value that cannot be kept: the file is parsed each time
        shard = self._shard(shard_of(profile.path))
        if shard.get(profile.path) != entry:
            shard[profile.path] = entry
            self._changed.add(shard_of(profile.path))

    def forget_others(self, paths: Iterable[str]) -> None:
        """Drop the kept profiles of files that are no longer read (after a read of the whole project)."""
        wanted = set(paths)
        for shard in range(SHARDS):
            entries = self._shard(shard)
            gone = [rel for rel in entries if rel not in wanted]
            for rel in gone:
                del entries[rel]
            if gone:
                self._changed.add(shard)

    def save(self) -> None:
        """Stage the shards that changed (the store's commit writes them)."""
        for shard in sorted(self._changed):
            self.store.keep(KIND, f"{shard:02d}", self.key, self._shards[shard], shared=True)
        self._changed.clear()
