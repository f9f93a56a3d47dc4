"""The help screen: every key, as currently mapped, with its binding id for the config file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def key_label(keys: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "space": "space",
        "shift+tab": "shift+tab",
        "escape": "esc",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """A scrolling table of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="cursor-down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="cursor-up"),
        Binding("home,g", "scroll('home')", "Top", show=False, id="cursor-first"),
        Binding("end,G", "scroll('end')", "Bottom", show=False, id="cursor-last"),
        Binding("pagedown,space", "scroll('page-down')", "Page down", show=False, id="page-down"),
        Binding("pageup,b", "scroll('page-up')", "Page up", show=False, id="page-up"),
    ]

    def __init__(self, rows: Iterable[tuple[str, str, str]], config_path: str) -> None:
        super().__init__()
        self._rows = list(rows)
        self._config_path = config_path

    def compose(self) -> ComposeResult:
        width = max((len(key_label(k)) for k, _, _ in self._rows), default=8) + 2
        lines: list[Content] = [Content("Keys").stylize("bold $text-primary"), Content("")]
        for keys, description, binding_id in self._rows:
            lines.append(
                Content.assemble(
                    (key_label(keys).ljust(width), "bold $text-accent"),
                    description.ljust(22),
                    (binding_id, "$text-muted"),
                )
            )
        lines += [
            Content(""),
            Content("Remap any key by its id in the config file:").stylize("bold"),
            Content(self._config_path).stylize("$text-muted"),
            Content('[keymap]\ntoggle-star = "x"').stylize("$text-secondary"),
            Content(""),
            Content("ctrl+p opens the command palette (feed: NAME, person: NAME, ...).").stylize(
                "$text-muted"
            ),
            Content("Press esc, q or ? to close.").stylize("$text-muted"),
        ]
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Content("\n").join(lines), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        scroll = {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "home": box.scroll_home,
            "end": box.scroll_end,
            "page-down": box.scroll_page_down,
            "page-up": box.scroll_page_up,
        }[direction]
        scroll(animate=False)
