"""The one place that remembers anything between runs.

Stages (``source``, ``gettext``, ``site``, ``check``, ``mt``) are pure: they
turn inputs into outputs and keep nothing.  The commands open a ``Store`` and
go through it for everything that may be remembered:

- ``read(path)``: a file's bytes and their SHA-256, from one read
  (``prefetch`` has the store's thread read ahead); ``unchanged`` vouches
  for a file read settled in an earlier run, without reading it;
- ``run(step, inputs, key=…)``: a step's output, recalled when a record for
  the same key exists, else made by the step's accelerator (which may
  decline), else by its full stage function;
- ``recall``/``keep``: what an accelerator needs from earlier runs (the
  layout of a file it wrote, the state of a render), by kind, slot and key
  (``recall_as``/``keep_as``: decoded once per run);
- ``stage(path, data)``, ``defer(action)`` and ``commit()``: outputs (files,
  and actions such as the swap of a site folder) and records put in place
  together, after everything was made.  Until then, ``read`` gives a staged
  output's new bytes, so that one command can make several steps' outputs
  and write them all at the end.

Every record is stamped with the code key (every file of the package, the
versions of the libraries) and the inputs' key, and written in a format that
cannot run code (``codec``).  A missing, damaged, foreign or crafted record
is a miss, never an error.  A cache folder that cannot be written (read-only,
a file in its place, a full disk) only costs speed: one warning, the command
goes on.

Verify mode (``I18NPROFILES_VERIFY=1``, on in the test suite) runs the full
stage beside every recalled or accelerated result and raises ``Mismatch``
when their bytes differ.  ``NullStore`` recalls nothing and keeps nothing:
``--no-cache``, and the reference in tests.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from i18nprofiles.errors import I18nProfilesError
from i18nprofiles.files import (
    Signature,
    discard_files,
    remove_leftovers,
    replace_keeping_old,
    signature_of,
    stage_file,
    temp_beside,
    write_temp,
)
from i18nprofiles.store.codec import decode_record, encode_record, stamp_matches
from i18nprofiles.store.keys import code_key
from i18nprofiles.store.thread import store_thread

VERIFY_VARIABLE = "I18NPROFILES_VERIFY"
WITHOUT_VARIABLE = "I18NPROFILES_WITHOUT"  # benchmarks: accelerators to leave out (step names, "profiles", "tables")
RECORDS = "store"  # the folder of records inside the cache folder
RECORD_FORMAT = 1
DECODED_HELD = 3  # decoded values ``recall_as`` holds: a template's layout, a catalogue merged with it and its new one
STAMP_READ = 4096  # bytes read to check a record's stamp (kinds, slots and keys are short)

I = TypeVar("I")  # noqa: E741 - the inputs of a step
O = TypeVar("O")  # noqa: E741 - its output


class Mismatch(AssertionError):
    """Verify mode: an accelerated or recalled result differs from the full stage's."""


class ChangedMeanwhile(I18nProfilesError):
    """A file this command read and would rewrite was changed by someone else while it ran."""


#: Files at least this large are digested once per version in a run (small ones are cheap to digest again).
LARGE_FILE = 1 << 20

_digested: list[tuple[bytes, str]] = []  # the last large byte string digested, held so that its id stays its own


def digest_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, hex: the identity of a file's content everywhere in the store.

    The same large byte string (the very object: a merged catalogue staged,
    then described) digested twice in a row is digested once.
    """
    if len(data) < LARGE_FILE:
        return hashlib.sha256(data).hexdigest()
    for held, digest in _digested:
        if held is data:
            return digest
    digest = hashlib.sha256(data).hexdigest()
    _digested[:] = [(data, digest)]
    return digest


Loaded = tuple[bytes, Signature, Signature | None]  # a file's bytes, its signature before and (large) after the read


def load_file(file: Path) -> Loaded | None:
    """A file's bytes and its signature before the read and, for a large file, after it; None without a file."""
    try:
        with open(file, "rb") as handle:
            before = signature_of(os.fstat(handle.fileno()))
            data = handle.read()
            # (a small file is digested again at each read: no second look at its status)
            after = signature_of(os.fstat(handle.fileno())) if before[0] >= LARGE_FILE else None
    except (FileNotFoundError, NotADirectoryError):
        return None
    return data, before, after


