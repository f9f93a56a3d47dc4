"""feedparser's own test corpus (``../shared/eval/feeds``) through parse -> sanitise -> store ->
render (headless), with no exception, no control character and no markup interpreted.

Time per file is reported by ``bench/feeds_corpus.py``, not asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.feeds_corpus import CORPUS, corpus_files, run_corpus, textual_render_check
from reader.core.parse import ENTITY_EXPANSION_MAX, entity_expansion_estimate

CLEAR_REFUSALS = (
    "the response is not an RSS, Atom, RDF or JSON feed",
    "the response is empty, not a feed",
    "this is a web page, not a feed",
)


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"feed corpus not found at {CORPUS} (expected next to the repository)")
    return CORPUS


def test_corpus_parse_sanitise_store_render(corpus: Path, tmp_path: Path) -> None:
    report = run_corpus(corpus, tmp_path / "corpus.db", render=textual_render_check)
    assert report.files >= 2000
    assert not report.failures, dict(list(report.failures.items())[:10])
    assert report.entries > 1000 and report.texts > 5000
    for rel, reason in report.refused.items():
        assert reason in CLEAR_REFUSALS, (rel, reason)
    assert len(report.refused) < 0.01 * report.files


def test_X2_entity_guard_has_no_false_positive_on_the_corpus(corpus: Path) -> None:
    flagged = [
        p.name
        for p in corpus_files(corpus)
        if entity_expansion_estimate(p.read_bytes()) > ENTITY_EXPANSION_MAX
    ]
    assert flagged == []


def test_render_check_catches_markup_and_controls() -> None:
    # The render check itself must be able to fail.
    assert textual_render_check("plain [b]text[/b] shown literally") is None
    assert textual_render_check("\x1b]0;PWNED\x07") is not None
