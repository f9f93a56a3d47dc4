"""Pilot tests for the flows: add (success, errors), refresh, open, quotes, people, palette."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from reader.core.store import Store
from reader.ui.app import MainScreen, NewsReaderApp
from reader.ui.screens.dialogs import AddFeedDialog
from reader.ui.widgets.reading import ReadingPane
from reader.ui.widgets.summary import SummaryPane
from tests.conftest import LoopbackServer
from tests.feeds import LONG_PARAGRAPHS, article_page, rss
from tests.ui.conftest import fill_sample

SIZE = (160, 48)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.05)


def serve_feed(server: LoopbackServer, n: int, path: str = "/feed.xml", title: str = "Loop"):
    items = []
    for i in range(n):
        page = f"/story/{path.strip('/')}/{i}"
        server.add(page, article_page(f"Story {i}", LONG_PARAGRAPHS), "text/html; charset=utf-8")
        items.append(
            {
                "title": f"Story {i}",
                "link": server.url(page),
                "guid": f"{path}-{i}",
                "pubDate": f"Mon, {10 + i:02d} Nov 2026 09:00:00 GMT",
                "description": f"Summary {i}.",
            }
        )
    return server.add(path, rss(items, title=title))


async def add_through_dialog(pilot, app: NewsReaderApp, url: str) -> AddFeedDialog:
    await pilot.press("a")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, AddFeedDialog)
    dialog.query_one("#add-url").value = url
    await pilot.press("enter")
    return dialog


async def test_add_feed_dialog_success(empty_store, app_for, server) -> None:
    url = serve_feed(server, 3)
    app = app_for(empty_store, backend=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen: MainScreen = app.main_screen
        assert screen.has_class("-empty")
        await add_through_dialog(pilot, app, url)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()
        assert not screen.has_class("-empty")
        assert [f.title for f in screen.feeds] == ["Loop"]
        assert len(screen.article_list.rows) == 3
        # the toast is painted (a Content passed with markup=False once crashed it here)
        await wait_for(pilot, lambda: "Added Loop (3 articles)" in export_text(app))
        assert app.is_running and app.return_code is None


async def test_add_feed_dialog_errors(empty_store, app_for, server) -> None:
    server.add("/missing", b"gone", "text/plain", status=404)
    server.add("/page.html", b"<html><body><p>No feed here</p></body></html>", "text/html")
    server.add("/junk.xml", b"\x00\x01 definitely not xml", "application/xml")
    app = app_for(empty_store, backend=True)
    cases = [
        ("ftp://example.com/feed", "http"),
        ("not a url", ""),
        (server.url("/missing"), "404"),
        (server.url("/page.html"), "no feed"),
        (server.url("/junk.xml"), ""),
        ("http://127.0.0.1:9/refused", ""),
    ]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddFeedDialog)
        for url, expected in cases:
            dialog.query_one("#add-url").value = url
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: "Fetching" not in dialog.message and dialog.message != "",
            )
            message = dialog.message
            assert isinstance(app.screen, AddFeedDialog), url
            assert expected.lower() in message.lower(), (url, message)
            assert dialog.query_one("#add-message").has_class("error")
            dialog.query_one("#add-message").update("")
        assert empty_store.feeds() == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_add_dialog_same_message_as_cli(empty_store, app_for, server, cli) -> None:
    server.add("/missing", b"gone", "text/plain", status=404)
    url = server.url("/missing")
    result = cli("add", url)
    app = app_for(empty_store, backend=True)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await add_through_dialog(pilot, app, url)
        await wait_for(pilot, lambda: "Fetching" not in dialog.message and dialog.message != "")
        assert dialog.message in result.stderr


async def test_refresh_all_and_selected_feed_keep_the_selection(tmp_path, app_for, server) -> None:
    url = serve_feed(server, 2)
    store = Store(tmp_path / "r.db")
    app = app_for(store, backend=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await add_through_dialog(pilot, app, url)
        screen: MainScreen = app.main_screen
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("j")
        keep = screen.article_list.current
        assert keep is not None and keep.title == "Story 0"
        url = serve_feed(server, 4)  # two more stories appear in the feed
        await pilot.press("R")  # may already have finished: the feeds are local
        await wait_for(pilot, lambda: not screen.refreshing and len(screen.article_list.rows) == 4)
        await wait_for(pilot, lambda: "2 new articles" in export_text(app))  # the summary toast
        assert app.is_running and app.return_code is None
        assert len(screen.article_list.rows) == 4
        assert screen.article_list.current is not None
        assert screen.article_list.current.id == keep.id
        detail = store.article(keep.id)
        assert detail is not None and detail.text_source == "page"
        hits_before = len(server.hits("/feed.xml"))
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.refreshing)
        assert len(server.hits("/feed.xml")) == hits_before + 1
    store.close()


def export_text(app: object) -> str:
    """The screen as plain text (the SVG export, with its spaces)."""
    import html
    import re

    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_open_extracts_a_page_not_yet_extracted(tmp_path, app_for, server) -> None:
    server.add("/fresh", article_page("Fresh", LONG_PARAGRAPHS), "text/html; charset=utf-8")
    store = Store(tmp_path / "o.db")
    fill_sample(store, link_base=server.base)
    app = app_for(store, backend=True)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("enter")  # the newest: "A page nobody has extracted yet"
        await pilot.pause()
        reading = screen.query_one(ReadingPane)
        assert reading.loading_text or reading.article.text_source == "page"
        await wait_for(pilot, lambda: reading.article.text_source == "page")
        assert "protected cycle lanes" in reading.article.text
        assert any(q.speaker == "Maria Lopez" for q in reading.article.quotes)
        assert not reading.loading_text
    store.close()


async def test_open_falls_back_to_the_feed_text_with_a_note(tmp_path, app_for, server) -> None:
    store = Store(tmp_path / "f.db")
    fill_sample(store, link_base=server.base)  # /fresh is not served: 404
    app = app_for(store, backend=True)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("enter")
        reading = screen.query_one(ReadingPane)
        await wait_for(pilot, lambda: reading.article and reading.article.text_source == "feed")
        await pilot.pause()
        note = reading.note_text
        assert "Showing the feed" in export_text(app)
        assert "feed's own text" in note and "404" in note
    store.close()


async def test_heatwave_fallback_note_is_shown(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "enter")  # heatwave: extracted from the feed
        await pilot.pause()
        reading = app.main_screen.reading
        assert reading.article.title.startswith("Heatwave")
        assert "404 Not Found" in reading.note_text


async def test_quote_scrolls_and_highlights(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(160, 30)) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("j", "enter")
        await pilot.pause()
        summary = screen.query_one(SummaryPane)
        summary.listing.focus()
        await pilot.pause()
        # Aisha Rahman's quote at the end of a long article
        summary.listing.highlighted = summary.option_index("quote", 1)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        reading = screen.reading
        assert reading.highlighted is not None
        assert reading.highlighted.speaker == "Aisha Rahman"
        assert reading.scroll_y > 10
        body = reading.body_content
        styled = [body.plain[s.start : s.end] for s in body.spans]
        assert "When the lanes are safe, families use them," in styled


async def test_summary_starts_at_the_top_for_another_article(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        rows = {row.title: row.id for row in screen.article_list.rows}

        async def open_titled(title: str) -> None:
            screen.article_list.focus()
            index = screen.article_list.index_of(rows[title])
            assert index is not None
            screen.article_list.move_to(index)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()

        await open_titled("Scientists map coral recovery")
        summary = screen.query_one(SummaryPane)
        coral = screen.opened
        summary.listing.highlighted = summary.option_index("person", 0)
        summary.show_article(coral)  # the same article again (say, once extracted): kept
        assert summary.listing.highlighted == summary.option_index("person", 0)
        # another article with a person 0 of its own: the highlight does not jump onto them
        await open_titled(next(t for t in rows if t.startswith("Council")))
        assert screen.opened is not None and coral is not None
        assert screen.opened.id != coral.id and screen.opened.people
        assert summary.listing.highlighted is None
        assert summary.listing.scroll_y == 0


async def test_person_filters_across_feeds_and_shows_their_quotes(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("j", "enter")
        await pilot.pause()
        summary = screen.query_one(SummaryPane)
        summary.listing.focus()
        summary.listing.highlighted = summary.option_index("person", 1)  # Aisha Rahman
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.person == "Aisha Rahman"
        feeds = {row.feed_title for row in screen.article_list.rows}
        assert feeds == {"Harbor Herald", "Science Weekly"}
        assert len(summary.person_quotes) == 2
        assert summary.option_index("person-quote", 1) is not None
        # the highlight moved to their first quote, not back to the top of the pane
        assert summary.listing.highlighted == summary.option_index("person-quote", 0)
        await pilot.press("j")
        assert summary.listing.highlighted == summary.option_index("person-quote", 1)
        # choosing a quote from another article opens it and highlights the quote
        summary.listing.focus()
        index = next(i for i, pq in enumerate(summary.person_quotes) if "reef" in pq[0].text)
        summary.listing.highlighted = summary.option_index("person-quote", index)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.reading.article.title == "Scientists map coral recovery"
        assert screen.reading.highlighted is not None
        await pilot.press("escape")
        assert screen.view.person is None
        assert len(screen.article_list.rows) == 5


async def test_articles_from_another_process_appear(sample_store, app_for, tmp_path) -> None:
    from tests.ui.conftest import entry

    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("j")
        keep = screen.article_list.current
        other = Store(sample_store.path)  # a second connection, as `newsreader refresh` has
        feed = other.feeds()[0]
        other.store_entries(feed.id, [entry("late", "Late breaking story", 0.5)])
        other.close()
        screen.poll()
        await pilot.pause()
        assert screen.article_list.rows[0].title == "Late breaking story"
        assert screen.article_list.current.id == keep.id


async def test_command_palette_feed_and_person(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"feed: sci")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.kind == "feed" and screen.view.feed_title == "Science Weekly"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"person: mar")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view.person == "Maria Lopez"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"art star")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.article_list.current.starred


async def test_welcome_when_empty(empty_store, app_for) -> None:
    app = app_for(empty_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.main_screen
        assert screen.has_class("-empty")
        welcome = str(screen.query_one("#welcome").content)
        assert "newsreader add URL" in welcome and "press  a" in welcome
        await pilot.press("R")  # nothing to refresh: a message, no crash
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_link_that_is_not_a_web_page_says_the_feeds_text_is_all(tmp_path, app_for) -> None:
    from tests.ui.conftest import entry

    store = Store(tmp_path / "links.db")
    feed = store.add_feed("https://x.example/feed", "X")
    store.store_entries(
        feed,
        [
            entry("js", "Script link", 1, "javascript:alert(1)"),
            entry("file", "File link", 2, "file:///etc/passwd"),
        ],
    )
    app = app_for(store, backend=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen: MainScreen = app.main_screen
            for key in ("enter", "j"):
                await pilot.press(key)
                if key == "j":
                    await pilot.press("enter")
                await pilot.pause()
                reading = screen.query_one(ReadingPane)
                assert not reading.loading_text  # nothing is fetched for it
                assert reading.note_text == (
                    "This article has no web page to fetch: the feed's text is all there is."
                )
                assert "not been extracted yet" not in reading.note_text
    finally:
        store.close()


async def test_the_summary_pane_with_no_article_open(sample_store, app_for) -> None:
    from reader.ui.widgets.summary import NO_ARTICLE

    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = app.main_screen.query_one(SummaryPane).listing
        prompts = [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]
        assert prompts == [NO_ARTICLE]
        await pilot.press("j", "enter")
        await pilot.pause()
        prompts = [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]
        assert prompts[0] == "Quotes (2)" and NO_ARTICLE not in prompts
