"""The feed filter: All, Unread, Starred, then each feed with its unread count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from reader.models import FeedRow
from reader.ui.text import line
from reader.ui.widgets.pane_list import PaneList


@dataclass(frozen=True, slots=True)
class FeedChoice:
    """What the filter selects: ``kind`` is all, unread, starred or feed."""

    kind: str
    feed_id: int | None = None
    title: str = ""


def _prompt(label: str, count: int | None, width: int, style: str = "") -> Content:
    text = Content(label)
    if style:
        text = text.stylize(style)
    if not count:  # one line, like the entries with a number
        return text.truncate(width - 1).append("…") if text.cell_length > width else text
    number = f"{count:,}"
    room = max(4, width - len(number) - 1)
    if text.cell_length > room:
        text = text.truncate(room - 1).append("…")
    return (
        text.pad_right(max(0, room - text.cell_length))
        .append(" ")
        .append(Content(number).stylize("$text-muted"))
    )


class FeedFilter(PaneList):
    """Feed picker; posts ``FeedFilter.Chosen`` when an entry is selected."""

    class Chosen(Message):
        def __init__(self, choice: FeedChoice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.choices: list[FeedChoice] = []
        self._feeds: list[FeedRow] = []
        self._counts: dict[str, int] = {}
        self._shape: tuple[int, list[tuple[str, int | None]]] | None = None  # what is listed

    def set_feeds(self, feeds: Sequence[FeedRow], counts: dict[str, int]) -> None:
        """Rebuild the entries, keeping the highlighted one."""
        self._feeds = list(feeds)
        self._counts = dict(counts)
        self._rebuild()

    def _rebuild(self) -> None:
        keep = self.highlighted
        width = max(12, (self.scrollable_content_region.width or 32) - 3)  # option padding
        self.choices = [
            FeedChoice("all", title="All articles"),
            FeedChoice("unread", title="Unread"),
            FeedChoice("starred", title="Starred"),
        ]
        options: list[Option | None] = [
            Option(_prompt("All articles", self._counts.get("articles"), width, "bold")),
            Option(_prompt("Unread", self._counts.get("unread"), width, "bold")),
            Option(_prompt("Starred", self._counts.get("starred"), width, "bold")),
            None,
        ]
        for feed in self._feeds:
            title = line(feed.title, 200) or line(feed.url, 200)
            self.choices.append(FeedChoice("feed", feed.id, title))
            label = ("⚠ " if feed.last_error else "") + title
            options.append(Option(_prompt(label, feed.unread, width)))
        if self._update_in_place(options, width):
            return
        self._shape = (width, [(c.kind, c.feed_id) for c in self.choices])
        self.set_options(options)
        if keep is not None and self.option_count:
            self.highlighted = min(keep, self.option_count - 1)

    def _update_in_place(self, options: list[Option | None], width: int) -> bool:
        """Change only the prompts that differ, when the entries are the same ones.

        ``set_options`` (and ``replace_option_prompt``) make the list measure every entry
        again: 40 ms with 1,000 feeds, after every open as the unread numbers change. Every
        prompt here is one line no wider than ``width``, so the lines stay where they are and
        only the changed entries are drawn again. False (rebuild) when anything else changed.
        """
        if self._shape != (width, [(c.kind, c.feed_id) for c in self.choices]):
            return False
        if not hasattr(Option, "_set_prompt") or not hasattr(self, "_option_render_cache"):
            return False  # the textual internals this relies on
        # the same entries as the options on show (None is a rule, not an option)
        prompts = [cast(Content, option.prompt) for option in options if option is not None]
        changed: list[tuple[int, Content]] = []
        for index, new in enumerate(prompts):
            old = cast(Content, self.get_option_at_index(index).prompt)
            if new.cell_length > width or old.cell_length > width:
                return False  # it may wrap: its height could change
            if new.plain != old.plain or new.spans != old.spans:
                changed.append((index, new))
        for index, prompt in changed:
            self.get_option_at_index(index)._set_prompt(prompt)
        if changed:
            self._option_render_cache.clear()
            self.refresh()
        return True

    def on_resize(self) -> None:
        if self._feeds or self._counts:
            self._rebuild()

    def on_option_list_option_selected(self, event: PaneList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self.choices[event.option_index]))

    def choice_at(self, index: int | None) -> FeedChoice | None:
        if index is None or not 0 <= index < len(self.choices):
            return None
        return self.choices[index]

    def highlight_feed(self, feed_id: int | None, kind: str = "feed") -> None:
        for i, choice in enumerate(self.choices):
            if (kind == "feed" and choice.feed_id == feed_id and choice.kind == "feed") or (
                kind != "feed" and choice.kind == kind
            ):
                self.highlighted = i
                return
