"""Turn feed bytes into sanitised entries with stable identity keys.

feedparser only ever sees ``BytesIO(body)`` (a ``bytes`` argument can make it open a local
file), with the response headers so that charsets and relative links resolve. Before that, an
entity-expansion estimate refuses the quadratic blow-up that feedparser's loose parser would
otherwise expand (HOSTILE.md §1), and an item cap cuts giant feeds to the newest entries.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import feedparser
import feedparser.datetimes

from reader.core import _feedparser
from reader.core.sanitize import (
    AUTHOR_MAX,
    BODY_MAX,
    HAS_SCHEME,
    MAX_ITEMS,
    TITLE_MAX,
    safe_url,
    sanitize,
    sanitize_line,
)
from reader.errors import FeedError
from reader.models import ParsedEntry, ParsedFeed

ENTITY_EXPANSION_MAX = 4 * 1024 * 1024
EARLIEST = calendar.timegm((1990, 1, 1, 0, 0, 0))
FUTURE_SLACK = 2 * 24 * 3600

_ROOT = re.compile(rb"<[A-Za-z_]")
# As permissive as feedparser's own entity pattern (\s+, any name length): anything it would
# expand must be counted here. The prolog it runs over is bounded by the first element.
_ENTITY = re.compile(rb"""<!ENTITY\s+([\w.:-]+)\s+(?:"([^"]*)"|'([^']*)')""")
_ENTITY_REF = re.compile(rb"&([\w.:-]{1,256});")
_ITEM_START = re.compile(rb"<(?:[\w-]{1,64}:)?(item|entry)[\s>/]")
_ROOT_TAG = re.compile(rb"<((?:[\w-]{1,64}:)?(rss|feed|RDF))[\s>]")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


_feedparser.install()


def entity_expansion_estimate(data: bytes) -> int:
    """Estimate the characters that internal entity references would expand to.

    Entities that reference other entities are expanded recursively (a one-line billion-laughs
    prolog reaches expat, which spends about a second and 70 MB before refusing it).
    """
    match = _ROOT.search(data)
    head = data[: match.start()] if match else data
    if b"<!ENTITY" not in head:
        return 0
    body = data[len(head) :]
    values: dict[bytes, bytes] = {}
    for name, dq, sq in _ENTITY.findall(head):
        values.setdefault(name, dq or sq)
    sizes: dict[bytes, int] = {}

    def size(name: bytes, depth: int) -> int:
        if name in sizes:
            return sizes[name]
        value = values[name]
        sizes[name] = total = max(len(value), 1)  # a self-reference counts once
        if depth < 32:
            for ref in _ENTITY_REF.findall(value):
                if ref in values:
                    total = min(total + size(ref, depth + 1), 1 << 40)
        sizes[name] = total
        return total

    total = 0
    for name in values:
        total += body.count(b"&" + name + b";") * size(name, 0)
    return total


def guard_entities(data: bytes) -> None:
    """Refuse a feed whose entities would expand past ``ENTITY_EXPANSION_MAX`` characters."""
    if entity_expansion_estimate(data) > ENTITY_EXPANSION_MAX:
        raise FeedError(
            "the feed declares XML entities that would expand to gigabytes "
            "(an entity expansion attack); refused"
        )


def truncate_items(data: bytes, max_items: int) -> tuple[bytes, int]:
    """Cut a feed after its first ``max_items`` items (feeds list newest first).

    Returns the bytes to parse and how many items were dropped.
    """
    starts = [m.start() for m in _ITEM_START.finditer(data)]
    if len(starts) <= max_items:
        return data, 0
    cut = starts[max_items]
    root = _ROOT_TAG.search(data)
    if root is None:
        closing = b""
    else:
        name, local = root.group(1), root.group(2)
        closing = b"</channel></" + name + b">" if local == b"rss" else b"</" + name + b">"
    return data[:cut] + closing, len(starts) - max_items


_FEED_ROOT = re.compile(rb"<(?:[\w-]{1,64}:)?(?:rss|feed|RDF)[\s>/]")
_HTML_ROOT = re.compile(rb"<html[\s>]", re.IGNORECASE)


