"""Fetcher against httpx.MockTransport: caps, encodings, redirects, validators, retries."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import time
import zlib

import httpx
import pytest

from reader.core.fetch import USER_AGENT, Fetcher, FetchLimits, check_url, make_client
from reader.core.sanitize import canonical_url
from reader.errors import FetchError, FetchTimeout


def fetcher(handler, **limits) -> Fetcher:
    lim = FetchLimits(**limits)
    return Fetcher(make_client(lim, transport=httpx.MockTransport(handler)), lim)


def resp(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    """A response whose body is streamed, as a real server's is."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def run(coro):
    return asyncio.run(coro)


def test_sends_user_agent_accept_encoding_and_validators() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return resp(200, b"<rss/>")

    f = fetcher(handler)
    run(f.get("http://a.example/feed", etag='"e1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT"))
    req = seen[0]
    assert req.headers["user-agent"] == USER_AGENT and "newsreader" in USER_AGENT
    assert req.headers["accept-encoding"] == "gzip, deflate"
    assert req.headers["if-none-match"] == '"e1"'
    assert req.headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_304_is_not_modified() -> None:
    f = fetcher(lambda r: httpx.Response(304, headers={"ETag": '"e2"'}))
    result = run(f.get("http://a.example/feed", etag='"e1"'))
    assert result.not_modified and result.body == b"" and result.etag == '"e2"'


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_decodes_one_allowed_encoding(encoding: str) -> None:
    payload = b"<rss>" + b"x" * 5000 + b"</rss>"
    if encoding == "gzip":
        body = gzip.compress(payload)
    elif encoding == "deflate":
        body = zlib.compress(payload)
    else:
        c = zlib.compressobj(wbits=-15)
        body = c.compress(payload) + c.flush()
        encoding = "deflate"
    f = fetcher(lambda r: resp(200, body, {"Content-Encoding": encoding}))
    assert run(f.get("http://a.example/feed")).body == payload


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip", "compress"])
def test_refuses_other_and_stacked_encodings(encoding: str) -> None:
    f = fetcher(lambda r: resp(200, b"x", {"Content-Encoding": encoding}))
    with pytest.raises(FetchError, match="encoding"):
        run(f.get("http://a.example/feed"))


def test_caps_decoded_bytes_of_a_gzip_bomb() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    f = fetcher(
        lambda r: resp(200, bomb, {"Content-Encoding": "gzip"}),
        feed_max_bytes=1024 * 1024,
    )
    with pytest.raises(FetchError, match="too large"):
        run(f.get("http://a.example/feed"))


def test_caps_raw_bytes_and_trusts_no_content_length() -> None:
    f = fetcher(lambda r: resp(200, b"a" * 3000), feed_max_bytes=1000)
    with pytest.raises(FetchError, match="more than 1000 bytes"):
        run(f.get("http://a.example/feed"))
    f = fetcher(
        lambda r: resp(200, b"", {"Content-Length": str(10**12)}),
    )
    with pytest.raises(FetchError, match="too large"):
        run(f.get("http://a.example/feed"))


def test_permanent_and_temporary_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        if path == "/temp":
            return httpx.Response(302, headers={"Location": "/new"})
        if path == "/chain":
            return httpx.Response(308, headers={"Location": "/temp"})
        return resp(200, b"ok")

    f = fetcher(handler)
    moved = run(f.get("http://a.example/old"))
    assert moved.final_url == "http://a.example/new"
    assert moved.permanent_url == "http://a.example/new"
    temp = run(f.get("http://a.example/temp"))
    assert temp.final_url == "http://a.example/new" and temp.permanent_url is None
    assert run(f.get("http://a.example/chain")).permanent_url is None


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("/loop", "loop"),
        ("file:///etc/passwd", "non-http"),
        ("javascript:alert(1)", "non-http|invalid URL"),
    ],
)
def test_bad_redirects(location: str, message: str) -> None:
    f = fetcher(lambda r: httpx.Response(302, headers={"Location": location}))
    with pytest.raises(FetchError, match=message):
        run(f.get("http://a.example/loop"))


def test_too_many_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{n + 1}"})

    with pytest.raises(FetchError, match="too many redirects"):
        run(fetcher(handler).get("http://a.example/0"))


def test_retries_429_with_retry_after_then_gives_up() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(429, headers={"Retry-After": "0"})

    with pytest.raises(FetchError, match="429 Too Many Requests"):
        run(fetcher(handler, max_retries=2).get("http://a.example/feed"))
    assert len(calls) == 3


def test_total_deadline() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    with pytest.raises(FetchTimeout, match=r"timed out after 0\.3 s"):
        run(fetcher(handler).get("http://a.example/feed", deadline=0.3))


