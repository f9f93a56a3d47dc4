"""Pane widths at every terminal width: the article is always the widest pane.

At 120 columns the three-pane layout once started with the article squeezed to 30 columns,
narrower than the feeds (48) and the quotes (40) beside it.
"""

from __future__ import annotations

import pytest

from reader.ui.app import MainScreen, NewsReaderApp


def widths(app: NewsReaderApp) -> tuple[int, int, int]:
    screen: MainScreen = app.main_screen
    left = screen.query_one("#left").outer_size.width
    summary = screen.summary.outer_size.width if screen.summary.display else 0
    return left, screen.reading.outer_size.width, summary


@pytest.mark.parametrize("columns", [80, 100, 119, 120, 130, 139, 140, 150, 160, 200, 250])
async def test_the_article_is_the_widest_pane(sample_store, app_for, columns) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(columns, 40)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        left, reading, summary = widths(app)
        assert left + reading + summary == columns
        assert reading > left and reading > summary
        assert reading >= 46  # the narrow layout at 80 columns: 32 + 48
        if summary:  # three panes side by side: room for a line of text
            assert reading >= 60
        assert app.main_screen.has_class("-wide") == (columns >= 140)
        assert bool(summary) == (columns >= 140)


async def test_widths_follow_a_resize_across_the_breakpoint(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert widths(app) == (48, 72, 40)  # as in the README's capture
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert widths(app) == (32, 88, 0)
        await pilot.press("i")  # the quotes in the article's place
        await pilot.pause()
        assert widths(app)[0] == 32 and app.main_screen.summary.outer_size.width == 88
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        left, reading, summary = widths(app)
        assert reading >= 60 and reading > left > 0 and reading > summary > 0
