"""Fetch feeds and pages over HTTP with hard limits.

One ``Fetcher`` wraps one shared ``httpx.AsyncClient`` (injected, so tests can pass a
``MockTransport``). Every request has a total deadline, byte caps on the raw and the decoded
body, an allow-list of content encodings decoded by our own bounded ``zlib`` loop, redirects
followed by hand (at most ``MAX_REDIRECTS``, http/https only, permanent ones reported), a global
and a per-host concurrency limit, conditional GET and a bounded retry on 429/503.
See HOSTILE.md §2 for why each of these exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ssl
import time
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.core.sanitize import is_web_url, sanitize_line, url_problem
from reader.errors import FetchError, FetchTimeout

# No URL: the PyPI name "newsreader" belongs to an unrelated project, and a link there would
# send a site owner who wants to reach us to the wrong place.
USER_AGENT = f"newsreader/{__version__} (terminal feed reader)"
FEED_MAX_BYTES = 10 * 1024 * 1024
PAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 8
POOL_IDLE_EXPIRY = 15.0  # seconds an origin's idle connections are kept for reuse
MAX_RETRIES = 2
RETRY_AFTER_MAX = 10.0
_CHUNK_OUT = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET produced. ``body`` is decoded (no Content-Encoding left)."""

    url: str  # the URL we were asked for
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes
    not_modified: bool = False
    permanent_url: str | None = None  # set when every redirect on the way was permanent
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchLimits:
    """Knobs of one fetcher; defaults are the documented ones."""

    max_in_flight: int = 32
    per_host: int = 4
    deadline: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    feed_max_bytes: int = FEED_MAX_BYTES
    page_max_bytes: int = PAGE_MAX_BYTES
    max_retries: int = MAX_RETRIES
    retry_after_max: float = RETRY_AFTER_MAX
    extra_headers: dict[str, str] = field(default_factory=dict)


# Plain-http pools never use TLS, but httpx builds a context for every transport; an empty
# one is cheap, where the verifying one loads the CA bundle (about 20 ms).
_PLAIN = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class _OriginPools(httpx.AsyncBaseTransport):
    """One small connection pool per origin, behind the one shared client.

    httpcore's pool walks all of its connections, quadratically, whenever a request is
    queued or finishes, polling each idle socket; with 32 connections spread over 25 hosts
    that walk was about a sixth of the client's CPU in a 200-feed refresh. Requests to one
    origin are capped at ``per_host`` by the fetcher anyway, so a pool per origin holds at
    most that many connections. Idle pools beyond ``max_idle`` are closed, least recently
    used first, so a refresh of thousands of hosts does not keep thousands of sockets open.
    """

    def __init__(self, per_host: int, max_idle: int) -> None:
        self._per_host = per_host
        self._max_idle = max_idle
        self._ssl: ssl.SSLContext | None = None  # one for all pools: loading CAs costs ~20 ms
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._active: defaultdict[tuple[bytes, bytes, int | None], int] = defaultdict(int)
        self._closing: set[asyncio.Task[None]] = set()
        self._idle_since: dict[tuple[bytes, bytes, int | None], float] = {}

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(trust_env=False)
        return self._ssl

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.pop(key, None)
        if pool is None:
            limits = httpx.Limits(
                max_connections=self._per_host, max_keepalive_connections=self._per_host
            )
            pool = httpx.AsyncHTTPTransport(
                verify=self._tls() if url.scheme == "https" else _PLAIN,
                trust_env=False,
                limits=limits,
            )
        self._pools[key] = pool  # most recently used last
        self._active[key] += 1
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            self._release(key)
            raise
        response.stream = _Released(response.stream, lambda: self._release(key))  # type: ignore[arg-type]
        return response

    def _release(self, key: tuple[bytes, bytes, int | None]) -> None:
        self._active[key] -= 1
        if self._active[key] > 0:
            return
        del self._active[key]
        now = time.monotonic()
        self._idle_since[key] = now
        idle = [k for k in self._pools if k not in self._active]  # least recently used first
        excess = max(0, len(self._pools) - self._max_idle)
        # Past the cap, or unused for longer than a server keeps a connection alive: closed
        # (httpcore only expires a pool's connections when that pool is used again).
        doomed_keys = idle[:excess] + [
            k for k in idle[excess:] if now - self._idle_since.get(k, now) > POOL_IDLE_EXPIRY
        ]
        doomed = [self._pools.pop(k) for k in doomed_keys]
        for k in doomed_keys:
            self._idle_since.pop(k, None)
        if doomed:
            task = asyncio.get_running_loop().create_task(self._close(doomed))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close(pools: list[httpx.AsyncHTTPTransport]) -> None:
        for pool in pools:
            with contextlib.suppress(Exception):
                await pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        await self._close(pools)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


