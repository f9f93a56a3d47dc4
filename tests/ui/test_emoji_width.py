"""Emoji with VARIATION SELECTOR-16 (U+FE0F) keep the borders in place.

A terminal draws "♀️" (U+2640 U+FE0F) two cells wide while Textual counts it one, which
pushed the row's right border one cell out. The display helpers drop the selector after a
character Textual counts one cell wide, so both draw and count one cell.
"""

from __future__ import annotations

import itertools
import time

import pytest
from rich.cells import get_character_cell_size

from reader.core.store import Store
from reader.models import Analysis, ParsedEntry, Person, Quote
from reader.ui.app import MainScreen, NewsReaderApp
from reader.ui.text import VS16, body, content, line, narrow_emoji

TITLE = "Ride 🚴‍♀️ for pride 🏳️‍🌈 in the sun ☀️ with love ❤️"
TEXT = (
    "The riders 🚴‍♀️ met at dawn ☀️ under a flag 🏳️‍🌈.\n\n"
    "“We ride ❤️ for everyone ☀️,” said Maria Lopez, the organiser.\n\n"
    "More text 🏳️‍🌈 ❤️ ☀️ 🚴‍♀️ to wrap across lines in the narrow pane."
)
QUOTE = "We ride ❤️ for everyone ☀️,"


def test_the_selector_goes_after_a_narrow_character_only() -> None:
    assert narrow_emoji("❤️ ☀️ ♀️") == "❤ ☀ ♀"
    assert narrow_emoji("🏳️‍🌈") == "🏳\u200d🌈"
    assert narrow_emoji("🌈\ufe0f") == "🌈\ufe0f"  # already two cells: kept
    assert narrow_emoji("plain") == "plain"
    for helper in (line, body, lambda text: content(text).plain):
        assert VS16 not in helper(TITLE)


def one_cell_then_selector(text: str) -> bool:
    return any(b == VS16 and get_character_cell_size(a) == 1 for a, b in itertools.pairwise(text))


def emoji_store(path) -> Store:
    store = Store(path)
    feed = store.add_feed("https://e.example/feed", "Emoji ❤️ Feed ☀️")
    store.store_entries(
        feed,
        [
            ParsedEntry(
                key="k",
                key_source="guid",
                title=TITLE,
                link="https://e.example/k",
                author="Ann ❤️",
                published=time.time() - 3600,
                published_raw=None,
                summary="x",
            )
        ],
        title="Emoji ❤️ Feed ☀️",
    )
    article_id = store.articles()[0].id
    start = TEXT.index(QUOTE)
    store.save_extraction(
        article_id,
        text=TEXT,
        source="page",
        error=None,
        analysis=Analysis(
            (Quote(QUOTE, "Maria Lopez ❤️", "said", start, start + len(QUOTE), False),),
            (Person("Maria Lopez ❤️", ("Lopez",), 1, 1, "organiser ☀️"),),
        ),
    )
    return store


def screen_lines(app: NewsReaderApp) -> list[str]:
    screen: MainScreen = app.main_screen
    lines: list[str] = []
    for widget in (screen.article_list, screen.reading, screen.summary.query_one("#summary-list")):
        if not widget.display:
            continue
        for y in range(widget.scrollable_content_region.height):
            strip = widget.render_line(y)
            lines.append("".join(segment.text for segment in strip))
            assert strip.cell_length == widget.scrollable_content_region.width
    return lines


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_no_pane_draws_a_selector_after_a_narrow_character(tmp_path, app_for, size) -> None:
    store = emoji_store(tmp_path / "emoji.db")
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("enter")
        await pilot.pause()
        if size[0] < 140:
            await pilot.press("i")  # the quotes in the article's place
            await pilot.pause()
            lines = screen_lines(app)
            await pilot.press("i")
            await pilot.pause()
            lines += screen_lines(app)
        else:
            lines = screen_lines(app)
        text = "\n".join(lines)
        assert "Ride 🚴♀ for" in text and "We ride ❤ for everyone ☀" in text
        assert "Maria Lopez ❤" in text
        assert not one_cell_then_selector(text)
        svg = app.export_screenshot()
        assert not one_cell_then_selector(svg)
        # the quote (stored with its selectors) is still found and highlighted
        assert screen.reading.highlight_quote(screen.opened.quotes[0])
        await pilot.pause()
        highlighted = screen.reading.body_content
        spans = [s for s in highlighted.spans if "reverse" in str(s.style)]
        assert spans and highlighted.plain[spans[0].start : spans[0].end] == narrow_emoji(QUOTE)
    store.close()
