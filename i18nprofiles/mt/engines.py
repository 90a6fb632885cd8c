"""Machine translation engines behind one small interface.

Remote engines go through deep-translator.  deep-translator calls the
``requests`` module directly and sets no timeout, so each of its engine
modules gets a stand-in (``HttpShim``) that, inside ``http_settings``, sends
every call through a per-thread session with a timeout and remembers the
HTTP status, which lets failures be classified by status rather than by
deep-translator's messages (some of which carry the API key).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import polib
import requests
from babel.core import get_global

from i18nprofiles.config import Config, normalize_locale, parse_locale
from i18nprofiles.errors import ConfigError, EngineError, LocaleError
from i18nprofiles.gettext.pofile import read_catalog
from i18nprofiles.gettext.stats import is_translated
from i18nprofiles.gettext.matcher import FuzzyMatcher
from i18nprofiles.mt.protect import TOKEN_RE

ENGINE_NAMES = ("libre", "google", "deepl", "mymemory", "microsoft", "pseudo", "memory")
STOP_STATUSES = (401, 403, 456)


class RetryableError(EngineError):
    """A failure worth another try later: timeout, connection, HTTP 429 or 5xx."""


class EngineStopped(EngineError):
    """The engine refuses to work (key refused, quota spent): no further request makes sense."""


class NoTranslation(EngineError):
    """The engine answered, but with nothing usable for this text."""


@dataclass(frozen=True)
class Limits:
    """How an engine may be used: characters per request, requests per second, requests in flight."""

    max_chars: int | None = None
    rate: float = 0.0
    in_flight: int = 1


class Engine:
    """One machine translation engine; subclasses override ``translate``."""

    name = "engine"
    remote = False  # remote engines are cached, rate-limited and run in threads
    protects = True  # send texts with markup, URLs… replaced by tokens
    limits = Limits()
    secrets: tuple[str, ...] = ()

    def cache_settings(self) -> str:
        """Settings that change the engine's answers (a server URL…), part of the cache key."""
        return ""

    def language_code(self, locale: str) -> str:
        """The engine's code for a gettext locale; EngineError when unsupported."""
        return locale

    def translate(self, text: str, source: str, target: str) -> str | None:
        raise NotImplementedError

    def note(self, text: str, target: str) -> str:
        """Words added after the engine name in the comment of a filled entry."""
        return ""


# -- pseudo-localisation ---------------------------------------------------------

PSEUDO_LETTERS = str.maketrans(
    "AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpRrSsTtUuWwYyZz",
    "ÅåƁƀÇçÐđÉéƑƒĜĝĤĥÎîĴĵĶķĻļṀṁÑñÖöƤƥŔŕŠšŢţÛûŴŵÝýŽž",
)


def pseudo_localize(text: str) -> str:
    """Accented letters, about 30 % longer, in brackets; tokens and whitespace kept."""
    parts = TOKEN_RE.split(text)
    accented = "".join(part.translate(PSEUDO_LETTERS) if i % 2 == 0 else f"⟦{part}⟧"
                       for i, part in enumerate(parts))
    letters = sum(len(part) for part in parts[::2])
    padding = "·" * max(1, round(letters * 0.3))
    return f"[{accented} {padding}]"


class PseudoEngine(Engine):
    """Pseudo-localisation, offline, for testing layouts."""

    name = "pseudo"

    def translate(self, text: str, source: str, target: str) -> str | None:
        return pseudo_localize(text)


# -- translation memory ----------------------------------------------------------


