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
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
    assert feedparser.mixin._urljoin.__name__ == "join"
    assert FeedParserDict.__getitem__.__name__ == "getitem"
    d = FeedParserDict(summary="s", tags=[FeedParserDict(term="t")])
    assert d["description"] == "s" and d["category"] == "t" and d.get("guid") is None
    assert "description" in d and "nothing" not in d


def _reference_join(base: str, uri: str) -> str:
    """feedparser's own ``_urljoin``, as its source has it."""
    import urllib.parse

    from feedparser.urls import _urifixer

    uri = _urifixer.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


_BASES = [
    "http://example.org/feeds/a.xml",
    "https://example.org/",
    "HTTP://Example.org/x",
    "ftp://example.org/f",
    "http://[::1]:80/f",
    "",
]
_URI = st.builds(
    lambda scheme, host, port, path, query, frag: f"{scheme}://{host}{port}{path}{query}{frag}",
    st.sampled_from(["http", "https", "HTTP", "ftp", "http:/", "feed"]),
    st.text("abcXYZ019.-_@[]:/ ", min_size=0, max_size=12),
    st.sampled_from(["", ":80", ":", ":x"]),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=20).map(lambda s: "/" + s)
    | st.just(""),
    st.sampled_from(["", "?", "?a=1&b=2", "?;", "? x"]),
    st.sampled_from(["", "#", "#top", "#a#b"]),
)


@settings(max_examples=3000, deadline=None)
@example(base=_BASES[0], uri="http://a.example/x;")
@example(base=_BASES[0], uri="http://a.example/x?")
@example(base=_BASES[0], uri="http://a.example/x#")
@example(base=_BASES[0], uri="http:///a.example/x")
@example(base=_BASES[0], uri="http://a.example/x\ty")
@given(base=st.sampled_from(_BASES), uri=_URI | st.text(max_size=30))
def test_plain_uri_shortcut_gives_what_the_join_gives(base: str, uri: str) -> None:
    import urllib.parse

    from reader.core._feedparser import joins_to_itself

    if joins_to_itself(base, uri):
        assert urllib.parse.urljoin(base, uri) == uri
        assert _reference_join(base, uri) == uri


def test_plain_uri_shortcut_cases() -> None:
    from reader.core._feedparser import joins_to_itself

    base = "http://example.org/feed.xml"
    for uri in ("http://a.example/x/1", "http://A.example:8080/p/?q=1#f", "http://a//b/./c"):
        assert joins_to_itself(base, uri), uri
    assert joins_to_itself("https://example.org/", "https://a.example/x")
    for uri in (
        "https://a.example/x",  # not the base's scheme: left to the original
        "HTTP://a.example/x",  # the scheme comes back lower-case
        "http://a.example/x?",  # an empty query is dropped
        "http://a.example/x#",
        "http://a.example/x;p",
        "http:///a.example/x",  # feedparser removes the extra slash
        "http://a.example/x y",
        " http://a.example/x",
        "/relative",
    ):
        assert not joins_to_itself(base, uri), uri


def _reference_parse_date(date: str) -> object:
    """feedparser's _parse_date without our canonical-date handler in front."""
    import feedparser.datetimes

    for handler in feedparser.datetimes._date_handlers:
        if handler.__name__ == "plain_rfc822":
            continue
        try:
            parsed = handler(date)
        except (KeyError, OverflowError, ValueError, AttributeError):
            continue
        if parsed and len(parsed) == 9:
            return parsed
    return None


_DATE = st.builds(
    lambda wd, d, mon, y, hh, mm, ss, zone: f"{wd}{d} {mon} {y} {hh:02d}:{mm:02d}:{ss:02d} {zone}",
    st.sampled_from(["", "Mon, ", "Sun, ", "Fri, "]),
    st.integers(0, 39),
    st.sampled_from("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()),
    st.integers(1000, 9999),
    st.integers(0, 30),
    st.integers(0, 70),
    st.integers(0, 70),
    st.sampled_from("GMT UTC UT Z EST EDT CST CDT MST MDT PST PDT".split())
    | st.builds(
        lambda sign, h, m: f"{sign}{h:02d}{m:02d}",
        st.sampled_from("+-"),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
)


@settings(max_examples=3000, deadline=None)
@example(date="Mon, 21 Sep 2026 14:13:20 GMT")
@example(date="31 Feb 2026 10:00:00 +0000")  # no such day: the generic handlers decide
@example(date="01 Jan 9999 23:59:59 -2359")  # past year 9999 in UTC: refused alike
@given(date=_DATE | st.text(max_size=40))
def test_canonical_date_handler_gives_what_the_generic_ones_give(date: str) -> None:
    import feedparser.datetimes

    from reader.core import _feedparser

    _feedparser.install()
    assert feedparser.datetimes._parse_date(date) == _reference_parse_date(date)
