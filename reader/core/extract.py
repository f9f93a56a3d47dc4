"""Turn an article page into clean plain text: readability-lxml, then our own cleaning.

The pipeline is ``decode_html`` (bytes to ``str`` without readability's slow, crashing
charset sniffing) → ``extract_article`` (readability picks the article element; we convert it
to paragraphs separated by one blank line and drop captions, repeated headlines and bylines,
related-story links, share/comment/newsletter prompts and trailing copyright and tag lines).
``html_fragment_to_text`` gives a feed's HTML summary the same paragraph format. Every failure
is an ``ExtractError`` with a message for the user. See HOSTILE.md §3.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from readability import Document

from reader.core.sanitize import AUTHOR_MAX, TITLE_MAX, sanitize, sanitize_line
from reader.errors import ExtractError
from reader.models import Extracted

__all__ = [
    "article_text",
    "decode_html",
    "decode_text",
    "extract_article",
    "extract_page",
    "html_fragment_to_text",
    "plain_text",
    "refuse_binary",
]

# readability logs a full traceback at ERROR before raising Unparseable; we report it ourselves.
logging.getLogger("readability").setLevel(logging.CRITICAL)

MAX_HTML_CHARS = 5 * 1024 * 1024
SNIFF_BYTES = 4096

# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})""", re.I)
# Bounded and anchored on the tag: no backtracking over long runs of "<meta ".
_META_CHARSET = re.compile(
    rb"""<meta\s[^<>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})""", re.I
)
# Labels that name a charset no page should get: decoding them as UTF-8 is the safe choice.
_UNSAFE_CODECS = frozenset({"utf-7", "utf_7", "rot13", "rot_13"})


def _codec_name(label: str | bytes | None) -> str | None:
    """The Python codec for a charset label, or None when it is unknown or not a text codec."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    try:
        info = codecs.lookup(label.strip().strip("\"'").lower())
    except (LookupError, ValueError):
        return None
    if info.name in _UNSAFE_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    # Browsers decode a page labelled ISO-8859-1/ASCII as windows-1252 (WHATWG Encoding).
    if info.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if info.name.startswith("utf-16") or info.name.startswith("utf-32"):
        return None  # a label without a BOM is not trustworthy for these
    return info.name


def _decode_bom(body: bytes) -> str | None:
    """The text of a body that starts with a Unicode byte order mark, else None.

    A UTF-16/32 BOM counts only when the rest decodes cleanly: 'ÿþ' followed by Latin-1 text
    (an odd number of bytes) is not UTF-16.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            errors = "replace" if name == "utf-8" else "strict"
            try:
                return body[len(bom) :].decode(name, errors=errors)
            except UnicodeDecodeError:
                return None
    return None


def _decode_declared(body: bytes, labels: Iterable[str | bytes | None]) -> str | None:
    """The body decoded with the first usable declared charset, else None."""
    for label in labels:
        name = _codec_name(label)
        if name is None:
            continue
        try:
            return body.decode(name, errors="replace")
        except (LookupError, ValueError, TypeError):
            continue
    return None