class MemoryEngine(Engine):
    """Exact and near matches from reviewed translations in existing catalogues."""

    name = "memory"
    protects = False

    def __init__(self, catalogs: Sequence[tuple[str | None, polib.POFile]], cutoff: float = 0.8) -> None:
        self._cutoff = cutoff
        shared: dict[str, str] = {}
        by_locale: dict[str, dict[str, str]] = {}
        for locale, catalog in catalogs:
            pairs = shared if locale is None else by_locale.setdefault(locale, {})
            for entry in catalog:
                if entry.msgid and not entry.msgid_plural and not entry.fuzzy and is_translated(entry):
                    pairs.setdefault(entry.msgid, entry.msgstr)
        self._pairs = {locale: {**shared, **pairs} for locale, pairs in by_locale.items()}
        self._shared = shared
        self._matchers: dict[str, tuple[list[str], FuzzyMatcher]] = {}
        self._notes: dict[tuple[str, str], str] = {}

    def _lookup(self, target: str) -> dict[str, str]:
        return self._pairs.get(target, self._shared)

    def translate(self, text: str, source: str, target: str) -> str | None:
        pairs = self._lookup(target)
        if pairs.get(text):
            self._notes[(text, target)] = "exact match"
            return pairs[text]
        if target not in self._matchers:
            texts = sorted(pairs)
            self._matchers[target] = (texts, FuzzyMatcher(texts, cutoff=self._cutoff))
        texts, matcher = self._matchers[target]
        found = matcher.find(text) if texts else None
        if found is None:
            return None
        self._notes[(text, target)] = f"{found.score:.0%} similar"
        return pairs[texts[found.index]]

    def note(self, text: str, target: str) -> str:
        return self._notes.get((text, target), "")


def read_memory(config: Config, paths: Sequence[str | Path]) -> list[tuple[str | None, polib.POFile]]:
    """The catalogues of the project (every domain) and those given, each with its locale (None: any locale)."""
    files = sorted(config.locales_dir.glob("*/LC_MESSAGES/*.po"))
    for path in map(Path, paths):
        files += sorted(path.rglob("*.po")) if path.is_dir() else [path]
    found = []
    for file in files:
        catalog = read_catalog(file)
        language = catalog.metadata.get("Language", "").strip()
        if not language and file.parent.name == "LC_MESSAGES":
            language = file.parent.parent.name
        try:
            found.append((normalize_locale(language) if language else None, catalog))
        except LocaleError:
            found.append((None, catalog))
    return found


# -- remote engines through deep-translator --------------------------------------

_local = threading.local()


class HttpShim:
    """Stands in for ``requests`` inside deep-translator's engine modules.

    Outside ``http_settings`` it passes calls through unchanged.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url: str, **options: Any) -> requests.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> requests.Response:
        return self.request("POST", url, **options)

    def request(self, method: str, url: str, **options: Any) -> requests.Response:
        timeout = getattr(_local, "timeout", None)
        if timeout is None:
            return requests.request(method, url, **options)
        session = getattr(_local, "session", None)
        if session is None:
            session = _local.session = requests.Session()
        options["timeout"] = timeout
        try:
            response = session.request(method, url, **options)
        except requests.RequestException as exc:
            _local.error = exc  # some engines swallow it and fail later on a missing response
            raise
        _local.status = response.status_code
        return response


@contextmanager
def http_settings(timeout: float) -> Iterator[None]:
    """Within the block, deep-translator's requests in this thread time out after ``timeout`` seconds."""
    _local.timeout, _local.status, _local.error = timeout, None, None
    try:
        yield
    finally:
        _local.timeout = None


def install_shim() -> None:
    """Give deep-translator's engine modules the stand-in for ``requests`` (once)."""
    from deep_translator import deepl, google, libre, microsoft, mymemory

    for module in (deepl, google, libre, microsoft, mymemory):
        if not isinstance(module.requests, HttpShim):
            module.requests = HttpShim()  # type: ignore[assignment]


def scrub(message: str, secrets: Sequence[str]) -> str:
    """The message with every secret (raw or URL-encoded) replaced by ``***``."""
    for secret in secrets:
        if secret:
            for form in {secret, quote_plus(secret), quote(secret, safe="")}:
                message = message.replace(form, "***")
    return message


def candidate_codes(locale: str) -> list[str]:
    """Codes an engine may use for a locale, most specific first: pt-BR, pt-br, pt, pt-PT…"""
    parsed = parse_locale(locale)
    codes = []
    if parsed.script:
        codes.append(f"{parsed.language}-{parsed.script}")
    if parsed.territory:
        codes.append(f"{parsed.language}-{parsed.territory}")
    likely = get_global("likely_subtags").get(str(parsed) if parsed.territory else parsed.language, "")
    codes.append(parsed.language)
    likely_territory = likely.split("_")[-1] if likely.count("_") == 2 else ""
    if likely_territory and not parsed.territory:
        codes.append(f"{parsed.language}-{likely_territory}")
    return [form for code in codes for form in (code, code.lower())]


