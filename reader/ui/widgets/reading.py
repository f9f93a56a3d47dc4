"""The reading pane: the article's metadata, a note when the text is not the page's, the text."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, Static

from reader.models import ArticleDetail, Quote
from reader.ui.text import body, full_date, line

WELCOME_READING = "Select an article and press enter to read it here."


def quote_span(text: str, quote: Quote) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``: its stored offsets if they still match, else a search."""
    if 0 <= quote.start < quote.end <= len(text) and text[quote.start : quote.end] == quote.text:
        return quote.start, quote.end
    if not quote.text:
        return None
    found = text.find(quote.text, max(0, quote.start - 200))
    if found < 0:
        found = text.find(quote.text)
    return (found, found + len(quote.text)) if found >= 0 else None


class ReadingPane(VerticalScroll, can_focus=True):
    """Shows ``article``; ``highlight_quote`` scrolls to one of its quotes and marks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="cursor-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="cursor-up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="cursor-first"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="cursor-last"),
    ]

    article: reactive[ArticleDetail | None] = reactive(None, always_update=True, init=False)
    loading_text: reactive[bool] = reactive(False, init=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.highlighted: Quote | None = None
        self._text = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(WELCOME_READING), id="reading-meta")
        yield Static(Content(""), id="reading-note")
        yield LoadingIndicator(id="reading-loading")
        yield Static(Content(""), id="reading-body")

    def on_mount(self) -> None:
        self.query_one("#reading-note").display = False
        self.query_one("#reading-loading").display = False

    def watch_article(self, article: ArticleDetail | None) -> None:
        self.highlighted = None
        meta = self.query_one("#reading-meta", Static)
        note = self.query_one("#reading-note", Static)
        text_widget = self.query_one("#reading-body", Static)
        if article is None:
            meta.update(Content(WELCOME_READING))
            note.display = False
            text_widget.update(Content(""))
            self._text = ""
            return
        meta.update(self._meta(article))
        note_text = self._note(article)
        note.update(Content(note_text))
        note.display = bool(note_text)
        self._text = body(article.text)
        text_widget.update(self._body())
        self.scroll_home(animate=False)

    def watch_loading_text(self, loading: bool) -> None:
        self.query_one("#reading-loading").display = loading

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
        flags = []
        if article.starred:
            flags.append("★ starred")
        if flags:
            parts += [Content("\n"), Content(", ".join(flags)).stylize("$text-warning")]
        return Content("").join(parts)

    def _note(self, article: ArticleDetail) -> str:
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

    def _body(self) -> Content:
        text = self._text or "(This article has no text.)"
        result = Content(text)
        if self.highlighted is not None:
            span = quote_span(self._text, self.highlighted)
            if span:
                result = result.stylize("reverse bold", *span)
        return result

    def highlight_quote(self, quote: Quote) -> bool:
        """Mark ``quote`` and scroll so it is near the top; False when it is not in the text."""
        span = quote_span(self._text, quote)
        if span is None:
            return False
        self.highlighted = quote
        text_widget = self.query_one("#reading-body", Static)
        text_widget.update(self._body())
        width = max(1, text_widget.content_region.width or self.scrollable_content_region.width)
        before = len(Content(self._text[: span[0]] + "x").wrap(width)) - 1
        target = text_widget.virtual_region.y + before
        self.call_after_refresh(self.scroll_to, y=max(0, target - 2), animate=False)
        return True

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def page_up(self) -> None:
        self.scroll_page_up(animate=False)
