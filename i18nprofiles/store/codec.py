"""The one file format of the store: plain data that loading can never turn into code.

A record is ``MAGIC``, the BLAKE2b digest of its payload, then the payload: a
pickle of ``(stamp, value)`` made of plain Python data only (str, bytes,
int, float, bool, None, tuple, list, dict, set, frozenset).  Loading goes
through an unpickler that refuses every global, so no bytes in the cache
folder can import a module or call a function, whatever they hold; and the
digest makes a damaged file a miss rather than a wrong value.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from typing import Any

MAGIC = b"i18nprofiles-store 2\n"
DIGEST_SIZE = 32


class RefusedGlobal(pickle.UnpicklingError):
    """A record asked for a module attribute: it was not written by the store."""


class PlainUnpickler(pickle.Unpickler):
    """An unpickler for plain data: every global and persistent reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise RefusedGlobal(f"refused global {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        raise RefusedGlobal("refused persistent reference")


def encode_record(stamp: Any, value: Any, *, shared: bool = False) -> bytes:
    """The bytes of a record: the stamp says what the value is for, ``decode_record`` checks it.

    With ``shared``, an object used many times (a path, a key) is written
    once: smaller and faster to load, for values small enough that keeping
    the pickler's memo of every object costs little.
    """
    pickler_output = io.BytesIO()
    pickler = pickle.Pickler(pickler_output, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = not shared  # plain data has no cycles: the memo only saves space
    pickler.dump((stamp, value))
    payload = pickler_output.getvalue()
    return MAGIC + hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() + payload


def decode_record(data: bytes, stamp: Any) -> Any:
    """The value of a record whose stamp is ``stamp``; ValueError (or any unpickling error) otherwise."""
    head = len(MAGIC) + DIGEST_SIZE
    if not data.startswith(MAGIC) or len(data) < head:
        raise ValueError("not a store record")
    payload = memoryview(data)[head:]
    if hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() != data[len(MAGIC):head]:
        raise ValueError("damaged record")
    found, value = PlainUnpickler(io.BytesIO(payload)).load()
    if found != stamp:
        raise ValueError("record for other inputs")
    return value
