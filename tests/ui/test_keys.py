"""Pilot tests: every binding of the main screen, on the sample database."""

from __future__ import annotations

import webbrowser

from reader.config import parse_config
from reader.ui.app import MainScreen, NewsReaderApp
from reader.ui.screens.dialogs import ConfirmDialog, SearchDialog
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.reading import ReadingPane
from tests.ui.conftest import FakeBrowser

SIZE = (160, 48)


def main(app: NewsReaderApp) -> MainScreen:
    return app.main_screen


def titles(app: NewsReaderApp) -> list[str]:
    return [row.title for row in main(app).article_list.rows]


async def test_list_newest_first_with_marks(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert titles(app)[0] == "A page nobody has extracted yet"
        assert titles(app)[-1] == "Central library turns 150"
        lst = main(app).article_list
        assert lst.has_focus
        first = "".join(s.text for s in lst.render_line(0))
        assert "●" in first and "A page nobody" in first
        assert "1h" in "".join(s.text for s in lst.render_line(1))


async def test_j_k_arrows_move_and_enter_opens(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = main(app).article_list
        await pilot.press("j")
        assert lst.cursor == 1
        await pilot.press("down", "down")
        assert lst.cursor == 3
        await pilot.press("k", "up")
        assert lst.cursor == 1
        await pilot.press("enter")
        await pilot.pause()
        opened = main(app).reading.article
        assert opened is not None and opened.title == "Council approves riverside cycle network"
        assert lst.current is not None and lst.current.read
        main(app).wait_writes()  # the flag write runs off the UI thread
        assert sample_store.article(opened.id).read


async def test_tab_cycles_panes(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        seen = []
        for _ in range(5):
            await pilot.press("tab")
            seen.append(app.focused.id if app.focused else None)
        assert "reading" in seen and "summary-list" in seen
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == seen[-2]


async def test_n_p_next_previous_unread(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        sample_store.set_read([screen.article_list.rows[1].id], True)
        screen.reload()
        await pilot.press("n")  # nothing open: the highlighted row 0 is the first unread
        assert screen.article_list.cursor == 0
        assert screen.reading.article is not None
        assert screen.reading.article.id == screen.article_list.rows[0].id
        await pilot.press("n")  # from the open row 0, skipping the read row 1
        assert screen.article_list.cursor == 2
        screen.set_read([screen.article_list.rows[0].id], False)  # opening it read it
        assert screen.reading.article is not None
        assert screen.reading.article.id == screen.article_list.rows[2].id
        await pilot.press("p")
        assert screen.article_list.cursor == 0


async def test_n_opens_the_first_row_of_a_new_view(sample_store, app_for) -> None:
    """After changing the view, n opens the highlighted row when it is unread."""
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "enter")  # open the cycle network (Harbor Herald)
        await pilot.pause()
        await pilot.press("f", "j", "j", "j", "j", "enter")  # Science Weekly
        await pilot.pause()
        await pilot.press("g")
        first = screen.article_list.rows[0]
        assert screen.article_list.cursor == 0 and not first.read
        await pilot.press("n")
        await pilot.pause()
        assert screen.opened is not None and screen.opened.id == first.id
        assert screen.article_list.cursor == 0
        await pilot.press("n")  # then on to the next unread one
        await pilot.pause()
        assert screen.opened is not None and screen.opened.id == screen.article_list.rows[1].id


async def test_space_b_page_the_reading_pane(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        reading = app.main_screen.query_one(ReadingPane)
        assert reading.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert reading.scroll_y > 0
        await pilot.press("b")
        await pilot.pause()
        assert reading.scroll_y == 0


async def test_m_s_A_flags(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = main(app).article_list
        await pilot.press("m")
        main(app).wait_writes()  # flag writes run off the UI thread, in order
        assert lst.rows[0].read and sample_store.article(lst.rows[0].id).read
        await pilot.press("m")
        assert not lst.rows[0].read
        await pilot.press("s")
        main(app).wait_writes()
        assert lst.rows[0].starred and sample_store.article(lst.rows[0].id).starred
        assert "★" in "".join(s.text for s in lst.render_line(0))
        await pilot.press("A")
        assert all(row.read for row in lst.rows)
        main(app).wait_writes()
        assert sample_store.counts()["unread"] == 0
        # the counts are re-read off the UI thread, 0.4 s after the last change, and arrive
        for _ in range(60):
            await pilot.pause(0.05)
            if main(app).counts.get("unread") == 0:
                break
        assert main(app).counts["unread"] == 0
        assert all(f.unread == 0 for f in main(app).feeds)
        assert "0 unread" in screen_text(app)


def screen_text(app: object) -> str:
    """The screen as plain text, toasts included."""
    import html
    import re

    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def toast_after_o_y(app: NewsReaderApp, pilot) -> str:
    await pilot.press("o")
    await pilot.pause()
    await pilot.press("y")
    text = ""
    for _ in range(60):  # the browser is started from a thread worker
        await pilot.pause(0.05)
        text = screen_text(app)
        if any(word in text for word in ("Opened in", "No browser", "console browser")):
            break
    return text


async def test_o_opens_only_web_links(sample_store, app_for, no_browsers) -> None:
    app = app_for(sample_store)
    opened: list[str] = []
    webbrowser.register("fake", None, FakeBrowser(opened))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("o")  # asks first (HOSTILE.md §4); n keeps the browser shut
        await pilot.pause()
        assert opened == [] and "https://news.example/fresh" in app.export_screenshot()
        await pilot.press("n")
        await pilot.pause()
        assert opened == []
        text = await toast_after_o_y(app, pilot)
        assert opened == ["https://news.example/fresh"]
        assert app.is_running and "Opened in your browser: https://news.example/fresh" in text


async def test_o_without_a_browser_says_so_and_shows_the_link(
    sample_store, app_for, no_browsers
) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        text = await toast_after_o_y(app, pilot)
        assert "No browser found; the link is https://news.example/fresh" in text
        assert "Opening" not in text and "Opened" not in text


async def test_o_never_starts_a_console_browser_on_the_readers_terminal(
    sample_store, app_for, no_browsers
) -> None:
    """w3m, lynx (GenericBrowser) and elinks (a foreground UnixBrowser) would run on our
    terminal: they are named, not started; a graphical browser that fails is reported too."""
    from reader.ui.browser import runs_in_terminal

    opened: list[str] = []
    webbrowser.register("broken", None, FakeBrowser(opened, works=False))
    webbrowser.register("w3m", None, webbrowser.GenericBrowser("w3m"))
    webbrowser.register("elinks", None, webbrowser.Elinks("elinks"))
    assert runs_in_terminal(webbrowser.get("w3m")) and runs_in_terminal(webbrowser.get("elinks"))
    assert not runs_in_terminal(webbrowser.BackgroundBrowser("xdg-open"))
    assert not runs_in_terminal(webbrowser.Mozilla("firefox"))
    app = app_for(sample_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        text = await toast_after_o_y(app, pilot)
        assert opened == ["https://news.example/fresh"]  # tried, and it failed
        assert "Only a console browser (w3m, elinks) is available" in text
        assert "https://news.example/fresh" in text


async def test_o_refuses_other_schemes(tmp_path, app_for, no_browsers) -> None:
    from reader.core.store import Store
    from tests.ui.conftest import entry

    store = Store(tmp_path / "x.db")
    feed = store.add_feed("https://x.example/feed", "X")
    store.store_entries(feed, [entry("js", "Script link", 1, "javascript:alert(1)")])
    app = app_for(store)
    opened: list[str] = []
    webbrowser.register("fake", None, FakeBrowser(opened))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "y")
        await pilot.pause(0.3)
        assert opened == []


async def test_f_feed_filter_and_u_unread_only(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("f")
        assert screen.feed_filter.has_focus
        # All, Unread, Starred, then the feeds in title order: Harbor Herald, Science Weekly
        await pilot.press("j", "j", "j", "j", "enter")
        await pilot.pause()
        assert set(r.feed_title for r in screen.article_list.rows) == {"Science Weekly"}
        assert screen.article_list.has_focus
        await pilot.press("m")  # read the first
        await pilot.press("u")
        assert len(screen.article_list.rows) == 1 and not screen.article_list.rows[0].read
        await pilot.press("u")
        assert len(screen.article_list.rows) == 2
        await pilot.press("f", "k", "k", "enter")  # Starred
        await pilot.pause()
        assert screen.view.kind == "starred" and screen.article_list.rows == []


async def test_f_at_80_columns_shows_and_hides_the_feeds(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main(app)
        assert not screen.feed_filter.display
        await pilot.press("f")
        await pilot.pause()
        assert screen.feed_filter.display and screen.feed_filter.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.feed_filter.display


async def test_slash_search(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"cycle", "enter")
        await pilot.pause()
        assert titles(app) == ["Council approves riverside cycle network"]
        await pilot.press("escape")
        assert len(titles(app)) == 5


async def test_d_removes_a_feed_after_confirming(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert len(sample_store.feeds()) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [f.title for f in sample_store.feeds()] == ["Harbor Herald"]
        assert set(r.feed_title for r in main(app).article_list.rows) == {"Harbor Herald"}
        await pilot.pause(0.3)
        assert app.is_running and "Removed Science Weekly" in screen_text(app)


async def test_help_and_quit(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").content)
        for binding_id in ("open-browser", "refresh-all", "mark-all-read", "cursor-down"):
            assert binding_id in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_i_toggles_the_summary(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main(app)
        await pilot.press("j", "enter", "i")
        await pilot.pause()
        assert screen.summary.display and not screen.reading.display
        await pilot.press("i")
        await pilot.pause()
        assert screen.reading.display and not screen.summary.display


async def test_keymap_from_config_remaps(sample_store, app_for) -> None:
    config = parse_config('[keymap]\ntoggle-star = "x"\ncursor-down = "ctrl+n,down"\n')
    app = app_for(sample_store, config)
    async with app.run_test(size=SIZE) as pilot:
        lst = main(app).article_list
        await pilot.press("x")
        assert lst.rows[0].starred
        await pilot.press("s")  # no longer bound
        assert lst.rows[0].starred
        await pilot.press("ctrl+n")
        assert lst.cursor == 1
        await pilot.press("j")
        assert lst.cursor == 1
        rows = {binding_id: keys for keys, _d, binding_id in app.help_rows()}
        assert rows["toggle-star"] == "x"


async def test_unknown_keymap_id_is_warned(sample_store, app_for) -> None:
    config = parse_config('[keymap]\nno-such-thing = "x"\n')
    app = app_for(sample_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("no-such-thing" in w for w in config.warnings)
        assert isinstance(app.screen, MainScreen)


async def test_mouse_click_opens(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(ArticleList, offset=(5, 3))
        await pilot.pause()
        assert main(app).reading.article is not None
        assert main(app).reading.article.id == main(app).article_list.rows[1].id


async def test_keys_stay_live_while_another_process_holds_the_write_lock(
    sample_store, app_for
) -> None:
    import sqlite3
    import time

    app = app_for(sample_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main(app)
        first = screen.article_list.current
        assert first is not None and not first.read
        other = sqlite3.connect(sample_store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # as a refresh in another process would
        try:
            await pilot.press("m")  # queued on the writer, which now waits for the lock
            start = time.monotonic()
            await pilot.press("u", "j")  # u re-reads the list from the database
            await pilot.pause(0.6)  # past the coalesced count update, which reads too
            await pilot.press("u")
            await pilot.pause()
            assert time.monotonic() - start < 3  # the screen never waited for the lock
            assert app.is_running
        finally:
            other.execute("ROLLBACK")
            other.close()
        screen.wait_writes()
        assert app.is_running
        detail = sample_store.article(first.id)
        assert detail is not None and detail.read


async def test_d_in_the_feed_picker_acts_only_on_a_feed_row(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")  # the picker opens on "All articles", which is not a feed
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert len(sample_store.feeds()) == 2


async def test_s_keeps_the_reading_place_and_highlight(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main(app)
        for _ in range(len(screen.article_list.rows)):  # to an analysed article
            current = screen.article_list.current
            found = current is not None and sample_store.article(current.id)
            if found and found.quotes:
                break
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        detail = screen.opened
        assert detail is not None and detail.quotes
        screen.reading.highlight_quote(detail.quotes[-1])
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        before = screen.reading.scroll_y
        assert before > 0
        await pilot.press("s")
        await pilot.pause()
        assert screen.opened is not None and screen.opened.starred
        assert screen.reading.scroll_y == before
        assert screen.reading.highlighted == detail.quotes[-1]


async def test_feed_numbers_update_in_place_after_a_read(sample_store, app_for) -> None:
    """A changed unread number redraws its entry only: the same entries, scroll and highlight."""
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        picker = screen.feed_filter
        before = [picker.get_option_at_index(i) for i in range(picker.option_count)]
        texts = [o.prompt.plain for o in before]
        first = screen.article_list.rows[0]
        feed_index = 3 + [f.id for f in screen.feeds].index(first.feed_id)  # after 3 views
        unread_before = screen.feeds[feed_index - 3].unread
        await pilot.press("m")
        screen.wait_writes()
        for _ in range(60):
            await pilot.pause(0.05)
            if screen.feeds[feed_index - 3].unread == unread_before - 1:
                break
        await pilot.pause()
        after = [picker.get_option_at_index(i) for i in range(picker.option_count)]
        assert all(a is b for a, b in zip(before, after, strict=True))  # not rebuilt
        changed = [i for i, o in enumerate(after) if o.prompt.plain != texts[i]]
        assert changed == [1, feed_index]  # "Unread" and the article's feed
        title = screen.feeds[feed_index - 3].title
        lines = ["".join(s.text for s in picker.render_line(y)) for y in range(picker.size.height)]
        shown = next(text for text in lines if title in text).rstrip()
        if unread_before > 1:
            assert shown.endswith(f" {unread_before - 1:,}")
        else:
            assert shown.strip() == title


def test_long_feed_titles_stay_on_one_line() -> None:
    from reader.ui.widgets.feed_filter import _prompt

    for count in (0, 7):
        text = _prompt("A very long feed title " * 5, count, 30)
        assert text.cell_length <= 30 and "…" in text.plain


async def test_a_long_list_is_kept_out_of_the_collectors_full_passes(
    sample_store, app_for, monkeypatch
) -> None:
    """Once a long list has loaded in the background, its rows are frozen for the GC."""
    import gc

    import reader.ui.app as ui_app

    monkeypatch.setattr(ui_app, "FIRST_PAGE", 2)  # the rest comes from the loader thread
    monkeypatch.setattr(ui_app, "PAGE", 2)
    total = sample_store.counts()["articles"]
    assert total > 2
    gc.unfreeze()
    try:
        # longer than the sample's list: nothing frozen; as long: frozen once loaded
        for limit, frozen in ((100, False), (total, True)):
            monkeypatch.setattr(ui_app, "FREEZE_ROWS", limit)
            app = app_for(sample_store)
            async with app.run_test(size=SIZE) as pilot:
                for _ in range(60):
                    await pilot.pause(0.05)
                    if not main(app).rows_loading:
                        break
                assert len(main(app).article_list.rows) == total
                assert (gc.get_freeze_count() > 0) is frozen
    finally:
        gc.unfreeze()


async def test_reloads_of_a_long_list_do_not_freeze_dead_objects_for_good(
    sample_store, app_for, monkeypatch
) -> None:
    """Each long reload thaws and collects what the last one froze: what is kept frozen after
    many reloads (with articles opened and help shown in between) is no more than after a
    couple."""
    import gc

    import reader.ui.app as ui_app

    monkeypatch.setattr(ui_app, "FIRST_PAGE", 2)
    monkeypatch.setattr(ui_app, "PAGE", 2)
    monkeypatch.setattr(ui_app, "FREEZE_ROWS", sample_store.counts()["articles"])

    async def kept_after(cycles: int) -> int:
        gc.unfreeze()
        gc.collect()
        app = app_for(sample_store)
        async with app.run_test(size=SIZE) as pilot:
            screen = main(app)
            for i in range(cycles + 1):
                for _ in range(100):
                    await pilot.pause(0.02)
                    if not screen.rows_loading:
                        break
                if i == cycles:
                    break
                await pilot.press("j" if i % 2 else "k", "enter", "question_mark")
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
                screen.reload()
            gc.collect()
            gc.unfreeze()  # what the freeze kept alive that is garbage now
            kept = gc.collect()
        return kept

    try:
        few, many = await kept_after(2), await kept_after(8)
        assert many < few * 2 + 500, (few, many)
    finally:
        gc.unfreeze()


def reading_text(reading: ReadingPane) -> str:
    """The reading pane's lines, as drawn."""
    return "\n".join(
        "".join(seg.text for seg in reading.render_line(y)) for y in range(reading.size.height)
    )


async def test_s_m_o_act_on_the_article_on_screen_from_the_reading_pane(
    sample_store, app_for, monkeypatch
) -> None:
    """From the reading or summary pane, s, m and o act on the open article; from the list, on
    the highlighted row."""
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        lst = screen.article_list
        await pilot.press("j", "enter")  # open row 1 (the cycle network), then highlight row 0
        await pilot.pause()
        shown, other = lst.rows[1], lst.rows[0]
        await pilot.press("k")
        screen.reading.focus()
        await pilot.pause()
        await pilot.press("s")
        screen.wait_writes()
        assert lst.rows[1].starred and not lst.rows[0].starred
        assert sample_store.article(shown.id).starred and not sample_store.article(other.id).starred
        assert screen.opened is not None and screen.opened.starred
        assert "★ starred" in reading_text(screen.reading)
        await pilot.press("m")  # the open article was read when opened: now unread again
        screen.wait_writes()
        assert not lst.rows[1].read and not sample_store.article(shown.id).read
        assert not lst.rows[0].read  # untouched
        assert screen.opened is not None and not screen.opened.read
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert shown.link in app.export_screenshot() and other.link not in app.export_screenshot()
        await pilot.press("n")
        await pilot.pause()
        screen.summary.focus_first()  # the summary pane acts on the open article too
        await pilot.pause()
        await pilot.press("s")
        screen.wait_writes()
        assert not lst.rows[1].starred and not sample_store.article(shown.id).starred
        assert screen.opened is not None and not screen.opened.starred
        lst.focus()  # the list acts on its highlighted row
        await pilot.pause()
        await pilot.press("s")
        screen.wait_writes()
        assert lst.rows[0].starred and sample_store.article(other.id).starred
        assert not lst.rows[1].starred


async def test_removing_the_open_articles_feed_clears_the_reading_pane(
    sample_store, app_for
) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        lst = screen.article_list
        await pilot.press("enter")  # row 0 is from Science Weekly
        await pilot.pause()
        opened = screen.opened
        assert opened is not None and opened.feed_title == "Science Weekly"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.opened is None and screen.reading.article is None
        assert screen.summary.quotes == () and screen.summary.people == ()
        screen.reading.focus()
        await pilot.pause()
        await pilot.press("s", "m")  # nothing on screen: nothing to act on
        screen.wait_writes()
        assert sample_store.article(opened.id) is None
        assert all(r.feed_title == "Harbor Herald" for r in lst.rows)
        assert not any(r.starred for r in lst.rows)
        assert not any(sample_store.article(r.id).starred for r in lst.rows)


async def test_i_with_the_focus_in_the_wide_summary_moves_it_to_the_reading_pane(
    sample_store, app_for
) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "enter")
        await pilot.pause()
        screen.summary.focus_first()
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert not screen.summary.display
        assert app.focused is screen.reading
        await pilot.press("j")  # keys work again: the reading pane scrolls
        await pilot.pause()
        assert screen.reading.scroll_y == 1
        await pilot.press("i")
        await pilot.pause()
        assert screen.summary.display


async def test_the_summary_toggle_of_each_layout_is_its_own(sample_store, app_for) -> None:
    """i at 80 columns (summary in place of the article) does not hide it at 160, and back."""
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main(app)
        await pilot.press("j", "enter", "i")
        await pilot.pause()
        assert screen.summary.display and not screen.reading.display
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert screen.summary.display and screen.reading.display
        await pilot.press("i")  # hide it in the wide layout
        await pilot.pause()
        assert not screen.summary.display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.summary.display and not screen.reading.display  # as left at 80
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not screen.summary.display and screen.reading.display  # as left at 160


async def test_the_focus_leaves_a_pane_that_a_resize_hides(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("j", "enter")
        await pilot.pause()
        screen.summary.focus_first()
        await pilot.pause()
        await pilot.resize_terminal(80, 24)  # the narrow layout shows the article, not the summary
        await pilot.pause()
        await pilot.pause()
        assert app.focused is screen.reading


async def test_a_keymap_that_reuses_a_key_is_warned(sample_store, app_for) -> None:
    config = parse_config('[keymap]\nquit = "j"\ntoggle-star = "question_mark"\n')
    app = app_for(sample_store, config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = "\n".join(config.warnings)
        assert "'j' is bound to both cursor-down and quit" in text
        assert "'question_mark' is bound to both help and toggle-star" in text
        assert len(config.warnings) == 2
        assert "only one of them will work" in screen_text(app)
    fine = parse_config('[keymap]\ntoggle-star = "x"\n')
    app = app_for(sample_store, fine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert fine.warnings == []


async def test_counts_in_messages_are_singular_for_one(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main(app)
        rows = screen.article_list.rows
        sample_store.set_read([r.id for r in rows[1:]], True)
        screen.reload()
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Marked 1 article read." in text
        coral = next(i for i, r in enumerate(rows) if r.title.startswith("Scientists"))
        screen.article_list.move_to(coral)
        await pilot.press("enter")  # one quote, one person
        await pilot.pause()
        assert str(screen.reading.border_subtitle) == "1 quote · 1 person (i)"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"person: mar")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "1 article, 1 quote" in text and "1 articles" not in text


async def test_help_scrolls_with_g_G_home_end_and_pages(sample_store, app_for) -> None:
    app = app_for(sample_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0
        for key, at_end in (("G", True), ("g", False), ("end", True), ("home", False)):
            await pilot.press(key)
            await pilot.pause()
            assert box.scroll_y == (box.max_scroll_y if at_end else 0), key
        await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y > 1
        await pilot.press("pageup")
        await pilot.pause()
        assert box.scroll_y == 0
