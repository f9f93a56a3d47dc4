"""Fixtures for the UI tests: a deterministic sample database, a fixed clock, the app factory."""

from __future__ import annotations

import os
import subprocess
import time
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.config import Config
from reader.core.store import Store
from reader.models import Analysis, ParsedEntry, Person, Quote
from reader.ui.app import NewsReaderApp, make_app

os.environ["TZ"] = "UTC"
time.tzset()

NOW = 1_800_000_000.0  # 2027-01-15 08:00 UTC: every relative date is computed from this
HOUR = 3600.0

CYCLE_TEXT = (
    "The city council voted on Tuesday to expand the network of protected cycle lanes, after "
    "a debate that ran late into the evening.\n\n"
    "“This is the most important transport decision we have made in a decade,” said Maria "
    "Lopez, the council's transport chair.\n\n"
    + "\n\n".join(
        f"Paragraph {i} of the report goes over the plan in more detail, street by street, "
        "with the cost of each phase and the timetable the council agreed."
        for i in range(1, 25)
    )
    + "\n\n“When the lanes are safe, families use them,” said Aisha Rahman, a researcher."
)


def _quote(text: str, phrase: str, speaker: str, partial: bool = False) -> Quote:
    start = text.index(phrase)
    return Quote(phrase, speaker, "said", start, start + len(phrase), partial)


def entry(key: str, title: str, hours_ago: float, link: str | None = None) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        key_source="guid",
        title=title,
        link=link or f"https://news.example/{key}",
        author="Ann Writer",
        published=NOW - hours_ago * HOUR,
        published_raw=None,
        summary=f"Feed summary of {title}.",
    )


def fill_sample(store: Store, *, link_base: str | None = None) -> dict[str, int]:
    """Two feeds, five articles; the cycle-lanes article is analysed, one is not extracted."""
    herald = store.add_feed("https://herald.example/feed.xml", "Harbor Herald")
    science = store.add_feed("https://science.example/rss", "Science Weekly")

    def link(key: str) -> str | None:
        return f"{link_base}/{key}" if link_base else None

    store.store_entries(
        herald,
        [
            entry("cycle", "Council approves riverside cycle network", 2, link("cycle")),
            entry("grid", "Heatwave pushes the grid to record demand", 7, link("grid")),
            entry("library", "Central library turns 150", 30, link("library")),
        ],
        title="Harbor Herald",
    )
    store.store_entries(
        science,
        [
            entry("coral", "Scientists map coral recovery", 5, link("coral")),
            entry("fresh", "A page nobody has extracted yet", 1, link("fresh")),
        ],
        title="Science Weekly",
    )
    ids = {row.title.split()[0].lower(): row.id for row in store.articles()}
    cycle_quotes = (
        _quote(
            CYCLE_TEXT,
            "This is the most important transport decision we have made in a decade,",
            "Maria Lopez",
        ),
        _quote(CYCLE_TEXT, "When the lanes are safe, families use them,", "Aisha Rahman"),
    )
    store.save_extraction(
        ids["council"],
        text=CYCLE_TEXT,
        source="page",
        error=None,
        analysis=Analysis(
            cycle_quotes,
            (
                Person("Maria Lopez", ("Lopez",), 2, 1, "council's transport chair"),
                Person("Aisha Rahman", ("Rahman",), 1, 1, "researcher"),
            ),
        ),
    )
    coral_text = (
        "Survey divers found young colonies on bleached slopes.\n\n"
        "“The reef is recovering, not recovered,” said Aisha Rahman, an environmental scientist."
    )
    store.save_extraction(
        ids["scientists"],
        text=coral_text,
        source="page",
        error=None,
        analysis=Analysis(
            (_quote(coral_text, "The reef is recovering, not recovered,", "Aisha Rahman"),),
            (Person("Aisha Rahman", ("Rahman",), 1, 1, "environmental scientist"),),
        ),
    )
    store.save_extraction(
        ids["heatwave"],
        text="Feed summary of the heatwave.",
        source="feed",
        error="news.example answered 404 Not Found",
        analysis=Analysis(),
    )
    store.save_extraction(
        ids["central"],
        text="The library turned 150.",
        source="page",
        error=None,
        analysis=Analysis(),
    )
    return ids


@pytest.fixture
def sample_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "sample.db")
    fill_sample(store)
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "empty.db")
    yield store
    store.close()


AppFactory = Callable[..., NewsReaderApp]


@pytest.fixture
def app_for() -> AppFactory:
    """Build the app on a store with the fixed clock; no backend unless asked for."""

    def build(store: Store, config: Config | None = None, backend: bool = False) -> NewsReaderApp:
        return make_app(config or Config(), store, clock=lambda: NOW, with_backend=backend)

    return build


class FakeBrowser(webbrowser.BackgroundBrowser):
    """A graphical browser (started apart from the terminal) that records what it opens."""

    def __init__(self, opened: list[str], works: bool = True) -> None:
        super().__init__("fake-browser")
        self.opened = opened
        self.works = works

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return self.works


@pytest.fixture
def no_browsers(monkeypatch) -> None:
    """webbrowser with no browser registered (and none to discover: no DISPLAY, no TERM)."""
    monkeypatch.setattr(webbrowser, "_tryorder", [])
    monkeypatch.setattr(webbrowser, "_browsers", {})

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a browser process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", never)