def find_code(locale: str, codes: Sequence[str], engine: str) -> str:
    """The first of a locale's candidate codes that the engine knows."""
    known = set(codes)
    for code in candidate_codes(locale):
        if code in known:
            return code
    raise EngineError(f"engine {engine!r} does not support language {locale!r}")


MICROSOFT_CODES = (
    "af ar bg bn bs ca cs cy da de el en es et fa fi fil fr ga gu he hi hr ht hu id is it ja kk kn ko lt lv "
    "mi ml mr ms mt nb nl pa pl ps pt pt-pt ro ru sk sl sm sq sr-cyrl sr-latn sv sw ta te th tr uk ur vi "
    "zh-hans zh-hant"
).split()


@dataclass(frozen=True)
class RemoteSpec:
    """What differs between deep-translator engines."""

    name: str
    client: str  # deep_translator class name
    codes: Callable[[], Sequence[str]]
    limits: Limits
    key_env: str | None = None
    key_required: bool = False


def _codes(table: str) -> Callable[[], Sequence[str]]:
    def read() -> Sequence[str]:
        from deep_translator import constants

        return list(getattr(constants, table).values())

    return read


REMOTE_SPECS = {
    "libre": RemoteSpec("libre", "LibreTranslator", _codes("LIBRE_LANGUAGES_TO_CODES"),
                        Limits(max_chars=2000, rate=150.0, in_flight=10), "I18NPROFILES_LIBRE_KEY"),
    "google": RemoteSpec("google", "GoogleTranslator", _codes("GOOGLE_LANGUAGES_TO_CODES"),
                         Limits(max_chars=4999, rate=5.0, in_flight=4)),
    "deepl": RemoteSpec("deepl", "DeeplTranslator", _codes("DEEPL_LANGUAGE_TO_CODE"),
                        Limits(max_chars=5000, rate=10.0, in_flight=4), "I18NPROFILES_DEEPL_KEY", True),
    "mymemory": RemoteSpec("mymemory", "MyMemoryTranslator", _codes("MY_MEMORY_LANGUAGES_TO_CODES"),
                           Limits(max_chars=499, rate=2.0, in_flight=2)),
    "microsoft": RemoteSpec("microsoft", "MicrosoftTranslator", lambda: MICROSOFT_CODES,
                            Limits(max_chars=5000, rate=10.0, in_flight=4), "I18NPROFILES_MICROSOFT_KEY", True),
}


