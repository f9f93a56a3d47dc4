"""Our own news-style corpus (tests/data/analyze/*.json): every quote, speaker and person."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from reader.core.analyze import analyze

DATA = Path(__file__).resolve().parent.parent / "data" / "analyze"
CASES = sorted(DATA.glob("*.json"))
_TOK = re.compile(r"\w+")


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _same_quote(found: str, gold: str) -> bool:
    f, g = _TOK.findall(found.lower()), _TOK.findall(gold.lower())
    return f == g


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_article(path: Path) -> None:
    case = _load(path)
    text: str = case["text"]
    result = analyze(text, author=case.get("author"))
    for q in result.quotes:
        assert text[q.start : q.end] == q.text
    for gold in case["quotes"]:
        hits = [q for q in result.quotes if _same_quote(q.text, gold["text"])]
        assert hits, f"quote not found: {gold['text']!r}; got {[q.text for q in result.quotes]}"
        assert hits[0].speaker == gold["speaker"], gold["text"]
        assert hits[0].partial == bool(gold.get("partial")), gold["text"]
    for scare in case["no_speaker"]:
        for q in result.quotes:
            if _same_quote(q.text, scare):
                assert q.speaker is None, scare
    names = [p.name for p in result.people]
    assert sorted(names) == sorted(p["name"] for p in case["people"])
    by_name = {p.name: p for p in result.people}
    for gold in case["people"]:
        person = by_name[gold["name"]]
        assert set(gold["aliases"]) <= {person.name, *person.aliases}, person
        if gold["role"]:
            assert person.role == gold["role"], person
    for wrong in case["not_people"]:
        assert all(wrong.lower() not in n.lower() for n in names), wrong
    mentions = [p.mentions for p in result.people]
    assert mentions == sorted(mentions, reverse=True)
