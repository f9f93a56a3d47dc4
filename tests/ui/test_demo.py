"""The offline demo: bundled articles through the real pipeline from a loopback server."""

from __future__ import annotations

import asyncio

from reader.config import Config
from reader.core.store import Store
from reader.demo import DemoServer, demo_database, load_articles
from reader.ui.app import make_app


def test_bundled_articles_are_packaged_and_parse() -> None:
    articles = load_articles()
    assert 5 <= len(articles) <= 8
    assert all(a.paragraphs and a.title and a.feed for a in articles)


def test_demo_server_binds_loopback_only() -> None:
    server = DemoServer(now=1_800_000_000)
    try:
        assert server.base.startswith("http://127.0.0.1:")
        assert len(server.feed_urls()) == 2
    finally:
        server.close()


def test_demo_database_has_quotes_and_people() -> None:
    with demo_database() as (db_path, _settings):
        store = Store(db_path)
        rows = store.articles()
        assert len(rows) == len(load_articles())
        details = [store.article(r.id) for r in rows]
        assert all(d is not None and d.text_source == "page" for d in details)
        assert sum(len(d.quotes) for d in details if d) >= 10
        names = {name for name, *_ in store.people()}
        assert {"Maria Lopez", "Claire Dubois"} <= names
        app = make_app(Config(), store, with_backend=False)

        async def look() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press("enter")
                await pilot.pause()
                assert app.main_screen.reading.article is not None
                assert app.main_screen.summary.quotes

        asyncio.run(look())
        store.close()
