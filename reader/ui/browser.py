"""Opening a link in the user's browser, never a console browser on the reader's own terminal.

Python's ``webbrowser`` tries the controllers named in ``webbrowser._tryorder`` in order
(``register_standard_browsers`` fills it on first use): with ``DISPLAY`` or ``WAYLAND_DISPLAY``
set, graphical ones (``xdg-open``, ``gio``, ``x-www-browser``: ``BackgroundBrowser``, started
in their own session and not waited for; firefox, chrome, opera: ``UnixBrowser`` subclasses
with ``background = True``), then, with ``TERM`` set, console ones (``www-browser``,
``links``, ``lynx``, ``w3m``: ``GenericBrowser``; ``elinks``: a ``UnixBrowser`` with
``background = False``), and the entries of ``BROWSER`` before all of them (a
``GenericBrowser`` unless the entry names a registered browser or ends in ``&``). A
``GenericBrowser`` or a foreground ``UnixBrowser`` runs on our terminal and is waited for: it
would draw over the reader and take its keys. ``webbrowser.open`` returns False when no
controller worked, which Textual's ``App.open_url`` ignores.

So only the controllers that run apart from the terminal are tried, and the caller is told
what happened: opened, nothing found, or only console browsers found (named, not started).
"""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BrowserResult:
    """What ``open_in_browser`` did: ``opened``, else the console browsers it did not start."""

    opened: bool
    console_browsers: tuple[str, ...] = ()


def runs_in_terminal(browser: webbrowser.BaseBrowser) -> bool:
    """True for a controller that runs its browser on our terminal and waits for it."""
    if isinstance(browser, webbrowser.BackgroundBrowser):
        return False
    if isinstance(browser, webbrowser.GenericBrowser):
        return True
    if isinstance(browser, webbrowser.UnixBrowser):
        return not browser.background
    return False  # Konqueror, macOS (osascript), Windows (startfile): apart from the terminal


def browsers() -> tuple[list[webbrowser.BaseBrowser], list[str]]:
    """The usable controllers in webbrowser's order, and the names of the console ones."""
    try:
        webbrowser.get()  # registers the standard browsers on first use
    except webbrowser.Error:
        pass  # none at all
    apart: list[webbrowser.BaseBrowser] = []
    console: list[str] = []
    for name in list(webbrowser._tryorder or []):  # type: ignore[attr-defined]
        try:
            browser = webbrowser.get(name)
        except webbrowser.Error:
            continue
        if runs_in_terminal(browser):
            label = getattr(browser, "basename", "") or getattr(browser, "name", "") or name
            if label not in console:
                console.append(label)
        else:
            apart.append(browser)
    return apart, console


def open_in_browser(url: str) -> BrowserResult:
    """Open ``url`` (already checked to be http(s)) in a browser that is not on our terminal.

    Blocking (a remote-control browser may take up to 5 s to answer): call it off the UI
    thread.
    """
    apart, console = browsers()
    for browser in apart:
        try:
            if browser.open(url, new=2):
                return BrowserResult(True)
        except (webbrowser.Error, OSError):
            continue
    return BrowserResult(False, tuple(console))
