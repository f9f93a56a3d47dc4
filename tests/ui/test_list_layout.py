"""Pilot tests for the list pane's layout: the scrollbar, narrow widths, resizes, empty hints."""

from __future__ import annotations

from reader.ui.app import NewsReaderApp
from reader.ui.widgets.article_list import ROW_HEIGHT


def screen_lines(app: NewsReaderApp) -> list[str]:
    """The screen as the terminal shows it, one string per line (no toasts)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def list_lines(app: NewsReaderApp) -> list[str]:
    """The list pane's rows as drawn on screen, between its borders (scrollbar column included)."""
    region = app.main_screen.article_list.region
    rows = screen_lines(app)
    return [
        row[region.x + 1 : region.right - 1]
        for row in rows[region.y + 1 : region.bottom - 1]
        if len(row) >= region.right
    ]


async def test_rows_fit_beside_the_scrollbar(sample_store, app_for) -> None:
    """With more rows than fit, the dates and the title's … stay whole beside the scrollbar,
    and no horizontal scrollbar takes the last line."""
    app = app_for(sample_store)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        lst = app.main_screen.article_list
        assert lst.show_vertical_scrollbar
        assert not lst.show_horizontal_scrollbar
        lines = list_lines(app)
        assert len(lines) == lst.size.height
        body = [text[:-1] for text in lines]  # the last column is the scrollbar's
        # row 0 is "A page nobody has extracted yet" (1h), row 1 the cycle network (2h)
        assert body[1].rstrip().endswith("1h"), body
        assert body[3].rstrip().endswith("2h"), body
        assert body[2].rstrip().endswith("…"), body
        # the last line of the pane is a row, not a scrollbar
        assert body[-1].strip(), body


async def test_rows_fit_after_the_window_shrinks(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        body = [text[:-1] for text in list_lines(app)]
        assert body[1].rstrip().endswith("1h"), body
        assert not app.main_screen.article_list.show_horizontal_scrollbar


async def test_empty_list_hints_wrap_at_80_columns(tmp_path, sample_store, app_for) -> None:
    """Each empty-list hint is shown whole (wrapped), the key and what it does included."""
    from reader.core.store import Store
    from reader.ui.app import View

    bare = Store(tmp_path / "bare.db")
    bare.add_feed("https://bare.example/feed", "Bare")
    for store, view, hint in [
        (bare, View(), "No articles here yet. Press R to refresh."),
        (sample_store, View(search="zzzz"), "No matches. Press esc to clear the search."),
        (sample_store, View("starred"), "No starred articles. Press s on one to star it."),
    ]:
        app = app_for(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.main_screen.set_view(view)
            await pilot.pause()
            shown = " ".join(text.strip() for text in list_lines(app) if text.strip())
            assert shown == hint
    bare.close()
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("A", "u")
        await pilot.pause()
        shown = " ".join(text.strip() for text in list_lines(app) if text.strip())
        assert shown == "Nothing unread here. Press u to show all."


async def test_the_cursor_row_stays_visible_when_the_window_shrinks(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        lst = app.main_screen.article_list
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == len(lst.rows) - 1
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        await pilot.pause()
        top = int(lst.scroll_offset.y)
        first, last = lst.cursor * ROW_HEIGHT, lst.cursor * ROW_HEIGHT + ROW_HEIGHT - 1
        assert top <= first and last < top + lst.scrollable_content_region.height
        assert "Central library" in "".join(list_lines(app))