def _decode_unlabelled(body: bytes) -> str:
    """Bytes nothing labelled: UTF-16 by its zeros, UTF-8 when they are UTF-8, else windows-1252.

    windows-1252 is the WHATWG default for unlabelled legacy pages, and it keeps a Latin-1 or
    cp1252 text's accents and curly quotes where UTF-8 would turn them into U+FFFD. Bytes that
    are mostly valid UTF-8 with a few stray bytes (or a character cut off at the end by the
    size cap) stay UTF-8.
    """
    utf16 = _utf16_without_bom(body)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 with NULs
    if utf16:
        return body.decode(utf16, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # only the last character was cut off
            return body.decode("utf-8", errors="replace")
    text = body.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    # cp1252 text almost never holds a valid UTF-8 sequence; a UTF-8 page with a stray byte
    # holds at least as many valid ones as bad bytes.
    if non_ascii - replaced >= replaced:
        return text
    return body.decode("cp1252", errors="replace")


def _utf16_without_bom(body: bytes) -> str | None:
    """'utf-16-le' or '-be' for mostly-ASCII UTF-16 text without a BOM (every other byte zero).

    Such a page used to be read through its NULs; the binary check must not refuse it.
    """
    head = body[:2048]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_zero, odd_zero = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd_zero >= pairs * 0.6 and even_zero == 0:
        return "utf-16-le"
    if even_zero >= pairs * 0.6 and odd_zero == 0:
        return "utf-16-be"
    return None


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode page bytes ourselves: BOM, HTTP charset, meta in 4 KB, else UTF-8 or cp1252.

    Never raises.
    """
    if not body:
        return ""
    text = _decode_bom(body)
    if text is not None:
        return text
    labels: list[str | bytes | None] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            labels.append(match.group(1))
    match = _META_CHARSET.search(body[:SNIFF_BYTES])
    if match:
        labels.append(match.group(1))
    text = _decode_declared(body, labels)
    return text if text is not None else _decode_unlabelled(body)


def decode_text(body: bytes, content_type: str | None = None) -> str:
    """Decode plain-text bytes (a .txt file, a text/plain page): BOM, HTTP charset, else
    UTF-8 or cp1252, as ``decode_html`` does without the meta sniff. Never raises."""
    if not body:
        return ""
    text = _decode_bom(body)
    if text is not None:
        return text
    match = _HEADER_CHARSET.search(content_type) if content_type else None
    text = _decode_declared(body, [match.group(1)] if match else [])
    return text if text is not None else _decode_unlabelled(body)


# ---------------------------------------------------------------------------
# What the page is: HTML, plain text, or something we refuse (PDF, image, binary)
# ---------------------------------------------------------------------------

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_XML_TYPES = frozenset({"text/xml", "application/xml"})  # XHTML is sometimes served so
_SNIFFED_TYPES = frozenset({"", "unknown/unknown", "application/unknown", "*/*"})
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "an executable"),
)
_NOT_TEXT = ("image/", "audio/", "video/", "font/", "model/")
_NOT_TEXT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/msword",
        "application/epub+zip",
        "application/x-executable",
        "application/wasm",
    }
)
_HTML_SNIFF_BYTES = 64 * 1024  # XHTML served as XML may open with a long comment
_LOOKS_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|p|div|article|main)[\s>/]", re.I
)
# C0 controls other than tab, newline, form feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_SAMPLE = 64 * 1024  # characters looked at
_BINARY_MIN = 8  # a few stray control characters do not make a page binary


def _page_kind(body: bytes, content_type: str | None, what: str) -> str:
    """'html' or 'text'; ExtractError naming what the page is when it is neither.

    Only what is known not to be text is refused by its type (PDF, images, sound, video,
    fonts, archives) or its first bytes; any other type, an unknown or malformed one
    included (``application/octet-stream`` from a bucket, ``text/x-html``), is judged by
    whether the bytes look like HTML, as browsers do.
    """
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime.startswith(_NOT_TEXT) or mime in _NOT_TEXT_TYPES:
        raise ExtractError(f"the {what} is {sanitize_line(mime, 60)}, not HTML")
    for magic, name in _MAGIC:  # a PDF or an image, whatever its Content-Type says
        if body.startswith(magic):
            raise ExtractError(f"the {what} is {name}, not HTML")
    if mime in _HTML_TYPES or mime in _SNIFFED_TYPES:
        return "html"
    if _LOOKS_HTML.search(body[:_HTML_SNIFF_BYTES]):
        return "html"
    if mime.startswith("text/") and mime not in _XML_TYPES:
        return "text"
    raise ExtractError(f"the {what} is {sanitize_line(mime, 60) or 'not text'}, not HTML")


def refuse_binary(text: str, what: str) -> None:
    """ExtractError when decoded text is binary data: control characters, or mostly U+FFFD."""
    sample = text.rstrip("\x00")[:_BINARY_SAMPLE]  # some servers pad a page with NULs
    controls = len(_CONTROL.findall(sample))
    if controls >= _BINARY_MIN and controls > len(sample) * 0.01:
        raise ExtractError(f"the {what} holds binary data, not text")
    replaced = sample.count("\ufffd")
    if replaced >= _BINARY_MIN and replaced > len(sample) * 0.1:
        raise ExtractError(f"the {what} is not valid text in its declared encoding")


def plain_text(text: str) -> str:
    """Plain text in our paragraph format: blank lines separate paragraphs."""
    return _join(re.split(r"\n\s*\n", text))


def extract_page(
    body: bytes,
    content_type: str | None,
    url: str | None = None,
    *,
    title: str | None = None,
    author: str | None = None,
    what: str = "page",
) -> Extracted:
    """Decode and extract a fetched page (or a local .html file, ``what='file'``).

    Refuses, with an ExtractError saying why, what is not HTML or text: a Content-Type such as
    application/pdf, a PDF or image whatever its Content-Type, bytes that decode to binary
    noise. A text/plain page is taken as text, paragraphs separated by blank lines.
    """
    kind = _page_kind(body, content_type, what)
    if kind == "text":
        text = decode_text(body, content_type)
        refuse_binary(text, what)
        paragraphs = plain_text(text)
        if not paragraphs:
            raise ExtractError(f"the {what} is empty")
        return Extracted(title=None, author=None, published=None, text=paragraphs)
    html = decode_html(body, content_type)
    refuse_binary(html, what)
    return extract_article(html, url, title=title, author=author)


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Meta:
    """What the page says about itself: titles, authors and the publication time."""

    titles: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None


def _first_text(values: Iterable[object]) -> Iterator[str]:
    """Non-empty one-line strings from an lxml xpath result."""
    for value in values:
        text = sanitize_line(str(value), TITLE_MAX)
        if text:
            yield text


def _json_ld_items(root: lxml.html.HtmlElement) -> Iterator[dict[str, object]]:
    """Every JSON-LD object on the page, flattening lists and @graph."""
    for script in root.xpath('//script[@type="application/ld+json"]')[:20]:
        raw = script.text or ""
        if not raw.strip() or len(raw) > 500_000:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack: list[object] = [data]
        seen = 0
        while stack and seen < 200:
            item = stack.pop()
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                yield item


def _ld_names(value: object) -> Iterator[str]:
    """Author names from a JSON-LD author value (string, Person or list of them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            yield name
    elif isinstance(value, list):
        for item in value[:10]:
            yield from _ld_names(item)


def _page_meta(root: lxml.html.HtmlElement) -> _Meta:
    """Collect og/meta/JSON-LD titles, authors and date so we can drop them from the body."""
    meta = _Meta()
    meta.titles.extend(_first_text(root.xpath('//meta[@property="og:title"]/@content')))
    meta.titles.extend(_first_text(root.xpath('//meta[@name="twitter:title"]/@content')))
    meta.titles.extend(_first_text(root.xpath("//title//text()")))
    meta.authors.extend(_first_text(root.xpath('//meta[@name="author"]/@content')))
    meta.authors.extend(_first_text(root.xpath('//meta[@property="article:author"]/@content')))
    meta.published = next(
        _first_text(
            root.xpath(
                '//meta[@property="article:published_time"]/@content'
                ' | //meta[@name="pubdate"]/@content'
                ' | //meta[@itemprop="datePublished"]/@content'
            )
        ),
        None,
    )
    for item in _json_ld_items(root):
        headline = item.get("headline")
        if isinstance(headline, str):
            meta.titles.extend(_first_text([headline]))
        meta.authors.extend(_first_text(_ld_names(item.get("author"))))
        date = item.get("datePublished")
        if meta.published is None and isinstance(date, str):
            meta.published = sanitize_line(date, 64) or None
    meta.authors = [a for a in meta.authors if not a.lower().startswith(("http:", "https:"))]
    return meta


# ---------------------------------------------------------------------------
# HTML to paragraphs
# ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre "
    "section summary table tbody tfoot thead tr ul".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript template svg canvas button select option textarea input iframe "
    "object embed video audio figcaption head title".split()
)
# Class or id words of page furniture that readability keeps inside the article element.
_WIDGET_CLASS = re.compile(
    r"caption|credit|(?:^|[\s_-])(?:byline|share|sharing|social|related|newsletter|subscribe"
    r"|carousel|swiper|trending|promo|advert|ad|ads)(?:$|[\s_-])",
    re.I,
)
_WS = re.compile(r"\s+")
_KIND = {"h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "li": "li", "dt": "li"}
_KIND.update({"dd": "li", "tr": "cell", "p": "p", "blockquote": "p"})


def _text_length(el: lxml.etree._Element) -> int:
    """Characters of visible text under an element, whitespace excluded."""
    return sum(len(t) - t.count(" ") for t in el.itertext())


def _widgets(root: lxml.etree._Element) -> set[lxml.etree._Element]:
    """Elements classed as captions, credits, share bars, related links and the like.

    An element holding half the text or more is never a widget: a class such as
    ``share-enabled`` on the article body itself must not empty the page.
    """
    total = _text_length(root)
    found: set[lxml.etree._Element] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        features = f"{el.get('class', '')} {el.get('id', '')}"
        if len(features) > 1 and _WIDGET_CLASS.search(features):
            if _text_length(el) * 2 < total:
                found.add(el)
    return found


def _is_skipped(el: lxml.etree._Element, widgets: set[lxml.etree._Element]) -> bool:
    """True for elements whose text is never article prose: scripts, forms, captions, widgets."""
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments and processing instructions
    return tag.lower() in _SKIP_TAGS or el in widgets


@dataclass(frozen=True, slots=True)
class _Para:
    """One paragraph of the article: its text, the share of it inside links, and its block."""

    text: str
    link_ratio: float
    kind: str  # "p", "h" (heading), "li" (list item) or "cell" (table row)


def _site(url: str | None) -> str | None:
    """The last two labels of a URL's host ('example.co.uk' → 'co.uk' is close enough here)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return ".".join(host.split(".")[-2:]) or None


def _is_internal(href: str | None, site: str | None) -> bool:
    """True for a link to the same site (relative, or same host suffix): a story, not a source."""
    if not href:
        return False
    if site is None:
        return True
    try:
        host = urlsplit(href.strip()).hostname
    except ValueError:
        return False
    return host is None or host == site or host.endswith("." + site)


def _paragraphs(
    root: lxml.etree._Element, skip_widgets: bool = True, url: str | None = None
) -> list[_Para]:
    """Flatten an element into paragraphs: blocks, headings, list items and <br> all break.

    ``link_ratio`` counts only links within the page's own site (``url``), the kind a
    "related story" is made of.
    """
    site = _site(url)
    widgets = _widgets(root) if skip_widgets else set()
    paragraphs: list[_Para] = []
    buffer: list[str] = []
    link_chars = 0
    kinds: list[str] = []

    def flush() -> None:
        nonlocal link_chars
        text = _WS.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            ratio = min(1.0, link_chars / max(1, len(text.replace(" ", ""))))
            paragraphs.append(_Para(text, ratio, kinds[-1] if kinds else "p"))
        link_chars = 0

    def walk(el: lxml.etree._Element, in_link: bool) -> None:
        nonlocal link_chars
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "br":
            flush()
        elif not _is_skipped(el, widgets):
            block = tag in _BLOCK_TAGS
            inside = in_link or (tag == "a" and _is_internal(el.get("href"), site))
            if block:
                flush()
                kinds.append(_KIND.get(tag, kinds[-1] if kinds else "p"))
            if tag in ("td", "th"):
                buffer.append(" ")
            if el.text:
                buffer.append(el.text)
                if inside:
                    link_chars += len(el.text.replace(" ", "").strip())
            for child in el:
                walk(child, inside)
            if tag in ("td", "th"):
                buffer.append(" ")  # cells of a row stay on one line
            if block:
                flush()
                kinds.pop()
        if el.tail:
            buffer.append(el.tail)
            if in_link:
                link_chars += len(el.tail.replace(" ", "").strip())

    walk(root, False)
    flush()
    return paragraphs


_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse HTML leniently as readability does (via UTF-8 bytes); None when lxml finds nothing."""
    try:
        data = html.replace("\x00", "").encode("utf-8", "replace")
        return lxml.html.document_fromstring(data, parser=_UTF8_PARSER)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return None


# ---------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------

_SHORT = 14  # words: a boilerplate line is short
_PROMPT = re.compile(
    r"^(?:"
    r"(?:read|see|watch|listen)\s+(?:more|also|next|the\s+full)\b"
    r"|related(?:\s+(?:stories|story|articles?|links?|content|coverage|reading|video))?\s*[:|-]"
    r"|recommended(?:\s+(?:for\s+you|stories|reading|videos?))?\s*(?:[:|-]|$)"
    r"|more\s*(?:[:|-]|from\b|on\s+this\b|stories\b|news\b)"
    r"|(?:also\s+)?read\s*:"
    r"|share\s+(?:this|on|via|the|article|story|your)\b|share\s*$"
    r"|(?:view|show|read|load|post|leave|add|see)\s+(?:\w+\s+)?comments?\b|comments?\s*(?:\(\d+\)|$|:)"
    r"|join\s+(?:the|our)\s+(?:new\s+)?(?:conversation|discussion|commenting)"
    r"|(?:sign\s*up|subscribe|register)\b.{0,80}\b(?:newsletter|updates|email|inbox|today|now|free)"
    r"|(?:get|receive)\s+(?:our|the)\b.{0,60}\b(?:newsletter|email|in\s+your\s+inbox)"
    r"|follow\s+(?:us|@|\w+\s+on\s+(?:twitter|facebook|instagram))"
    r"|advertisement\s*$|sponsored\s*(?:content)?\s*$"
    r"|(?:top|most)\s+(?:stories|read|popular|viewed)\s*$"
    r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested)"
    r"|(?:photo|image|picture|video)\s*(?:credit)?\s*:|(?:photograph|illustration)\s*:"
    r"|also\s*:|don[’']?t\s+miss\s*(?:[:|-]|$)|tell\s+us\s+what\s+you\s+think"
    r"|if\s+you\s+(?:enjoyed|liked|value|appreciate)\s+(?:this|our)\b"
    r"|continue\s+reading\b|keep\s+reading\b|the\s+post\s+.{1,300}\s+appeared\s+first\s+on\b"
    r"|(?:this\s+\w+\s+requires|please\s+enable|you\s+need)\s+javascript"
    r")",
    re.I,
)
_TRAILER = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|all\s+rights\s+reserved"
    r"|(?:tags?|topics?|filed\s+under|categories|category)\s*:"
    r"|this\s+(?:article|story|material|document|content|report)\s+(?:is\s+subject\s+to"
    r"|may\s+not\s+be|was\s+(?:originally\s+)?published|first\s+appeared|originally\s+appeared)"
    r")",
    re.I,
)
_TRAILER_ANYWHERE = re.compile(r"©|\ball rights reserved\b", re.I)
# An author's contact line at the end: an e-mail address or "follow her on Twitter".
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+"
    r"|\bfollow\s+(?:him|her|them|me|us)\s+on\b"
    r"|\breach(?:ed)?\s+(?:him|her|them)\s+at\b",
    re.I,
)
_STAMP_WORD = re.compile(r"^(?:updated|published|posted|last|first|modified|on|at|by|the)$", re.I)
_DATE_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
    "july august september october november december mon tue wed thu fri sat sun monday "
    "tuesday wednesday thursday friday saturday sunday am pm a m p at on of the edt est cst "
    "cdt pst pdt mst mdt gmt bst utc cet cest ist et pt ct".split()
)
_BYLINE = re.compile(r"^(?:by|written\s+by|words\s+by|posted\s+by|author\s*:)\s+\S", re.I)
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last\s+updated)\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?"
    r"(?:\d{1,2}\s+\w+\s+\d{4}|\w+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})"
    r"[\s,|]*(?:(?:at\s+)?\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?\s*$",
    re.I,
)
# A line that is only the label of a control: "close", "Menu", "Loading...".
_UI_WORD = re.compile(
    r"^\W*(?:close|menu|search|loading|skip\s+ad|print|email|share|next|previous|back\s+to\s+top"
    r"|learn\s+more|advert|ad)"
    r"\W*$",
    re.I,
)
_PUNCT = re.compile(r"[^\w]+")