def load_and_digest(file: Path) -> tuple[Loaded | None, str | None]:
    """``load_file`` and the SHA-256 of the bytes (in the store's thread: ``digest_bytes``' memo is not touched)."""
    loaded = load_file(file)
    return loaded, hashlib.sha256(loaded[0]).hexdigest() if loaded is not None else None


def left_out() -> frozenset[str]:
    """The accelerators ``I18NPROFILES_WITHOUT`` names (comma-separated): the benchmarks measure what each
    one is worth by leaving it out."""
    return frozenset(name.strip() for name in os.environ.get(WITHOUT_VARIABLE, "").split(",") if name.strip())


def verify_mode() -> bool:
    """Whether ``I18NPROFILES_VERIFY`` asks for every accelerated result to be checked."""
    return os.environ.get(VERIFY_VARIABLE, "") not in ("", "0")


#: A file last changed this long before a read began is *settled*: a later change gives it another change time.
SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class Input:
    """A file as read once: its bytes and their digest (both None when there is no file), and its signature
    when it was settled as the read began (``Store.unchanged`` vouches for it next time), else None."""

    path: Path
    data: bytes | None
    digest: str | None
    settled: Signature | None = None

    @property
    def exists(self) -> bool:
        return self.data is not None


class Deferred(Protocol):
    """An output that is not a file: made ready during the command, put in place by ``Store.commit``."""

    def commit(self) -> None: ...

    def discard(self) -> None: ...


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Step(Generic[I, O]):
    """A stage function, and optionally a faster way to the same output.

    ``full`` is the definition.  ``accelerate(store, inputs)`` may use what
    earlier runs left (``Store.recall``) and returns the same output, or None
    to decline.  ``encode``/``decode`` turn the output into plain data for a
    record and back; ``compare`` gives what verify mode compares (bytes).
    """

    name: str
    full: Callable[[I], O]
    accelerate: Callable[[Store, I], O | None] | None = None
    encode: Callable[[O], Any] = _identity
    decode: Callable[[Any], O] = _identity
    compare: Callable[[O], Any] = _identity


