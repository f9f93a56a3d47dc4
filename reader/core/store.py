"""SQLite storage: the only module that writes SQL.

One file, WAL journal, a busy timeout, numbered migrations tracked in ``PRAGMA user_version``,
FTS5 over titles and article text, and ``BEGIN IMMEDIATE`` for every read-then-write
transaction (a deferred one fails at once under contention; HOSTILE.md §5). Refresh writes one
transaction per feed, so a crash loses at most the feed in flight.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reader.core.sanitize import canonical_url
from reader.errors import StoreBusy, StoreError
from reader.models import (
    Analysis,
    ArticleDetail,
    ArticleRow,
    FeedRow,
    ParsedEntry,
    Person,
    Quote,
)

BUSY_TIMEOUT = 10.0

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

MIGRATIONS: tuple[str, ...] = (
    # 1: feeds, articles, full-text index
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        user_title TEXT,
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        etag TEXT,
        last_modified TEXT,
        last_refreshed REAL,
        last_error TEXT,
        created REAL NOT NULL
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        key_source TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        author TEXT,
        published REAL NOT NULL,
        published_raw TEXT,
        summary TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        text_source TEXT NOT NULL DEFAULT 'feed',
        extracted_at REAL,
        extract_error TEXT,
        analyzed_at REAL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        fetched REAL NOT NULL,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX articles_by_date ON articles (published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles (feed_id, published DESC);
    CREATE INDEX articles_unread ON articles (read, published DESC);
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # 2: quotes and people, with a people index across articles
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE
    );
    CREATE TABLE article_people (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        aliases TEXT NOT NULL DEFAULT '[]',
        mentions INTEGER NOT NULL DEFAULT 0,
        quotes INTEGER NOT NULL DEFAULT 0,
        role TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (article_id, person_id)
    );
    CREATE INDEX article_people_by_person ON article_people (person_id);
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        speaker TEXT,
        cue TEXT,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        partial INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX quotes_by_article ON quotes (article_id, start);
    CREATE INDEX quotes_by_person ON quotes (person_id);
    """,
    # 3: starred articles newest first (the "Starred" view and its count scanned every row)
    """
    CREATE INDEX articles_starred ON articles (published DESC, id DESC) WHERE starred = 1;
    """,
    # 4: new articles are indexed by one statement per feed (_insert_entries), not a trigger
    # per row: each row's INSERT opened a statement savepoint, and FTS5 writes out its
    # pending terms at every savepoint, so 6,000 rows made 6,000 tiny index segments to merge
    """
    DROP TRIGGER articles_ai;
    """,
    # 5: a removed feed's id is never given to another feed (SQLite reuses the highest id
    # once its row is gone, and a script acting on "feed 3" would hit a different feed).
    # The table keeps the highest id ever used; inserts take the next one (_NEXT_FEED_ID).
    """
    CREATE TABLE id_high (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO id_high (name, value) SELECT 'feeds', COALESCE(MAX(id), 0) FROM feeds;
    CREATE TRIGGER feeds_id_high AFTER INSERT ON feeds BEGIN
        UPDATE id_high SET value = MAX(value, NEW.id) WHERE name = 'feeds';
    END;
    """,
    # 6: a server's Retry-After that is longer than one refresh waits is kept, and the feed is
    # not asked again before then (unless named)
    """
    ALTER TABLE feeds ADD COLUMN retry_after REAL;
    """,
    # 7: feed URLs stored as typed by an earlier version get the one spelling add and import
    # now look for (HTTP://Example.com/feed#x is http://example.com/feed); a URL whose
    # canonical spelling another feed already has is left as it is
    """
    UPDATE OR IGNORE feeds SET url = canonical_url(url) WHERE url != canonical_url(url);
    """,
)


def _canonical_or_same(url: object) -> object:
    """``canonical_url`` for SQL: what it cannot read is returned as it is."""
    if not isinstance(url, str):
        return url
    try:
        return canonical_url(url)
    except ValueError:
        return url