class RemoteEngine(Engine):
    """An engine of deep-translator, called with a timeout and its failures classified."""

    remote = True

    def __init__(self, spec: RemoteSpec, *, key: str | None = None, url: str | None = None,
                 timeout: float = 30.0, limits: Limits | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.limits = limits or spec.limits
        self.timeout = timeout
        self.url = url
        self.secrets = (key,) if key else ()
        self._key = key
        self._clients = threading.local()
        install_shim()

    def cache_settings(self) -> str:
        return self.url or ""

    def language_code(self, locale: str) -> str:
        return find_code(locale, self.spec.codes(), self.name)

    def _client(self, source: str, target: str) -> Any:
        clients = self._clients.__dict__
        if (source, target) not in clients:
            clients[(source, target)] = self._make_client(source, target)
        return clients[(source, target)]

    def _make_client(self, source: str, target: str) -> Any:
        import deep_translator

        if self.name == "libre":
            client = deep_translator.LibreTranslator(source=source, target=target, api_key=self._key or "-",
                                                     custom_url=_with_slash(self.url) if self.url else None)
            client.api_key = self._key or ""  # no key: send none
            return client
        if self.name == "microsoft":
            return _microsoft_client(source, target, self._key or "")
        options: dict[str, Any] = {"api_key": self._key} if self.spec.key_env else {}
        if self.name == "deepl":
            options["use_free_api"] = bool(self._key and self._key.endswith(":fx"))
        return getattr(deep_translator, self.spec.client)(source=source, target=target, **options)

    def translate(self, text: str, source: str, target: str) -> str | None:
        with http_settings(self.timeout):
            try:
                result = self._client(source, target).translate(text)
            except Exception as exc:  # deep-translator raises many unrelated types
                raise self._classify(_local.error or exc, _local.status) from None
        return result if isinstance(result, str) else None

    def _classify(self, exc: Exception, status: int | None) -> EngineError:
        """Our error for a failure of deep-translator or requests; never their message, which may hold the key."""
        from deep_translator import exceptions as dt

        where = f"engine {self.name!r}"
        if isinstance(exc, requests.Timeout):
            return RetryableError(f"{where}: no answer within {self.timeout:g} s")
        if isinstance(exc, requests.ConnectionError):
            return RetryableError(f"{where}: cannot connect to {self._host()}")
        if status in STOP_STATUSES:
            return EngineStopped(f"{where}: HTTP {status}: the API key was refused or the quota is spent")
        if status == 429 or isinstance(exc, dt.TooManyRequests) or (status is not None and status >= 500):
            return RetryableError(f"{where}: HTTP {status or 429} from {self._host()}")
        if status is not None and status >= 400:
            return NoTranslation(f"{where}: HTTP {status}")
        if isinstance(exc, ValueError) and not isinstance(exc, dt.BaseError):
            return NoTranslation(f"{where}: the answer is not valid JSON")
        if isinstance(exc, (dt.TranslationNotFound, dt.ElementNotFoundInGetRequest, KeyError, TypeError,
                            IndexError, StopIteration, AttributeError)):
            return NoTranslation(f"{where}: no translation in the answer")
        if isinstance(exc, dt.BaseError):
            return NoTranslation(scrub(f"{where}: {exc.message}", self.secrets))
        return EngineError(scrub(f"{where}: {type(exc).__name__}: {exc}", self.secrets))

    def _host(self) -> str:
        if self.url:
            parts = urlsplit(self.url)
            return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return self.name


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _microsoft_client(source: str, target: str, key: str) -> Any:
    """deep-translator's Microsoft client without the language request its constructor sends."""
    from deep_translator import MicrosoftTranslator

    class Client(MicrosoftTranslator):  # type: ignore[misc]
        def _get_supported_languages(self) -> dict[str, str]:
            return {code: code for code in MICROSOFT_CODES}

    return Client(source=source, target=target, api_key=key)


def read_key(spec: RemoteSpec, environ: Mapping[str, str]) -> str | None:
    """The engine's API key from its environment variable."""
    return (environ.get(spec.key_env) or None) if spec.key_env else None


def build_engine(
    name: str,
    config: Config,
    *,
    url: str | None = None,
    memory: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
    require_key: bool = True,
) -> Engine:
    """The engine called ``name``, set up from the configuration and the environment.

    Without ``require_key`` (a dry run), an engine may lack the key it would need to send.
    """
    if name == "pseudo":
        return PseudoEngine()
    if name == "memory":
        return MemoryEngine(read_memory(config, memory))
    spec = REMOTE_SPECS.get(name)
    if spec is None:
        raise EngineError(f"unknown engine {name!r} (choose from {', '.join(ENGINE_NAMES)})")
    url = url or config["engine_url"]
    if url is not None and not (isinstance(url, str) and urlsplit(url).scheme in ("http", "https")):
        raise ConfigError(f"engine URL must be an http or https address, not {url!r}", config.source)
    if url and name != "libre":
        raise EngineError(f"--engine-url applies to the libre engine only, not {name!r}")
    limits = Limits(
        max_chars=int(read_number(config, "prefill_max_chars", spec.limits.max_chars)),
        rate=read_number(config, "prefill_rate", spec.limits.rate),
        in_flight=int(read_number(config, "prefill_in_flight", spec.limits.in_flight)),
    )
    key = read_key(spec, os.environ if environ is None else environ)
    if spec.key_required and not key and require_key:
        raise EngineError(f"engine {spec.name!r} needs an API key in the environment variable {spec.key_env}")
    timeout = read_number(config, "prefill_timeout", 30.0)
    return RemoteEngine(spec, key=key, url=url, timeout=timeout, limits=limits)


def read_number(config: Config, key: str, default: float | None) -> float:
    """A positive number setting (its default when unset); ConfigError otherwise."""
    value = config[key]
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"setting {key!r} must be a positive number", config.source)
    return float(value)
