"""feedparser's results are the same with our speed-ups as without them.

Every file of feedparser's own test corpus (``../shared/eval/feeds``: well-formed, ill-formed,
encodings, entities) is parsed in two fresh interpreters, one with only
the author cap and one with every change of ``reader.core._feedparser``; the full result trees
must be identical.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.feeds_corpus import CORPUS, corpus_files
from tests.conftest import REPO

_DUMP = r"""
import io, json, sys, time
from reader.core import _feedparser
_feedparser.install(speedups=sys.argv[1] == "on")
import feedparser

def plain(x):
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, time.struct_time):
        return list(x)
    return f"{type(x).__name__}: {x}"

out = {}
for path in sys.stdin.read().splitlines():
    body = open(path, "rb").read()
    headers = {"content-location": "http://example.org/feeds/" + path.rsplit("/", 1)[-1],
               "content-type": "application/xml"}
    result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                              sanitize_html=False, resolve_relative_uris=False)
    out[path] = plain(result)
print(json.dumps(out, sort_keys=True))
"""


def _parse_all(files: list[str], speedups: bool) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _DUMP, "on" if speedups else "off"],
        input="\n".join(files),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=600,
    )
    return json.loads(proc.stdout)


def test_speedups_leave_every_corpus_result_unchanged() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"feed corpus not found at {CORPUS} (expected next to the repository)")
    files = [str(p) for p in corpus_files(CORPUS)]
    assert len(files) >= 2000
    plain, fast = _parse_all(files, False), _parse_all(files, True)
    differ = [f for f in files if plain[f] != fast[f]]
    assert not differ, differ[:10]


def test_speedups_are_installed_by_parse() -> None:
    import feedparser.mixin
    from feedparser.util import FeedParserDict

    import reader.core.parse  # noqa: F401  (installs them)

    assert feedparser.mixin.make_safe_absolute_uri.__name__ == "safe_absolute"
    assert FeedParserDict.__getitem__.__name__ == "getitem"
    d = FeedParserDict(summary="s", tags=[FeedParserDict(term="t")])
    assert d["description"] == "s" and d["category"] == "t" and d.get("guid") is None
    assert "description" in d and "nothing" not in d
