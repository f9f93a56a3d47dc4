"""OPML parsing and building, without the CLI."""

from __future__ import annotations

import pytest

from reader.core.opml import build_opml, parse_opml
from reader.errors import OpmlError


def test_round_trip_keeps_urls_titles_categories() -> None:
    feeds = [
        ("https://a.example/rss", "A & B <news>", "https://a.example/", ["Tech", "Daily"]),
        ("https://b.example/atom", "B", None, []),
    ]
    parsed = parse_opml(build_opml(feeds, "mine"))
    got = {(f.url, f.title, f.site_url, f.tags) for f in parsed}
    assert got == {
        ("https://a.example/rss", "A & B <news>", "https://a.example/", ("Daily", "Tech")),
        ("https://b.example/atom", "B", None, ()),
    }


def test_entities_and_dtds_are_not_expanded(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/rss"/>'
        "</body></opml>"
    ).encode()
    try:
        feeds = parse_opml(doc)
    except OpmlError as exc:  # refusing the document is fine too
        assert "TOP-SECRET" not in str(exc)
    else:
        assert all("TOP-SECRET" not in f.title for f in feeds)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (b"", "empty"),
        (b"<opml><body>", "not well-formed XML at line 1"),
        (b"<rss/>", "not OPML"),
        (b"<opml/>", "no <body>"),
    ],
)
def test_malformed(doc: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        parse_opml(doc)


def test_tag_with_a_comma_round_trips() -> None:
    feeds = [("https://a.example/rss", "A", None, ["Daily", "News, World", "Tech"])]
    (parsed,) = parse_opml(build_opml(feeds, "mine"))
    assert parsed.tags == ("Daily", "News, World", "Tech")
