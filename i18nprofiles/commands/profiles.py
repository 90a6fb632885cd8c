"""Reading a project's profiles: every file read once, parsed unless the store keeps its parse."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

from i18nprofiles.config import Config
from i18nprofiles.errors import ConfigError, ProfileError
from i18nprofiles.files import Signature
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.runtime import cpu_count, paused_gc, process_pool
from i18nprofiles.source.discover import (
    check_unique_slugs,
    find_profiles,
    locate_profiles,
    relative_path,
)
from i18nprofiles.source.model import Profile
from i18nprofiles.source.parse import parse_profile_bytes
from i18nprofiles.store import Mismatch, Store, open_store
from i18nprofiles.store.profiles import ProfileRecords

STEP = "read profiles"
PARALLEL_PARSES = 1000  # profiles to parse per extra process: below, a process costs more than it saves


def read_profile(path: str | Path, config: Config) -> Profile:
    """Read and parse one profile file."""
    return read_profiles(config, [path], store=open_store(None))[0]


def read_profiles(config: Config, paths: Iterable[str | Path] | None = None, *, store: Store | None = None,
                  progress: Progress | None = None) -> list[Profile]:
    """Read every profile of the project (or the given files); duplicate slugs are an error.

    Each file is read once; a file whose bytes the store has seen parsed
    (same path, same SHA-256, same settings and code) is not parsed again,
    and a file the store vouches did not change since (``Store.unchanged``)
    is not read either.
    Without a ``store``, the project's own is used and committed.  ``progress``
    hears of step "read profiles", in files.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    files = find_profiles(config) if paths is None else locate_profiles(config, paths)
    if paths is None and not files:
        raise ConfigError(f"no profile file matches the 'profiles' setting ({', '.join(config.profile_globs)}) "
                          f"under {config.root}", config.source)
    report = report_progress(progress)
    report(STEP, 0, len(files))
    records = ProfileRecords(store, (config.source_locale, tuple(config.translatable_fields),
                                     str(config.root.resolve())))
    use = store.uses("profiles")
    with paused_gc():  # hundreds of thousands of new objects, no cycles: collections would rescan them all
        read: dict[str, Profile | bytes] = {}
        settled: dict[str, Signature | None] = {}  # the files read: their signature if settled (to keep)
        for rel, file in files.items():
            unchanged = records.recall_unchanged(rel, file) if use else None
            if unchanged is not None:  # (a file the store vouches for is not read)
                read[rel] = unchanged
                continue
            try:
                found = store.read(file)
            except OSError as exc:
                raise ProfileError(f"cannot read profile: {exc.strerror}", rel) from None
            if found.data is None or found.digest is None:
                raise ProfileError("cannot read profile: No such file or directory", rel)
            settled[rel] = found.settled
            recalled = records.recall(rel, found.digest) if use else None
            read[rel] = recalled if recalled is not None else found.data
        unparsed = [(rel, data) for rel, data in read.items() if isinstance(data, bytes)]
        recalled = len(read) - len(unparsed)
        report(STEP, recalled, len(files))
        parsed = dict(zip((rel for rel, _ in unparsed),
                          parse_profiles(unparsed, config, lambda done: report(STEP, recalled + done, len(files)))))
        if store.verify:
            check_recalled(read, files, config)
        profiles = [parsed.get(rel) or read[rel] for rel in read]  # type: ignore[misc]
        check_unique_slugs(profiles)  # type: ignore[arg-type]
        for rel, signature in settled.items():  # parsed, or recalled by their bytes (touched files, say)
            records.keep(parsed.get(rel) or read[rel], signature)  # type: ignore[arg-type]
        if paths is None:
            records.forget_others(read)
        records.save()
    report(STEP, len(files), len(files))
    if own:
        store.commit()
    return profiles  # type: ignore[return-value]


def check_recalled(read: dict[str, Profile | bytes], files: dict[str, str], config: Config) -> None:
    """Verify mode: every recalled profile is what parsing its file gives (its file read again)."""
    for rel, found in read.items():
        if isinstance(found, Profile):
            data = Path(files[rel]).read_bytes()
            if parse_profile_bytes(data, rel, config) != found:
                raise Mismatch(f"recalled profile {rel} differs from its parse")


def parse_profiles(files: list[tuple[str, bytes]], config: Config,
                   parsed: Callable[[int], None] | None = None) -> list[Profile]:
    """Parse profile files (relative path, bytes), in worker processes when there are many (a first read).

    The first error in the order given is the one raised.  ``parsed`` hears how many files are parsed so far.
    """
    tell = parsed or (lambda done: None)
    workers = min(cpu_count(), len(files) // PARALLEL_PARSES)
    if workers < 2:
        return [count_along(parse_profile_bytes(data, rel, config), index, tell)
                for index, (rel, data) in enumerate(files, 1)]
    size = -(-len(files) // workers)
    shares = [files[start:start + size] for start in range(size, len(files), size)]
    with process_pool(workers - 1) as pool:
        others = [pool.submit(parse_share, share, config) for share in shares]

        def tell_all(own: int) -> None:  # this process's files, and the other shares that are done
            tell(own + sum(len(share) for share, future in zip(shares, others) if future.done()))

        first = [count_along(parse_profile_bytes(data, rel, config), index, tell_all)
                 for index, (rel, data) in enumerate(files[:size], 1)]  # this process parses a share
        return list(chain(first, *(future.result() for future in others)))


def count_along(profile: Profile, done: int, tell: Callable[[int], None]) -> Profile:
    """``profile``, once ``tell`` has heard that ``done`` files are parsed."""
    tell(done)
    return profile


def parse_share(files: list[tuple[str, bytes]], config: Config) -> list[Profile]:
    """In a worker process: parse a share of the files."""
    return [parse_profile_bytes(data, rel, config) for rel, data in files]


__all__ = ["read_profile", "read_profiles", "relative_path"]