def _is_timestamp(line: str) -> bool:
    """True for 'Updated 5:27 am CST, Wednesday, November 20, 2019': a stamp of date words."""
    words = _norm(line).split()
    if not words or len(words) > 14 or not _STAMP_WORD.match(words[0]):
        return False
    if not any(ch.isdigit() for ch in line):
        return False
    return all(w.isdigit() or w in _DATE_WORDS or _STAMP_WORD.match(w) for w in words)


def _norm(text: str) -> str:
    """Lower-case words only: for comparing a line with a title or a name."""
    return _PUNCT.sub(" ", text.lower()).strip()


def _words(text: str) -> int:
    """Number of words in a line."""
    return len(text.split())


def _title_variants(titles: Iterable[str]) -> set[str]:
    """Normalised titles, with and without a trailing ' | Site' or ' - Site' suffix."""
    variants: set[str] = set()
    for title in titles:
        variants.add(_norm(title))
        for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
            if sep in title:
                variants.add(_norm(title.rsplit(sep, 1)[0]))
                variants.add(_norm(title.split(sep, 1)[0]))
    variants.discard("")
    return variants


def _is_byline(line: str, authors: list[str]) -> bool:
    """True for a short line that names the author ('By Jane Doe', 'Jane Doe US Editor')."""
    if _words(line) > _SHORT:
        return False
    if _BYLINE.match(line):
        return True
    normed = _norm(line)
    for author in authors:
        name = _norm(author)
        if not name:
            continue
        if normed == name:
            return True
        # "Jane Doe, Harbour Reporter" or "Jane Doe US Editor", not "Jane Doe said that ...".
        rest = normed[len(name) :].split() if normed.startswith(name + " ") else None
        if rest is not None and len(rest) <= 5 and not line.rstrip().endswith((".", "!", "?")):
            return True
    return False