def is_html_response(content_type: str | None, body: bytes) -> bool:
    """True when the response is a web page rather than a feed.

    The body decides before the Content-Type does: feeds are often served as text/html.
    """
    head = body[:4096]
    feed = _FEED_ROOT.search(head)
    html = _HTML_ROOT.search(head)
    if feed and (not html or feed.start() < html.start()):
        return False
    if body.lstrip()[:1] == b"{":
        return False
    if html:
        return True
    ctype = (content_type or "").split(";")[0].strip().lower()
    return ctype in _HTML_TYPES


def discover_feeds(body: bytes, base_url: str) -> list[str]:
    """Feed URLs a web page announces with ``<link rel="alternate">`` (autodiscovery)."""
    import lxml.etree  # only ``add`` needs an HTML parser here; a refresh never loads it
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(body[: 2 * 1024 * 1024])
    except (ValueError, lxml.etree.ParserError):
        return []
    types = {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/xml",
        "application/xml",
    }
    # Relative hrefs resolve against the first <base href>, when that is http(s) (HTML spec).
    resolve_against = base_url
    base = next((el.get("href") for el in doc.iter("base") if el.get("href") is not None), None)
    if base and base.strip():
        try:
            resolve_against = safe_url(urljoin(base_url, base.strip())) or base_url
        except ValueError:
            pass
    found: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or ctype not in types or not href:
            continue
        url = safe_url(urljoin(resolve_against, href))
        if url and url != base_url and url not in found:
            found.append(url)
    return found


def _fragment_text(html: str) -> str:
    """Plain text of an HTML fragment, paragraphs separated by blank lines."""
    if "<" not in html and "&" not in html:
        return html
    from reader.core.extract import html_fragment_to_text  # lazily: it loads readability

    return html_fragment_to_text(html)


def _text_of(detail: Mapping[str, Any] | None, fallback: str) -> str:
    """The text of a feedparser text construct, HTML turned into text."""
    if not detail:
        return fallback
    value = str(detail.get("value") or fallback or "")
    if str(detail.get("type") or "").lower() in ("text/html", "application/xhtml+xml"):
        return _fragment_text(value)
    return value


def _timestamp(entry: Mapping[str, Any], fetched_at: float) -> tuple[float, str | None]:
    """A clamped epoch time for an entry, and the raw date string it came from."""
    raw = None
    # dict.get, not entry.get: FeedParserDict maps missing keys with a DeprecationWarning.
    for key in ("published", "updated", "created"):
        if dict.get(entry, key):  # type: ignore[arg-type]
            raw = str(dict.get(entry, key))  # type: ignore[arg-type]
            break
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # type: ignore[arg-type]
        if not parsed:
            continue
        try:
            stamp = float(calendar.timegm(parsed))
        except (ValueError, TypeError, OverflowError):
            continue
        if EARLIEST <= stamp <= fetched_at + FUTURE_SLACK:
            return stamp, raw
        if stamp > fetched_at + FUTURE_SLACK:
            return fetched_at, raw
    return fetched_at, raw


def _identity(
    entry: Mapping[str, Any], link: str | None, title: str, raw_date: str | None
) -> tuple[str, str, str | None]:
    """(key, source, legacy key): the legacy key is the one earlier versions stored, when the
    key differs from it."""
    guid = sanitize_line(str(entry.get("id") or ""), 2048)
    raw = entry.get(_feedparser.RAW_ID)
    if guid and raw and not HAS_SCHEME.match(raw):
        # A relative guid: key on it as written, not as resolved against the feed's address,
        # so the key survives the feed moving; the resolved one, which earlier versions keyed
        # on, goes with it so the store still finds their rows.
        written = sanitize_line(raw, 2048)
        if written and written != guid:
            return written, "guid", guid
    if guid:
        return guid, "guid", None
    if link:
        return link, "link", None
    digest = hashlib.sha1(f"{title}\x00{raw_date or ''}".encode()).hexdigest()
    return f"hash:{digest}", "hash", None


