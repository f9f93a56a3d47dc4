"""The SQLite store on a real file: migrations, upserts, read state, FTS, people index, lock."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.service import refresh_lock
from reader.core.store import MIGRATIONS, Store, fts_query
from reader.errors import AlreadyRunning, StoreError
from reader.models import Analysis, ParsedEntry, Person, Quote


def entry(key: str, title: str = "T", summary: str = "s", published: float = 1.7e9) -> ParsedEntry:
    return ParsedEntry(
        key, "guid", title, f"https://n.example/{key}", None, published, None, summary
    )


def test_pragmas_and_migrations(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    Store(path).close()
    with Store(path) as store:  # reopening does not migrate twice
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
        assert store.integrity_check() == "ok"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    with pytest.raises(StoreError, match="newer newsreader"):
        Store(path)


def test_upsert_keeps_read_and_star(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        feed = store.add_feed("https://n.example/feed", "N")
        first = store.store_entries(feed, [entry("a"), entry("b")])
        assert len(first.new_ids) == 2
        a_id = first.new_ids[0]
        store.set_read([a_id])
        store.set_starred(a_id, True)
        again = store.store_entries(feed, [entry("a", title="T2"), entry("b"), entry("c")])
        assert len(again.new_ids) == 1 and again.updated == 1
        detail = store.article(a_id)
        assert detail and detail.title == "T2" and detail.read and detail.starred
        assert store.counts() == {"feeds": 1, "articles": 3, "unread": 2, "starred": 1}


def test_same_key_in_two_feeds_is_two_articles(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        f1 = store.add_feed("https://one.example/feed")
        f2 = store.add_feed("https://two.example/feed")
        store.store_entries(f1, [entry("same")])
        store.store_entries(f2, [entry("same")])
        assert store.counts()["articles"] == 2


def test_duplicate_feed_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        store.add_feed("https://n.example/feed")
        with pytest.raises(StoreError, match="already there"):
            store.add_feed("https://n.example/feed")


def test_fts_search_ranks_title_matches_first(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        feed = store.add_feed("https://n.example/feed")
        ids = store.store_entries(
            feed,
            [
                entry("1", "Weather today", "Rain, and the harbour budget was mentioned."),
                entry("2", "Harbour budget approved", "The council approved it."),
                entry("3", "Sport", "Nothing here."),
            ],
        ).new_ids
        hits = store.search("harbour budget")
        assert [a.title for a, _ in hits] == ["Harbour budget approved", "Weather today"]
        store.save_extraction(
            ids[2], text="Page text about a lighthouse.", source="page", error=None, analysis=None
        )
        assert [a.id for a, _ in store.search("lighthouse")] == [ids[2]]
        assert store.search('" OR * NEAR(') == []  # user input never breaks FTS syntax


def test_fts_query_quotes_words() -> None:
    assert fts_query('foo "bar" -baz') == '"foo"* "bar"* "baz"*'
    assert fts_query("()") == ""


def test_people_index_merges_across_articles(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        feed = store.add_feed("https://n.example/feed")
        a, b = store.store_entries(feed, [entry("a"), entry("b")]).new_ids
        quote = Quote("We will act", "Jim Mattis", "said", 1, 12)
        store.save_analysis(
            a,
            Analysis(
                (quote,),
                (
                    Person("Jim Mattis", ("Mr Mattis",), 3, 1, "defence secretary"),
                    Person("Vladimir Putin", (), 1, 0, None),
                ),
            ),
        )
        store.save_analysis(b, Analysis((), (Person("Jim Mattis", ("Mattis",), 1, 0, None),)))
        people = store.people()
        assert people[0] == ("Jim Mattis", 2, 1, "defence secretary")
        assert store.person_name("mattis") == "Jim Mattis"
        assert store.person_name("jim  mattis") == "Jim Mattis"
        # LIKE's wildcards in what the user typed are plain characters
        assert [store.person_name(q) for q in ("%", "m_ttis", "M%", "_")] == [None] * 4
        assert [r.id for r in store.articles(person="Jim Mattis")] == [b, a] or sorted(
            r.id for r in store.articles(person="Jim Mattis")
        ) == sorted([a, b])
        quotes = store.quotes_by("Jim Mattis")
        assert [(q.text, aid) for q, aid, _, _ in quotes] == [("We will act", a)]
        detail = store.article(a)
        assert detail and detail.quotes == (quote,)
        assert [p.name for p in detail.people] == ["Jim Mattis", "Vladimir Putin"]
        # Re-analysing replaces, never duplicates.
        store.save_analysis(a, Analysis((quote,), (Person("Jim Mattis", (), 1, 1, None),)))
        assert len(store.quotes_by("Jim Mattis")) == 1
        # Removing the feed removes its articles and orphaned people.
        store.remove_feed(feed)
        assert store.people() == [] and store.counts()["articles"] == 0


def test_refresh_lock_names_holder(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    code = (
        "import sys, time\n"
        "from reader.core.service import refresh_lock\n"
        f"with refresh_lock({str(db)!r}):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(30)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout and child.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning, match=f"PID {child.pid}"), refresh_lock(db):
            pass
    finally:
        child.kill()
        child.wait()
    with refresh_lock(db):  # the kernel released the dead holder's lock
        pass


def test_batched_feed_updates_fail_alone(tmp_path: Path) -> None:
    """Many feeds in one transaction: a feed whose write fails rolls back alone."""
    from reader.core.store import FeedUnchanged, FeedUpdate, StoredEntries

    with Store(tmp_path / "a.db") as store:
        a = store.add_feed("https://a.example/feed", "A")
        b = store.add_feed("https://b.example/feed", "B")
        results = store.apply_feed_updates(
            [
                FeedUpdate(a, (entry("a1"), entry("a2")), title="A2", etag='"e"'),
                # a key the schema refuses (NOT NULL): this feed's write fails
                FeedUpdate(
                    b, (entry("b1"), dataclasses.replace(entry("x1"), key=None, key_source="hash"))
                ),
                FeedUnchanged(b, etag='"b"'),
                FeedUpdate(9999, (entry("x2"),)),  # removed meanwhile: nothing to keep, no error
            ]
        )
        assert isinstance(results[0], StoredEntries) and len(results[0].new_ids) == 2
        assert isinstance(results[1], StoreError) and "refused" in str(results[1])
        assert results[2] is None
        assert results[3] == StoredEntries((), 0)
        n = store.db.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id").fetchall()
        assert [tuple(r) for r in n] == [(a, 2)]
        etags = dict(store.db.execute("SELECT id, etag FROM feeds").fetchall())
        assert etags == {a: '"e"', b: '"b"'}
        assert store.integrity_check() == "ok"


def fts_exact(store: Store) -> None:
    """FTS5's own check of the index against the articles it was built from."""
    store.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_fts_index_matches_articles_through_every_write(tmp_path: Path) -> None:
    """New rows are indexed once per feed write, not by a trigger: the index stays exact."""
    from reader.core.store import FeedUpdate

    with Store(tmp_path / "a.db") as store:
        a = store.add_feed("https://a.example/feed", "A")
        b = store.add_feed("https://b.example/feed", "B")
        many = [entry(f"k{i}", f"Harbour {i}", f"tide word{i}") for i in range(1200)]
        store.apply_feed_updates(
            [FeedUpdate(a, tuple(many)), FeedUpdate(b, (entry("b1", "Lighthouse", "fog"),))]
        )
        fts_exact(store)
        assert len(store.search("harbour", limit=5000)) == 1200
        assert [x.title for x, _ in store.search("word1199")] == ["Harbour 1199"]
        # an entry seen again with a new title, one new entry, an extracted page
        again = store.store_entries(b, [entry("b1", "Beacon", "fog"), entry("b2", "Gull", "")])
        assert again.updated == 1 and len(again.new_ids) == 1
        store.save_extraction(
            again.new_ids[0], text="Page text on puffins.", source="page", error=None, analysis=None
        )
        fts_exact(store)
        assert store.search("lighthouse") == []
        assert [x.title for x, _ in store.search("beacon")] == ["Beacon"]
        assert [x.title for x, _ in store.search("puffins")] == ["Gull"]
        assert store.remove_feed(a)
        fts_exact(store)
        assert store.search("harbour") == []


