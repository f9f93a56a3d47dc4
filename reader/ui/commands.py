"""Command palette: the same actions as the keys, named ``group: verb``, plus feeds and people.

Feed titles and names are untrusted, so hits are built as ``Content`` and never go through
``Matcher.highlight`` (which parses its argument as markup).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.models import plural
from reader.ui.text import line

if TYPE_CHECKING:
    from reader.ui.app import MainScreen

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("article: open", "select_article", "Open the highlighted article"),
    ("article: next unread", "next_unread", "Jump to the next unread article"),
    ("article: previous unread", "previous_unread", "Jump to the previous unread article"),
    ("article: toggle read", "toggle_read", "Mark the article read or unread"),
    ("article: star", "toggle_star", "Star or unstar the article"),
    ("article: open in browser", "open_browser", "Open the article's link (http/https)"),
    ("articles: mark all read", "mark_all_read", "Mark every article in view read"),
    ("feed: add", "add_feed", "Add a feed by URL"),
    ("feed: remove", "remove_feed", "Remove the selected feed and its articles"),
    ("feed: refresh", "refresh_feed", "Refresh the selected feed"),
    ("feeds: refresh all", "refresh_all", "Refresh every feed"),
    ("view: feeds", "feed_filter", "Choose a feed, All, Unread or Starred"),
    ("view: unread only", "unread_only", "Show only unread articles (toggle)"),
    ("view: search", "search", "Full-text search"),
    ("view: clear filter", "clear_filter", "Clear the person or search filter"),
    ("view: toggle summary", "toggle_summary", "Show or hide the quotes and people pane"),
    ("app: help", "help", "Every key and its binding id"),
)


class ReaderCommands(Provider):
    """Actions, ``feed: <name>`` and ``person: <name>``."""

    def _main(self) -> MainScreen | None:
        from reader.ui.app import MainScreen

        main = getattr(self.app, "main_screen", None)
        return main if isinstance(main, MainScreen) else None

    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        main = self._main()
        if main is None:
            return []
        entries: list[tuple[str, Callable[[], object], str]] = [
            (name, partial(main.run_action, action), help_text)
            for name, action, help_text in ACTIONS
        ]
        for feed in main.feeds:
            title = line(feed.title, 120) or line(feed.url, 120)
            entries.append(
                (f"feed: {title}", partial(main.select_feed, feed.id), f"{feed.unread} unread")
            )
        for name, articles, quotes, _role in main.store.people(limit=200):
            shown = line(name, 120)
            entries.append(
                (
                    f"person: {shown}",
                    partial(main.filter_person, name),
                    f"{plural(articles, 'article')}, {plural(quotes, 'quote')}",
                )
            )
        return entries

    async def discover(self) -> Hits:
        for name, callback, help_text in self._entries()[: len(ACTIONS)]:
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, Content(name), callback, text=name, help=help_text)