_LOOKS_HTML = re.compile(r"<[A-Za-z/!]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _unique(
    identity: tuple[str, str, str | None], link: str | None, title: str, seen: set[str]
) -> tuple[str, str, str | None] | None:
    """The identity, or, for an id already used in this fetch, one from the item's content.

    None when even that was seen: the same item twice.
    """
    key = identity[0]
    if key in seen:
        digest = hashlib.sha1(f"{key}\x00{link}\x00{title}".encode()).hexdigest()
        key = f"hash:{digest}"
        if key in seen:
            return None
        identity = (key, "hash", None)
    seen.add(key)
    return identity


def _entry_content(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    best = ""
    raw_values = set()
    for content in contents:
        raw_values.add(str(content.get("value") or ""))
        text = _text_of(content, "")
        if len(text) > len(best):
            best = text
    raw_summary = str(entry.get("summary") or "")
    detail = entry.get("summary_detail")
    if detail:
        summary = _text_of(detail, raw_summary)
    elif raw_summary in raw_values:
        # feedparser copies the first content (Atom <content>, RSS <content:encoded>) into
        # "summary" without its type: that text is already counted above, as text.
        summary = ""
    else:
        summary = _fragment_text(raw_summary) if _LOOKS_HTML.search(raw_summary) else raw_summary
    return best if len(best) >= len(summary) else summary


def _clean_paragraphs(text: str) -> str:
    text = sanitize(text, BODY_MAX)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str = "",
    *,
    max_items: int = MAX_ITEMS,
    fetched_at: float | None = None,
) -> ParsedFeed:
    """Parse feed bytes into a ParsedFeed; raise FeedError when they are not a usable feed."""
    fetched_at = time.time() if fetched_at is None else fetched_at
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not body.strip():
        raise FeedError("the response is empty, not a feed")
    if _looks_json(body):
        return parse_json_feed(body, url, max_items=max_items, fetched_at=fetched_at)
    guard_entities(body)
    body, dropped = truncate_items(body, max_items)
    response_headers = {"content-location": url} if url else {}
    if headers.get("content-type"):
        response_headers["content-type"] = _trust_utf8(headers["content-type"], body)
    if headers.get("content-language"):
        response_headers["content-language"] = headers["content-language"]
    try:
        # We turn every HTML field into plain text ourselves and never render HTML, so
        # feedparser's HTML sanitising and URI rewriting inside content are wasted work
        # (about 15% of its time); entry links are still resolved (below, and by feedparser).
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser should not raise, but never let it crash a refresh
        raise FeedError(f"the feed could not be parsed: {sanitize_line(str(exc), 200)}") from None
    version = str(result.get("version") or "")
    entries_raw = result.get("entries") or []
    if not version and not entries_raw:
        if is_html_response(headers.get("content-type"), body):
            raise FeedError("this is a web page, not a feed, and it links to no feed")
        raise FeedError("the response is not an RSS, Atom, RDF or JSON feed")
    feed = result.get("feed") or {}
    title = sanitize_line(
        _text_of(feed.get("title_detail"), str(feed.get("title") or "")), TITLE_MAX
    )
    site = safe_url(str(feed.get("link") or "")) if feed.get("link") else None
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for raw in entries_raw[:max_items]:
        link_raw = str(raw.get("link") or "")
        if link_raw and not _feedparser.joins_to_itself(url, link_raw):
            link_raw = urljoin(url, link_raw)
        link = safe_url(link_raw) if link_raw else None
        entry_title = sanitize_line(
            _text_of(raw.get("title_detail"), str(raw.get("title") or "")), TITLE_MAX
        )
        published, raw_date = _timestamp(raw, fetched_at)
        identity = _unique(_identity(raw, link, entry_title, raw_date), link, entry_title, seen)
        if identity is None:
            continue
        key, source, legacy_key = identity
        author = sanitize_line(str(raw.get("author") or ""), AUTHOR_MAX) or None
        summary = _clean_paragraphs(_entry_content(raw))
        entries.append(
            ParsedEntry(
                key=key,
                key_source=source,
                title=entry_title or sanitize_line(summary[:80]) or "(untitled)",
                link=link,
                author=author,
                published=published,
                published_raw=sanitize_line(raw_date, 100) if raw_date else None,
                summary=summary,
                legacy_key=legacy_key,
            )
        )
    return ParsedFeed(
        title=title,
        link=site,
        entries=tuple(entries),
        version=version or "unknown",
        truncated=dropped + max(0, len(entries_raw) - max_items),
    )


