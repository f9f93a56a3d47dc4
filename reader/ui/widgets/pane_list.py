"""OptionList with the app's navigation keys (j/k with the same binding ids as the list)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class PaneList(OptionList):
    """An OptionList whose prompts are always ``Content`` built from sanitised text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("enter", "select", "Select", show=False, id="open"),
        Binding("home,g", "first", "First", show=False, id="cursor-first"),
        Binding("end,G", "last", "Last", show=False, id="cursor-last"),
    ]
