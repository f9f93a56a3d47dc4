"""HOSTILE.md §1 and §6 rows X1-X4 and E1: entity bombs, XXE, HTML pages, wrong charsets."""

from __future__ import annotations

import asyncio
import pyexpat
import random
import socket
import threading
import time
import xml.sax
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.parse import entity_expansion_estimate, parse_feed
from reader.core.sanitize import sanitize
from reader.core.service import Session
from reader.core.store import Store
from reader.errors import FeedError
from reader.models import ParsedFeed
from tests.conftest import LoopbackServer
from tests.feeds import rss

URL = "http://127.0.0.1/feed"


def _lol(one_line: bool) -> bytes:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    ]
    sep = "" if one_line else "\n"
    prolog = f'<?xml version="1.0"?>{sep}<!DOCTYPE rss [{sep}{sep.join(ents)}{sep}]>{sep}'
    return (
        prolog + '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><guid>a</guid></item></channel></rss>"
    ).encode()


def _quadratic(entity_kb: int, refs: int) -> bytes:
    value = "a" * (entity_kb * 1024)
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "{value}">\n]>\n'
        f'<rss version="2.0"><channel><title>{"&a;" * refs}</title>'
        "<item><title>t</title><guid>g</guid></item></channel></rss>"
    ).encode()


def _all_text(feed: ParsedFeed) -> str:
    return repr(feed)


def test_X1_expat_has_billion_laughs_protection() -> None:
    version = tuple(int(p) for p in pyexpat.EXPAT_VERSION.split("_")[1].split("."))
    assert version >= (2, 4, 0), pyexpat.EXPAT_VERSION


@pytest.mark.parametrize("one_line", [False, True], ids=["multi_line", "one_line"])
def test_X1_billion_laughs_refused_fast(one_line: bool) -> None:
    # Without the nested-entity estimate the one-line prolog reaches expat (~1-2 s, ~70 MB).
    started = time.monotonic()
    with pytest.raises(FeedError, match="entity expansion"):
        parse_feed(_lol(one_line), {}, URL)
    assert time.monotonic() - started < 1.0


def test_X2_quadratic_blowup_refused_fast() -> None:
    data = _quadratic(100, 10_000)  # would be a 1,000,000,000-char title
    assert len(data) < 200_000
    assert entity_expansion_estimate(data) > 10**9 - 1
    started = time.monotonic()
    with pytest.raises(FeedError, match="entity expansion"):
        parse_feed(data, {}, URL)
    assert time.monotonic() - started < 1.0


def test_X2_small_internal_entities_still_work() -> None:
    feed = parse_feed(_quadratic(1, 3), {}, URL)  # 3 KB of expansion: legitimate
    assert feed.entries and feed.entries[0].title == "t"
    assert feed.title.startswith("aaa") and len(feed.title) <= 1024


