"""Modal dialogs: add a feed, confirm, search. Untrusted text is shown only as Content."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, LoadingIndicator, Static

from reader.core.service import AddResult, feed_error_message
from reader.errors import ReaderError
from reader.ui.text import line


class AddFeedDialog(ModalScreen[AddResult | None]):
    """Ask for a URL and add it with the same checks and messages as ``newsreader add``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel")
    ]

    def __init__(self, add: Callable[[str], Awaitable[AddResult]]) -> None:
        super().__init__()
        self._add = add

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Content("Add a feed"), classes="dialog-title")
            yield Static(
                Content("A feed URL, or a web page that links to its feed."), classes="dialog-help"
            )
            yield Input(placeholder="https://example.com/feed.xml", id="add-url")
            yield LoadingIndicator(id="add-busy")
            yield Static(Content(""), id="add-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add-ok")
                yield Button("Cancel", id="add-cancel")

    def on_mount(self) -> None:
        self.query_one("#add-busy").display = False

    @on(Input.Submitted, "#add-url")
    @on(Button.Pressed, "#add-ok")
    def submit(self) -> None:
        url = self.query_one("#add-url", Input).value.strip()
        if not url:
            self._say("Type the feed's address first.", error=True)
            return
        self._say("Fetching…")
        self.query_one("#add-busy").display = True
        self.query_one("#add-ok", Button).disabled = True
        self.adding(url)

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "add")
        self.dismiss(None)

    @work(exclusive=True, group="add")
    async def adding(self, url: str) -> None:
        try:
            result = await self._add(url)
        except ReaderError as exc:
            self._failed(feed_error_message(exc))
            return
        except Exception as exc:  # an unexpected bug: show it, keep the app alive
            self._failed(feed_error_message(exc))
            return
        self.dismiss(result)

    def _failed(self, message: str) -> None:
        self.query_one("#add-busy").display = False
        self.query_one("#add-ok", Button).disabled = False
        self._say(message, error=True)
        self.query_one("#add-url", Input).focus()

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#add-message", Static)
        widget.set_class(error, "error")
        widget.update(Content(line(message, 600)))

    @property
    def message(self) -> str:
        return str(self.query_one("#add-message", Static).content)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, defaulting to no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", id="dialog-no"),
        Binding("y", "answer(True)", "Yes", id="dialog-yes"),
    ]

    def __init__(self, question: Content, yes: str = "Remove") -> None:
        super().__init__()
        self._question = question
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._question, classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self._yes} (y)"), variant="error", id="confirm-yes")
                yield Button(Content("Keep (n)"), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SearchDialog(ModalScreen[str | None]):
    """One line of search words (full-text search over titles and text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel")
    ]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Search titles and article text"), classes="dialog-title")
            yield Input(value=self._initial, placeholder='words, "a phrase"', id="search-input")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