def _is_related_link(para: _Para) -> bool:
    """True for a short paragraph that is nothing but a link: an inline 'related story'."""
    return (
        para.kind in ("p", "h")
        and para.link_ratio >= 0.9
        and 3 <= _words(para.text) <= 25
        and not para.text.rstrip().endswith((".", ":", ",", ";"))
    )


def _clean(paragraphs: list[_Para], titles: set[str], authors: list[str]) -> list[str]:
    """Drop the boilerplate lines readability leaves in: repeats, prompts, captions, trailers."""
    kept: list[str] = []
    for index, para in enumerate(paragraphs):
        line = para.text
        normed = _norm(line)
        if not normed:
            continue
        short = _words(line) <= _SHORT
        head = index < 6
        if head and (normed in titles or _is_byline(line, authors) or _DATE_LINE.match(line)):
            continue
        if short and (_PROMPT.match(line) or _UI_WORD.match(line) or _is_timestamp(line)):
            continue
        if _is_related_link(para):
            continue
        if kept and _words(line) >= 3 and normed == _norm(kept[-1]):
            continue  # a caption or pull quote repeated right after itself
        kept.append(line)
    # Trailing copyright, tag and prompt lines.
    while kept:
        last = kept[-1]
        short = _words(last) <= 30
        if (
            short
            and (_TRAILER.match(last) or _TRAILER_ANYWHERE.search(last) or _PROMPT.match(last))
        ) or (_words(last) <= 45 and _CONTACT.search(last)):
            kept.pop()
            continue
        break
    return kept


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