def test_migration_to_indexing_per_feed_keeps_old_rows(tmp_path: Path) -> None:
    """A database made before migration 4 (rows indexed by a trigger) stays exact after it."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:3]:
            db.executescript(script)
        db.execute("PRAGMA user_version=3")
        db.execute("INSERT INTO feeds (url, title, created) VALUES ('https://o.example/f', 'O', 0)")
        db.execute(
            "INSERT INTO articles (feed_id, key, key_source, title, published, text, fetched) "
            "VALUES (1, 'old', 'guid', 'Old harbour', 1e9, 'kept text', 1e9)"
        )
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        store.store_entries(1, [entry("new", "New harbour", "more text")])
        fts_exact(store)
        assert sorted(x.title for x, _ in store.search("harbour")) == ["New harbour", "Old harbour"]


def test_relative_guid_stored_resolved_by_an_earlier_version_is_found_again(
    tmp_path: Path,
) -> None:
    from reader.core.store import FeedUpdate

    with Store(tmp_path / "a.db") as store:
        feed = store.add_feed("http://old.example/news/feed.xml", "A")
        # what an earlier version stored for <guid>12345</guid>: the key resolved
        (old_id,) = store.store_entries(feed, [entry("http://old.example/news/12345")]).new_ids
        store.set_read([old_id])
        relative = dataclasses.replace(entry("12345"), legacy_key="http://old.example/news/12345")
        (result,) = store.apply_feed_updates([FeedUpdate(feed, (relative, entry("999")))])
        assert not isinstance(result, StoreError) and result is not None
        assert len(result.new_ids) == 1  # only "999" is new
        rows = store.db.execute("SELECT id, key, read FROM articles ORDER BY id").fetchall()
        assert tuple(rows[0]) == (old_id, "12345", 1) and len(rows) == 2


def test_a_removed_feeds_id_is_never_given_to_another(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        ids = [store.add_feed(f"https://{n}.example/feed") for n in "abc"]
        assert store.remove_feed(ids[-1])
        d = store.add_feed("https://d.example/feed")
        assert store.remove_feed(d)
        e = store.add_feed_with_entries("https://e.example/feed", "E", [entry("k")])
        assert store.remove_feed(e)
        assert store.add_feeds([("https://f.example/feed", "F", None, ())]) == 1
        assert [f.id for f in store.feeds()] == [*ids[:2], ids[-1] + 3]
    # A database from before the counter: it starts from the highest id still there.
    old = tmp_path / "old.db"
    with Store(old) as store:
        store.add_feed("https://a.example/feed")
        store.add_feed("https://b.example/feed")
        store.db.executescript(
            "DROP TRIGGER feeds_id_high; DROP TABLE id_high; "
            "ALTER TABLE feeds DROP COLUMN retry_after; PRAGMA user_version = 4;"
        )
    with Store(old) as store:
        assert store.add_feed("https://c.example/feed") == 3
        assert store.remove_feed(3) and store.add_feed("https://d.example/feed") == 4


def test_a_legacy_key_never_takes_over_another_entrys_row(tmp_path: Path) -> None:
    from reader.core.store import FeedUpdate

    with Store(tmp_path / "a.db") as store:
        feed = store.add_feed("http://h.example/news/feed.xml", "A")
        link_keyed = dataclasses.replace(entry("http://h.example/news/5"), key_source="link")
        guid_keyed = entry("http://h.example/news/7")
        first = store.store_entries(feed, [link_keyed, guid_keyed]).new_ids
        store.set_read(first)
        # "5": the old row was keyed by a link, not by this guid. "7": another entry of the
        # same fetch still has the old key, so the row stays that entry's.
        five = dataclasses.replace(entry("5"), legacy_key="http://h.example/news/5")
        seven = dataclasses.replace(entry("7"), legacy_key="http://h.example/news/7")
        (result,) = store.apply_feed_updates([FeedUpdate(feed, (five, seven, guid_keyed))])
        assert not isinstance(result, StoreError) and result is not None
        assert len(result.new_ids) == 2
        keys = dict(store.db.execute("SELECT key, read FROM articles").fetchall())
        assert keys == {
            "http://h.example/news/5": 1,
            "http://h.example/news/7": 1,
            "5": 0,
            "7": 0,
        }


def test_urls_stored_as_typed_by_an_earlier_version_get_their_canonical_spelling(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        for url in (
            "HTTPS://Example.com:443/Feed.xml#top",
            "http://a.example/feed",
            "http://A.example/feed",  # the same feed twice: left as it is, nothing lost
        ):
            store.db.execute("INSERT INTO feeds (url, created) VALUES (?, 0)", (url,))
        store.db.execute("PRAGMA user_version = 6")
    with Store(path) as store:
        urls = [f.url for f in store.feeds()]
        assert sorted(urls) == [
            "http://A.example/feed",
            "http://a.example/feed",
            "https://example.com/Feed.xml",
        ]
        assert store.find_feed("https://example.com/Feed.xml") is not None
        # and a feed is found by any spelling of its address
        assert store.find_feed("HTTPS://EXAMPLE.com/Feed.xml#x") is not None
        assert store.find_feed("https://example.com/feed.xml") is None  # path case matters