_NEXT_FEED_ID = (
    "(SELECT MAX(value, (SELECT COALESCE(MAX(id), 0) FROM feeds)) + 1 FROM id_high "
    "WHERE name = 'feeds')"
)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What a refresh needs to know about a stored feed."""

    id: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    retry_after: float | None = None  # the server asked not to be asked before then


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """An article whose page has not been extracted yet."""

    id: int
    feed_id: int
    link: str
    title: str
    author: str | None
    summary: str


@dataclass(frozen=True, slots=True)
class StoredEntries:
    """What storing one fetch of a feed changed."""

    new_ids: tuple[int, ...]
    updated: int


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """One fetch of a feed to store: its entries and what it said about itself."""

    feed_id: int
    entries: tuple[ParsedEntry, ...]
    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None  # a permanent redirect's target


@dataclass(frozen=True, slots=True)
class FeedUnchanged:
    """A feed that answered 304 Not Modified: stored as refreshed now with no error, its
    validators updated where the response gave new ones, a permanent redirect followed."""

    feed_id: int
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """An article's page result to store: its text (None keeps the text) and analysis."""

    article_id: int
    text: str | None
    source: str  # "page" or "feed"
    error: str | None
    analysis: Analysis | None
    author: str | None = None
    final: bool = True  # False: the page could not be reached; try again later


def name_key(name: str) -> str:
    """The key under which a person's full name merges across articles."""
    return " ".join(name.casefold().replace(".", " ").split())


