"""The CPU-bound steps of one refresh, as plain functions that run in worker processes.

``page_job`` turns an article page into clean text (or falls back to the feed's own content)
and analyses it; ``analyze_job`` does the same for ``newsreader analyze``. They take and
return plain data so they can cross a process boundary. Feeds are parsed by
``reader.core.parse.parse_feed`` directly, so a feeds-only refresh never loads the extractor.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.extract import decode_text, extract_page, refuse_binary
from reader.core.sanitize import BODY_MAX, sanitize, sanitize_line
from reader.errors import ReaderError
from reader.models import Analysis

ANALYSIS_MAX_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class PageResult:
    """What became of one article page."""

    text: str
    source: str  # "page" or "feed"
    error: str | None
    author: str | None
    analysis: Analysis


def choose_text(
    page_text: str | None, page_error: str | None, feed_text: str
) -> tuple[str, str, str | None]:
    """Pick the page's text, or the feed's own content when the page gave less.

    Returns (text, source, note) where note says why the feed's content was used.
    """
    if page_text and len(page_text) >= len(feed_text):
        return page_text, "page", None
    if page_text:
        return feed_text, "feed", "the page gave less text than the feed, so the feed's is shown"
    return feed_text, "feed", page_error or "the page gave no text"


def page_job(
    body: bytes,
    content_type: str | None,
    url: str,
    title: str | None,
    author: str | None,
    feed_text: str,
) -> PageResult:
    """Extract and analyse one article page (in a worker)."""
    page_text: str | None = None
    error: str | None = None
    meta_author = None
    try:
        extracted = extract_page(body, content_type, url, title=title, author=author)
        page_text = sanitize(extracted.text, BODY_MAX)
        meta_author = extracted.author
    except ReaderError as exc:
        error = sanitize_line(str(exc), 300)
    except Exception as exc:  # a library bug must not lose the article
        error = sanitize_line(f"extraction failed: {type(exc).__name__}: {exc}", 300)
    text, source, note = choose_text(page_text, error, feed_text)
    analysis = analyze_text(text, author=author or meta_author)
    return PageResult(
        text=text,
        source=source,
        error=note,
        author=sanitize_line(meta_author, 256) or None,
        analysis=analysis,
    )


def analyze_text(text: str, author: str | None = None) -> Analysis:
    """Quotes and people of a text, capped so a giant article cannot stall a worker."""
    if not text:
        return Analysis()
    from reader.core.analyze import analyze

    return analyze(text[:ANALYSIS_MAX_CHARS], author=author)


def analysis_record(
    source: str,
    *,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    text: str = "",
    error: str | None = None,
) -> dict[str, object]:
    """The JSON record ``newsreader analyze --json`` prints for one input."""
    analysis = analyze_text(text, author=author) if text and not error else Analysis()
    return {
        "source": source,
        "title": title,
        "author": author,
        "published": published,
        "text": text,
        "quotes": [q.to_json() for q in analysis.quotes],
        "people": [p.to_json() for p in analysis.people],
        "error": error,
    }


def analyze_job(
    source: str, body: bytes, content_type: str | None, url: str | None, as_text: bool
) -> dict[str, object]:
    """Extract (unless the input is plain text) and analyse one input (in a worker)."""
    what = "page" if url else "file"
    try:
        if as_text:
            text = decode_text(body)
            refuse_binary(text, what)
            return analysis_record(source, text=sanitize(text, BODY_MAX))
        got = extract_page(body, content_type, url, what=what)
    except ReaderError as exc:
        return analysis_record(source, error=sanitize_line(str(exc), 500))
    return analysis_record(
        source,
        title=sanitize_line(got.title) or None,
        author=sanitize_line(got.author, 256) or None,
        published=got.published,
        text=sanitize(got.text, BODY_MAX),
    )
