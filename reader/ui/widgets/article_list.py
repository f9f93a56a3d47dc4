"""The list pane: a line-API widget that draws only the visible rows, however many there are."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import ArticleRow
from reader.ui.text import Clock, line, short_date

ROW_HEIGHT = 2


class ArticleList(ScrollView, can_focus=True):
    """Articles, two lines each: a mark and the title, then the feed and a short date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("enter", "select", "Open", id="open"),
        Binding("home,g", "first", "First", show=False, id="cursor-first"),
        Binding("end,G", "last", "Last", show=False, id="cursor-last"),
        Binding("pagedown", "page_down_rows", "Page down", show=False, id="list-page-down"),
        Binding("pageup", "page_up_rows", "Page up", show=False, id="list-page-up"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--mark",
        "article-list--star",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to ``article`` (None when the list is empty)."""

        def __init__(self, article: ArticleRow | None) -> None:
            super().__init__()
            self.article = article

    class Selected(Message):
        """The user opened ``article`` (enter or click)."""

        def __init__(self, article: ArticleRow) -> None:
            super().__init__()
            self.article = article

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[ArticleRow] = []
        self.clock = clock
        self.empty_text = "No articles here."
        self._index: dict[int, int] = {}
        self._pending_keep: int | None = None
        self._empty_wrapped: tuple[tuple[str, int], list[str]] = (("", -1), [])

    # -- data ---------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ArticleRow], keep_id: int | None = None) -> None:
        """Replace the rows, keeping the cursor on ``keep_id`` (or its old index) if possible.

        When ``keep_id`` is not among ``rows`` it is remembered: if a later ``extend_rows``
        brings it and the user has not moved the cursor since, the cursor goes to it.
        """
        old = self.cursor
        self.rows = list(rows)
        self._index = {row.id: i for i, row in enumerate(self.rows)}
        self._size_virtual()
        self._pending_keep = None
        if keep_id is not None and keep_id in self._index:
            target = self._index[keep_id]
        else:
            target = min(old, max(0, len(self.rows) - 1))
            self._pending_keep = keep_id
        self._set_cursor(target, announce=True)
        self.refresh()

    def extend_rows(self, rows: Sequence[ArticleRow]) -> None:
        """Append rows (the next page of the list); the cursor and scroll position stay."""
        if not rows:
            return
        start = len(self.rows)
        self.rows.extend(rows)
        index = self._index
        for i, row in enumerate(rows, start):
            index[row.id] = i
        self._size_virtual()
        keep = self._pending_keep
        if keep is not None and keep in index:
            self._pending_keep = None
            self._set_cursor(index[keep], announce=True)
        elif start <= self.scroll_offset.y // ROW_HEIGHT + self.size.height // ROW_HEIGHT + 1:
            self.refresh()  # the new rows may be on screen

    def update_row(self, row: ArticleRow) -> None:
        """Replace one row (read or starred changed) and repaint it."""
        index = self._index.get(row.id)
        if index is None:
            return
        self.rows[index] = row
        self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    @property
    def current(self) -> ArticleRow | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def index_of(self, article_id: int) -> int | None:
        return self._index.get(article_id)

    def move_to(self, index: int) -> None:
        self._pending_keep = None
        self._set_cursor(index, announce=True)

    # -- cursor -------------------------------------------------------------------------------

    def _set_cursor(self, index: int, *, announce: bool) -> None:
        if not self.rows:
            self.cursor = 0
            if announce:
                self.post_message(self.Highlighted(None))
            return
        index = max(0, min(index, len(self.rows) - 1))
        previous = self.cursor
        self.cursor = index
        self.refresh_lines(previous * ROW_HEIGHT, ROW_HEIGHT)
        self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
        self._scroll_to_cursor()
        if announce:
            self.post_message(self.Highlighted(self.rows[index]))

    def action_cursor_down(self) -> None:
        self._pending_keep = None
        self._set_cursor(self.cursor + 1, announce=True)

    def action_cursor_up(self) -> None:
        self._pending_keep = None
        self._set_cursor(self.cursor - 1, announce=True)

    def action_first(self) -> None:
        self._pending_keep = None
        self._set_cursor(0, announce=True)

    def action_last(self) -> None:
        self._pending_keep = None
        self._set_cursor(len(self.rows) - 1, announce=True)

    def action_page_down_rows(self) -> None:
        self._pending_keep = None
        self._set_cursor(self.cursor + max(1, self.size.height // ROW_HEIGHT - 1), announce=True)

    def action_page_up_rows(self) -> None:
        self._pending_keep = None
        self._set_cursor(self.cursor - max(1, self.size.height // ROW_HEIGHT - 1), announce=True)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // ROW_HEIGHT
        if 0 <= index < len(self.rows):
            self._pending_keep = None
            self._set_cursor(index, announce=True)
            self.post_message(self.Selected(self.rows[index]))

    def _size_virtual(self) -> None:
        """Size the scroll area: the rows' height, no wider than the room beside the scrollbar
        (rows are drawn to that width, so there is never anything to scroll sideways)."""
        width = max(0, self.scrollable_content_region.width)
        self.virtual_size = Size(width, len(self.rows) * ROW_HEIGHT)

    def on_resize(self) -> None:
        self._size_virtual()
        if self.rows:
            # a smaller window must not leave the cursor row off screen until the next key
            self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        if 0 <= self.cursor < len(self.rows):
            self.scroll_to_region(
                Region(0, self.cursor * ROW_HEIGHT, 1, ROW_HEIGHT),
                animate=False,
                force=True,
                immediate=True,
            )

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # The width beside the vertical scrollbar, when there is one: the row is drawn to fit.
        width = self.scrollable_content_region.width
        base = self.rich_style
        line_no = y + self.scroll_offset.y
        index, part = divmod(line_no, ROW_HEIGHT)
        if not self.rows:
            hint = self._empty_lines(width)
            text = hint[line_no - 1] if 1 <= line_no <= len(hint) else ""
            return Strip([Segment(set_cell_size(" " + text, width), base)], width)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("article-list--cursor")
        if part == 0:
            segments = self._title_line(row, width, style)
        else:
            segments = self._meta_line(row, width, style)
        return Strip(segments, width)

    def _empty_lines(self, width: int) -> list[str]:
        """The empty-list hint wrapped to the pane (one column of margin each side)."""
        if self._empty_wrapped[0] != (self.empty_text, width):
            lines = textwrap.wrap(self.empty_text, max(1, width - 2), break_on_hyphens=False)
            self._empty_wrapped = ((self.empty_text, width), lines)
        return self._empty_wrapped[1]

    def _title_line(self, row: ArticleRow, width: int, style: Style) -> list[Segment]:
        if row.starred:
            mark = Segment("★ ", style + self.get_component_rich_style("article-list--star"))
        elif not row.read:
            mark = Segment("● ", style + self.get_component_rich_style("article-list--mark"))
        else:
            mark = Segment("  ", style)
        kind = "article-list--read" if row.read else "article-list--unread"
        title = line(row.title, 300) or "(untitled)"
        text = set_cell_size(title, max(0, width - 3))
        if cell_len(title) > width - 3 and width > 4:
            text = set_cell_size(title, width - 4) + "…"
        return [
            Segment(" ", style),
            mark,
            Segment(text, style + self.get_component_rich_style(kind)),
        ]

    def _meta_line(self, row: ArticleRow, width: int, style: Style) -> list[Segment]:
        meta = style + self.get_component_rich_style("article-list--meta")
        date = short_date(row.published, self.clock())
        room = max(0, width - 3 - len(date) - 2)
        feed = line(row.feed_title, 200)
        if cell_len(feed) > room and room > 1:
            feed = set_cell_size(feed, room - 1) + "…"
        feed = set_cell_size(feed, room)
        return [Segment("   " + feed + "  ", meta), Segment(date, meta)]