_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})["']?""", re.I)


def _trust_utf8(content_type: str, body: bytes) -> str:
    """Override a declared legacy charset when the body is valid, non-ASCII UTF-8.

    A UTF-8 feed served as ``charset=windows-1251`` would otherwise become silent mojibake
    (HOSTILE.md §6, E1); real single-byte text with high bytes is almost never valid UTF-8.
    """
    match = _CHARSET_PARAM.search(content_type)
    if not match:
        return content_type
    label = match.group(1).lower().replace("_", "-")
    if label in ("utf-8", "utf8") or label.startswith(("utf-16", "utf-32", "ucs")):
        return content_type
    if body.isascii() or b"\x00" in body:
        return content_type
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return content_type
    return content_type[: match.start()] + "charset=utf-8" + content_type[match.end() :]


def _looks_json(body: bytes) -> bool:
    return body.lstrip()[:1] == b"{"


def _json_str(value: object) -> str:
    """A JSON Feed string field; anything else (a list, an object, a number) counts as absent."""
    return value if isinstance(value, str) else ""


def parse_json_feed(
    body: bytes, url: str = "", *, max_items: int = MAX_ITEMS, fetched_at: float | None = None
) -> ParsedFeed:
    """Parse a JSON Feed (1.0 or 1.1), which feedparser does not read."""
    fetched_at = time.time() if fetched_at is None else fetched_at
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise FeedError(f"the JSON feed is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not _json_str(doc.get("version")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedError("this JSON is not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("the JSON Feed has no list of items")
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for item in items[:max_items]:
        if not isinstance(item, dict):
            continue
        link_raw = _json_str(item.get("url")) or _json_str(item.get("external_url"))
        link = safe_url(urljoin(url, link_raw)) if link_raw else None
        title = sanitize_line(_json_str(item.get("title")), TITLE_MAX)
        if _json_str(item.get("content_html")):
            content = _fragment_text(item["content_html"])
        else:
            content = _json_str(item.get("content_text")) or _json_str(item.get("summary"))
        summary = _clean_paragraphs(content)
        raw_date = (
            sanitize_line(
                _json_str(item.get("date_published")) or _json_str(item.get("date_modified")),
                100,
            )
            or None
        )
        parsed = feedparser.datetimes._parse_date(raw_date) if raw_date else None
        fake = {"published": raw_date, "published_parsed": parsed}
        published, raw_date = _timestamp(fake, fetched_at)
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = None
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            author = sanitize_line(_json_str(authors[0].get("name")), AUTHOR_MAX) or None
        # The spec says a numeric id is to be read as a string.
        item_id = item.get("id")
        if isinstance(item_id, (int, float)) and not isinstance(item_id, bool):
            item_id = str(item_id)
        identity = _unique(
            _identity({"id": _json_str(item_id)}, link, title, raw_date), link, title, seen
        )
        if identity is None:
            continue
        key, source, _ = identity
        entries.append(
            ParsedEntry(
                key,
                source,
                title or sanitize_line(summary[:80]) or "(untitled)",
                link,
                author,
                published,
                raw_date,
                summary,
            )
        )
    home = _json_str(doc.get("home_page_url"))
    return ParsedFeed(
        title=sanitize_line(_json_str(doc.get("title")), TITLE_MAX),
        link=safe_url(str(home)) if home else None,
        entries=tuple(entries),
        version="json" + str(doc.get("version", "")).rsplit("/", 1)[-1],
        truncated=max(0, len(items) - max_items),
    )
