"""Feed parsing: identity keys, dates, text, item cap, entity guard, discovery, JSON Feed."""

from __future__ import annotations

import calendar
import json

import pytest

from reader.core.parse import (
    EARLIEST,
    discover_feeds,
    entity_expansion_estimate,
    parse_feed,
    truncate_items,
)
from reader.errors import FeedError
from tests.feeds import atom, rdf, rss

NOW = calendar.timegm((2026, 11, 27, 12, 0, 0))
URL = "https://news.example/feed.xml"


def parse(body: bytes, **kw):
    return parse_feed(body, {"content-type": "application/rss+xml"}, URL, fetched_at=NOW, **kw)


def test_rss_atom_rdf_all_parse() -> None:
    assert parse(rss([{"title": "A", "link": "https://n.example/a"}])).version.startswith("rss")
    a = parse(atom([{"title": "B", "id": "urn:b", "link": "https://n.example/b"}]))
    assert a.version.startswith("atom") and a.entries[0].title == "B"
    r = parse(rdf([{"title": "C", "link": "https://n.example/c"}]))
    assert r.version.startswith("rss09") or r.version.startswith("rss10")
    assert r.entries[0].link == "https://n.example/c"


def test_identity_key_falls_back_guid_link_hash() -> None:
    feed = parse(
        rss(
            [
                {"title": "g", "guid": "urn:uuid:1", "link": "https://n.example/1"},
                {"title": "l", "link": "https://n.example/2"},
                {"title": "h", "pubDate": "Mon, 23 Nov 2026 10:00:00 GMT"},
            ]
        )
    )
    sources = [(e.key_source, e.key) for e in feed.entries]
    assert sources[0] == ("guid", "urn:uuid:1")
    assert sources[1] == ("link", "https://n.example/2")
    assert sources[2][0] == "hash" and sources[2][1].startswith("hash:")
    # The hash is stable across parses.
    again = parse(rss([{"title": "h", "pubDate": "Mon, 23 Nov 2026 10:00:00 GMT"}]))
    assert again.entries[0].key == sources[2][1]


def test_duplicate_guids_inside_one_feed_stay_distinct() -> None:
    items = [{"title": f"t{i}", "guid": "same", "link": f"https://n.example/{i}"} for i in range(5)]
    keys = {e.key for e in parse(rss(items)).entries}
    assert len(keys) == 5


@pytest.mark.parametrize(
    "date",
    [
        "0000-00-00T00:00:00Z",
        "Mo, 25 Jun 2018",
        "garbage",
        "2099-01-01T00:00:00Z",
        "Thu, 01 Jan 1900 00:00:00 GMT",
        "",
    ],
)
def test_bad_dates_never_raise_and_are_clamped(date: str) -> None:
    feed = parse(rss([{"title": "x", "link": "https://n.example/x", "pubDate": date}]))
    stamp = feed.entries[0].published
    assert EARLIEST <= stamp <= NOW + 2 * 86400


def test_good_date_kept() -> None:
    feed = parse(
        rss(
            [
                {
                    "title": "x",
                    "link": "https://n.example/x",
                    "pubDate": "Tue, 24 Nov 2026 10:00:00 GMT",
                }
            ]
        )
    )
    assert feed.entries[0].published == calendar.timegm((2026, 11, 24, 10, 0, 0))


def test_html_title_becomes_text_and_text_is_sanitised() -> None:
    body = rss(
        [
            {
                "title": "<b>Bold</b> &amp; co \x1b]0;PWNED\x07",
                "link": "https://n.example/x",
                "description": "<p>One</p><p>Two\u202e</p>",
            }
        ]
    )
    body = body.replace(b"<title>&lt;b&gt;", b'<title type="html">&lt;b&gt;')
    entry = parse(body).entries[0]
    assert "<b>" not in entry.title and "Bold" in entry.title
    assert "\x1b" not in entry.title and "PWNED" not in entry.title
    assert entry.summary == "One\n\nTwo"


@pytest.mark.parametrize(
    "scheme", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"]
)
def test_non_web_links_dropped(scheme: str) -> None:
    entry = parse(rss([{"title": "x", "link": scheme, "guid": "g"}])).entries[0]
    assert entry.link is None


def test_relative_links_resolved_against_final_url() -> None:
    entry = parse(rss([{"title": "x", "link": "/a/b", "guid": "g"}])).entries[0]
    assert entry.link == "https://news.example/a/b"


def test_item_cap_keeps_newest_first_items() -> None:
    items = [{"title": f"t{i}", "link": f"https://n.example/{i}"} for i in range(50)]
    feed = parse(rss(items), max_items=10)
    assert [e.title for e in feed.entries] == [f"t{i}" for i in range(10)]
    assert feed.truncated == 40
    cut, dropped = truncate_items(
        atom([{"title": str(i), "id": str(i), "link": f"https://n.example/{i}"} for i in range(5)]),
        2,
    )
    assert dropped == 3 and cut.endswith(b"</feed>")


