"""``auto_refresh_minutes``: the timer really refreshes every feed while the app is open."""

from __future__ import annotations

from reader.config import Config
from reader.core.store import Store
from reader.ui.app import MainScreen
from tests.ui.test_flows import serve_feed, wait_for

SIZE = (100, 30)


async def test_the_auto_refresh_timer_refreshes_all_feeds(tmp_path, app_for, server) -> None:
    url = serve_feed(server, 3)
    store = Store(tmp_path / "auto.db")
    store.add_feed(url, "Loop")
    config = Config(auto_refresh_minutes=0.5 / 60)  # every half second
    app = app_for(store, config, backend=True)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.pause()
        assert screen.article_list.rows == []
        # no key pressed: only the timer can fetch the feed
        await wait_for(pilot, lambda: len(server.hits("/feed.xml")) >= 1, timeout=20)
        await wait_for(pilot, lambda: len(screen.article_list.rows) == 3, timeout=20)
        await wait_for(pilot, lambda: len(server.hits("/feed.xml")) >= 2, timeout=20)
        assert app.is_running and app.return_code is None
        # end with no refresh child in flight (its transport would outlive the loop)
        screen.run_refresh = lambda *args, **kwargs: None  # type: ignore[method-assign]
        await wait_for(pilot, lambda: not screen.refreshing, timeout=20)
    store.close()


async def test_no_timer_when_auto_refresh_is_off(tmp_path, app_for, server) -> None:
    url = serve_feed(server, 1)
    store = Store(tmp_path / "off.db")
    store.add_feed(url, "Loop")
    app = app_for(store, Config(), backend=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.0)
        assert server.hits("/feed.xml") == []
    store.close()
