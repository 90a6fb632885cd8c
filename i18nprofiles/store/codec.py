"""The one file format of the store: plain data that loading can never turn into code.

A record is ``MAGIC``, its stamp (what the value is for: kind, slot, key,
code) and its payload, the value.  Both are pickles of plain Python data only
(str, bytes, int, float, bool, None, tuple, list, dict, set, frozenset), read
by an unpickler that refuses every global: no bytes in the cache folder can
import a module or call a function, whatever they hold.  The stamp comes
first, so that a record for other inputs is rejected without reading its
value; a CRC of the payload makes a damaged file a miss rather than a wrong
value.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from operator import itemgetter
from typing import Any

MAGIC = b"i18nprofiles-store 3\n"
SIZE = struct.Struct(">I")


class RefusedGlobal(pickle.UnpicklingError):
    """A record asked for a module attribute: it was not written by the store."""


class PlainUnpickler(pickle.Unpickler):
    """An unpickler for plain data: every global and persistent reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise RefusedGlobal(f"refused global {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        raise RefusedGlobal("refused persistent reference")


def split_hashes(blob: bytes, size: int) -> list[bytes]:
    """The ``size``-byte hashes a blob holds one after another; ValueError for a blob of another length."""
    if len(blob) % size:
        raise ValueError("not a list of hashes")
    return list(map(itemgetter(0), struct.iter_unpack(f"{size}s", blob)))


def _plain_pickle(value: Any, shared: bool = False) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = not shared  # plain data has no cycles: the memo only saves space
    pickler.dump(value)
    return buffer.getvalue()


def _load(data: bytes | memoryview) -> Any:
    return PlainUnpickler(io.BytesIO(data)).load()


def encode_record(stamp: Any, value: Any, *, shared: bool = False) -> bytes:
    """The bytes of a record.

    With ``shared``, an object used many times (a path, a key) is written
    once: smaller and faster to load, for values small enough that keeping
    the pickler's memo of every object costs little.
    """
    head = _plain_pickle(stamp)
    payload = _plain_pickle(value, shared)
    return b"".join([MAGIC, SIZE.pack(len(head)), head, SIZE.pack(zlib.crc32(payload)), payload])


def stamp_matches(data: bytes, stamp: Any) -> bool:
    """Whether the start of a record's bytes (at least its stamp) carries ``stamp``."""
    start = len(MAGIC) + SIZE.size
    if not data.startswith(MAGIC) or len(data) < start:
        return False
    end = start + SIZE.unpack_from(data, len(MAGIC))[0]
    return len(data) >= end and _load(memoryview(data)[start:end]) == stamp


def decode_record(data: bytes, stamp: Any) -> Any:
    """The value of a record whose stamp is ``stamp``; ValueError (or any unpickling error) otherwise."""
    if not stamp_matches(data, stamp):
        raise ValueError("record for other inputs")
    start = len(MAGIC) + SIZE.size + SIZE.unpack_from(data, len(MAGIC))[0]
    payload = memoryview(data)[start + SIZE.size:]
    if len(data) < start + SIZE.size or zlib.crc32(payload) != SIZE.unpack_from(data, start)[0]:
        raise ValueError("damaged record")
    return _load(payload)
