"""Snapshot tests at 80x24 and 160x48: main with data, empty state, help, an opened article.

Deterministic: a fixed clock (relative dates), TZ=UTC, no backend, no network.
Update with ``pytest tests/ui/test_snapshots.py --snapshot-update`` after checking the diff.
"""

from __future__ import annotations

import pytest

from reader.ui.widgets.summary import SummaryPane

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.mark.parametrize("size", SIZES)
def test_main_with_data(snap_compare, sample_store, app_for, size) -> None:
    assert snap_compare(app_for(sample_store), terminal_size=size, press=["j"])


@pytest.mark.parametrize("size", SIZES)
def test_empty_state(snap_compare, empty_store, app_for, size) -> None:
    assert snap_compare(app_for(empty_store), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, sample_store, app_for, size) -> None:
    assert snap_compare(app_for(sample_store), terminal_size=size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_opened_article_with_quotes_and_people(snap_compare, sample_store, app_for, size) -> None:
    async def open_and_choose_quote(pilot) -> None:
        await pilot.press("j", "enter")
        await pilot.pause()
        summary = pilot.app.main_screen.query_one(SummaryPane)
        summary.focus_first()
        await pilot.press("enter")  # the first quote: scrolls and highlights
        await pilot.pause(0.6)  # past the coalesced count refresh after marking it read

    assert snap_compare(app_for(sample_store), terminal_size=size, run_before=open_and_choose_quote)


def test_narrow_summary_toggle(snap_compare, sample_store, app_for) -> None:
    async def open_and_toggle(pilot) -> None:
        await pilot.press("j", "enter", "i")
        await pilot.pause(0.6)  # past the coalesced count refresh after marking it read

    assert snap_compare(app_for(sample_store), terminal_size=(80, 24), run_before=open_and_toggle)
