"""The summary pane: the article's quotes and people, and a chosen person's quotes everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.widgets.option_list import Option

from reader.models import ArticleDetail, Person, Quote
from reader.ui.text import line
from reader.ui.widgets.pane_list import PaneList

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
    counts = f"{person.mentions} mention{'s' if person.mentions != 1 else ''}"
    counts += f" · {person.quotes} quote{'s' if person.quotes != 1 else ''}"
    parts.append(Content("\n" + counts).stylize("$text-muted"))
    return Content("").join(parts)


def _spaced(options: list[Option]) -> list[Option | None]:
    """Options with a divider between each (dividers are not counted as options)."""
    spaced: list[Option | None] = []
    for option in options:
        if spaced:
            spaced.append(None)
        spaced.append(option)
    return spaced


class SummaryPane(Vertical):
    """Quotes and people of the open article; a person's quotes across articles when filtered."""

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

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="person-title", classes="summary-title")
        yield PaneList(id="person-quotes")
        yield Static(Content("Quotes"), id="quotes-title", classes="summary-title")
        yield PaneList(id="quotes")
        yield Static(Content("People"), id="people-title", classes="summary-title")
        yield PaneList(id="people")

    def on_mount(self) -> None:
        self._show_person()
        self.show_article(None)

    def show_article(self, article: ArticleDetail | None) -> None:
        self.quotes = article.quotes if article else ()
        self.people = article.people if article else ()
        quotes = self.query_one("#quotes", PaneList)
        people = self.query_one("#people", PaneList)
        n_q, n_p = len(self.quotes), len(self.people)
        self.query_one("#quotes-title", Static).update(Content(f"Quotes ({n_q})"))
        self.query_one("#people-title", Static).update(Content(f"People ({n_p})"))
        quotes.set_options(
            _spaced([Option(quote_prompt(q)) for q in self.quotes])
            or [Option(Content("No quotes in this article.").stylize("$text-muted"), disabled=True)]
        )
        people.set_options(
            _spaced([Option(person_prompt(p)) for p in self.people])
            or [Option(Content("Nobody named.").stylize("$text-muted"), disabled=True)]
        )

    def focus_first(self) -> None:
        for list_id in ("#person-quotes", "#quotes", "#people"):
            widget = self.query_one(list_id, PaneList)
            if widget.display and widget.option_count:
                widget.focus()
                return

    def show_person(self, name: str | None, quotes: Sequence[PersonQuote] = ()) -> None:
        self.person = name
        self.person_quotes = list(quotes)
        self._show_person()

    def _show_person(self) -> None:
        title = self.query_one("#person-title", Static)
        listing = self.query_one("#person-quotes", PaneList)
        visible = self.person is not None
        title.display = visible
        listing.display = visible
        if not visible:
            listing.clear_options()
            return
        n = len(self.person_quotes)
        title.update(
            Content(f"{line(self.person, 120)}: {n} quote{'s' if n != 1 else ''} in all articles")
        )
        listing.set_options(
            _spaced(
                [
                    Option(
                        Content(f"“{line(q.text, 400)}”\n").append(
                            Content(line(title_, 200)).stylize("$text-muted")
                        )
                    )
                    for q, _aid, title_, _pub in self.person_quotes
                ]
            )
            or [Option(Content("No direct quotes.").stylize("$text-muted"), disabled=True)]
        )

    def on_option_list_option_selected(self, event: PaneList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if event.option_list.id == "quotes" and index < len(self.quotes):
            self.post_message(self.QuoteChosen(self.quotes[index], None))
        elif event.option_list.id == "people" and index < len(self.people):
            self.post_message(self.PersonChosen(self.people[index].name))
        elif event.option_list.id == "person-quotes" and index < len(self.person_quotes):
            quote, article_id, _title, _pub = self.person_quotes[index]
            self.post_message(self.QuoteChosen(quote, article_id))
