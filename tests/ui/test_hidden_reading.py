"""The reading pane while the narrow layout hides it (``i`` shows the quotes in its place).

Changing the article or its flags then rebuilt the pane's blocks without rendering them (it
has no width while hidden), and the next paint indexed strips that did not exist.
"""

from __future__ import annotations

import pytest

from reader.ui.app import MainScreen, NewsReaderApp

NARROW = (80, 24)


def main(app: NewsReaderApp) -> MainScreen:
    return app.main_screen


def reading_text(screen: MainScreen) -> str:
    pane = screen.reading
    return "\n".join(
        "".join(segment.text for segment in pane.render_line(y))
        for y in range(pane.scrollable_content_region.height)
    )


async def open_with_summary(pilot, app: NewsReaderApp) -> MainScreen:
    screen = main(app)
    await pilot.press("j", "enter")  # the cycle-lanes article, with quotes
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()
    assert screen.summary.display and not screen.reading.display
    return screen


@pytest.mark.parametrize("key", ["s", "n", "p", "m"])
async def test_keys_while_the_article_is_hidden_then_i(sample_store, app_for, key) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_with_summary(pilot, app)
        if key == "p":
            await pilot.press("n")  # something before it to go back to
            await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert screen.reading.display
        assert screen.opened is not None
        text = reading_text(screen)
        assert screen.opened.title.split()[0] in text
        if key == "s":
            assert "★ starred" in text


async def test_resize_while_the_article_is_hidden(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_with_summary(pilot, app)
        await pilot.press("s", "n")
        await pilot.pause()
        await pilot.resize_terminal(160, 48)  # the wide layout shows both panes
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert screen.reading.display
        assert screen.opened is not None
        assert screen.opened.title.split()[0] in reading_text(screen)
        await pilot.resize_terminal(100, 30)  # narrow again, the summary in place
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and screen.opened.title.split()[0] in reading_text(screen)


async def test_render_line_never_indexes_out_of_range(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_with_summary(pilot, app)
        pane = screen.reading
        for y in range(-3, 200):
            pane.render_line(y)
        await pilot.press("s")
        await pilot.pause()
        for y in range(-3, 200):
            pane.render_line(y)


async def test_s_while_hidden_keeps_the_reading_place(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=NARROW) as pilot:
        screen = main(app)
        await pilot.press("j", "enter")
        await pilot.pause()
        screen.reading.focus()
        await pilot.press("space", "space")
        await pilot.pause()
        y = screen.reading.scroll_y
        assert y > 0
        await pilot.press("i", "s", "i")
        for _ in range(20):
            await pilot.pause(0.05)
            if screen.reading.scroll_y == y:
                break
        assert screen.opened is not None and screen.opened.starred
        assert screen.reading.scroll_y == y


async def test_a_quote_chosen_while_the_article_is_hidden_is_scrolled_to(tmp_path, app_for) -> None:
    from reader.core.pipeline import analyze_text
    from reader.core.store import Store
    from reader.models import ParsedEntry
    from reader.ui.widgets.summary import SummaryPane

    filler = "\n\n".join(f"Paragraph {i} of filler, saying nothing much at all." for i in range(60))
    text = "\u201cWe start today,\u201d said Maria Lopez.\n\n" + filler
    text += "\n\n\u201cWe end tonight,\u201d said Tom Becker."
    store = Store(tmp_path / "long.db")
    feed = store.add_feed("https://a.example/rss", "A")
    store.store_entries(feed, [ParsedEntry("1", "guid", "T", None, None, 1.7e9, None, text)])
    app = app_for(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main(app)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("i")
            await pilot.pause()
            assert not screen.reading.display
            last = max(analyze_text(text).quotes, key=lambda q: q.start)
            screen.summary.post_message(SummaryPane.QuoteChosen(last, None))
            await pilot.pause(0.3)
            await pilot.pause()
            assert screen.reading.display and screen.reading.scroll_y > 0
            assert "We end tonight" in reading_text(screen)
    finally:
        store.close()


def test_quote_offsets_still_point_at_the_quote_after_emoji_selectors_are_dropped() -> None:
    from reader.core.pipeline import analyze_text
    from reader.ui.text import body
    from reader.ui.widgets.reading import quote_span

    text = (
        "Fans \u2764\ufe0f the plan. " * 300
        + "\u201cIt works,\u201d said Maria Lopez. Asked again, "
        + "\u201cIt works,\u201d said Tom Becker."
    )
    shown = body(text)
    quotes = analyze_text(text).quotes
    assert len(quotes) == 2
    for quote in quotes:
        expected = quote.start - text[: quote.start].count("\ufe0f")
        assert quote_span(shown, quote, text) == (expected, expected + len(quote.text))
