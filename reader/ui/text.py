"""Display helpers: every untrusted string reaches the screen through these, never as markup."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.cells import get_character_cell_size
from textual.content import Content

from reader.core.sanitize import sanitize, sanitize_line

Clock = Callable[[], float]


VS16 = "\ufe0f"
"""VARIATION SELECTOR-16: draw the character before it as an emoji (two cells)."""


def narrow_emoji(text: str) -> str:
    """``text`` without the U+FE0F that follow a character Textual counts one cell wide.

    A terminal draws "❤️" (U+2764 U+FE0F) as a two-cell emoji while Textual counts it one
    cell, which pushed the rest of the row (and its border) one cell right. Without the
    selector both draw and count one cell ("❤"). Only for display: the stored text keeps it.
    """
    if VS16 not in text:
        return text
    kept: list[str] = []
    previous = 0
    for character in text:
        if character == VS16 and previous == 1:
            continue
        kept.append(character)
        previous = get_character_cell_size(character)
    return "".join(kept)


def line(text: str | None, limit: int = 1024) -> str:
    """One sanitised line of untrusted text (title, name, feed, error)."""
    return narrow_emoji(sanitize_line(text, limit))


def content(text: str | None, style: str = "") -> Content:
    """Untrusted text as literal Content (never parsed as markup), optionally styled."""
    result = Content(line(text))
    return result.stylize(style) if style else result


def body(text: str | None) -> str:
    """Untrusted multi-line text, sanitised (newlines kept)."""
    return narrow_emoji(sanitize(text))


def short_date(stamp: float, now: float) -> str:
    """A short relative date: ``now``, ``5m``, ``3h``, ``2d``, then ``12 Nov`` or ``2024-11-12``."""
    delta = now - stamp
    if delta < 60:
        return "now" if delta > -60 else time.strftime("%d %b", time.localtime(stamp))
    if delta < 3600:
        return f"{int(delta // 60)}m"
    if delta < 86400:
        return f"{int(delta // 3600)}h"
    if delta < 7 * 86400:
        return f"{int(delta // 86400)}d"
    if time.localtime(stamp).tm_year == time.localtime(now).tm_year:
        return time.strftime("%d %b", time.localtime(stamp)).lstrip("0")
    return time.strftime("%Y-%m-%d", time.localtime(stamp))


def full_date(stamp: float) -> str:
    return time.strftime("%a %d %b %Y, %H:%M", time.localtime(stamp))