class Store:
    """A connection to one database file; thread-safe through one lock."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
            self.db.execute("PRAGMA foreign_keys=ON")
            # Statement journals (every savepoint and multi-row write opens one) in memory,
            # not a temporary file created and deleted per transaction: a quarter less time
            # storing a refresh.
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.create_function("canonical_url", 1, _canonical_or_same, deterministic=True)
            self._migrate()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None

    # -- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error."""
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreBusy(f"the database is busy: {exc}") from None
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException as exc:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the original error is the one to report
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"the database refused a write: {exc}") from exc
                raise

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the database {self.path} was written by a newer newsreader "
                f"(schema {version}, this one knows {len(MIGRATIONS)})"
            )
        if version == len(MIGRATIONS):
            return
        with self.write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number + 1}")

    def integrity_check(self) -> str:
        return str(self._query("PRAGMA integrity_check")[0][0])

    # -- feeds ----------------------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        title: str = "",
        *,
        user_title: str | None = None,
        site_url: str | None = None,
        tags: Iterable[str] = (),
    ) -> int:
        """Insert a feed and return its id; raise StoreError if the URL is already there."""
        with _unique_url(url), self.write() as db:
            cur = db.execute(
                "INSERT INTO feeds (id, url, title, user_title, site_url, tags, created) "
                f"VALUES ({_NEXT_FEED_ID}, ?, ?, ?, ?, ?, ?)",
                (url, title, user_title, site_url, json.dumps(sorted(set(tags))), time.time()),
            )
            return int(cur.lastrowid or 0)

    def add_feed_with_entries(
        self,
        url: str,
        title: str,
        entries: Sequence[ParsedEntry],
        *,
        user_title: str | None = None,
        site_url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> int:
        """Insert a fetched feed and its entries in one transaction; return the feed's id."""
        now = time.time()
        with _unique_url(url), self.write() as db:
            cur = db.execute(
                "INSERT INTO feeds (id, url, title, user_title, site_url, etag, last_modified, "
                f"last_refreshed, created) VALUES ({_NEXT_FEED_ID}, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, title, user_title, site_url, etag, last_modified, now, now),
            )
            feed_id = int(cur.lastrowid or 0)
            _insert_entries(db, feed_id, entries, now)
            return feed_id

    def add_feeds(self, feeds: Sequence[tuple[str, str, str | None, Sequence[str]]]) -> int:
        """Insert many feeds (url, title, site, tags) in one transaction (all or nothing);
        skip URLs already there. A title is kept as the user's name for the feed."""
        added = 0
        with self.write() as db:
            for url, title, site_url, tags in feeds:
                # The file's title is the name its owner gave the feed: it stays, like a
                # title given to ``add``, instead of being replaced by the feed's own.
                cur = db.execute(
                    "INSERT INTO feeds (id, url, title, user_title, site_url, tags, created) "
                    f"VALUES ({_NEXT_FEED_ID}, ?, '', ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                    (url, title or None, site_url, json.dumps(sorted(set(tags))), time.time()),
                )
                added += cur.rowcount
        return added

    def find_feed(self, ref: str) -> FeedRow | None:
        """A feed by id (digits) or URL."""
        ref = ref.strip()
        rows: list[sqlite3.Row] = []
        if ref.isdigit():
            rows = self._feed_rows("WHERE f.id = ?", (int(ref),))
        if not rows:
            rows = self._feed_rows("WHERE f.url = ?", (ref,))
        if not rows and not ref.endswith("/"):
            rows = self._feed_rows("WHERE f.url = ?", (ref + "/",))
        if not rows:
            canonical = _canonical_or_same(ref)  # HTTP://Example.com/feed#top
            if canonical != ref:
                rows = self._feed_rows("WHERE f.url = ?", (canonical,))
        return _feed_row(rows[0]) if rows else None

    def feeds(self) -> list[FeedRow]:
        return [_feed_row(r) for r in self._feed_rows("", ())]

    def _feed_rows(self, where: str, params: Sequence[object]) -> list[sqlite3.Row]:
        return self._query(
            # one grouped pass over the articles: correlated COUNTs per feed picked the
            # (read, published) index and scanned every unread row per feed (17 s at 100k)
            "SELECT f.*, COALESCE(c.n_articles, 0) AS n_articles, "
            "COALESCE(c.n_unread, 0) AS n_unread FROM feeds f LEFT JOIN "
            "(SELECT feed_id, COUNT(*) AS n_articles, SUM(read = 0) AS n_unread "
            "FROM articles GROUP BY feed_id) c ON c.feed_id = f.id "
            f"{where} ORDER BY COALESCE(f.user_title, f.title) COLLATE NOCASE, f.id",
            params,
        )

    def feed_states(self, ids: Sequence[int] | None = None) -> list[FeedState]:
        rows = self._query(
            "SELECT id, url, title, etag, last_modified, retry_after FROM feeds ORDER BY id"
        )
        wanted = set(ids) if ids is not None else None
        return [
            FeedState(
                r["id"], r["url"], r["title"], r["etag"], r["last_modified"], r["retry_after"]
            )
            for r in rows
            if wanted is None or r["id"] in wanted
        ]

    def remove_feed(self, feed_id: int) -> bool:
        with self.write() as db:
            cur = db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            db.execute("DELETE FROM people WHERE id NOT IN (SELECT person_id FROM article_people)")
            return cur.rowcount > 0

    def set_feed_error(
        self, feed_id: int, error: str | None, retry_after: float | None = None
    ) -> None:
        """Record why the last refresh of a feed failed (its last good refresh time stays),
        and when its server asked to be asked again, if it did."""
        with self.write() as db:
            db.execute(
                "UPDATE feeds SET last_error = ?, retry_after = ? WHERE id = ?",
                (error, retry_after, feed_id),
            )

    def store_entries(
        self,
        feed_id: int,
        entries: Sequence[ParsedEntry],
        *,
        title: str | None = None,
        site_url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        url: str | None = None,
    ) -> StoredEntries:
        """Upsert one fetch of a feed in one transaction; read and star flags are kept."""
        update = FeedUpdate(feed_id, tuple(entries), title, site_url, etag, last_modified, url)
        with self.write() as db:
            return _apply(db, update)

    def apply_feed_updates(
        self, updates: Sequence[FeedUpdate | FeedUnchanged]
    ) -> list[StoredEntries | StoreError | None]:
        """Store several feeds' refresh results in one transaction, each in its own savepoint.

        One commit (and one round of full-text index merging) for many feeds costs a third
        less than a transaction each. A feed whose write fails is rolled back to its savepoint
        and gets a ``StoreError`` in its place; the others still commit.
        """
        return self._in_savepoints(updates, _apply)

    def set_feed_title(self, feed_id: int, title: str) -> None:
        with self.write() as db:
            db.execute("UPDATE feeds SET user_title = ? WHERE id = ?", (title, feed_id))

    # -- articles -------------------------------------------------------------------------

    def pending_articles(
        self, feed_ids: Sequence[int] | None = None, *, article_ids: Sequence[int] | None = None
    ) -> list[PendingArticle]:
        """Articles with a link whose page has not been extracted yet."""
        sql = (
            "SELECT id, feed_id, link, title, author, summary FROM articles "
            "WHERE extracted_at IS NULL AND link IS NOT NULL"
        )
        params: list[object] = []
        if article_ids is not None:
            sql += f" AND id IN ({','.join('?' * len(article_ids))})"
            params += list(article_ids)
        elif feed_ids is not None:
            sql += f" AND feed_id IN ({','.join('?' * len(feed_ids))})"
            params += list(feed_ids)
        sql += " ORDER BY published DESC"
        return [
            PendingArticle(r["id"], r["feed_id"], r["link"], r["title"], r["author"], r["summary"])
            for r in self._query(sql, params)
        ]

    def save_extraction(
        self,
        article_id: int,
        *,
        text: str | None,
        source: str,
        error: str | None,
        analysis: Analysis | None,
        author: str | None = None,
        final: bool = True,
    ) -> None:
        """Store an article's extracted text (or the fallback) and its quotes and people.

        ``final`` false (the page could not be reached this time) keeps the article pending,
        so the next refresh or opening tries its page again.
        """
        with self.write() as db:
            _save_extraction(
                db, Extraction(article_id, text, source, error, analysis, author, final)
            )

    def save_extractions(self, items: Sequence[Extraction]) -> list[StoreError | None]:
        """Store several articles' extractions in one transaction, each in its own savepoint.

        An article whose write fails is rolled back alone and gets a ``StoreError``.
        """
        return self._in_savepoints(items, _save_extraction)

    def _in_savepoints(
        self, items: Sequence[_Item], write: Callable[[sqlite3.Connection, _Item], _Result]
    ) -> list[_Result | StoreError]:
        """Write each item in its own savepoint of one transaction (see apply_feed_updates)."""
        results: list[_Result | StoreError] = []
        with self.write() as db:
            for item in items:
                db.execute("SAVEPOINT item")
                try:
                    results.append(write(db, item))
                except sqlite3.Error as exc:
                    if not db.in_transaction:
                        raise  # SQLite abandoned the whole transaction: report the real error
                    db.execute("ROLLBACK TO item")
                    results.append(StoreError(f"the database refused a write: {exc}"))
                db.execute("RELEASE item")
        return results

    def save_analysis(self, article_id: int, analysis: Analysis) -> None:
        with self.write() as db:
            _save_analysis(db, article_id, analysis)

    def articles(
        self,
        *,
        feed_id: int | None = None,
        unread_only: bool = False,
        starred_only: bool = False,
        person: str | None = None,
        ids: Sequence[int] | None = None,
        before: tuple[float, int] | None = None,
        limit: int | None = None,
    ) -> list[ArticleRow]:
        """Articles newest first, filtered.

        ``before`` is the (published, id) of the last row of a previous page: keyset paging,
        so each page is an index range scan however deep into the list it is.
        """
        where: list[str] = []
        params: list[object] = []
        if feed_id is not None:
            where.append("a.feed_id = ?")
            params.append(feed_id)
        if unread_only:
            where.append("a.read = 0")
        if starred_only:
            where.append("a.starred = 1")
        if person is not None:
            where.append(
                "a.id IN (SELECT ap.article_id FROM article_people ap JOIN people p "
                "ON p.id = ap.person_id WHERE p.name_key = ?)"
            )
            params.append(name_key(person))
        if ids is not None:
            where.append(f"a.id IN ({','.join('?' * len(ids))})")
            params += list(ids)
        if before is not None:
            where.append("(a.published, a.id) < (?, ?)")
            params += [before[0], before[1]]
        sql = (
            "SELECT a.id, a.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url) AS ft, "
            "a.title, a.link, a.author, a.published, a.read, a.starred "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published DESC, a.id DESC"
        if limit:
            sql += f" LIMIT {max(1, int(limit))}"
        return [
            ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8]))
            for r in self._query(sql, params)
        ]

    def articles_page(
        self, *, before: tuple[float, int] | None = None, limit: int = 1000, **filters: Any
    ) -> list[ArticleRow]:
        """One page of ``articles()``: up to ``limit`` rows older than ``before``."""
        return self.articles(before=before, limit=limit, **filters)

    def article(self, article_id: int) -> ArticleDetail | None:
        rows = self._query(
            "SELECT a.*, COALESCE(f.user_title, NULLIF(f.title, ''), f.url) AS ft "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        r = rows[0]
        quotes = tuple(
            Quote(q["text"], q["speaker"], q["cue"], q["start"], q["end"], bool(q["partial"]))
            for q in self._query(
                "SELECT * FROM quotes WHERE article_id = ? ORDER BY start", (article_id,)
            )
        )
        people = tuple(
            Person(
                p["name"], tuple(json.loads(p["aliases"])), p["mentions"], p["quotes"], p["role"]
            )
            for p in self._query(
                "SELECT p.name, ap.* FROM article_people ap JOIN people p ON p.id = ap.person_id "
                "WHERE ap.article_id = ? ORDER BY ap.position",
                (article_id,),
            )
        )
        return ArticleDetail(
            id=r["id"],
            feed_id=r["feed_id"],
            feed_title=r["ft"],
            title=r["title"],
            link=r["link"],
            author=r["author"],
            published=r["published"],
            read=bool(r["read"]),
            starred=bool(r["starred"]),
            text=r["text"],
            text_source=r["text_source"] if r["extracted_at"] is not None else "",
            extract_error=r["extract_error"],
            quotes=quotes,
            people=people,
        )

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> int:
        if not article_ids:
            return 0
        with self.write() as db:
            total = 0
            for chunk in _chunks(article_ids, 500):
                cur = db.execute(
                    f"UPDATE articles SET read = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    (int(read), *chunk),
                )
                total += cur.rowcount
            return total

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self.write() as db:
            db.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def search(self, query: str, limit: int = 50) -> list[tuple[ArticleRow, str]]:
        """Full-text search, best matches first, each with a short snippet."""
        match = fts_query(query)
        if not match:
            return []
        rows = self._query(
            "SELECT a.id, a.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), "
            "a.title, a.link, a.author, a.published, a.read, a.starred, "
            "snippet(articles_fts, 1, '', '', '…', 12) "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "JOIN feeds f ON f.id = a.feed_id "
            "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?",
            (match, limit),
        )
        return [
            (ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8])), r[9])
            for r in rows
        ]

    # -- people ---------------------------------------------------------------------------

    def people(self, limit: int | None = None) -> list[tuple[str, int, int, str | None]]:
        """People across all articles: (name, articles, quotes, role), most covered first."""
        sql = (
            "SELECT p.name, COUNT(ap.article_id) AS n_articles, SUM(ap.quotes) AS n_quotes, "
            "(SELECT ap2.role FROM article_people ap2 WHERE ap2.person_id = p.id "
            " AND ap2.role IS NOT NULL ORDER BY ap2.article_id DESC LIMIT 1) AS role, "
            "SUM(ap.mentions) AS n_mentions "
            "FROM people p JOIN article_people ap ON ap.person_id = p.id "
            "GROUP BY p.id ORDER BY n_articles DESC, n_mentions DESC, p.name"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [(r[0], r[1], r[2] or 0, r[3]) for r in self._query(sql)]

    def quotes_by(self, name: str) -> list[tuple[Quote, int, str, float]]:
        """Every quote by a person: (quote, article id, article title, published)."""
        rows = self._query(
            "SELECT q.*, a.title AS at, a.published AS ap FROM quotes q "
            "JOIN people p ON p.id = q.person_id JOIN articles a ON a.id = q.article_id "
            "WHERE p.name_key = ? ORDER BY a.published DESC, q.start",
            (name_key(name),),
        )
        return [
            (
                Quote(q["text"], q["speaker"], q["cue"], q["start"], q["end"], bool(q["partial"])),
                q["article_id"],
                q["at"],
                q["ap"],
            )
            for q in rows
        ]

    def person_name(self, name: str) -> str | None:
        """The stored spelling of a person's name, matched loosely (case, dots, last name)."""
        key = name_key(name)
        rows = self._query("SELECT name FROM people WHERE name_key = ?", (key,))
        if rows:
            return str(rows[0][0])
        rows = self._query(
            "SELECT p.name FROM people p JOIN article_people ap ON ap.person_id = p.id "
            "WHERE p.name_key LIKE ? ESCAPE '\\' GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1",
            ("% " + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),),
        )
        return str(rows[0][0]) if rows else None

    def counts(self) -> dict[str, int]:
        row = self._query(
            "SELECT (SELECT COUNT(*) FROM feeds), (SELECT COUNT(*) FROM articles), "
            "(SELECT COUNT(*) FROM articles WHERE read = 0), "
            "(SELECT COUNT(*) FROM articles WHERE starred = 1)"
        )[0]
        return {"feeds": row[0], "articles": row[1], "unread": row[2], "starred": row[3]}


