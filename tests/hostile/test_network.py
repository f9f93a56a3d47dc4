"""HOSTILE.md §2 rows N1-N7: bombs, endless and lying bodies, drips, redirects, path bodies."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from reader.core.fetch import FEED_MAX_BYTES, Fetcher, FetchLimits, make_client
from reader.core.parse import parse_feed
from reader.core.service import Session
from reader.core.store import Store
from reader.errors import FeedError, FetchError, FetchTimeout
from tests.conftest import LoopbackServer
from tests.hostile.conftest import Bombs, fetch, fetch_measured, write_feed_file

# A 10 MiB cap plus its copies; a decoded 1 GiB would be ~1,000,000 KiB.
GROWTH_MAX_KIB = 64 * 1024


def test_N1_gzip_bomb_refused_with_bounded_memory(hostile: dict[str, str], bombs: Bombs) -> None:
    assert len(bombs.gzip) < 1_100_000  # ~1 MB on the wire for 1 GiB of output
    out = fetch_measured(hostile["ok"], hostile["gzip"])
    assert out["error"] == "FetchError"
    assert "more than 10 MiB" in out["message"]
    assert out["growth_kib"] < GROWTH_MAX_KIB, out


def test_N1_deflate_bomb_refused_with_bounded_memory(hostile: dict[str, str]) -> None:
    out = fetch_measured(hostile["ok"], hostile["deflate"])
    assert out["error"] == "FetchError" and "more than 10 MiB" in out["message"]
    assert out["growth_kib"] < GROWTH_MAX_KIB, out


def test_N1_gzip_and_deflate_single_layer_still_work(server: LoopbackServer) -> None:
    import zlib

    from tests.hostile.conftest import GOOD_FEED

    gz = zlib.compressobj(6, zlib.DEFLATED, 31)
    server.add("/gz", gz.compress(GOOD_FEED) + gz.flush(), Content_Encoding="gzip")
    server.add("/zl", zlib.compress(GOOD_FEED), Content_Encoding="deflate")
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    server.add("/raw", raw.compress(GOOD_FEED) + raw.flush(), Content_Encoding="deflate")
    for path in ("/gz", "/zl", "/raw"):
        assert fetch(server.url(path)).body == GOOD_FEED, path


@pytest.mark.parametrize("case", ["gzip_gzip", "br", "zstd"])
def test_N2_stacked_br_zstd_refused_with_bounded_memory(
    hostile: dict[str, str], bombs: Bombs, case: str
) -> None:
    assert len(bombs.gzip_gzip) < 4096  # ~2 KB on the wire for 1 GiB
    out = fetch_measured(hostile["ok"], hostile[case])
    assert out["error"] == "FetchError"
    expected = (
        "stacked content encodings" if case == "gzip_gzip" else "unsupported content encoding"
    )
    assert expected in out["message"]
    assert out["growth_kib"] < GROWTH_MAX_KIB, out


def test_N2_accept_encoding_is_gzip_deflate_only(server: LoopbackServer) -> None:
    from tests.hostile.conftest import GOOD_FEED

    server.add("/feed", GOOD_FEED)
    fetch(server.url("/feed"))
    assert server.hits("/feed")[0].headers["accept-encoding"] == "gzip, deflate"


def test_N3_endless_body_aborted_at_cap(hostile: dict[str, str]) -> None:
    out = fetch_measured(hostile["ok"], hostile["endless"])
    assert out["error"] == "FetchError" and "more than 10 MiB" in out["message"]
    assert out["growth_kib"] < GROWTH_MAX_KIB, out


def test_N4_huge_content_length_refused_before_reading(hostile: dict[str, str]) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="more than 10 MiB"):
        fetch(hostile["huge_length"])
    assert time.monotonic() - started < 5  # did not read 64 MiB first


def test_N4_lying_content_length_counts_bytes(hostile: dict[str, str]) -> None:
    # Declares 100,000 bytes, sends 5 and closes: a clear error, not a hang or a crash.
    with pytest.raises(FetchError, match=r"broke the HTTP protocol|failed"):
        fetch(hostile["short_body"])
    # Declares a small body, then keeps sending: we read only what was declared.
    result = fetch(hostile["long_body"])
    assert len(result.body) <= FEED_MAX_BYTES


def test_N4_small_cap_counts_decoded_bytes(server: LoopbackServer) -> None:
    server.add("/big", b"<rss>" + b" " * (2 * 1024 * 1024) + b"</rss>")
    with pytest.raises(FetchError, match="more than 1 MiB"):
        fetch(server.url("/big"), max_bytes=1024 * 1024)


def test_N5_drip_cut_at_deadline(hostile: dict[str, str]) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="timed out after 2 s"):
        fetch(hostile["drip"], deadline=2.0)
    assert time.monotonic() - started < 2.0 + 3.0


def test_N5_drip_feed_recorded_as_error_in_refresh(hostile: dict[str, str], tmp_path: Path) -> None:
    store = Store(tmp_path / "news.db")
    feed_id = store.add_feed(hostile["drip"])
    good_id = store.add_feed(hostile["ok"])

    async def go() -> None:
        limits = FetchLimits(deadline=1.0)
        async with Session(store, client=make_client(limits)) as s:
            s.settings.limits = limits
            s._fetcher = Fetcher(s._client, limits)  # type: ignore[arg-type]
            summary = await s.refresh(full_text=False)
            assert summary.refreshed == 1 and len(summary.errors) == 1

    started = time.monotonic()
    asyncio.run(go())
    assert time.monotonic() - started < 1.0 + 5.0  # worker start-up + deadline
    feeds = {f.id: f for f in store.feeds()}
    assert "timed out" in (feeds[feed_id].last_error or "")
    assert feeds[good_id].articles == 1 and feeds[good_id].last_error is None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("loop", "redirects in a loop"),
        ("chain", "too many redirects"),
        ("to_file", "non-http(s) URL 'file:///etc/passwd'"),
        ("to_ftp", "non-http(s) URL"),
        ("to_js", "invalid URL"),
    ],
)
def test_N6_redirects_end_with_clear_error(
    hostile: dict[str, str], server: LoopbackServer, case: str, message: str
) -> None:
    with pytest.raises(FetchError) as info:
        fetch(hostile[case])
    assert message in str(info.value)
    assert len(server.requests) <= 10  # at most MAX_REDIRECTS + 1 hops


@pytest.mark.parametrize("scheme_url", ["file:///etc/passwd", "ftp://x/feed", "data:,<rss/>"])
def test_N6_non_http_feed_urls_never_fetched(scheme_url: str) -> None:
    with pytest.raises(FetchError, match=r"scheme|no http"):
        fetch(scheme_url)


def test_N7_body_that_is_a_path_is_not_opened(server: LoopbackServer, tmp_path: Path) -> None:
    secret = write_feed_file(tmp_path / "secret-feed.xml", "TOP SECRET LOCAL FILE")
    body = str(secret).encode()
    with pytest.raises(FeedError):
        parse_feed(body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/")
    url = server.add("/path-body", body, content_type="text/plain")
    store = Store(tmp_path / "news.db")

    async def go() -> None:
        async with Session(store) as s:
            with pytest.raises(FeedError):
                await s.add_feed(url)

    asyncio.run(go())
    assert store.counts()["articles"] == 0 and store.feeds() == []
    # file:// given as the body is data too
    with pytest.raises(FeedError):
        parse_feed(secret.as_uri().encode(), {}, "http://127.0.0.1/")
