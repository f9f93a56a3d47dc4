"""Refreshing in a child process: progress and the summary come back; the lock still holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from reader.core.service import Settings, refresh_in_child, refresh_lock
from reader.core.store import Store
from reader.errors import ReaderError
from tests.feeds import rss

T = TypeVar("T")
R = TypeVar("R")


def test_refresh_in_child_reports_progress_and_summary(server, tmp_path: Path) -> None:
    db = tmp_path / "child.db"
    items = [{"title": f"T{i}", "guid": f"g{i}", "link": server.url(f"/a{i}")} for i in range(3)]
    with Store(db) as store:
        store.add_feed(server.add("/feed.xml", rss(items)))
        store.add_feed(server.url("/missing.xml"))
    seen: list[tuple[str, int, int]] = []
    settings = Settings(full_text=False)
    summary = asyncio.run(refresh_in_child(db, None, settings, lambda *p: seen.append(p)))
    assert (summary.feeds, summary.refreshed, summary.new_articles) == (2, 1, 3)
    assert len(summary.errors) == 1 and "404" in summary.errors[0][1]
    assert ("feeds", 2, 2) in seen
    with Store(db) as store:
        assert store.counts()["articles"] == 3


def test_refresh_in_child_says_when_another_refresh_runs(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    Store(db).close()
    with refresh_lock(db), pytest.raises(ReaderError, match="another refresh"):
        asyncio.run(refresh_in_child(db, None, Settings(full_text=False)))


def _counting(write_batch: Callable[[list[T]], R], sizes: list[int]) -> Callable[[list[T]], R]:
    """``write_batch``, noting the size of each batch it is given."""

    def write(items: list[T]) -> R:
        sizes.append(len(items))
        return write_batch(items)

    return write


def test_feed_writer_batches_results_that_arrive_together(tmp_path) -> None:
    """Results arriving while a batch is written share the next transaction."""
    import asyncio

    from reader.core.service import _BatchWriter
    from reader.core.store import FeedUpdate, Store
    from reader.models import ParsedEntry

    with Store(tmp_path / "w.db") as store:
        feeds = [store.add_feed(f"https://f{i}.example/feed") for i in range(20)]
        batches: list[int] = []

        async def go() -> list[int]:
            writer = _BatchWriter(_counting(store.apply_feed_updates, batches))
            entry = ParsedEntry("k", "guid", "T", None, None, 1.7e9, None, "s")
            stored = await asyncio.gather(*(writer.write(FeedUpdate(f, (entry,))) for f in feeds))
            return [len(s.new_ids) for s in stored if s is not None]

        assert asyncio.run(go()) == [1] * 20
        assert sum(batches) == 20 and len(batches) < 20  # at least one batch held several


def test_feed_writer_retries_alone_when_one_feed_undoes_the_batch(tmp_path) -> None:
    """An error that makes SQLite abandon the whole transaction fails only its own feed."""
    import asyncio

    from reader.core.service import _BatchWriter
    from reader.core.store import FeedUpdate, Store
    from reader.errors import StoreError
    from reader.models import ParsedEntry

    with Store(tmp_path / "w.db") as store:
        feeds = [store.add_feed(f"https://f{i}.example/feed") for i in range(4)]
        store.db.execute(
            "CREATE TEMP TRIGGER poison BEFORE INSERT ON articles WHEN new.title = 'poison' "
            "BEGIN SELECT RAISE(ROLLBACK, 'poisoned entry'); END"
        )

        def entry(title: str) -> ParsedEntry:
            return ParsedEntry(title, "guid", title, None, None, 1.7e9, None, "s")

        async def go() -> list[object]:
            writer = _BatchWriter(store.apply_feed_updates)
            titles = ["ok0", "poison", "ok2", "ok3"]
            return await asyncio.gather(
                *(
                    writer.write(FeedUpdate(f, (entry(t),)))
                    for f, t in zip(feeds, titles, strict=True)
                ),
                return_exceptions=True,
            )

        results = asyncio.run(go())
        assert isinstance(results[1], StoreError) and "poisoned" in str(results[1])
        assert [len(r.new_ids) for i, r in enumerate(results) if i != 1] == [1, 1, 1]  # type: ignore[union-attr]
        stored = store.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert stored == 3


def test_page_writer_batches_extractions_and_fails_one_alone(tmp_path) -> None:
    """Extracted pages are stored in shared transactions; a bad one fails by itself."""
    import asyncio

    from reader.core.service import _BatchWriter
    from reader.core.store import Extraction, Store
    from reader.errors import StoreError
    from reader.models import Analysis, ParsedEntry, Person, Quote

    with Store(tmp_path / "w.db") as store:
        feed = store.add_feed("https://f.example/feed")
        entries = [
            ParsedEntry(f"k{i}", "guid", f"T{i}", None, None, 1.7e9, None, "s") for i in range(8)
        ]
        ids = list(store.store_entries(feed, entries).new_ids)
        batches: list[int] = []
        said = Analysis(
            quotes=(Quote("We will.", "Ann Lee", "said", 0, 8),),
            people=(Person("Ann Lee", ("Ann Lee",), 1, 1, None),),
        )
        # the last one names an article that does not exist: its quotes break a foreign key
        items = [Extraction(i, f"Page {i} text", "page", None, said) for i in ids]
        items.append(Extraction(999_999, "x", "page", None, said))

        async def go() -> list[object]:
            writer = _BatchWriter(_counting(store.save_extractions, batches))
            return await asyncio.gather(*(writer.write(x) for x in items), return_exceptions=True)

        results = asyncio.run(go())
        assert results[:-1] == [None] * len(ids)
        assert isinstance(results[-1], StoreError)
        assert sum(batches) >= len(items) and len(batches) < len(items)
        texts = [store.article(i).text for i in ids]  # type: ignore[union-attr]
        assert texts == [f"Page {i} text" for i in ids]
        assert store.db.execute("SELECT count(*) FROM quotes").fetchone()[0] == len(ids)
