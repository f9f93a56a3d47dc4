"""Key names in the user's keymap, spelt the way Textual names the keys it sends.

Textual names a printable key after its Unicode name (``?`` is ``question_mark``, ``/`` is
``slash``, ``A`` stays ``A``), a named key in lower case (``f1``, ``pagedown``, ``enter``) and
a chord with its modifiers first (``ctrl+shift+left``). A keymap written as the help screen
shows the keys (``help = "?"``, ``search = "/"``, ``help = "F1"``) is turned into those names
here; a name Textual never sends is reported, since its binding could never be pressed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from textual._keyboard_protocol import FUNCTIONAL_KEYS
from textual.keys import REPLACED_KEYS, Keys, _character_to_key, _get_unicode_name_from_key

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


@lru_cache(1)
def _named_keys() -> frozenset[str]:
    """Every non-printable key Textual can send, without modifiers (``f1``, ``pagedown``)."""
    names = {key.value.rpartition("+")[2] for key in Keys}
    names.update(name.rpartition("+")[2] for name in FUNCTIONAL_KEYS.values())
    names.update({"enter", "tab", "space", "backspace", "escape", "delete", "insert"})
    return frozenset(name for name in names if name and not name.startswith("<"))


def _is_character_name(name: str) -> bool:
    """True for the name of a printable character (``question_mark``, ``slash``, ``a``)."""
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    try:
        character = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(name, name)))
    except KeyError:
        return False
    return character.isprintable() and not character.isspace()


def normalize_key(key: str) -> str | None:
    """``key`` as Textual names it (``?`` -> ``question_mark``, ``F1`` -> ``f1``,
    ``Ctrl+P`` -> ``ctrl+p``), or None when Textual never sends such a key."""
    key = key.strip()
    if not key:
        return None
    if len(key) == 1:  # a printable character, as the user sees it on the key
        return _character_to_key(key) if _is_character_name(key) else None
    *modifiers, base = key.split("+") if key != "+" else [key]
    if base == "" and modifiers and modifiers[-1] == "":  # "ctrl++": plus with a modifier
        modifiers, base = modifiers[:-1], "+"
    if base == "":  # "ctrl+" (what is left of "ctrl+," once the keys are split at commas)
        return None
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    if any(modifier not in MODIFIERS for modifier in modifiers) or len(set(modifiers)) != len(
        modifiers
    ):
        return None
    base = base.strip()
    if len(base) == 1:
        if not _is_character_name(base):
            return None
        if modifiers == ["shift"] and base.isalpha():
            # a terminal sends shift+a as the character "A"
            return _character_to_key(base.upper())
        # with another modifier a letter is its lower-case key (Textual sends ctrl+a)
        name = _character_to_key(base.lower() if modifiers else base)
    else:
        name = base.lower()
        name = {"esc": "escape", "return": "enter", "del": "delete", "ins": "insert"}.get(
            name, name
        )
        if name not in _named_keys() and not _is_character_name(name):
            return None
    modifiers.sort()  # alphabetical, as Textual joins them (ctrl+shift+left)
    return "+".join([*modifiers, name])


def normalize_keys(keys: str) -> tuple[str, list[str]]:
    """A keymap entry's comma-separated keys normalised, and the ones Textual never sends.

    A lone ``,`` cannot be written (it separates the keys): ``comma`` names that key.
    """
    names: list[str] = []
    unknown: list[str] = []
    for key in keys.split(","):
        if not key.strip():
            continue
        name = normalize_key(key)
        if name is None:
            unknown.append(key.strip())
        elif name not in names:
            names.append(name)
    if not names and not unknown:  # "," or " ": nothing a key could be
        unknown.append(keys.strip() or repr(keys))
    return ",".join(names), unknown
