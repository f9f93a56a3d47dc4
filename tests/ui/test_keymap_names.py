"""Keymap keys written as the help screen shows them: ``?``, ``/``, ``F1``.

``help = "?"`` and ``search = "/"`` were refused ("should be keys like j,down"), and
``help = "F1"`` was taken without a word but never worked (Textual sends ``f1``).
"""

from __future__ import annotations

import pytest

from reader.config import parse_config
from reader.ui.app import MainScreen
from reader.ui.keys import normalize_key, normalize_keys
from reader.ui.screens.dialogs import SearchDialog
from reader.ui.screens.help import HelpScreen

SIZE = (160, 48)


@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("?", "question_mark"),
        ("/", "slash"),
        ("F1", "f1"),
        ("PageDown", "pagedown"),
        ("Ctrl+P", "ctrl+p"),
        ("shift+ctrl+left", "ctrl+shift+left"),
        ("esc", "escape"),
        ("A", "A"),
        ("j", "j"),
        ("question_mark", "question_mark"),
        ("comma", "comma"),
        ("ctrl++", "ctrl+plus"),
    ],
)
def test_keys_are_named_as_textual_names_them(written, textual) -> None:
    assert normalize_key(written) == textual


@pytest.mark.parametrize("never", ["F99", "bogus", "ctrl+bogus", "cmd+x", "ctrl+ctrl+x", " "])
def test_names_textual_never_sends(never) -> None:
    assert normalize_key(never) is None


def test_normalize_keys_keeps_the_known_and_reports_the_rest() -> None:
    assert normalize_keys("?, F1 ,nope,f1") == ("question_mark,f1", ["nope"])


async def test_a_keymap_with_question_mark_slash_and_F1_works(sample_store, app_for) -> None:
    config = parse_config('[keymap]\nhelp = "F1"\nsearch = "?"\ntoggle-star = "/"\n')
    assert config.warnings == []
    app = app_for(sample_store, config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen: MainScreen = app.main_screen
        await pilot.pause()
        assert config.warnings == []
        await pilot.press("slash")
        assert screen.article_list.rows[0].starred
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        rows = {binding_id: keys for keys, _d, binding_id in app.help_rows()}
        assert rows["help"] == "f1" and rows["search"] == "question_mark"


async def test_a_key_name_textual_never_sends_is_warned(sample_store, app_for) -> None:
    config = parse_config('[keymap]\nhelp = "F99,bogus"\ntoggle-star = "x,nope"\n')
    app = app_for(sample_store, config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = "\n".join(config.warnings)
        assert "help = 'F99' is not a key name" in text
        assert "help = 'bogus' is not a key name" in text
        assert "toggle-star = 'nope' is not a key name" in text
        await pilot.press("question_mark")  # help keeps its default key
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")
        assert app.main_screen.article_list.rows[0].starred


def test_keys_that_would_be_read_wrongly_are_reported_or_fixed() -> None:
    from reader.ui.keys import normalize_keys

    # "ctrl+," is cut at its comma: not the plus key, but reported.
    assert normalize_keys("ctrl+,") == ("", ["ctrl+"])
    assert normalize_keys("ctrl++") == ("ctrl+plus", [])
    # an entry with no key at all is reported, not silently dropped
    assert normalize_keys(",")[0] == "" and normalize_keys(",")[1]
    # a terminal sends shift+a as "A"
    assert normalize_keys("shift+a") == ("A", []) == normalize_keys("shift+A")
    assert normalize_keys("ctrl+shift+a") == ("ctrl+shift+a", [])
