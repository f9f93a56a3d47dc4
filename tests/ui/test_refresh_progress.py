"""Refresh progress and new articles while one slow feed holds a refresh.

The status line once stayed on "Refreshing: 1/4 feeds" until the slow feed answered (the
updates after the first were throttled away and the last was never sent), and the articles of
the feeds already done appeared only at the end.
"""

from __future__ import annotations

import threading

import pytest

from reader.core.store import Store
from reader.ui import app as app_module
from reader.ui.app import MainScreen, ProgressThrottle, RefreshProgress
from tests.conftest import Route
from tests.feeds import rss
from tests.ui.test_flows import serve_feed, wait_for

SIZE = (120, 30)


def status_text(screen: MainScreen) -> str:
    return str(screen.query_one("#status").content)


def slow_feed(server, path: str, release: threading.Event) -> str:
    body = rss([], title="Slow")

    def answer(_request: object) -> Route:
        release.wait(30)
        return Route(200, {"Content-Type": "application/rss+xml"}, body)

    server.routes[path] = answer
    return server.url(path)


async def test_progress_shows_while_a_slow_feed_holds_the_refresh(
    tmp_path, app_for, server, monkeypatch
) -> None:
    monkeypatch.setattr(app_module, "POLL_SECONDS", 0.3)
    release = threading.Event()
    store = Store(tmp_path / "slow.db")
    for i in range(3):
        store.add_feed(serve_feed(server, 2, f"/fast{i}.xml", title=f"Fast {i}"), f"Fast {i}")
    store.add_feed(slow_feed(server, "/slow.xml", release), "Slow")
    app = app_for(store, backend=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen: MainScreen = app.main_screen
            await pilot.pause()
            await pilot.press("j")
            await pilot.press("R")
            await wait_for(pilot, lambda: "Refreshing: 3/4 feeds" in status_text(screen))
            assert screen.refreshing
            # The list is not reloaded while the refresh runs (a whole reload every tick
            # stalled the keys at 100,000 articles), but once, at its end.
            await pilot.pause(1.0)
            assert screen.refreshing and len(screen.article_list.rows) == 0
            release.set()
            await wait_for(pilot, lambda: not screen.refreshing, timeout=30)
            await wait_for(pilot, lambda: len(screen.article_list.rows) == 6)  # 3 feeds x 2
            assert "Refreshing" not in status_text(screen)
    finally:
        release.set()
        store.close()


@pytest.mark.parametrize("gap", [0.0, 0.05])
async def test_the_throttle_always_sends_the_latest(sample_store, app_for, gap) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        seen: list[tuple[int, int]] = []
        original = screen.post_message

        def record(message: object) -> bool:
            if isinstance(message, RefreshProgress):
                seen.append((message.done, message.total))
                return True
            return original(message)  # type: ignore[arg-type]

        screen.post_message = record  # type: ignore[method-assign]
        # A whole second between updates, so that a slow moment of a loaded test machine
        # cannot spread the five calls over two windows.
        throttle = ProgressThrottle(screen, interval=1.0)
        for done in range(1, 6):
            throttle("feeds", done, 9)
            if gap:
                await pilot.pause(gap)
        await pilot.pause(1.3)
        assert seen[0] == (1, 9) and seen[-1] == (5, 9)
        assert len(seen) < 5 or gap
        throttle("feeds", 9, 9)
        assert seen[-1] == (9, 9)
        throttle("feeds", 9, 9)
        throttle.stop()
