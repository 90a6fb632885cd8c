"""Machine pre-fill: empty entries filled by an engine, each marked fuzzy for a human to review.

Only empty, active, non-fuzzy entries are touched.  Texts are protected
(``protect``), split to the engine's limit, deduplicated across catalogues
and locales, looked up in an on-disk cache, and the rest sent concurrently
within the engine's limits, with retries.  Catalogues are written every few
seconds and when the run ends, however it ends, so an interrupted run keeps
what it finished; the cache makes a rerun resume without new requests.

A catalogue is never overwritten with what this run did not write: before
each save the file is read again, and when someone saved it meanwhile (a
translator in Poedit), the run's translations go into the file as it now is,
each only where its entry is still empty and not fuzzy.  The file is checked
once more just before the rename that replaces it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from pathlib import Path

import polib

from i18nprofiles.config import Config, read_glossary
from i18nprofiles.errors import CatalogError, ConfigError
from i18nprofiles.files import remove_leftovers, stage_file
from i18nprofiles.gettext.control import check_translations
from i18nprofiles.gettext.pofile import Key, build_date, encode_po, parse_catalog, same_but_date
from i18nprofiles.mt.engines import Engine, EngineError, NoTranslation, RetryableError
from i18nprofiles.mt.protect import (
    TOKEN_RE,
    DamagedTokens,
    Protected,
    build_pattern,
    protect_text,
    restore_text,
    split_margins,
    split_text,
)
from i18nprofiles.paths import PROFILES_DOMAIN, select_catalogs
from i18nprofiles.progress import Progress
from i18nprofiles.store.answers import AnswerCache, cache_path


@dataclass(frozen=True)
class Failure:
    """An entry left empty, and why."""

    path: Path
    line: int
    msgid: str
    reason: str


@dataclass
class LocaleReport:
    """What pre-filling did (or, in a dry run, would send) for one catalogue."""

    locale: str
    path: Path
    candidates: int = 0
    filled: int = 0
    failures: list[Failure] = field(default_factory=list)
    to_send: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def characters(self) -> int:
        return sum(len(text) for text in self.to_send)


@dataclass
class PrefillResult:
    engine: str
    reports: list[LocaleReport]
    dry_run: bool = False
    unique_texts: int = 0
    cache_hits: int = 0
    requests: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """One text for the engine; identical requests are sent once."""

    key: str
    text: str
    source: str
    target: str


SAVE_TRIES = 5  # times a save starts again when the file changes between its read and its rename
STOP_GRACE = 0.5  # seconds that requests in flight get to finish when a run is stopped


@dataclass
class Job:
    """One empty entry to fill."""

    report: LocaleReport
    entry: polib.POEntry
    target: str
    protected: Protected
    margins: tuple[str, str]
    pieces: list[tuple[str, str]]  # (text, separator after it)
    keys: list[str]


# -- pure helpers ----------------------------------------------------------------


def is_candidate(entry: polib.POEntry) -> bool:
    """An active entry with an empty translation that no one has flagged."""
    return (bool(entry.msgid) and not entry.obsolete and not entry.msgid_plural and not entry.msgstr
            and not entry.fuzzy)


def build_cache_key(engine: Engine, source: str, target: str, text: str) -> str:
    """A digest of everything the engine's answer depends on (never the API key)."""
    data = json.dumps([engine.name, engine.cache_settings(), source, target, text], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def has_words(text: str) -> bool:
    """Whether anything is left to translate once tokens are taken out."""
    return any(char.isalpha() for char in TOKEN_RE.sub("", text))


def assemble(job: Job, answers: Sequence[str], check_echo: bool = True) -> str:
    """The translation of an entry from the answers for its pieces; DamagedTokens or NoTranslation if unusable."""
    core = "".join(answer.strip() + separator for answer, (_, separator) in zip(answers, job.pieces))
    if not core.strip():
        raise NoTranslation("empty translation")
    if check_echo and core == "".join(text + separator for text, separator in job.pieces):
        raise NoTranslation("the engine returned the source text")
    lead, trail = job.margins
    return lead + restore_text(core, job.protected) + trail


def mark_filled(entry: polib.POEntry, translation: str, comment: str) -> None:
    """Fill an entry, flag it fuzzy and say where the translation comes from."""
    entry.msgstr = translation
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    entry.tcomment = f"{entry.tcomment}\n{comment}" if entry.tcomment else comment


def build_comment(engine: Engine, note: str, date: str) -> str:
    return f"machine pre-fill: {engine.name}{f' ({note})' if note else ''}, {date}"


# -- rate limit and retries ------------------------------------------------------


class RateLimiter:
    """Spaces out requests to at most ``rate`` a second across threads (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


class Cancelled(Exception):
    """The run stopped before this request was sent."""


def read_retry_settings(config: Config) -> tuple[int, float]:
    """``prefill_retries`` (a whole number, 0 or more) and ``prefill_backoff`` (seconds, 0 or more)."""
    retries, backoff = config["prefill_retries"], config["prefill_backoff"]
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigError("setting 'prefill_retries' must be a whole number, 0 or more", config.source)
    if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 0:
        raise ConfigError("setting 'prefill_backoff' must be a number of seconds, 0 or more", config.source)
    return retries, float(backoff)


def backoff_delay(attempt: int, base: float, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: ``base * 2**attempt``, times 0.5 to 1.5."""
    return base * (2**attempt) * (0.5 + rand())


# -- the run ---------------------------------------------------------------------


class Prefill:
    """One pre-fill run over a set of catalogues."""

    def __init__(self, config: Config, engine: Engine, catalogs: dict[str, Path], glossary: Sequence[str],
                 width: int, progress: Progress | None, save_every: float) -> None:
        self.config, self.engine, self.width = config, engine, width
        self.progress, self.save_every = progress, save_every
        self.source = engine.language_code(config.source_locale)
        self.targets = {locale: engine.language_code(locale) for locale in catalogs}
        self.known: dict[str, bytes] = {}  # each catalogue's bytes as last read or written by this run
        for folder in {path.parent for path in catalogs.values()}:
            remove_leftovers(folder)  # temporary files of a killed run
        self.catalogs = {locale: self._read(locale, path) for locale, path in catalogs.items()}
        self.reports = {locale: LocaleReport(locale, path) for locale, path in catalogs.items()}
        self.fills: dict[str, dict[Key, tuple[str, str]]] = {locale: {} for locale in catalogs}  # key -> (text, note)
        self.held: dict[str, set[Key]] = {locale: set() for locale in catalogs}  # fills in the file as saved
        self.pattern = build_pattern(glossary)
        self.limiter = RateLimiter(engine.limits.rate)
        self.retries, self.backoff = read_retry_settings(config)
        self.date = build_date().strftime("%Y-%m-%d")
        self.jobs: list[Job] = []
        self.requests: dict[str, Request] = {}
        self.waiting: dict[str, list[Job]] = {}
        self.answers: dict[str, str | None | NoTranslation] = {}
        self.dirty: set[str] = set()
        self.done = 0
        self.sent = 0
        self._count_lock = threading.Lock()
        for locale in catalogs:
            for entry in self.catalogs[locale]:
                if is_candidate(entry):
                    self._add_job(locale, entry)

    def _add_job(self, locale: str, entry: polib.POEntry) -> None:
        report = self.reports[locale]
        report.candidates += 1
        lead, core, trail = split_margins(entry.msgid)
        protected = protect_text(core, self.pattern) if self.engine.protects else Protected(core, ())
        if not has_words(protected.text):
            report.failures.append(Failure(report.path, entry.linenum, entry.msgid, "nothing to translate"))
            return
        limit = self.engine.limits.max_chars
        pieces = split_text(protected.text, limit) if limit else [(protected.text, "")]
        target = self.targets[locale]
        keys = [build_cache_key(self.engine, self.source, target, text) for text, _ in pieces]
        job = Job(report, entry, target, protected, (lead, trail), pieces, keys)
        self.jobs.append(job)
        for key, (text, _) in zip(keys, pieces):
            self.requests.setdefault(key, Request(key, text, self.source, target))
            self.waiting.setdefault(key, []).append(job)

    # -- answers in, entries out

    def receive(self, key: str, answer: str | None | NoTranslation) -> None:
        """Record an answer; finish every entry that has all its answers."""
        self.answers[key] = answer
        for job in self.waiting.pop(key, []):
            if all(k in self.answers for k in job.keys):
                self._finish(job)

    def _finish(self, job: Job) -> None:
        report, entry = job.report, job.entry
        try:
            answers = []
            for key in job.keys:
                answer = self.answers[key]
                if isinstance(answer, NoTranslation):
                    raise answer
                if not answer:
                    raise NoTranslation("no translation")
                answers.append(answer)
            translation = assemble(job, answers, check_echo=self.engine.remote)
        except (NoTranslation, DamagedTokens) as exc:
            report.failures.append(Failure(report.path, entry.linenum, entry.msgid, exc.args[0]))
        else:
            note = self.engine.note(job.protected.text, job.target)
            self.fills[report.locale][(entry.msgctxt, entry.msgid)] = (translation, build_comment(self.engine, note,
                                                                                                  self.date))
            self.dirty.add(report.locale)
        self.done += 1
        if self.progress:
            self.progress("prefill", self.done, len(self.jobs))

    def _read(self, locale: str, path: Path) -> polib.POFile:
        """A catalogue as it is on disk now (its bytes kept, to see whether someone saves it meanwhile)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CatalogError("the catalogue was removed while prefill ran; its translations are cached: run "
                               "prefill again", path) from None
        except OSError as exc:
            raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
        catalog = parse_catalog(data, path)
        check_translations(catalog, path)
        self.known[locale] = data
        return catalog

    def save(self) -> None:
        """Write every catalogue that has new translations (atomically), into the file as it is now."""
        for locale in sorted(self.dirty):
            self._save(locale)
        self.dirty.clear()

    def _save(self, locale: str) -> None:
        report = self.reports[locale]
        path = report.path
        for _ in range(SAVE_TRIES):
            try:
                now = path.read_bytes()
            except FileNotFoundError:
                now = None
            if now != self.known[locale]:  # someone saved the file: their version is the base
                self.catalogs[locale] = self._read(locale, path)
            catalog = self.catalogs[locale]
            self._apply(locale, catalog)
            data = encode_po(catalog, width=self.width)
            if same_but_date(self.known[locale], data):
                return
            temp = stage_file(path, data)
            try:
                if path.read_bytes() != self.known[locale]:
                    continue  # changed again while this save was being made: start over from the new file
                os.replace(temp, path)
            finally:
                temp.unlink(missing_ok=True)
            self.known[locale] = data
            report.written = True
            return
        raise CatalogError("the catalogue keeps changing while prefill saves it; its translations are cached: run "
                           "prefill again", path)

    def _apply(self, locale: str, catalog: polib.POFile) -> None:
        """Put this run's translations in the entries that are still empty and not fuzzy; count those held."""
        entries = {(entry.msgctxt, entry.msgid): entry for entry in catalog if not entry.obsolete}
        held = self.held[locale]
        for key, (translation, comment) in self.fills[locale].items():
            entry = entries.get(key)
            if entry is not None and is_candidate(entry):
                mark_filled(entry, translation, comment)
                held.add(key)
            elif entry is None or entry.msgstr != translation or not entry.fuzzy:
                held.discard(key)  # the entry is gone, or someone translated or flagged it meanwhile: theirs wins
        self.reports[locale].filled = len(held)

    # -- sending

    def plan_dry_run(self, cache: AnswerCache | None) -> None:
        """Record, per locale, the texts that would be sent (each once, to the first locale needing it)."""
        for job in self.jobs:
            for key, (text, _) in zip(job.keys, job.pieces):
                if key in self.requests and (cache is None or cache.get(key) is None):
                    job.report.to_send.append(text)
                    self.requests.pop(key)

    def fetch(self, request: Request, stop: threading.Event) -> str | None:
        """Ask the engine, within the rate limit, retrying timeouts, 429 and 5xx with backoff."""
        retries, backoff = self.retries, self.backoff
        for attempt in range(retries + 1):
            if stop.is_set():
                raise Cancelled()
            self.limiter.wait()
            with self._count_lock:
                self.sent += 1
            try:
                return self.engine.translate(request.text, request.source, request.target)
            except NoTranslation:
                raise
            except RetryableError:
                if attempt < retries and not stop.wait(backoff_delay(attempt, backoff)):
                    continue
                stop.set()  # before this worker takes another request
                raise
            except EngineError:
                stop.set()
                raise
        raise AssertionError("unreachable")

    def run_remote(self, cache: AnswerCache) -> None:
        pending = [r for r in self.requests.values() if r.key not in self.answers]
        stop = threading.Event()
        failure: EngineError | None = None
        handled: set[Future[str | None]] = set()
        last_save = time.monotonic()

        def handle(future: Future[str | None], request: Request) -> EngineError | None:
            handled.add(future)
            try:
                answer = future.result()
            except Cancelled:
                return None
            except NoTranslation as exc:
                self.receive(request.key, exc)
                return None
            except EngineError as exc:
                return exc
            if answer:
                cache.put(request.key, answer)
            self.receive(request.key, answer)
            return None

        executor = ThreadPoolExecutor(max_workers=max(1, self.engine.limits.in_flight))
        futures = {executor.submit(self.fetch, request, stop): request for request in pending}
        try:
            for future in as_completed(futures):
                error = handle(future, futures[future])
                if error is not None and failure is None:
                    failure = error
                    stop.set()
                if time.monotonic() - last_save >= self.save_every:
                    self.save()
                    last_save = time.monotonic()
        except BaseException:
            # Stopped (Ctrl-C, a failed save): requests not sent are cancelled, and those in flight get a
            # moment to finish and be kept; the run does not wait for a slow server.
            stop.set()
            executor.shutdown(wait=False, cancel_futures=True)
            wait_futures(futures, timeout=STOP_GRACE)
            for future, request in futures.items():
                if future not in handled and future.done() and not future.cancelled():
                    handle(future, request)
            raise
        executor.shutdown(wait=True, cancel_futures=True)
        if failure is not None:
            raise failure

    def run_offline(self) -> None:
        for request in list(self.requests.values()):
            try:
                self.receive(request.key, self.engine.translate(request.text, request.source, request.target))
            except NoTranslation as exc:
                self.receive(request.key, exc)

    def run(self, dry_run: bool) -> PrefillResult:
        cache = AnswerCache(cache_path(self.config, self.engine.name)) if self.engine.remote else None
        result = PrefillResult(self.engine.name, list(self.reports.values()), dry_run, len(self.requests))
        if dry_run:
            self.plan_dry_run(cache)
            return result
        if self.progress:
            self.progress("prefill", 0, len(self.jobs))
        try:
            if cache is not None:
                for key in list(self.requests):
                    answer = cache.get(key)
                    if answer is not None:
                        result.cache_hits += 1
                        self.receive(key, answer)
                self.run_remote(cache)
            else:
                self.run_offline()
        except EngineError as exc:
            self.save()
            filled = sum(report.filled for report in self.reports.values())
            message = f"{exc.message} (stopped; {filled} entries filled before were kept)"
            raise type(exc)(message, exc.path, exc.line) from None
        finally:
            result.requests = self.sent
            if cache is not None:
                cache.close()
                if cache.warning:
                    result.warnings.append(cache.warning)
            self.save()
        return result


def prefill_catalogs(
    config: Config,
    engine: Engine,
    *,
    locales: Iterable[str] = (),
    directory: str | Path | None = None,
    domain: str = PROFILES_DOMAIN,
    glossary: str | Path | None = None,
    width: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    save_every: float = 2.0,
) -> PrefillResult:
    """Fill the empty entries of the domain's catalogues (or those of ``locales``) with ``engine``.

    Filled entries are flagged fuzzy with a comment naming the engine.
    Every language is checked before anything is sent.  An EngineError
    (key refused, server down after retries) stops the run, but what was
    finished is written first.  ``progress`` hears of step "prefill", in entries.
    """
    folder = Path(directory) if directory else config.locales_dir
    catalogs = select_catalogs(config, folder, domain, locales)
    glossary_path = glossary or config["glossary"]
    terms = read_glossary(config.root / glossary_path if glossary is None else glossary_path) if glossary_path else []
    run = Prefill(config, engine, catalogs, terms, config["width"] if width is None else width, progress, save_every)
    return run.run(dry_run)
