"""Who said what: quotations with their speakers, and the people an article names.

Pure functions, text in and data out; no network, no models. ``analyze`` is the entry point
that the service layer calls; ``find_quotes`` and ``find_people`` are its two halves.
"""

from __future__ import annotations

from reader.models import Analysis

from .people import MAX_CHARS, find_people, index_people
from .quotes import find_quotes, find_spans

__all__ = ["MAX_CHARS", "analyze", "find_people", "find_quotes", "find_spans"]


def analyze(text: str, *, author: str | None = None) -> Analysis:
    """Quotes in text order and people most-mentioned first; ``author`` is not a person."""
    text = text[:MAX_CHARS]
    index = index_people(text, author)
    quotes = find_quotes(text, index=index)
    return Analysis(quotes=quotes, people=index.people())
