"""HOSTILE.md §3 rows E2 and H1-H3: article pages that break readability-lxml."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from reader.core.extract import MAX_HTML_CHARS, decode_html, extract_article
from reader.core.pipeline import PageResult, page_job
from reader.core.sanitize import sanitize
from reader.core.service import Session
from reader.core.store import Store
from reader.core.workers import JobTimeout
from reader.errors import ExtractError
from tests.conftest import LoopbackServer
from tests.feeds import LONG_PARAGRAPHS, article_page, rss
from tests.hostile.conftest import run_in_worker

BUDGET = 5.0  # the extraction timeout these tests give the worker
FEED_TEXT = "The feed's own summary of the story."


def _page_in_worker(
    body: bytes, content_type: str | None = "text/html", budget: float = BUDGET
) -> PageResult | None:
    """page_job in a real worker with a time budget; None when it was killed at the budget."""
    started = time.monotonic()
    try:
        result: PageResult = run_in_worker(
            page_job, body, content_type, "http://127.0.0.1/a", "T", None, FEED_TEXT, timeout=budget
        )
    except JobTimeout:
        result = None
    assert time.monotonic() - started < budget + 5  # worker start-up plus the budget
    return result


def _assert_clean(result: PageResult) -> None:
    assert result.text and sanitize(result.text) == result.text


def test_E2_bogus_charset_in_page_decodes_and_extracts() -> None:
    page = article_page("Bogus charset", LONG_PARAGRAPHS).replace(
        b'<meta charset="utf-8">', b'<meta charset="x-evil-9999">'
    )
    html = decode_html(page, "text/html; charset=x-evil-9999")
    extracted = extract_article(html, "http://127.0.0.1/a")
    assert "protected cycle lanes" in extracted.text
    result = page_job(page, "text/html; charset=x-evil-9999", "http://127.0.0.1/a", "T", None, "")
    assert result.source == "page" and "protected cycle lanes" in result.text


def test_H1_meta_sniff_redos_finishes_within_budget() -> None:
    body = b"<meta " * 200_000  # 1.2 MB, one line: quadratic in readability's byte sniff
    result = _page_in_worker(body)
    if result is not None:  # finished: falls back to the feed's text with a reason
        _assert_clean(result)
        assert result.source == "feed"


def test_H1_chardet_fallback_whitespace_page() -> None:
    body = b" " * 60_000 + b"<p>\xff\xfe text</p>"  # chardet fallback path in readability
    result = _page_in_worker(body, None)
    if result is not None:
        _assert_clean(result)


def test_H2_twenty_megabyte_page_refused_as_too_large(
    server: LoopbackServer, tmp_path: Path
) -> None:
    big = b"<html><body>" + b"<p>word word word word</p>" * (20 * 1024 * 1024 // 27) + b"</body>"
    assert len(big) > 20_000_000
    page_url = server.add("/big", big, content_type="text/html")
    feed_url = server.add(
        "/feed", rss([{"title": "Big", "link": page_url, "guid": "b", "description": FEED_TEXT}])
    )
    store = Store(tmp_path / "news.db")
    store.add_feed(feed_url)

    async def go() -> None:
        async with Session(store) as s:
            summary = await s.refresh()
            assert summary.pages == 1 and summary.page_errors == 1

    asyncio.run(go())
    (row,) = store.articles()
    detail = store.article(row.id)
    assert detail is not None
    assert detail.text_source == "feed" and detail.text == FEED_TEXT
    assert "more than 5 MiB" in (detail.extract_error or "")
    # And the extractor's own cap, for pages that come from elsewhere.
    with pytest.raises(ExtractError, match="too large"):
        extract_article("<p>x</p>" * (MAX_HTML_CHARS // 8 + 1))


@pytest.mark.parametrize(
    "body",
    [
        b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
        b"<html><body>" + b"<div><p>x</p></div>" * 200_000 + b"</body></html>",
    ],
    ids=["nesting_100k", "divs_200k"],
)
def test_H2_deep_or_wide_html_finishes_within_budget(body: bytes) -> None:
    result = _page_in_worker(body, budget=1.0)
    if result is not None:
        _assert_clean(result)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n\t  ",
        b"\x00\x01\x02\x1b[2J\x1b]0;PWNED\x07\xff\xfe\x00",
        bytes(range(256)) * 64,
        b"<html></html>",
        b"\x89PNG\r\n\x1a\n" + bytes(5000),
        b"<p>\x1b]52;c;SGVsbG8=\x07 text \xc2\x9b31m \x00 nul</p>" * 20,
    ],
    ids=["empty", "whitespace", "controls", "all_bytes", "empty_html", "png", "escapes_in_p"],
)
def test_H3_empty_or_binary_article_falls_back_clean(body: bytes) -> None:
    result = page_job(body, "text/html", "http://127.0.0.1/a", "T", None, FEED_TEXT)
    _assert_clean(result)
    assert "\x1b" not in result.text and "\x00" not in result.text and "\x9b" not in result.text
    if result.source == "feed":
        assert result.text == FEED_TEXT
