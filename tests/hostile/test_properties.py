"""Property-based tests (hypothesis) for the sanitiser, date handling, identity keys and OPML.

The quote and people rules have their own properties, owned with that code.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.opml import build_opml, parse_opml
from reader.core.parse import EARLIEST, FUTURE_SLACK, parse_feed
from reader.core.sanitize import is_web_url, safe_url, sanitize, sanitize_line
from reader.errors import FeedError, OpmlError
from tests.feeds import rss

FORBIDDEN = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]} | set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text biased towards the characters that matter: escapes, C0/C1, bidi, markup brackets.
hostile_chars = st.sampled_from(
    [
        "\x1b",
        "\x9b",
        "\x9d",
        "\x07",
        "\x00",
        "\r",
        "\n",
        "\t",
        "[",
        "]",
        "/",
        ";",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\x85",
        "\u2028",
        "\\",
        "P",
        "0",
        "m",
        "a",
        " ",
    ]
)
hostile_text = st.lists(st.one_of(hostile_chars, st.characters()), max_size=200).map("".join)


@FAST
@given(hostile_text, st.one_of(st.none(), st.integers(min_value=0, max_value=300)))
def test_prop_sanitize_removes_controls_and_is_idempotent(text: str, limit: int | None) -> None:
    clean = sanitize(text, limit)
    assert not FORBIDDEN & set(clean)
    assert "\r" not in clean
    assert sanitize(clean, limit) == clean
    if limit is not None:
        assert len(clean) <= limit


@FAST
@given(hostile_text)
def test_prop_sanitize_line_is_one_clean_line(text: str) -> None:
    line = sanitize_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert line == line.strip()
    assert not FORBIDDEN & set(line)
    assert sanitize_line(line) == line


@FAST
@given(st.one_of(hostile_text, st.from_regex(r"\A[a-zA-Z]{1,10}:[^\s]{0,40}\Z")))
def test_prop_safe_url_is_web_or_none(text: str) -> None:
    url = safe_url(text)
    assert url is None or (is_web_url(url) and url.lower().startswith(("http://", "https://")))
    if url is not None:
        assert not FORBIDDEN & set(url)


date_text = st.one_of(
    hostile_text,
    st.from_regex(r"\A-?\d{1,6}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}:\d{1,2}(Z|[+-]\d{2}:?\d{2}))?\Z"),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    st.integers().map(str),
)


@settings(max_examples=120, deadline=None)
@given(date_text)
def test_prop_any_date_string_is_clamped(date: str) -> None:
    fetched = 1_790_000_000.0
    body = rss([{"title": "t", "guid": "urn:g", "pubDate": date}])
    feed = parse_feed(body, {}, "http://127.0.0.1/f", fetched_at=fetched)
    (entry,) = feed.entries
    assert EARLIEST <= entry.published <= fetched + FUTURE_SLACK


item = st.fixed_dictionaries(
    {"title": hostile_text},
    optional={
        "guid": st.text(st.characters(codec="utf-8"), max_size=30),
        "link": st.sampled_from(["http://a.example/1", "https://b.example/x?y=1", "/rel", ""]),
        "pubDate": st.sampled_from(["Mon, 10 Nov 2025 09:00:00 GMT", "garbage", ""]),
        "description": hostile_text,
    },
)


def _feed_bytes(items: list[dict[str, str]]) -> bytes:
    # rss() escapes text; control characters are not allowed in XML, so send them as they
    # would arrive from a careless server: raw, making the document ill-formed (loose parser).
    return rss(items)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(item, max_size=8))
def test_prop_identity_keys_stable_unique_and_clean(items: list[dict[str, str]]) -> None:
    body = _feed_bytes(items)
    try:
        first = parse_feed(body, {}, "http://127.0.0.1/f", fetched_at=1_790_000_000.0)
    except FeedError:
        return
    second = parse_feed(body, {}, "http://127.0.0.1/f", fetched_at=1_790_500_000.0)
    keys = [e.key for e in first.entries]
    assert keys == [e.key for e in second.entries]  # stable across fetches (and fetch times)
    assert len(set(keys)) == len(keys)  # unique within a feed
    for entry in first.entries:
        assert entry.key and not FORBIDDEN & set(entry.key)
        assert entry.key_source in ("guid", "link", "hash")
        assert not FORBIDDEN & set(entry.title)


opml_feed = st.tuples(
    st.from_regex(r"\Ahttps?://[a-z]{1,12}\.example/[a-z0-9/]{0,20}\Z"),
    hostile_text,
    st.lists(
        st.text(
            st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=10
        ),
        max_size=3,
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(opml_feed, max_size=30))
def test_prop_opml_round_trip(feeds: list[tuple[str, str, list[str]]]) -> None:
    xml_safe = [
        (url, "".join(ch for ch in title if ch.isprintable()), tags) for url, title, tags in feeds
    ]
    data = build_opml([(u, t, None, tags) for u, t, tags in xml_safe], "test")
    parsed = parse_opml(data)
    assert {f.url for f in parsed} == {u for u, _, _ in xml_safe}
    assert len(parsed) == len({f.url for f in parsed})  # deduplicated
    for feed in parsed:
        assert is_web_url(feed.url)
        assert not FORBIDDEN & set(feed.title)


@FAST
@given(st.one_of(st.binary(max_size=400), hostile_text.map(lambda t: t.encode("utf-8", "replace"))))
def test_prop_opml_garbage_is_clean_error_or_clean_import(data: bytes) -> None:
    try:
        feeds = parse_opml(data)
    except OpmlError:
        return
    for feed in feeds:
        assert is_web_url(feed.url)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["http://a.example/f", "javascript:x", "file:///x", "https://b.example/g"]
            ),
            hostile_text,
        ),
        max_size=20,
    )
)
def test_prop_opml_import_is_all_or_nothing(outlines: list[tuple[str, str]]) -> None:
    body = "".join(
        f'<outline text="{escape("".join(c for c in t if c.isprintable()), {chr(34): "&quot;"})}" '
        f'xmlUrl="{escape(u)}"/>'
        for u, t in outlines
    )
    data = f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode()
    bad = any(not u.startswith("http") for u, _ in outlines)
    try:
        feeds = parse_opml(data)
    except OpmlError:
        assert bad  # refused whole, never a partial list
        return
    assert not bad
    assert {f.url for f in feeds} == {u for u, _ in outlines}


@settings(max_examples=2000, deadline=None)
@given(
    url=st.builds(
        lambda scheme, host, rest: f"{scheme}{host}{rest}",
        st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", "http:///"]),
        st.text("aZ09.-_@[]: ", max_size=10),
        st.text(st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=16),
    )
    | st.text(max_size=24)
)
def test_plain_url_shortcut_agrees_with_splitting(url: str) -> None:
    """is_web_url's regex shortcut only says yes where urlsplit would."""
    from reader.core.sanitize import PLAIN_WEB_URL, _split_is_web_url

    if PLAIN_WEB_URL.match(url):
        assert _split_is_web_url(url)
