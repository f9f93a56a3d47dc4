"""The summary pane: the article's quotes and people, and a chosen person's quotes everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from reader.models import ArticleDetail, Person, Quote, plural
from reader.ui.text import line
from reader.ui.widgets.pane_list import PaneList

NO_ARTICLE = "Open an article to see its quotes and the people it names."

PersonQuote = tuple[Quote, int, str, float]
"""(quote, article id, article title, published), as ``Store.quotes_by`` returns them."""


def quote_prompt(quote: Quote, source: str | None = None) -> Content:
    speaker = line(quote.speaker, 120) or "Unattributed"
    parts = [Content(speaker).stylize("bold $text-accent")]
    if quote.partial:
        parts.append(Content(" (partial)").stylize("$text-muted italic"))
    parts.append(Content("\n“" + line(quote.text, 600) + "”"))
    if source:
        parts.append(Content("\n" + source).stylize("$text-muted"))
    return Content("").join(parts)


def person_prompt(person: Person) -> Content:
    parts = [Content(line(person.name, 120)).stylize("bold")]
    if person.role:
        parts.append(Content(", " + line(person.role, 120)).stylize("$text-secondary"))
    counts = f"{plural(person.mentions, 'mention')} · {plural(person.quotes, 'quote')}"
    parts.append(Content("\n" + counts).stylize("$text-muted"))
    return Content("").join(parts)


def _header(text: str) -> Option:
    return Option(Content(text).stylize("bold $text-primary"), disabled=True)


def _note(text: str) -> Option:
    return Option(Content(text).stylize("$text-muted"), disabled=True)


class SummaryPane(Vertical):
    """Quotes and people of the open article; a person's quotes across articles when filtered.

    One option list holds every section (a chosen person's quotes, the article's quotes, its
    people) under disabled headers, so showing an article replaces the options of one widget
    of fixed size: a repaint of the pane, never a layout pass over the screen.
    """

    class QuoteChosen(Message):
        """A quote was selected; ``article_id`` is set when it belongs to another article."""

        def __init__(self, quote: Quote, article_id: int | None) -> None:
            super().__init__()
            self.quote = quote
            self.article_id = article_id

    class PersonChosen(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.quotes: tuple[Quote, ...] = ()
        self.people: tuple[Person, ...] = ()
        self.person_quotes: list[PersonQuote] = []
        self.person: str | None = None
        self._article_id: int | None = None
        self._items: list[tuple[str, int]] = []  # (section, index in it) per option

    def compose(self) -> ComposeResult:
        yield PaneList(id="summary-list")

    def on_mount(self) -> None:
        self._rebuild()

    @property
    def listing(self) -> PaneList:
        return self.query_one("#summary-list", PaneList)

    def show_article(self, article: ArticleDetail | None) -> None:
        """Show an article's quotes and people; the highlight stays put only for the same one
        shown again (say, once its page is extracted), else the pane starts at the top."""
        same = article is not None and article.id == self._article_id
        self._article_id = article.id if article else None
        self.quotes = article.quotes if article else ()
        self.people = article.people if article else ()
        self._rebuild(keep=same)

    def show_person(self, name: str | None, quotes: Sequence[PersonQuote] = ()) -> None:
        """Show (or, with None, drop) a person's quotes from every article at the top.

        The highlight goes to their first quote, so the keyboard is where the new lines are;
        with no quotes it stays on what it was on.
        """
        self.person = name
        self.person_quotes = list(quotes)
        self._rebuild(("person-quote", 0) if name is not None and quotes else None)

    def option_index(self, section: str, index: int) -> int | None:
        """The option showing item ``index`` of ``section`` (person-quote, quote, person)."""
        try:
            return self._items.index((section, index))
        except ValueError:
            return None

    def _rebuild(self, target: tuple[str, int] | None = None, *, keep: bool = True) -> None:
        """Rebuild the options, keeping the highlight on the same item (or moving to target)."""
        listing = self.listing
        before = listing.highlighted if keep else None
        kept = self._items[before] if before is not None and before < len(self._items) else None
        options: list[Option | None] = []
        items: list[tuple[str, int]] = []

        def section(header: Option, entries: list[tuple[str, int, Option]], empty: str) -> None:
            if options:
                options.append(None)
            options.append(header)
            items.append(("header", len(items)))
            if not entries:
                options.append(_note(empty))
                items.append(("note", len(items)))
            for n, (kind, index, option) in enumerate(entries):
                if n:
                    options.append(None)
                options.append(option)
                items.append((kind, index))

        if self.person is not None:
            n = len(self.person_quotes)
            section(
                _header(f"{line(self.person, 120)}: {plural(n, 'quote')} in all articles"),
                [
                    (
                        "person-quote",
                        i,
                        Option(
                            Content(f"“{line(q.text, 400)}”\n").append(
                                Content(line(title_, 200)).stylize("$text-muted")
                            )
                        ),
                    )
                    for i, (q, _aid, title_, _pub) in enumerate(self.person_quotes)
                ],
                "No direct quotes.",
            )
        if self._article_id is None:
            if options:
                options.append(None)
            options.append(_note(NO_ARTICLE))
            items.append(("note", len(items)))
        else:
            section(
                _header(f"Quotes ({len(self.quotes)})"),
                [("quote", i, Option(quote_prompt(q))) for i, q in enumerate(self.quotes)],
                "No quotes in this article.",
            )
            section(
                _header(f"People ({len(self.people)})"),
                [("person", i, Option(person_prompt(p))) for i, p in enumerate(self.people)],
                "Nobody named.",
            )
        self._items = items
        listing.set_options(options)
        for wanted in (target, kept):
            if wanted is not None and wanted[0] not in ("header", "note") and wanted in items:
                listing.highlighted = items.index(wanted)
                break
        else:
            if not keep:
                listing.scroll_home(animate=False)

    def focus_first(self) -> None:
        listing = self.listing
        listing.focus()
        first = next(
            (i for i, (kind, _n) in enumerate(self._items) if kind not in ("header", "note")),
            None,
        )
        if first is not None:
            listing.highlighted = first

    def on_option_list_option_selected(self, event: PaneList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self._items):
            return
        kind, index = self._items[event.option_index]
        if kind == "quote" and index < len(self.quotes):
            self.post_message(self.QuoteChosen(self.quotes[index], None))
        elif kind == "person" and index < len(self.people):
            self.post_message(self.PersonChosen(self.people[index].name))
        elif kind == "person-quote" and index < len(self.person_quotes):
            quote, article_id, _title, _pub = self.person_quotes[index]
            self.post_message(self.QuoteChosen(quote, article_id))