def test_per_host_and_global_limits() -> None:
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    total = {"now": 0, "peak": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        active[host] = active.get(host, 0) + 1
        total["now"] += 1
        peak[host] = max(peak.get(host, 0), active[host])
        total["peak"] = max(total["peak"], total["now"])
        await asyncio.sleep(0.02)
        active[host] -= 1
        total["now"] -= 1
        return resp(200, b"ok")

    async def go() -> None:
        f = fetcher(handler, max_in_flight=6, per_host=2)
        urls = [f"http://h{i % 5}.example/{i}" for i in range(40)]
        await asyncio.gather(*(f.get(u) for u in urls))

    run(go())
    assert max(peak.values()) == 2
    assert total["peak"] == 6


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "malformed"),
        ("example.com/feed", "no http"),
        ("ftp://example.com/feed", "unsupported URL scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("http://", "no valid host"),
        ("http://example.com:99999/", "bad port"),
        ("http://example.com/a b", "contains a space"),
        ("http://exa\tmple.com/feed", "contains a space"),
        ("http://example.com/\u202efeed", "invisible character"),
    ],
)
def test_check_url(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        check_url(url)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM/Feed.xml", "http://example.com/Feed.xml"),
        ("https://example.com:443/feed#top", "https://example.com/feed"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("http://user@[::1]:80/f?q=A", "http://user@[::1]/f?q=A"),
        ("https://example.com/f?x=1", "https://example.com/f?x=1"),
    ],
)
def test_canonical_url_gives_one_spelling(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


def test_http_error_message_names_host_and_status() -> None:
    f = fetcher(lambda r: httpx.Response(404))
    with pytest.raises(FetchError, match=r"^a\.example answered 404 Not Found$"):
        run(f.get("http://a.example/feed"))


def test_multi_member_gzip_is_decoded_whole() -> None:
    body = gzip.compress(b"<rss>first ") + gzip.compress(b"second</rss>")
    f = fetcher(lambda r: resp(200, body, {"Content-Encoding": "gzip"}))
    assert run(f.get("http://a.example/feed")).body == b"<rss>first second</rss>"


def test_queueing_for_a_busy_host_neither_eats_the_deadline_nor_blocks_others() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.2)
        return resp(200, b"ok")

    async def go() -> tuple[list[object], float]:
        f = fetcher(handler, max_in_flight=2, per_host=1)
        loop = asyncio.get_running_loop()
        start = loop.time()
        busy = [f.get(f"http://busy.example/{i}", deadline=0.5) for i in range(6)]
        other_done: list[float] = []

        async def other() -> None:
            await asyncio.sleep(0.01)
            await f.get("http://other.example/x", deadline=0.5)
            other_done.append(loop.time() - start)

        results = await asyncio.gather(*busy, other(), return_exceptions=True)
        return results, other_done[0]

    results, other_after = run(go())
    # Six requests of 0.2 s queue for one host for 1.2 s, yet none times out at 0.5 s.
    assert not [r for r in results if isinstance(r, Exception)]
    # The other host is served at once, not after the busy host's queue.
    assert other_after < 0.5


def test_origin_pools_reuse_connections_and_close_idle_origins() -> None:
    """One small pool per origin: connections are reused, and idle origins past the cap close."""
    from reader.core.fetch import _OriginPools
    from tests.conftest import LoopbackServer

    servers = [LoopbackServer() for _ in range(4)]
    try:
        urls = [s.add("/f", b"<rss/>") for s in servers]

        async def go() -> tuple[int, int, int, list[int]]:
            lim = FetchLimits(max_in_flight=2, per_host=2)
            transport = _OriginPools(per_host=2, max_idle=2)
            async with make_client(lim, transport=transport) as client:
                f = Fetcher(client, lim)
                for _ in range(3):  # same origin three times: one pool, one connection
                    assert (await f.get(urls[0])).body == b"<rss/>"
                first = len(transport._pools)
                (pool,) = transport._pools.values()
                connections = len(pool._pool.connections)  # keep-alive: one TCP connection
                for url in urls[1:]:
                    await f.get(url)
                await asyncio.sleep(0.05)  # let the idle pools close
                return first, connections, len(transport._pools), [len(s.requests) for s in servers]

        first, connections, after, hits = run(go())
        assert first == 1
        assert connections == 1
        assert after == 2  # four origins used, only the cap's worth kept
        assert hits == [3, 1, 1, 1]
    finally:
        for s in servers:
            s.close()