_UNLIKELY_QUOTE = re.compile(r"tweet|twitter|comment|social|extra", re.I)


def _keep_embedded_quotes(root: lxml.etree._Element) -> None:
    """Unclass embedded posts (``blockquote.twitter-tweet``) so readability does not drop them."""
    for quote in list(root.iter("blockquote")):
        features = f"{quote.get('class', '')} {quote.get('id', '')}"
        if not _UNLIKELY_QUOTE.search(features):
            continue
        quote.attrib.pop("class", None)
        quote.attrib.pop("id", None)
        # Lift it out of wrappers that hold nothing else (readability drops link-heavy divs).
        own_length = _text_length(quote)
        outermost = quote
        parent = quote.getparent()
        while (
            parent is not None
            and parent.tag in ("div", "section", "figure", "span")
            and _text_length(parent) <= own_length + 20
        ):
            outermost, parent = parent, parent.getparent()
        if outermost is not quote and parent is not None:
            quote.tail = None
            outermost.addprevious(quote)
            outermost.drop_tree()


def _readability_summary(html: str, url: str | None) -> str:
    """Run readability on a ``str`` and return its summary HTML; any failure is ExtractError."""
    try:
        return Document(html, url=url).summary(html_partial=True)
    except Exception as exc:  # readability wraps lxml errors inconsistently
        raise ExtractError(f"could not find an article on the page ({type(exc).__name__})") from exc