class _Released(httpx.AsyncByteStream):
    """A response stream that tells its pool when the response is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._on_close is not None:
                on_close, self._on_close = self._on_close, None
                on_close()


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing it is sent."""

    def extract_cookies(self, response: httpx.Response) -> None:
        pass


class _CookielessClient(httpx.AsyncClient):
    """The shared client, keeping no cookies.

    Feeds and article pages need none, and a kept cookie would ride along on every later
    request to that site, tracking the reader (newsboat keeps none unless told to). It also
    spares httpx's cookie handling, which wraps every response for ``http.cookiejar``.
    """

    _no_cookies = _NoCookies()

    @property  # type: ignore[override]
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        pass


def make_client(limits: FetchLimits | None = None, **kwargs: object) -> httpx.AsyncClient:
    """The one shared client: our timeouts, pool size and headers; redirects are ours to follow.

    Unless a transport is given (tests pass a ``MockTransport``), connections are pooled per
    origin (``_OriginPools``); the fetcher's semaphores bound the requests in flight.
    """
    limits = limits or FetchLimits()
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    if "transport" not in kwargs:
        kwargs["transport"] = _OriginPools(limits.per_host, max(limits.max_in_flight, 8))
    return _CookielessClient(
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        **kwargs,  # type: ignore[arg-type]
    )


