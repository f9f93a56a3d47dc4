"""The reading pane: the article's metadata, a note when the text is not the page's, the text.

A line-API widget: the article is kept as blocks (the metadata, the note, then one block per
line of the text), each rendered to strips once per width. Opening an article repaints this
one widget (no layout pass over the screen); highlighting a quote re-renders only the lines of
text it touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size, Spacing
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Padding, Visual

from reader.core.sanitize import is_web_url, sanitize
from reader.models import ArticleDetail, Quote
from reader.ui.text import full_date, line, narrow_emoji

WELCOME_READING = "Select an article and press enter to read it here."
HIGHLIGHT = "reverse bold"


def quote_span(text: str, quote: Quote, stored: str | None = None) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text`` (as shown): its stored offsets if they still match, else
    a search.

    ``stored`` is the text the offsets count in, when ``text`` is that text with some U+FE0F
    left out (``narrow_emoji``): the offsets are then moved back by the selectors dropped
    before them, so a quote after an emoji is still found where it is, not at an earlier copy.
    """
    start, end = quote.start, quote.end
    if stored is not None and stored != text and stored[start:end] == quote.text:
        start = len(narrow_emoji(stored[:start]))
        end = start + len(narrow_emoji(quote.text))
    if 0 <= start < end <= len(text) and text[start:end] == narrow_emoji(quote.text):
        return start, end
    needle = narrow_emoji(quote.text)  # as the text on screen has it
    if not needle:
        return None
    found = text.find(needle, max(0, quote.start - 200))
    if found < 0:
        found = text.find(needle)
    return (found, found + len(needle)) if found >= 0 else None


@dataclass(slots=True)
class _Block:
    """A piece of the pane rendered on its own: metadata, note, blank line or a text line."""

    content: Content
    start: int = -1  # offset of a text line in the article text; -1 for the rest
    component: str = ""  # component class for its style (the note)
    strips: list[Strip] = field(default_factory=list)