@contextmanager
def _unique_url(url: str) -> Iterator[None]:
    """Turn the UNIQUE(url) failure of a feed insert into a message for the user."""
    try:
        yield
    except StoreError as exc:
        if isinstance(exc.__cause__, sqlite3.IntegrityError):
            raise StoreError(f"the feed {url} is already there") from None
        raise


def _apply(db: sqlite3.Connection, update: FeedUpdate | FeedUnchanged) -> StoredEntries | None:
    """Write one feed's refresh result inside the caller's transaction."""
    now = time.time()
    if isinstance(update, FeedUnchanged):
        db.execute(
            "UPDATE feeds SET last_refreshed = ?, last_error = NULL, retry_after = NULL, "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) "
            "WHERE id = ?",
            (now, update.etag, update.last_modified, update.feed_id),
        )
        if update.url:
            _move_url(db, update.feed_id, update.url)
        return None
    feed_id = update.feed_id
    title = update.title or ""
    changed = db.execute(
        "UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END, "
        "site_url = COALESCE(?, site_url), etag = ?, last_modified = ?, "
        "last_refreshed = ?, last_error = NULL, retry_after = NULL WHERE id = ?",
        (title, title, update.site_url, update.etag, update.last_modified, now, feed_id),
    ).rowcount
    if not changed:
        return StoredEntries((), 0)  # removed while it was being refreshed: nothing to keep
    existing = {
        row[0]: (row[1], row[2], row[3], row[4], row[5])
        for row in db.execute(
            "SELECT key, id, title, link, summary, key_source FROM articles WHERE feed_id = ?",
            (feed_id,),
        )
    }
    keys_now: set[str] | None = None
    fresh: list[ParsedEntry] = []
    updated = 0
    for e in update.entries:
        old = existing.get(e.key)
        if old is None and e.legacy_key:
            # Earlier versions keyed a relative guid as feedparser resolved it. Take over that
            # row only if it was keyed by a guid and no entry of this fetch has that key.
            if keys_now is None:
                keys_now = {entry.key for entry in update.entries}
            legacy = existing.get(e.legacy_key)
            if legacy is not None and legacy[4] == "guid" and e.legacy_key not in keys_now:
                db.execute("UPDATE articles SET key = ? WHERE id = ?", (e.key, legacy[0]))
                del existing[e.legacy_key]
                old = existing[e.key] = legacy
        if old is None:
            fresh.append(e)
            continue
        article_id, old_title, old_link, old_summary, _ = old
        if (old_title, old_link, old_summary) == (e.title, e.link, e.summary):
            continue
        updated += 1
        db.execute(
            "UPDATE articles SET title = ?, link = ?, author = ?, summary = ?, "
            "text = CASE WHEN text_source = 'feed' THEN ? ELSE text END "
            "WHERE id = ?",
            (e.title, e.link, e.author, e.summary, e.summary, article_id),
        )
    new_ids = _insert_entries(db, feed_id, fresh, now)
    if update.url:
        _move_url(db, feed_id, update.url)
    return StoredEntries(tuple(new_ids), updated)