def test_entity_bomb_refused_and_plain_entities_fine() -> None:
    value = "A" * 100_000
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "{value}">\n]>\n'
        f'<rss version="2.0"><channel><title>{"&a;" * 10_000}</title></channel></rss>'
    ).encode()
    assert entity_expansion_estimate(bomb) >= 10**9
    with pytest.raises(FeedError, match="entity"):
        parse(bomb)
    small = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY n "News">\n]>\n'
        + rss([{"title": "t", "link": "https://n.example/t"}]).split(b"?>", 1)[1]
    )
    assert entity_expansion_estimate(small) < 1000


def test_not_a_feed_errors() -> None:
    with pytest.raises(FeedError, match="empty"):
        parse(b"   ")
    with pytest.raises(FeedError, match="web page"):
        parse_feed(b"<html><body>hi</body></html>", {"content-type": "text/html"}, URL)
    with pytest.raises(FeedError, match="not an RSS"):
        parse(b"plain words")
    with pytest.raises(FeedError, match="JSON Feed"):
        parse(b'{"hello": 1}')


def test_discover_feeds_resolves_and_filters() -> None:
    page = b"""<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss">
    <link rel="alternate stylesheet" type="text/css" href="/x.css">
    <link rel="alternate" type="application/atom+xml" href="">
    <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
    <link rel="Alternate" type="application/atom+xml" href="https://other.example/atom">
    </head><body></body></html>"""
    assert discover_feeds(page, "https://site.example/page") == [
        "https://site.example/rss",
        "https://other.example/atom",
    ]


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ('<base href="https://cdn.example/news/">', "https://cdn.example/news/feed.xml"),
        (
            '<base target="_top"><base href="../b/"><base href="/c/">',
            "https://site.example/b/feed.xml",
        ),
        ('<base href="javascript:alert(1)">', "https://site.example/a/feed.xml"),
        ('<base href="file:///etc/">', "https://site.example/a/feed.xml"),
    ],
    ids=["absolute", "first_href_wins", "javascript_ignored", "file_ignored"],
)
def test_discover_feeds_honours_base_href(base: str, expected: str) -> None:
    page = f"""<html><head>{base}
    <link rel="alternate" type="application/rss+xml" href="feed.xml">
    </head><body></body></html>""".encode()
    assert discover_feeds(page, "https://site.example/a/page") == [expected]


def test_json_feed() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "home_page_url": "https://j.example/",
        "items": [
            {
                "id": "1",
                "url": "https://j.example/1",
                "title": "One",
                "content_html": "<p>Hello <b>there</b></p>",
                "date_published": "2026-11-20T10:00:00Z",
                "authors": [{"name": "Ann"}],
            },
            {"id": "1", "url": "https://j.example/dup", "title": "Dup"},
            "not an object",
        ],
    }
    feed = parse(json.dumps(doc).encode())
    assert feed.title == "J" and feed.link == "https://j.example/"
    e = feed.entries[0]
    assert (e.key, e.title, e.summary, e.author) == ("1", "One", "Hello there", "Ann")
    assert e.published == calendar.timegm((2026, 11, 20, 10, 0, 0))
    # A reused id does not lose the second item: like in XML feeds, it gets a content key.
    assert len(feed.entries) == 2
    assert feed.entries[1].title == "Dup" and feed.entries[1].key.startswith("hash:")
    assert parse(json.dumps(doc).encode()).entries[1].key == feed.entries[1].key


def test_json_feed_fields_of_the_wrong_type_count_as_absent() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ["list"],
        "home_page_url": 5,
        "items": [
            {"id": 7, "url": 5, "title": ["list"], "content_text": {"a": 1}, "summary": "S"},
            {"id": True, "url": "https://j.example/b", "title": "B", "authors": [{"name": 3}]},
        ],
    }
    feed = parse(json.dumps(doc).encode())
    assert (feed.title, feed.link) == ("", None)
    first, second = feed.entries
    # A numeric id is read as a string (the spec says so); a list is never shown as "['list']".
    assert (first.key, first.link, first.title, first.summary) == ("7", None, "S", "S")
    assert (second.key, second.key_source, second.author) == ("https://j.example/b", "link", None)