class _Listener:
    """A TCP listener on 127.0.0.1 that counts connections (nothing may reach it)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    lst = _Listener()
    yield lst
    lst.close()


def _xxe_payloads(marker: Path, port: int) -> dict[str, bytes]:
    uri = marker.as_uri()
    http = f"http://127.0.0.1:{port}"
    item = "<item><title>T &x;</title><description>&x;</description><guid>g</guid></item>"
    tail = f'<rss version="2.0"><channel><title>T &x;</title>{item}</channel></rss>'
    return {
        "general_multi_line": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "{uri}">\n]>\n{tail}'
        ).encode(),
        "general_one_line": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{uri}">]>{tail}'
        ).encode(),
        "general_doctype_own_line": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "{uri}">]>\n{tail}'
        ).encode(),
        "general_http": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "{http}/x">\n]>\n{tail}'
        ).encode(),
        "parameter_entity": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "{http}/p.dtd">\n'
            f"%p;\n]>\n{tail}"
        ).encode(),
        "parameter_entity_one_line": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{http}/p.dtd">%p;]>{tail}'
        ).encode(),
        "external_dtd": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{http}/evil.dtd">\n{tail}'
        ).encode(),
        "external_dtd_public": (
            f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{http}/e.dtd">{tail}'
        ).encode(),
    }


def test_X3_no_libxml2_sax_driver() -> None:
    parser = xml.sax.make_parser(["drv_libxml2"])
    assert type(parser).__module__ == "xml.sax.expatreader"


def test_X3_xxe_and_external_dtd_never_read_or_fetched(tmp_path: Path, listener: _Listener) -> None:
    marker_text = "MARKER-7f3a-SECRET"
    marker = tmp_path / "secret.txt"
    marker.write_text(marker_text)
    payloads = _xxe_payloads(marker, listener.port)
    for name, data in payloads.items():
        try:
            feed = parse_feed(data, {"content-type": "application/rss+xml"}, URL)
        except FeedError:
            continue
        assert marker_text not in _all_text(feed), name
    time.sleep(0.2)  # a late connection attempt would be counted
    assert listener.connections == 0


def test_X4_html_page_offers_discovered_feed(server: LoopbackServer, tmp_path: Path) -> None:
    feed_url = server.add("/real.xml", rss([{"title": "Found", "guid": "f1"}], title="Found"))
    page = (
        b"<!doctype html><html><head><title>Site</title>"
        b'<link rel="alternate" type="application/rss+xml" href="">'  # empty href ignored
        b'<link rel="alternate" type="application/rss+xml" href="/real.xml">'
        b'<link rel="alternate" type="application/atom+xml" href="/other.atom">'
        b"</head><body><p>Hello</p></body></html>"
    )
    page_url = server.add("/", page, content_type="text/html; charset=utf-8")
    bare_url = server.add("/bare", b"<html><body>no feed here</body></html>", "text/html")
    store = Store(tmp_path / "news.db")

    async def go() -> None:
        async with Session(store) as s:
            added = await s.add_feed(page_url)
            assert added.url == feed_url and added.articles == 1
            assert added.others == (server.url("/other.atom"),)
            with pytest.raises(FeedError, match="has no feed"):
                await s.add_feed(bare_url)

    asyncio.run(go())
    assert [f.url for f in store.feeds()] == [feed_url]
    with pytest.raises(FeedError, match="web page, not a feed"):
        parse_feed(b"<!doctype html><html><body>x</body></html>", {"content-type": "text/html"})
    with pytest.raises(FeedError, match="not an RSS, Atom, RDF or JSON feed"):
        parse_feed(b"just some text, not xml at all", {"content-type": "text/plain"})


UTF8_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café “Zoë”</title>'
    "<item><title>Café “Zoë”</title><guid>a</guid></item></channel></rss>"
)


def test_E1_utf8_body_behind_windows_1251_header() -> None:
    feed = parse_feed(UTF8_FEED.encode(), {"content-type": "text/xml; charset=windows-1251"}, URL)
    assert feed.title == "Café “Zoë”"
    assert feed.entries[0].title == "Café “Zoë”"


def test_E1_real_windows_1251_body_is_kept() -> None:
    body = UTF8_FEED.replace("utf-8", "windows-1251").replace("Café “Zoë”", "Привет мир")
    feed = parse_feed(body.encode("cp1251"), {"content-type": "text/xml; charset=windows-1251"})
    assert feed.entries[0].title == "Привет мир"


@pytest.mark.parametrize(
    ("body", "content_type", "title"),
    [
        (UTF8_FEED.encode().replace(b"utf-8", b"iso-8859-1"), "application/xml", "Café “Zoë”"),
        (UTF8_FEED.replace("“Zoë”", "Zoe").encode("latin-1"), "text/xml; charset=utf-8", None),
        (UTF8_FEED.encode(), "", "Café “Zoë”"),
        (UTF8_FEED.replace("utf-8", "utf-16").encode("utf-16"), "", "Café “Zoë”"),
        (UTF8_FEED.replace("utf-8", "utf-16").encode("utf-16"), "text/xml", "Café “Zoë”"),
        (UTF8_FEED.encode(), "text/xml; charset=x-evil-9999", "Café “Zoë”"),
        (UTF8_FEED.replace("Café", "CafÃ© â€œ").encode(), "text/xml; charset=utf-8", None),
    ],
    ids=[
        "utf8_declared_latin1",
        "latin1_declared_utf8",
        "no_charset",
        "utf16_bom",
        "utf16_text_xml",
        "bogus_charset",
        "mojibake_in_source",
    ],
)
def test_E1_encodings_give_text_or_clear_error(
    body: bytes, content_type: str, title: str | None
) -> None:
    try:
        feed = parse_feed(body, {"content-type": content_type} if content_type else {}, URL)
    except FeedError as exc:
        assert title is None, f"refused a readable feed: {exc}"
        return
    text = " ".join([feed.title] + [e.title for e in feed.entries])
    assert sanitize(text) == text
    if title is not None:
        assert feed.entries[0].title == title


def test_E1_binary_bytes_are_error_or_clean() -> None:
    rng = random.Random(5)
    for i in range(30):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
        if i % 3 == 0:
            body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>' + body
        try:
            feed = parse_feed(body, {"content-type": "application/rss+xml"}, URL)
        except FeedError:
            continue
        for text in [feed.title] + [f"{e.title}{e.summary}{e.author}" for e in feed.entries]:
            assert sanitize(text) == text
