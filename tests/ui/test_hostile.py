"""HOSTILE.md §4: hostile titles, names, text in every widget: no crash, no action, no escapes."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
import webbrowser
from pathlib import Path

import pytest

from reader.core.store import Store
from reader.models import Analysis, ParsedEntry, Person, Quote
from reader.ui.app import MainScreen
from reader.ui.widgets.article_list import ArticleList
from tests.ui.conftest import NOW, FakeBrowser

MARKUP = [
    "[@click=app.quit]CLICK ME[/]",
    "[@click=app.simulate_key('d')]press d[/]",
    "[/] oops",
    "[/bold] closing",
    "[link='https://evil.example/x']LINK[/]",
    "[$accent]var[/]",
    "[B]upper[/]",
    "[ on red]sp[/]",
]
ESCAPES = [
    "\x1b]0;PWNED-OSC-TITLE\x1b\\",
    "\x1b]8;;http://evil.example/osc8\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "\x1b]52;c;SGVsbG8=\x07",
    "\u202eevil\u202c",
    "nul\x00byte",
]
HOSTILE = " ".join(MARKUP + ESCAPES)


def hostile_store(path: Path) -> Store:
    store = Store(path)
    feed = store.add_feed("https://hostile.example/feed", HOSTILE)
    store.set_feed_error(feed, HOSTILE)
    entries = [
        ParsedEntry(
            key=f"h{i}",
            key_source="guid",
            title=f"{i} {title}",
            link="https://hostile.example/" + title.replace(" ", ""),
            author=HOSTILE,
            published=NOW - i * 3600,
            published_raw=None,
            summary=HOSTILE,
        )
        for i, title in enumerate(MARKUP + ESCAPES)
    ]
    store.store_entries(feed, entries)
    first = store.articles()[0].id
    text = "Intro. “" + HOSTILE + ",” said " + HOSTILE + "."
    start = text.index(HOSTILE)
    store.save_extraction(
        first,
        text=text,
        source="feed",
        error=HOSTILE,
        analysis=Analysis(
            (Quote(HOSTILE, HOSTILE, "said", start, start + len(HOSTILE)),),
            (Person(HOSTILE, (HOSTILE,), 1, 1, HOSTILE),),
        ),
    )
    return store


def assert_clean(svg: str) -> None:
    for bad in ("\x1b", "\x9b", "\x07", "\x00", "\u202e"):
        assert bad not in svg


async def test_R1_R2_R3_hostile_text_in_every_widget(tmp_path, app_for, no_browsers) -> None:
    store = hostile_store(tmp_path / "h.db")
    app = app_for(store)
    opened: list[str] = []
    webbrowser.register("fake", None, FakeBrowser(opened))
    async with app.run_test(size=(160, 48)) as pilot:
        screen: MainScreen = app.main_screen
        # the list and the feed filter
        for y in range(0, 30, 6):
            await pilot.click(ArticleList, offset=(6, y))
        await pilot.press("home", "enter")
        await pilot.pause()
        # reading pane: title, byline, link, fallback note (the error), text
        for y in (1, 2, 3, 5, 7):
            await pilot.click("#reading", offset=(4, y))
        # summary: quote and person; choosing the person shows their quotes and a title
        for y in (2, 3, 6, 9):
            await pilot.click("#summary", offset=(4, y))
        screen.filter_person(HOSTILE)
        await pilot.pause()
        for y in (1, 4):
            await pilot.click("#feeds", offset=(4, y))
        await pilot.pause()
        assert app.return_code is None and app.is_running
        assert_clean(app.export_screenshot())
        shown = app.export_screenshot().replace("&#160;", " ")
        # R3: every tag is shown literally, so none of them styled or linked anything
        for tag in ("[@click=app.quit]", "[$accent]", "[B]", "[ on red]", "[link="):
            assert tag in shown.replace("&#x27;", "'"), tag
        # dialogs and notifications with the feed title: confirm (then keep), a removal toast
        app.screen_stack[-1].set_focus(screen.article_list)
        await pilot.press("d")
        await pilot.pause()
        assert_clean(app.export_screenshot())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        # the command palette with hostile feed and person names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"feed")
        await pilot.pause(0.3)
        assert_clean(app.export_screenshot())
        await pilot.press("escape")
        await pilot.pause()
        # search for the hostile words: the list border shows the query
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"CLICK", "enter")
        await pilot.pause()
        assert_clean(app.export_screenshot())
        await pilot.press("o")
        await pilot.pause()
        assert_clean(app.export_screenshot())  # the confirmation shows the cleaned URL
        await pilot.press("y")
        for _ in range(60):  # the browser is started from a thread worker
            await pilot.pause(0.05)
            if opened:
                break
        assert opened and all(url.startswith("https://hostile.example/") for url in opened)
        assert all("\x1b" not in url for url in opened)
        assert app.return_code is None
        assert len(store.feeds()) == 1  # no simulated 'd' + 'y' removed it
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_R4_no_escape_sequence_reaches_the_terminal(tmp_path) -> None:
    """Run the real command in a pty and look for the payloads in what it writes."""
    db = tmp_path / "pty.db"
    hostile_store(db).close()
    script = Path(sys.executable).parent / "newsreader"
    env = dict(os.environ, TERM="xterm-256color", NEWSREADER_CONFIG=str(tmp_path / "c.toml"))
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(str(script), [str(script), "--db", str(db)], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    output = bytearray()
    try:
        deadline = time.monotonic() + 6
        sent = False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            if not sent and b"CLICK ME" in output:
                os.write(fd, b"\r")  # open the first article: its text, quote and person
                sent = True
                deadline = min(deadline, time.monotonic() + 2)
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"CLICK ME" in output, output[-500:]
    for payload in (b"\x1b]0;PWNED", b"evil.example/osc8", b"\x1b]52;c;SGVsbG8", b"\xc2\x9b31m"):
        assert payload not in bytes(output)
    assert b"PWNED-OSC-TITLE" not in output  # the whole sequence goes, parameters included