def test_origin_pools_close_origins_left_idle(monkeypatch) -> None:
    """An origin unused for longer than POOL_IDLE_EXPIRY is closed when another finishes."""
    import reader.core.fetch as fetch_mod
    from tests.conftest import LoopbackServer

    monkeypatch.setattr(fetch_mod, "POOL_IDLE_EXPIRY", 0.05)
    servers = [LoopbackServer() for _ in range(2)]
    try:
        urls = [s.add("/f", b"<rss/>") for s in servers]

        async def go() -> tuple[int, int]:
            transport = fetch_mod._OriginPools(per_host=2, max_idle=8)
            lim = FetchLimits()
            async with make_client(lim, transport=transport) as client:
                f = Fetcher(client, lim)
                await f.get(urls[0])
                await asyncio.sleep(0.1)  # the first origin is now stale
                await f.get(urls[1])
                await asyncio.sleep(0.01)
                left = len(transport._pools)
            return left, len(transport._pools)

        left, after_close = run(go())
        assert left == 1  # only the origin just used
        assert after_close == 0
    finally:
        for s in servers:
            s.close()


def test_cookies_are_never_kept_or_sent(server) -> None:
    """A cookie a site sets does not follow the reader to its next request."""
    url = server.add("/f", b"<rss/>", Set_Cookie="track=me; Path=/")

    async def go() -> None:
        lim = FetchLimits()
        async with make_client(lim) as client:
            f = Fetcher(client, lim)
            await f.get(url)
            await f.get(url)
            assert len(client.cookies) == 0

    run(go())
    assert [r.headers.get("cookie") for r in server.hits("/f")] == [None, None]


class _Chunks(httpx.AsyncByteStream):
    """A response body delivered in the given chunks, as a network read would split it."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self):
        for chunk in self._chunks:
            yield chunk


@pytest.mark.parametrize("split", [None, 0, 3], ids=["one_chunk", "padding_alone", "split_zeros"])
def test_gzip_followed_by_zero_padding_is_accepted(split: int | None) -> None:
    packed = gzip.compress(b"<rss>padded</rss>")
    padding = b"\0" * 8
    chunks = [packed + padding] if split is None else [packed + padding[:split], padding[split:]]
    f = fetcher(
        lambda r: httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=_Chunks(chunks))
    )
    assert run(f.get("http://a.example/feed")).body == b"<rss>padded</rss>"


@pytest.mark.parametrize(
    "body",
    [
        gzip.compress(b"<rss/>") + b"\0\0\0garbage",
        gzip.compress(b"<rss/>") + b"garbage",
        b"this is not gzip at all",
    ],
    ids=["garbage_after_padding", "garbage_after_member", "not_gzip"],
)
def test_invalid_gzip_is_refused_naming_the_host(body: bytes) -> None:
    f = fetcher(lambda r: resp(200, body, {"Content-Encoding": "gzip"}))
    message = r"^a\.example sent a response that is not valid gzip data$"
    with pytest.raises(FetchError, match=message):
        run(f.get("http://a.example/feed"))


def test_zero_padding_does_not_lift_the_decoded_cap() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024)) + b"\0" * 64
    f = fetcher(lambda r: resp(200, bomb, {"Content-Encoding": "gzip"}), feed_max_bytes=1024 * 1024)
    with pytest.raises(FetchError, match="too large"):
        run(f.get("http://a.example/feed"))


def test_304_to_a_request_without_validators_is_an_error() -> None:
    f = fetcher(lambda r: httpx.Response(304))
    message = r"^a\.example answered 304 Not Modified to a request without validators$"
    with pytest.raises(FetchError, match=message):
        run(f.get("http://a.example/feed"))


def _timed_retry_after(value: str, **limits) -> tuple[FetchError, int, float]:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, headers={"Retry-After": value})

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        run(fetcher(handler, **limits).get("http://a.example/feed"))
    return caught.value, len(calls), time.monotonic() - started


def test_retry_after_longer_than_the_cap_gives_up_at_once() -> None:
    error, calls, elapsed = _timed_retry_after("3600")
    assert calls == 1 and elapsed < 1.0
    assert str(error) == (
        "a.example answered 503 Service Unavailable and asked to retry after 3600 s"
    )
    assert error.transient


def test_retry_after_date_past_the_cap_gives_up_naming_the_date() -> None:
    when = email.utils.formatdate(time.time() + 3600, usegmt=True)
    error, calls, elapsed = _timed_retry_after(when)
    assert calls == 1 and elapsed < 1.0
    assert str(error).endswith(f"asked to retry after {when}")


def test_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    error, calls, elapsed = _timed_retry_after("5", deadline=2.0)
    assert calls == 1 and elapsed < 1.0
    assert "asked to retry after 5 s" in str(error)