def test_html_content_without_a_summary_is_turned_into_text() -> None:
    """Atom <content type="html"> or RSS <content:encoded> alone: feedparser copies it,
    untyped, into "summary"; it must still arrive as text, not as tags and entities."""
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>'
        b"<id>urn:b</id><updated>2026-11-20T10:00:00Z</updated><entry><title>T</title>"
        b'<id>urn:t</id><link href="https://n.example/t"/><updated>2026-11-20T09:00:00Z</updated>'
        b'<content type="html">&lt;p&gt;The &lt;em&gt;council&lt;/em&gt; met.&lt;/p&gt;&lt;p&gt;'
        b"&amp;ldquo;We are ready,&amp;rdquo; said Jane Smith.&lt;script&gt;evil()&lt;/script&gt;"
        b"&lt;/p&gt;</content></entry></feed>"
    )
    entry = parse_feed(body, {"content-type": "application/atom+xml"}, URL).entries[0]
    assert entry.summary == "The council met.\n\n\u201cWe are ready,\u201d said Jane Smith."
    encoded = (
        b'<?xml version="1.0"?><rss version="2.0" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>E</title>'
        b"<item><title>E1</title><guid>https://n.example/e1</guid><content:encoded><![CDATA["
        b"<p>The <em>council</em> met.</p><p>&ldquo;Fine,&rdquo; said Bob Jones.</p>"
        b"]]></content:encoded></item></channel></rss>"
    )
    assert parse(encoded).entries[0].summary == (
        "The council met.\n\n\u201cFine,\u201d said Bob Jones."
    )


def test_lone_surrogates_are_dropped_or_refused_clearly(tmp_path) -> None:
    from reader.core.store import Store

    # JSON escapes decode to lone surrogates, which SQLite and the terminal cannot take.
    doc = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J\\ud800",'
        ' "items": [{"id": "g\\udfffh", "url": "https://n.example/s", "title": "a\\ud800b"}]}'
    )
    feed = parse(doc.encode())
    entry = feed.entries[0]
    assert (feed.title, entry.title, entry.key) == ("J", "ab", "gh")
    with Store(tmp_path / "s.db") as store:
        store.store_entries(store.add_feed(URL), feed.entries)
        assert store.counts()["articles"] == 1
    # In XML, feedparser itself fails on "&#55296;": a clear per-feed error, not a crash.
    body = rss([{"title": "a\ud800b", "link": "https://n.example/s"}])
    assert b"&#55296;" in body
    with pytest.raises(FeedError, match="could not be parsed"):
        parse(body)


def test_xml_base_resolves_relative_links_the_same_every_time() -> None:
    """feedparser's base-URI joining is memoised: nested xml:base still resolves, repeatedly."""
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">'
        b"<title>t</title>"
        b'<entry xml:base="2026/"><id>e1</id><title>a</title><link href="post.html"/></entry>'
        b'<entry><id>e2</id><title>b</title><link href="other.html"/></entry></feed>'
    )
    for _ in range(3):
        parsed = parse_feed(body, {"content-type": "application/atom+xml"}, "https://ex.org/f.xml")
        assert [e.link for e in parsed.entries] == [
            "https://ex.org/blog/2026/post.html",
            "https://ex.org/blog/other.html",
        ]


def test_parsed_feeds_cross_processes_unchanged() -> None:
    """What a worker sends back (entries pickled with their own reduce) loads as it was."""
    import pickle

    parsed = parse(
        rss(
            [
                {"title": "A", "link": "https://n.example/a", "author": "x@y.z (Ann)"},
                {"title": "B", "guid": "urn:b", "description": "Two\n\nparagraphs"},
            ]
        )
    )
    again = pickle.loads(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == parsed and again.entries[1].summary == parsed.entries[1].summary


def test_relative_guid_is_keyed_as_written_so_a_moved_feed_keeps_its_keys() -> None:
    body = rss(
        [
            {"title": "A", "guid": "12345"},
            {"title": "B", "guid": "https://n.example/b"},
            {"title": "C", "guid": "//n.example/c"},
        ]
    )
    keys = [
        [(e.key, e.key_source) for e in parse_feed(body, {}, url).entries]
        for url in ("http://old.example/feed.xml", "https://new.example/sub/feed.xml")
    ]
    assert (
        keys[0]
        == keys[1]
        == [
            ("12345", "guid"),
            ("https://n.example/b", "guid"),
            ("//n.example/c", "guid"),
        ]
    )
    # feedparser's own reading is unchanged: the guid still serves as the entry's link, and
    # the key an earlier version stored (resolved like the link) is passed on for the store.
    entries = parse_feed(body, {}, "http://old.example/feed.xml").entries
    assert entries[0].link == "http://old.example/12345"
    assert [e.legacy_key for e in entries] == [
        "http://old.example/12345",
        None,
        "http://n.example/c",
    ]
    unresolved = rss([{"title": "D", "guid": "p=7"}]).replace(
        b"<guid>", b'<guid isPermaLink="false">'
    )
    assert parse(unresolved).entries[0].legacy_key is None
