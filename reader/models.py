"""Frozen dataclasses shared by core and UI."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from typing import Any


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 article``, ``2 articles``, ``1,000 articles``; ``words`` for an irregular plural."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: ``text == article_text[start:end]`` (the words between the marks)."""

    text: str
    speaker: str | None
    cue: str | None
    start: int
    end: int
    partial: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "cue": self.cue,
            "start": self.start,
            "end": self.end,
            "partial": self.partial,
        }


@dataclass(frozen=True, slots=True)
class Person:
    """One person named in an article, with every alias merged."""

    name: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0
    quotes: int = 0
    role: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "mentions": self.mentions,
            "quotes": self.quotes,
            "role": self.role,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysis finds in one article's text."""

    quotes: tuple[Quote, ...] = ()
    people: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article page turned into clean text."""

    title: str | None
    author: str | None
    published: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One feed entry, sanitised, with a stable identity key."""

    key: str
    key_source: str  # "guid", "link" or "hash"
    title: str
    link: str | None
    author: str | None
    published: float  # epoch seconds, clamped
    published_raw: str | None
    summary: str  # plain text of the feed's own content
    # For a relative guid keyed as written: the key earlier versions stored (the guid as
    # feedparser resolved it against the feed's address), so an upgrade finds the old row.
    legacy_key: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Every entry crosses from a worker process: a plain constructor call pickles and
        # loads in half the time of the dataclass's generic __getstate__/__setstate__.
        return (ParsedEntry, _ENTRY_FIELDS(self))


_ENTRY_FIELDS = operator.attrgetter(*(f.name for f in fields(ParsedEntry)))


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its metadata and entries."""

    title: str
    link: str | None
    entries: tuple[ParsedEntry, ...]
    version: str
    truncated: int = 0  # entries dropped over the item cap


@dataclass(frozen=True, slots=True)
class FeedRow:
    id: int
    url: str
    title: str
    site_url: str | None
    tags: tuple[str, ...]
    articles: int
    unread: int
    last_refreshed: float | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article as the list pane shows it."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str | None
    author: str | None
    published: float
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article as the reading and summary panes show it."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str | None
    author: str | None
    published: float
    read: bool
    starred: bool
    text: str
    text_source: str  # "page", "feed" or "" (not extracted yet)
    extract_error: str | None
    quotes: tuple[Quote, ...] = field(default=())
    people: tuple[Person, ...] = field(default=())