@dataclass
class Store:
    """Records under ``folder`` (None: nothing recalled, nothing kept), outputs staged for one commit."""

    folder: Path | None
    verify: bool = field(default_factory=verify_mode)
    without: frozenset[str] = field(default_factory=left_out)
    warnings: list[str] = field(default_factory=list)
    _outputs: list[tuple[Path, Path]] = field(default_factory=list, repr=False)
    # kept, as (stamp, value, shared): encoded and written by commit (no record's bytes held while a command works)
    _records: dict[Path, tuple[Any, Any, bool]] = field(default_factory=dict, repr=False)
    _values: dict[Path, tuple[Any, Any]] = field(default_factory=dict, repr=False)  # (stamp, value) seen this run
    # the last values decoded (stamp, decode, value): a template's layout is used for every catalogue merged with it
    _decoded: dict[Path, tuple[Any, Any, Any]] = field(default_factory=dict, repr=False)
    _read: dict[str, str | None] = field(default_factory=dict, repr=False)  # digest of each file read (None: none)
    _seen: dict[str, tuple[Signature, str]] = field(default_factory=dict, repr=False)  # large files: digest read
    _staged: dict[Path, str] = field(default_factory=dict, repr=False)  # digest of each output staged
    _pending: dict[str, tuple[Path, str]] = field(default_factory=dict, repr=False)  # path -> (staged file, digest)
    _deferred: list[Deferred] = field(default_factory=list, repr=False)
    _cleaned: set[Path] = field(default_factory=set, repr=False)  # folders rid of leftover temporary files
    _began: int = field(default_factory=time.time_ns, repr=False)  # when this store was opened (wall clock, ns)
    _writes: dict[str, Future[None]] = field(default_factory=dict, repr=False)  # path -> its write, until waited for
    _reads: dict[str, Future[tuple[Loaded | None, str | None]]] = field(default_factory=dict, repr=False)
    _frees: list[Future[None]] = field(default_factory=list, repr=False)  # files replaced, until freed

    def uses(self, accelerator: str) -> bool:
        """Whether an accelerator may use earlier runs' records (not in a NullStore, nor when left out)."""
        return self.folder is not None and accelerator not in self.without

    # -- files

    def read(self, path: str | Path) -> Input:
        """A file's bytes and digest from one read; an Input without data when there is no file.

        A file this store staged and did not commit yet reads as its new
        bytes.  A large file read again in the same run, with the same size,
        times and inode before and after the read, is not digested again
        (``commit`` checks the same way that a file it overwrites is still
        the version read).
        """
        file = Path(path)
        key = os.path.abspath(file)
        staged = self._pending.get(key) if self._pending else None
        if staged is not None:  # (read again from the staged file: a command's outputs are not all held in memory)
            self._written(key)
            return Input(file, staged[0].read_bytes(), staged[1])
        loaded, digest = self._prefetched(key)
        if loaded is None:
            loaded = load_file(file)
        if loaded is None:
            self._read.setdefault(key, None)
            return Input(file, None, None)
        data, before, after = loaded
        seen = self._seen.get(key)
        if digest is None:
            digest = seen[1] if seen is not None and seen[0] == before == after else digest_bytes(data)
        first = self._read.setdefault(key, digest)
        if len(data) >= LARGE_FILE and before == after and digest == first:
            self._seen[key] = (after, digest)  # (a version other than the first read never vouches for the file)
        return Input(file, data, digest, before if self.settled(before[2]) else None)

    def prefetch(self, paths: Iterable[str | Path]) -> None:
        """Have the store's thread read and digest files that the command will ``read`` (while it does other
        work: reading and digesting let the interpreter run other threads).  A prefetched file is read once,
        as if ``read`` had read it at that moment."""
        for path in paths:
            key = os.path.abspath(path)
            if key not in self._reads and key not in self._pending:
                self._reads[key] = store_thread().submit(load_and_digest, Path(path))

    def _prefetched(self, key: str) -> tuple[Loaded | None, str | None]:
        """What the store's thread read of the file at ``key``: (nothing, None) unless it read it whole."""
        future = self._reads.pop(key, None) if self._reads else None
        if future is None:
            return None, None
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - read again by the caller, which fails as a read does
            return None, None

    def settled(self, changed_ns: int) -> bool:
        """Whether something last changed at ``changed_ns`` (a change time) was settled when this store opened."""
        return self._began - changed_ns > SETTLED_NS

    def unchanged(self, path: str | Path, settled: Signature | None) -> bool:
        """Whether the file at ``path`` is still the one read with the signature ``settled``, without reading it.

        Writing a file, replacing it or changing its metadata gives it a new
        change time, which no program can set back; a file settled when it
        was read (changed ``SETTLED_NS`` or more before) cannot change again
        within the same tick of the clock.  So the same size, modification and
        change times (to the nanosecond) and inode are the same bytes.  Only
        where the change time means that (POSIX: on Windows it is the creation
        time).  In verify mode, callers read the file all the same and compare.
        """
        if settled is None or os.name != "posix":
            return False
        try:
            return signature_of(os.stat(path)) == tuple(settled)
        except OSError:
            return False

    def stage(self, path: Path, data: bytes) -> None:
        """Write an output to a temporary file beside ``path``; ``commit`` puts it in place.

        The bytes are written by a thread of the store while the command goes
        on (and while this call digests them: both let the interpreter run
        other threads); ``commit`` (or a ``read`` of the file) waits for the
        write and fails, with nothing put in place, when it failed (a full disk).
        The first time a folder is written in, temporary files that killed runs left there are removed.
        """
        self._clean(path.parent)
        fd, staged = temp_beside(path)
        key = os.path.abspath(path)
        self._outputs.append((staged, path))
        self._writes[key] = store_thread().submit(write_temp, fd, staged, path, lambda handle: handle.write(data))
        self._staged[path] = digest = digest_bytes(data)
        self._pending[key] = (staged, digest)

    def _written(self, key: str | None = None) -> None:
        """Wait for the staged file at ``key`` to be written (every staged file: None); raise what failed."""
        keys = list(self._writes) if key is None else [key] if key in self._writes else []
        failed: BaseException | None = None
        for one in keys:
            try:
                self._writes.pop(one).result()
            except BaseException as exc:  # noqa: BLE001 - every write is waited for, the first failure raised
                failed = failed or exc
        if key is None:
            for read in self._reads.values():
                read.cancel()  # (a read ahead not yet begun is not made; one under way ends unused)
            self._reads = {}
        if failed is not None:
            raise failed

    def defer(self, action: Deferred) -> None:
        """Have ``commit`` put ``action`` in place after the files (``discard`` gives it up)."""
        self._deferred.append(action)

    def _clean(self, folder: Path) -> None:
        if folder not in self._cleaned:
            self._cleaned.add(folder)
            remove_leftovers(folder)

    def commit(self) -> None:
        """Put every staged output in place, then every record (a record that cannot be written is skipped).

        An output that this run read and that changed since (a translator
        saved it meanwhile) is not overwritten: ``ChangedMeanwhile`` is raised
        and nothing is put in place.
        """
        try:
            self._written()
        except BaseException:
            self.discard()
            raise
        if self.verify:
            self._check_records()
        outputs, self._outputs = self._outputs, []
        deferred, self._deferred = self._deferred, []
        try:
            for _, path in outputs:
                self._check_unchanged(path)
        except BaseException:
            discard_files(outputs)
            for action in deferred:
                action.discard()
            self._pending.clear()
            raise
        try:
            for temp, path in outputs:
                self._replace(temp, path)
        except BaseException:
            for action in deferred:
                action.discard()
            self._freed()
            raise
        finally:
            self._pending.clear()
        self._seen.clear()
        _digested.clear()
        for _, path in outputs:
            self._read[os.path.abspath(path)] = self._staged.pop(path, None)
        try:
            for index, action in enumerate(deferred):
                try:
                    action.commit()
                except BaseException:
                    for other in deferred[index + 1:]:
                        other.discard()
                    self._records.clear()
                    raise
            records, self._records = self._records, {}
            if records and self._make_folder():
                self._write_records(records)
        finally:
            self._freed()

    def _replace(self, temp: Path, path: Path) -> None:
        """Put a staged file in place; the file it replaces is freed by the store's thread (``_freed`` waits)."""
        old = replace_keeping_old(temp, path)
        if old is not None:
            self._frees.append(store_thread().submit(os.unlink, old))

    def _freed(self) -> None:
        """Wait until the files replaced are freed (a name that cannot be removed is left to the next run)."""
        frees, self._frees = self._frees, []
        for future in frees:
            with suppress(OSError):
                future.result()

    def _write_records(self, records: dict[Path, tuple[Any, Any, bool]]) -> None:
        """Write every record (one that cannot be encoded is skipped; after a failed write, none is written).

        Each is encoded here while the store's thread writes the one before
        (the interpreter runs other threads while a file is written): two
        records' bytes at most are held (the layouts of large catalogues are tens of MB each).
        """
        writing: Future[None] | None = None
        for path, (stamp, value, shared) in records.items():
            try:
                data = encode_record(stamp, value, shared=shared)
            except Exception as exc:  # noqa: BLE001 - a value that cannot be encoded is a record not written
                self._warn_once(f"cache not written ({exc}): {self.folder}")
                continue
            if writing is not None and not self._record_written(writing):
                return
            self._clean(path.parent)
            writing = store_thread().submit(self._write_record, path, data)
        if writing is not None:
            self._record_written(writing)

    def _write_record(self, path: Path, data: bytes) -> None:
        stage = stage_file(path, data)
        try:
            self._replace(stage, path)
        except OSError:
            stage.unlink(missing_ok=True)
            raise

    def _record_written(self, writing: Future[None]) -> bool:
        try:
            writing.result()
        except OSError as exc:
            self._warn_once(f"cache not written ({exc.strerror or exc}): {self.folder}")
            return False
        return True

    def _check_records(self) -> None:
        """Verify mode: every record kept reads back as the value kept (``Mismatch`` before anything is written)."""
        for path, (stamp, value, shared) in self._records.items():
            try:
                same = decode_record(encode_record(stamp, value, shared=shared), stamp) == value
            except Exception:  # noqa: BLE001 - whatever fails, the record is not plain data
                same = False
            if not same:
                self.discard()
                raise Mismatch(f"the record {path} does not read back as kept (not plain data?)")

    def _make_folder(self) -> bool:
        """Make the records' folder, which git ignores (it holds its own ``.gitignore``); False if it cannot be."""
        assert self.folder is not None
        folder = self.folder / RECORDS
        try:
            if not (folder / ".gitignore").is_file():
                folder.mkdir(parents=True, exist_ok=True)
                (folder / ".gitignore").write_text("# records of i18nprofiles: derived data, safe to delete\n*\n")
        except OSError as exc:
            self._warn_once(f"cache not written ({exc.strerror or exc}): {self.folder}")
            return False
        return True

    def _check_unchanged(self, path: Path) -> None:
        key = os.path.abspath(path)
        if key not in self._read:
            return
        seen = self._seen.get(key)
        try:
            if seen is not None and seen[0] == signature_of(os.stat(path)):
                return  # the version read: same size, times and inode (a write sets the change time)
            now: str | None = digest_bytes(path.read_bytes())
        except FileNotFoundError:
            now = None
        if now != self._read[key]:
            raise ChangedMeanwhile("the file changed while this command ran; nothing was written (run it again)", path)

    def discard(self) -> None:
        """Remove every staged output and forget the records not committed."""
        with suppress(BaseException):
            self._written()  # (a file is removed once written: the thread may not have made it yet)
        outputs, self._outputs = self._outputs, []
        discard_files(outputs)
        deferred, self._deferred = self._deferred, []
        for action in deferred:
            action.discard()
        self._pending.clear()
        self._seen.clear()
        _digested.clear()
        self._staged.clear()
        self._records.clear()
        self._values.clear()
        self._decoded.clear()

    # -- records

    def record_path(self, kind: str, slot: str) -> Path | None:
        """Where the record of ``kind`` for ``slot`` (a file's absolute path, a shard name…) lives."""
        if self.folder is None:
            return None
        name = hashlib.sha256(slot.encode("utf-8")).hexdigest()[:32]
        return self.folder / RECORDS / kind / name

    def recall(self, kind: str, slot: str, key: Hashable, *, durable: bool = False) -> Any | None:
        """The value kept as ``kind``/``slot`` for ``key`` by the same code (any code if ``durable``), or None.

        A value recalled or kept earlier in this run is given again as it was:
        callers must not change what they recall.
        """
        path = self.record_path(kind, slot)
        if path is None:
            return None
        stamp = _stamp(kind, slot, key, durable)
        seen = self._values.get(path)
        if seen is not None:
            return seen[1] if seen[0] == stamp else None
        try:
            value = decode_record(path.read_bytes(), stamp)
        except Exception:  # noqa: BLE001 - whatever the bytes, a record that does not load is a miss
            return None
        self._values[path] = (stamp, value)
        return value

    def recall_as(self, kind: str, slot: str, key: Hashable, decode: Callable[[Any], O]) -> O | None:
        """``recall``, then ``decode`` (a miss when it raises): decoded once per run, however often recalled."""
        path = self.record_path(kind, slot)
        if path is None:
            return None
        stamp = _stamp(kind, slot, key, False)
        seen = self._decoded.pop(path, None)
        if seen is not None and seen[0] == stamp and seen[1] == decode:
            self._remember(path, seen)  # (the most recently used last)
            return seen[2]  # type: ignore[no-any-return]
        found = self.recall(kind, slot, key)
        if found is None:
            return None
        try:
            value = decode(found)
        except Exception:  # noqa: BLE001 - a record of the wrong shape is a miss
            return None
        self._remember(path, (stamp, decode, value))
        return value

    def holds(self, kind: str, slot: str, key: Hashable) -> bool:
        """Whether a record of ``kind``/``slot`` for ``key`` is kept (its stamp alone is read)."""
        path = self.record_path(kind, slot)
        if path is None:
            return False
        stamp = _stamp(kind, slot, key, False)
        seen = self._values.get(path)
        if seen is not None:
            return seen[0] == stamp
        try:
            with path.open("rb") as handle:
                return stamp_matches(handle.read(STAMP_READ), stamp)
        except Exception:  # noqa: BLE001 - whatever the bytes: not held
            return False

    def keep(self, kind: str, slot: str, key: Hashable, value: Any, *, shared: bool = False,
             durable: bool = False) -> None:
        """Stage ``value`` as ``kind``/``slot`` for ``key``; encoded and written by ``commit`` (callers must not
        change what they keep).

        A ``durable`` record (a list of files written, say) does not depend on
        the code: a new version of the package still recalls it.
        """
        path = self.record_path(kind, slot)
        if path is None:
            return
        stamp = _stamp(kind, slot, key, durable)
        self._records[path] = (stamp, value, shared)
        self._values[path] = (stamp, value)
        self._decoded.pop(path, None)

    def keep_as(self, kind: str, slot: str, key: Hashable, made: O, encode: Callable[[O], Any],
                decode: Callable[[Any], O]) -> None:
        """``keep`` the plain data ``encode(made)``; this run's ``recall_as`` with ``decode`` gives ``made``."""
        self.keep(kind, slot, key, encode(made))
        path = self.record_path(kind, slot)
        if path is not None:
            self._remember(path, (_stamp(kind, slot, key, False), decode, made))

    def _remember(self, path: Path, decoded: tuple[Any, Any, Any]) -> None:
        """Hold a decoded value for ``recall_as``: the last ``DECODED_HELD`` used only (a layout of 60,000 entries is
        15 MB)."""
        self._decoded.pop(path, None)
        self._decoded[path] = decoded
        while len(self._decoded) > DECODED_HELD:
            del self._decoded[next(iter(self._decoded))]

    # -- steps

    def run(self, step: Step[I, O], inputs: I, *, key: Hashable | None = None, slot: str | None = None) -> O:
        """The output of ``step`` for ``inputs``.

        With a ``key`` (everything the output depends on, the code aside),
        a record kept for it is recalled, and the output is kept for next
        time, under ``slot`` (default: the step's name).
        """
        where = slot or step.name
        if key is not None:
            found = self.recall(step.name, where, key)
            if found is not None:
                try:
                    value = step.decode(found)
                except Exception:  # noqa: BLE001 - a record of the wrong shape is a miss
                    value = None
                if value is not None:
                    if self.verify:
                        self._check(step, value, inputs, "recalled")
                    return value
        value = step.accelerate(self, inputs) if step.accelerate is not None and self.uses(step.name) else None
        if value is None:
            value = step.full(inputs)
        elif self.verify:
            self._check(step, value, inputs, "accelerated")
        if key is not None:
            self.keep(step.name, where, key, step.encode(value))
        return value

    def _check(self, step: Step[I, O], value: O, inputs: I, how: str) -> None:
        expected = step.full(inputs)
        if step.compare(value) != step.compare(expected):
            raise Mismatch(f"step {step.name!r}: the {how} output differs from the full stage's")

    def warn(self, message: str) -> None:
        """Say something the command's user should know (printed once, after the command)."""
        self._warn_once(message)

    def _warn_once(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _stamp(kind: str, slot: str, key: Hashable, durable: bool) -> tuple[Any, ...]:
    """What a record must say it is for: the format, the code (unless durable), its kind, slot and key."""
    return (RECORD_FORMAT, "any code" if durable else code_key(), kind, slot, key)


def NullStore() -> Store:  # noqa: N802 - reads as a class at call sites
    """A store that recalls and keeps nothing: every step runs its full stage."""
    return Store(None)


def open_store(cache_dir: Path | None) -> Store:
    """The store of a project's cache folder (None: a ``NullStore``)."""
    return Store(cache_dir) if cache_dir is not None else NullStore()