def _insert_entries(
    db: sqlite3.Connection, feed_id: int, entries: Sequence[ParsedEntry], now: float
) -> list[int]:
    """Insert entries not yet stored for a feed; return the new articles' ids."""
    new_ids: list[int] = []
    for e in entries:
        cur = db.execute(
            "INSERT INTO articles (feed_id, key, key_source, title, link, author, "
            "published, published_raw, summary, text, text_source, fetched) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'feed', ?) "
            "ON CONFLICT (feed_id, key) DO NOTHING",
            (
                feed_id,
                e.key,
                e.key_source,
                e.title,
                e.link,
                e.author,
                e.published,
                e.published_raw,
                e.summary,
                e.summary,
                now,
            ),
        )
        if cur.rowcount:
            new_ids.append(int(cur.lastrowid or 0))
    for chunk in _chunks(new_ids, 500):
        db.execute(
            "INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles "
            f"WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
    return new_ids


def _save_extraction(db: sqlite3.Connection, item: Extraction) -> None:
    done = time.time() if item.final else None
    if item.text is not None:
        db.execute(
            "UPDATE articles SET text = ?, text_source = ?, extracted_at = ?, "
            "extract_error = ?, author = COALESCE(author, ?) WHERE id = ?",
            (item.text, item.source, done, item.error, item.author, item.article_id),
        )
    else:
        db.execute(
            "UPDATE articles SET text_source = ?, extracted_at = ?, extract_error = ? WHERE id = ?",
            (item.source, done, item.error, item.article_id),
        )
    if item.analysis is not None:
        _save_analysis(db, item.article_id, item.analysis)


def _save_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis) -> None:
    db.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM article_people WHERE article_id = ?", (article_id,))
    ids: dict[str, int] = {}
    for position, person in enumerate(analysis.people):
        key = name_key(person.name)
        if not key or key in ids:
            continue
        db.execute(
            "INSERT INTO people (name, name_key) VALUES (?, ?) ON CONFLICT (name_key) DO NOTHING",
            (person.name, key),
        )
        person_id = db.execute("SELECT id FROM people WHERE name_key = ?", (key,)).fetchone()[0]
        ids[key] = person_id
        for alias in person.aliases:
            ids.setdefault(name_key(alias), person_id)
        db.execute(
            "INSERT INTO article_people (article_id, person_id, aliases, mentions, quotes, role, "
            "position) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                person_id,
                json.dumps(list(person.aliases)),
                person.mentions,
                person.quotes,
                person.role,
                position,
            ),
        )
    for quote in analysis.quotes:
        person_id = ids.get(name_key(quote.speaker)) if quote.speaker else None
        db.execute(
            "INSERT INTO quotes (article_id, person_id, speaker, cue, text, start, end, partial) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                person_id,
                quote.speaker,
                quote.cue,
                quote.text,
                quote.start,
                quote.end,
                int(quote.partial),
            ),
        )
    db.execute("UPDATE articles SET analyzed_at = ? WHERE id = ?", (time.time(), article_id))


def _move_url(db: sqlite3.Connection, feed_id: int, url: str) -> None:
    """Follow a permanent redirect, unless another feed already has that URL."""
    taken = db.execute("SELECT 1 FROM feeds WHERE url = ? AND id != ?", (url, feed_id)).fetchone()
    if not taken:
        db.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))


def _feed_row(r: sqlite3.Row) -> FeedRow:
    return FeedRow(
        id=r["id"],
        url=r["url"],
        title=r["user_title"] or r["title"] or r["url"],
        site_url=r["site_url"],
        tags=tuple(json.loads(r["tags"] or "[]")),
        articles=r["n_articles"],
        unread=r["n_unread"],
        last_refreshed=r["last_refreshed"],
        last_error=r["last_error"],
    )


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    parts: list[str] = []
    current: list[str] = []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            parts.append(joined)
            current = []
    if "\n".join(current).strip():
        parts.append("\n".join(current).strip())
    return parts


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_FTS_TOKEN = re.compile(r"\w{1,64}")


def fts_query(query: str) -> str:
    """A safe FTS5 query from user words: each word a quoted prefix term, all required."""
    words = _FTS_TOKEN.findall(query)[:32]
    return " ".join(f'"{w}"*' for w in words)
