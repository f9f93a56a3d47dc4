"""A feed removed by another instance on the same database takes its open article away."""

from __future__ import annotations

import pytest

from reader.core.store import Store
from reader.ui.app import MainScreen


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_open_article_of_a_feed_removed_elsewhere_is_cleared(
    sample_store, app_for, size
) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("enter")  # row 0 is from Science Weekly
        await pilot.pause()
        opened = screen.opened
        assert opened is not None and opened.feed_title == "Science Weekly"
        screen.reading.focus()
        other = Store(sample_store.path)  # the second instance
        other.remove_feed(opened.feed_id)
        other.close()
        screen.poll()
        await pilot.pause()
        assert screen.opened is None and screen.reading.article is None
        assert screen.summary.quotes == ()
        messages = [n.message for n in app._notifications]
        assert any("A page nobody has extracted yet was removed" in m for m in messages)
        assert all(r.feed_title == "Harbor Herald" for r in screen.article_list.rows)
        await pilot.press("s", "m")  # nothing on screen: nothing happens, no crash
        await pilot.pause()
        assert app.is_running


async def test_an_article_still_there_stays_open(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("j", "enter")  # Harbor Herald
        await pilot.pause()
        opened = screen.opened
        assert opened is not None and opened.feed_title == "Harbor Herald"
        other = Store(sample_store.path)
        other.remove_feed(next(f.id for f in other.feeds() if f.title == "Science Weekly"))
        other.close()
        screen.poll()
        await pilot.pause()
        assert screen.opened is not None and screen.opened.id == opened.id
        assert screen.reading.article is not None
        assert not any("removed" in n.message for n in app._notifications)
