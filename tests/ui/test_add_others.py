"""The add dialog lists the other feeds a page links to, as ``newsreader add`` does."""

from __future__ import annotations

from reader.ui.app import MainScreen
from tests.ui.test_flows import add_through_dialog, export_text, serve_feed, wait_for

SIZE = (160, 48)


def toasts(app: object) -> list:
    return list(app._notifications)  # type: ignore[attr-defined]


def discovery_page(*hrefs: str) -> bytes:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="F{i}" href="{href}">'
        for i, href in enumerate(hrefs)
    )
    return f"<html><head><title>Home</title>{links}</head><body>x</body></html>".encode()


async def test_the_toast_lists_the_other_feeds(empty_store, app_for, server, cli) -> None:
    serve_feed(server, 2, "/one.xml", title="First")
    hostile = "/b[b]old[/b][@click=app.quit]x.xml"
    server.add("/home", discovery_page("/one.xml", "/two.xml", hostile), "text/html")
    said = cli("add", server.url("/home")).stdout
    assert "The page also links to these feeds:" in said
    others = [row.strip() for row in said.splitlines() if row.startswith("  ")]
    assert len(others) == 2 and others[0] == server.url("/two.xml")
    app = app_for(empty_store, backend=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await add_through_dialog(pilot, app, server.url("/home"))
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_for(pilot, lambda: "The page also links to these feeds:" in export_text(app))
        text = export_text(app)
        assert "Added First (2 articles)" in text
        assert others[0] in text  # the short one fits the toast's line
        toast = toasts(app)[-1]
        assert toast.markup is False  # the hostile address is shown as it is, never as markup
        assert toast.message.splitlines()[1:] == [
            "The page also links to these feeds:",
            *(f"  {other}" for other in others),
        ]
        assert app.is_running
        # adding it again: "Already there", with the others again
        await add_through_dialog(pilot, app, server.url("/home"))
        await wait_for(pilot, lambda: "Already there: First" in export_text(app))
        assert toasts(app)[-1].message.startswith("Already there: First\nThe page also")


async def test_a_page_with_one_feed_says_only_what_was_added(empty_store, app_for, server) -> None:
    serve_feed(server, 1, "/one.xml", title="Only")
    server.add("/home", discovery_page("/one.xml"), "text/html")
    app = app_for(empty_store, backend=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await add_through_dialog(pilot, app, server.url("/home"))
        await wait_for(pilot, lambda: "Added Only (1 article)" in export_text(app))
        assert "also links" not in export_text(app)