def _join(paragraphs: Iterable[str]) -> str:
    """Sanitise each paragraph and join them with exactly one blank line."""
    cleaned = (" ".join(sanitize(p).split()) for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def extract_article(
    html: str,
    url: str | None = None,
    *,
    title: str | None = None,
    author: str | None = None,
) -> Extracted:
    """Extract an article's metadata and clean paragraph text; ExtractError when there is none."""
    if not isinstance(html, str):
        raise ExtractError("the page was not decoded to text")
    if len(html) > MAX_HTML_CHARS:
        raise ExtractError("article too large")
    if not html.strip():
        raise ExtractError("the page is empty")
    try:
        return _extract(html, url, title, author)
    except ExtractError:
        raise
    except Exception as exc:  # lxml and readability raise more than they document
        raise ExtractError(f"could not extract the article ({type(exc).__name__})") from exc


def _extract(html: str, url: str | None, title: str | None, author: str | None) -> Extracted:
    """The body of ``extract_article`` once the input is known to be a non-empty str."""
    root = _parse_html(html)
    if root is None:
        raise ExtractError("the page has no HTML content")
    meta = _page_meta(root)
    _keep_embedded_quotes(root)
    try:
        prepared = lxml.html.tostring(root, encoding="unicode")
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ExtractError("could not read the page's HTML") from exc
    summary = _readability_summary(prepared, url)
    summary_root = _parse_html(summary)
    paragraphs = _paragraphs(summary_root, url=url) if summary_root is not None else []
    titles = _title_variants([*(t for t in [title] if t), *meta.titles])
    authors = [*(a for a in [author] if a), *meta.authors]
    text = _join(_clean(paragraphs, titles, authors))
    if not text:
        raise ExtractError("no article text found on the page")
    page_title = sanitize_line(meta.titles[0], TITLE_MAX) if meta.titles else None
    page_author = sanitize_line(meta.authors[0], AUTHOR_MAX) if meta.authors else None
    return Extracted(
        title=page_title or None,
        author=page_author or None,
        published=meta.published,
        text=text,
    )


def article_text(html: str, url: str) -> str:
    """The plain text of an article page, for the extraction scorer; '' when there is none."""
    try:
        return extract_article(html, url).text
    except ExtractError:
        return ""


def html_fragment_to_text(html: str) -> str:
    """Turn a feed's HTML summary or content into our paragraph format, prompts dropped."""
    if not html or not html.strip():
        return ""
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    if "<" not in html:
        lines = re.split(r"\n\s*\n", unescape(html))
        paragraphs = [_Para(" ".join(line.split()), 0.0, "p") for line in lines]
    else:
        try:
            root = _parse_html(f"<div>{html}</div>")
            body = root.find("body") if root is not None else None
            paragraphs = _paragraphs(body if body is not None else root) if root is not None else []
        except Exception:  # never lose a feed's text to a parser quirk: strip tags instead
            stripped = unescape(re.sub(r"<[^<>]*>", " ", html))
            paragraphs = [_Para(" ".join(stripped.split()), 0.0, "p")]
    return _join(_clean(paragraphs, set(), []))