class ReadingPane(ScrollView, can_focus=True):
    """Shows ``article``; ``highlight_quote`` scrolls to one of its quotes and marks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="cursor-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="cursor-up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="cursor-first"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="cursor-last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"reading--note"}

    article: reactive[ArticleDetail | None] = reactive(None, always_update=True, init=False)
    loading_text: reactive[bool] = reactive(False, init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.highlighted: Quote | None = None
        self._span: tuple[int, int] | None = None  # where the highlighted quote is in _text
        self.note_text = ""
        self._text = ""
        self._stored = ""  # the article text the quotes' offsets count in
        self._blocks: list[_Block] = [_Block(Content(WELCOME_READING))]
        self._lines: list[tuple[int, int]] = []  # (block, line in block) per pane line
        self._width = 0  # the width the blocks' strips were rendered at; 0: not rendered
        self._stale = False
        self._scroll_after_render: float | None = None
        self._scroll_to_quote: tuple[int, int] | None = None  # chosen while hidden

    # -- what is shown ------------------------------------------------------------------------

    @property
    def body_content(self) -> Content:
        """The article text with the highlight, as one Content (for tests and copying)."""
        return self._styled(self._text or "(This article has no text.)", 0)

    def show(self, article: ArticleDetail | None, *, loading: bool = False) -> None:
        """Show ``article`` (with the fetching note when ``loading``), rendering it once."""
        self.set_reactive(ReadingPane.loading_text, loading)
        self.article = article

    def update_flags(self, article: ArticleDetail) -> None:
        """Show changed flags (a star) of the article on screen, keeping scroll and highlight."""
        y = self.scroll_y
        self.set_reactive(ReadingPane.article, article)
        self._build()
        if self._width:
            self.scroll_to(y=y, animate=False, immediate=True)
        else:  # hidden (narrow layout, quotes shown): scroll back once it is drawn again
            self._scroll_after_render = y

    def watch_article(self, article: ArticleDetail | None) -> None:
        self.highlighted = None
        self._span = None
        self._stored = sanitize(article.text) if article is not None else ""
        self._text = narrow_emoji(self._stored)  # as body() shows it
        self._scroll_after_render = None
        self._scroll_to_quote = None
        self._build()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def watch_loading_text(self, loading: bool) -> None:
        self._build()

    def _build(self) -> None:
        """Split the article into blocks; render them at the current width.

        A hidden pane has no width: its blocks stay unrendered (and it shows no lines) until
        it is shown again, when ``on_resize``/``on_show``/``render_line`` render them.
        """
        article = self.article
        blank = Content("")
        if article is None:
            self.note_text = ""
            self._blocks = [_Block(Content(WELCOME_READING))]
        else:
            self.note_text = self._note(article)
            blocks = [_Block(self._meta(article)), _Block(blank)]
            if self.note_text:
                blocks += [_Block(Content(self.note_text), component="reading--note")]
                blocks.append(_Block(blank))
            if self._text:
                offset = 0
                for text_line in self._text.split("\n"):
                    blocks.append(_Block(self._styled(text_line, offset), start=offset))
                    offset += len(text_line) + 1
            else:
                blocks.append(_Block(Content("(This article has no text.)")))
            self._blocks = blocks
        self._width = 0
        self._render_blocks()

    def _styled(self, text: str, offset: int) -> Content:
        """``text`` (found at ``offset`` in the article text) with the highlight if it has it."""
        result = Content(text)
        if self._span is not None:
            start = max(self._span[0], offset)
            end = min(self._span[1], offset + len(text))
            if start < end:
                result = result.stylize(HIGHLIGHT, start - offset, end - offset)
        return result

    @staticmethod
    def _meta(article: ArticleDetail) -> Content:
        title = line(article.title) or "(untitled)"
        parts: list[Content] = [Content(title).stylize("bold $text-primary"), Content("\n")]
        byline = [line(article.feed_title, 200)]
        if article.author:
            byline.append(line(article.author, 256))
        byline.append(full_date(article.published))
        parts.append(Content(" · ".join(b for b in byline if b)).stylize("$text-secondary"))
        if article.link:
            parts += [Content("\n"), Content(line(article.link, 500)).stylize("$text-muted")]
        if article.starred:
            parts += [Content("\n"), Content("★ starred").stylize("$text-warning")]
        return Content("").join(parts)

    def _note(self, article: ArticleDetail) -> str:
        if article.text_source == "" and not is_web_url(article.link):
            return "This article has no web page to fetch: the feed's text is all there is."
        if article.text_source == "":
            return (
                "Not extracted yet: fetching the page…"
                if self.loading_text
                else ("The page has not been extracted yet; this is the feed's own text.")
            )
        if article.text_source == "feed":
            why = line(article.extract_error, 300) if article.extract_error else "no page"
            return f"Showing the feed's own text: the page could not be used ({why})."
        return ""

    # -- rendering ----------------------------------------------------------------------------

    def _render_block(self, block: _Block, width: int) -> None:
        visual: Visual = block.content
        if block.component:
            style = self.get_visual_style(block.component)
            visual = Padding(visual, Spacing(0, 1, 0, 1))
        else:
            style = self.visual_style
        strips = Visual.to_strips(self, visual, width, None, style)
        block.strips = [s.extend_cell_length(width, style.rich_style) for s in strips] or [
            Strip.blank(width, style.rich_style)
        ]

    def _render_blocks(self) -> None:
        """Render every block at the pane's width and size the scroll area.

        The lines always describe the current blocks: with no width (the pane is hidden) there
        are none until the pane is shown and rendered, never lines of blocks replaced since.
        """
        width = self.scrollable_content_region.width
        lines: list[tuple[int, int]] = []
        if width <= 0 or not self.display:
            self._width = 0
            for block in self._blocks:
                block.strips = []
        else:
            self._width = width
            for index, block in enumerate(self._blocks):
                self._render_block(block, width)
                lines.extend((index, n) for n in range(len(block.strips)))
        self._lines = lines
        self.virtual_size = Size(max(width, 0), len(lines))
        self.refresh()
        if self._width and self._scroll_after_render is not None:
            y, self._scroll_after_render = self._scroll_after_render, None
            self.call_after_refresh(self.scroll_to, y=y, animate=False)
        if self._width and self._scroll_to_quote is not None:
            target, self._scroll_to_quote = self._scroll_to_quote, None
            self.call_after_refresh(self._scroll_to_span, *target)

    def _render_if_needed(self) -> None:
        if self.scrollable_content_region.width != self._width or not self._width:
            self._render_blocks()

    def on_resize(self) -> None:
        self._render_if_needed()

    def on_show(self) -> None:
        self._render_if_needed()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if not self._stale and self.is_mounted:
            self._stale = True  # the theme changed: render the blocks with the new styles
            self.call_later(self._rerender)

    def _rerender(self) -> None:
        self._stale = False
        self._render_blocks()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line_no = y + self.scroll_offset.y
        if self._width != width and not self._stale and self.is_mounted:
            self._stale = True  # the width changed without a resize (should not happen)
            self.call_later(self._rerender)
        if not 0 <= line_no < len(self._lines):
            return Strip.blank(width, self.rich_style)
        block, n = self._lines[line_no]
        strips = self._blocks[block].strips if 0 <= block < len(self._blocks) else []
        if not 0 <= n < len(strips):  # not rendered yet: drawn once the pane has its width
            if not self._stale and self.is_mounted:
                self._stale = True
                self.call_later(self._rerender)
            return Strip.blank(width, self.rich_style)
        strip = strips[n]
        return strip if strip.cell_length == width else strip.crop_extend(0, width, None)

    # -- quotes and paging --------------------------------------------------------------------

    def highlight_quote(self, quote: Quote) -> bool:
        """Mark ``quote`` and scroll so it is near the top; False when it is not in the text."""
        span = quote_span(self._text, quote, self._stored)
        if span is None:
            return False
        previous = self._span
        self.highlighted, self._span = quote, span
        touched = [span] + ([previous] if previous else [])
        target_line: int | None = None
        changed = False
        for index, block in enumerate(self._blocks):
            if block.start < 0:
                continue
            end = block.start + len(block.content.plain)
            if any(s < end + 1 and e > block.start for s, e in touched):
                old_height = len(block.strips)
                block.content = self._styled(block.content.plain, block.start)
                if self._width:
                    self._render_block(block, self._width)
                    changed = changed or len(block.strips) != old_height
            if target_line is None and block.start <= span[0] <= end:
                target_line = index
        if changed:
            self._render_blocks()
        else:
            self.refresh()
        if target_line is not None:
            if self._width:
                self.call_after_refresh(self._scroll_to_span, target_line, span[0])
            else:  # hidden (narrow layout, quotes shown): scroll once it is drawn again
                self._scroll_to_quote = (target_line, span[0])
        return True

    def _scroll_to_span(self, block_index: int, offset: int) -> None:
        block = self._blocks[block_index]
        first = next((i for i, (b, _n) in enumerate(self._lines) if b == block_index), 0)
        width = max(1, self._width)
        before = len(Content(block.content.plain[: offset - block.start] + "x").wrap(width)) - 1
        self.scroll_to(y=max(0, first + before - 2), animate=False)

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def page_up(self) -> None:
        self.scroll_page_up(animate=False)
