"""The seed article's acceptance metric, shared by the tests that check it."""

from __future__ import annotations

import re
from collections import Counter


def token_f1(predicted: str, truth: str) -> float:
    """Bag-of-\\w+-tokens F1, as in shared/eval/README.md."""
    pred = Counter(re.findall(r"\w+", predicted))
    gold = Counter(re.findall(r"\w+", truth))
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)