def host_of(url: str) -> str:
    """The host name of a URL, for messages and per-host limits."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def check_url(url: str) -> str:
    """Return the URL stripped, or raise FetchError naming what is wrong with it."""
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise FetchError(problem)
    return url


class _Decoder:
    """Bounded decoder for one Content-Encoding layer (identity, gzip or deflate).

    Output is produced at most ``_CHUNK_OUT`` bytes at a time and checked against the room
    left, so a bomb is refused after a few MiB whatever it expands to. A gzip body of several
    members (concatenated files) is decoded member after member, and zero bytes after the last
    member (padding, which ``gzip -t`` and curl accept) are ignored; anything else after the
    padding is refused.
    """

    def __init__(self, encoding: str, host: str) -> None:
        self._encoding = encoding
        self._host = host
        self._padding = False  # zero bytes were seen after the last gzip member
        self._zlib: zlib._Decompress | None
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(
                f"{host} sent an unsupported content encoding {sanitize_line(encoding, 40)!r}"
            )
        self._started = False

    def _invalid(self) -> FetchError:
        name = "deflate" if "deflate" in self._encoding else "gzip"
        return FetchError(f"{self._host} sent a response that is not valid {name} data")

    def feed(self, data: bytes, room: int) -> tuple[bytes, bool]:
        """Decode ``data``; return (output, over) where over means more than ``room`` bytes."""
        if self._zlib is None:
            return data, len(data) > room
        if self._padding:
            if data.strip(b"\0"):
                raise self._invalid()
            return b"", False
        out = bytearray()
        buf = data
        while buf:
            if self._zlib.eof:
                if self._encoding == "deflate":
                    break  # trailing bytes after a deflate stream are ignored
                if buf[0] == 0:  # padding after the last member: zeros only, to the end
                    if buf.strip(b"\0"):
                        raise self._invalid()
                    self._padding = True
                    break
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
            try:
                chunk = self._zlib.decompress(buf, _CHUNK_OUT)
            except zlib.error:
                if self._encoding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib header.
                    self._encoding = "raw-deflate"
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise self._invalid() from None
            self._started = True
            out += chunk
            if len(out) > room:
                return bytes(out), True
            buf = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
            if not chunk and not buf:
                break
        return bytes(out), False

    def flush(self, room: int) -> tuple[bytes, bool]:
        if self._zlib is None:
            return b"", False
        out = self._zlib.flush(_CHUNK_OUT)
        return out, len(out) > room


def _retry_after(value: str | None) -> tuple[float, str]:
    """Seconds a Retry-After header (seconds or HTTP date) asks us to wait, uncapped, and
    the request as the server put it ('' when there was no usable header)."""
    if not value:
        return 1.0, ""
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value), f"{sanitize_line(value, 20)} s"
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return 1.0, ""
    return max(0.0, when - time.time()), sanitize_line(value, 40)


def _connect_message(exc: Exception, url: str) -> str:
    host = host_of(url)
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(f"{c} {getattr(c, 'errno', '')}" for c in chain).lower()
    if any(getattr(c, "errno", None) in (111, 61) for c in chain):
        return f"{host} refused the connection"
    if any(
        s in text
        for s in (
            "name or service",
            "nodename nor servname",
            "getaddrinfo",
            "name resolution",
            "no address",
            "errno -2",
            "errno -3",
            "errno -5",
            "errno 8",
        )
    ):
        return f"could not resolve host {host}"
    if "refused" in text or "errno 111" in text or "errno 61" in text:
        return f"{host} refused the connection"
    if "ssl" in text or "certificate" in text:
        return f"TLS error talking to {host}: {sanitize_line(str(exc), 200)}"
    return f"could not connect to {host}: {sanitize_line(str(exc), 200) or type(exc).__name__}"


class Fetcher:
    """Capped, deadline-bound GETs through one shared client."""

    def __init__(self, client: httpx.AsyncClient, limits: FetchLimits | None = None) -> None:
        self.client = client
        self.limits = limits or FetchLimits()
        self._global = asyncio.Semaphore(self.limits.max_in_flight)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.limits.per_host)
        )

    async def get(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = _ACCEPT_FEED,
        deadline: float | None = None,
    ) -> FetchResult:
        """GET ``url`` with the limits; raise FetchError (or FetchTimeout) with a user message."""
        url = check_url(url)
        max_bytes = max_bytes or self.limits.feed_max_bytes
        clock = _Deadline(deadline or self.limits.deadline)
        try:
            return await self._get_following(url, max_bytes, etag, last_modified, accept, clock)
        except TimeoutError:
            raise FetchTimeout(f"{host_of(url)} timed out after {clock.seconds:g} s") from None

    async def _get_following(
        self,
        url: str,
        max_bytes: int,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        clock: _Deadline,
    ) -> FetchResult:
        current = url
        permanent = True
        seen: set[str] = {url}
        for _hop in range(MAX_REDIRECTS + 1):
            headers = {"Accept": accept, **self.limits.extra_headers}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            status, resp_headers, body, location = await self._get_retrying(
                current, headers, max_bytes, clock
            )
            if status in _REDIRECTS and location is not None:
                target = urljoin(current, location)
                if not is_web_url(target):
                    raise FetchError(
                        f"{host_of(current)} redirected to a non-http(s) URL "
                        f"{sanitize_line(target, 200)!r}"
                    )
                if target in seen:
                    raise FetchError(f"{host_of(current)} redirects in a loop")
                seen.add(target)
                permanent = permanent and status in _PERMANENT
                current = target
                continue
            if status == 304:
                if not etag and not last_modified:
                    raise FetchError(
                        f"{host_of(current)} answered 304 Not Modified "
                        "to a request without validators"
                    )
                return FetchResult(
                    url,
                    current,
                    status,
                    resp_headers,
                    b"",
                    not_modified=True,
                    permanent_url=current if permanent and current != url else None,
                    etag=resp_headers.get("etag") or etag,
                    last_modified=resp_headers.get("last-modified") or last_modified,
                )
            if status >= 400 or status < 200:
                phrase = _reason(status)
                raise FetchError(
                    f"{host_of(current)} answered {status} {phrase}".rstrip(),
                    transient=status >= 500 or status == 429,
                )
            if status in _REDIRECTS:
                raise FetchError(f"{host_of(current)} answered {status} without a Location")
            return FetchResult(
                url,
                current,
                status,
                resp_headers,
                body,
                permanent_url=current if permanent and current != url else None,
                etag=resp_headers.get("etag"),
                last_modified=resp_headers.get("last-modified"),
            )
        raise FetchError(f"{host_of(url)}: too many redirects (more than {MAX_REDIRECTS})")

    async def _get_retrying(
        self, url: str, headers: dict[str, str], max_bytes: int, clock: _Deadline
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        attempt = 0
        while True:
            status, resp_headers, body, location = await self._get_once(
                url, headers, max_bytes, clock
            )
            if status in (429, 503) and attempt < self.limits.max_retries:
                attempt += 1
                wait, asked = _retry_after(resp_headers.get("retry-after"))
                if asked and (wait > self.limits.retry_after_max or wait >= clock.remaining()):
                    # Retrying sooner than asked only adds load the server told us to spare.
                    raise FetchError(
                        f"{host_of(url)} answered {status} {_reason(status)} "
                        f"and asked to retry after {asked}",
                        transient=True,
                        retry_at=time.time() + wait,
                    )
                if wait >= clock.remaining():
                    return status, resp_headers, body, location
                await asyncio.sleep(wait)
                continue
            return status, resp_headers, body, location

    async def _get_once(
        self, url: str, headers: dict[str, str], max_bytes: int, clock: _Deadline
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        host = host_of(url)
        # The host's permit first, so requests queued for one busy host do not hold global
        # permits that another host's requests could use; the deadline runs from the moment
        # both permits are held, so waiting in the queue never counts against it.
        async with self._hosts[host], self._global:
            clock.start()
            try:
                async with (
                    asyncio.timeout_at(clock.end),
                    self.client.stream("GET", url, headers=headers) as response,
                ):
                    resp_headers = {k.lower(): v for k, v in response.headers.items()}
                    status = response.status_code
                    location = resp_headers.get("location")
                    if status in _REDIRECTS or status == 304 or status >= 400:
                        await _drain(response)
                        return status, resp_headers, b"", location
                    body = await _read_capped(response, resp_headers, max_bytes, host)
                    return status, resp_headers, body, location
            except (FetchError, TimeoutError):  # TimeoutError: the deadline, handled in get()
                raise
            except httpx.ConnectTimeout:
                raise FetchTimeout(f"{host} did not accept a connection in time") from None
            except httpx.TimeoutException:
                raise FetchTimeout(f"{host} stopped sending data (read timeout)") from None
            except httpx.ConnectError as exc:
                raise FetchError(_connect_message(exc, url), transient=True) from None
            except httpx.InvalidURL as exc:
                # httpx builds the next request for any redirect, even one we will not follow,
                # and raises this (not an HTTPError) on a Location like "javascript:alert(1)".
                raise FetchError(
                    f"{host} sent an invalid URL: {sanitize_line(str(exc), 200)}"
                ) from None
            except httpx.RemoteProtocolError as exc:
                raise FetchError(
                    f"{host} broke the HTTP protocol: {sanitize_line(str(exc), 200)}",
                    transient=True,
                ) from None
            except httpx.HTTPError as exc:
                detail = sanitize_line(str(exc), 200) or type(exc).__name__
                raise FetchError(f"request to {host} failed: {detail}", transient=True) from None
            except OSError as exc:
                raise FetchError(_connect_message(exc, url), transient=True) from None


async def _drain(response: httpx.Response, limit: int = 64 * 1024) -> None:
    """Read a small unwanted body (a redirect's, a 304's, an error page) so the connection
    can be reused; a larger one is left unread and the connection closed."""
    if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
        return
    length = response.headers.get("content-length", "").strip()
    if not length.isdigit() or int(length) > limit:
        return
    async for _chunk in response.aiter_raw():
        pass


async def _read_capped(
    response: httpx.Response, headers: Mapping[str, str], max_bytes: int, host: str
) -> bytes:
    """Read the raw body, decoding one allowed Content-Encoding layer, within ``max_bytes``."""
    too_large = FetchError(f"{host} sent more than {_size(max_bytes)} (response too large)")
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    encodings = [e.strip().lower() for e in headers.get("content-encoding", "").split(",")]
    encodings = [e for e in encodings if e and e != "identity"]
    if len(encodings) > 1:
        raise FetchError(
            f"{host} sent stacked content encodings ({', '.join(encodings)}), which we refuse"
        )
    decoder = _Decoder(encodings[0] if encodings else "", host)
    out = bytearray()
    raw_total = 0
    async for chunk in response.aiter_raw():
        raw_total += len(chunk)
        if raw_total > max_bytes:
            raise too_large
        data, over = decoder.feed(chunk, max_bytes - len(out))
        out += data
        if over:
            raise too_large
    data, over = decoder.flush(max_bytes - len(out))
    out += data
    if over:
        raise too_large
    return bytes(out)


class _Deadline:
    """A total deadline for one request, started when it first holds its permits."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end: float | None = None

    def start(self) -> None:
        if self.end is None:
            self.end = asyncio.get_running_loop().time() + self.seconds

    def remaining(self) -> float:
        if self.end is None:
            return self.seconds
        return self.end - asyncio.get_running_loop().time()


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    return f"{n} bytes"


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""
