"""Changes to feedparser's internals: one safety cap and seven speed-ups that keep its results.

feedparser is the parser the project uses for RSS, Atom and RDF, and it is pure Python: on an
ordinary 30-item feed about 20 µs per element. Profiling it on real-size feeds showed seven hot
spots whose work is repeated or generic where a cheaper equivalent gives the identical result.
``install()`` (called when ``reader.core.parse`` is imported) applies:

- the author cap: a safety fix, not a speed-up (HOSTILE.md §1): feedparser's email regex is
  quadratic, so author strings are cut to ``AUTHOR_MAX`` characters before it runs;
- a cache for ``make_safe_absolute_uri``, which ``unknown_starttag`` calls for every element
  with the same (base, base) pair;
- a shallow copy in place of ``copy.deepcopy`` for its flat content-parameter dicts;
- a fast path in ``FeedParserDict`` lookups for keys that are neither legacy aliases nor its
  computed keys (``category``, ``enclosures``, ``license``, ``updated``...): a plain ``dict``
  lookup, which is what the original does for them after a chain of comparisons;
- no join for entry links that are already plain absolute URIs of the base's scheme, where
  ``urljoin`` would give them back unchanged;
- no repeated failed import of the ``drv_libxml2`` SAX driver on every parse where it is not
  installed;
- identity entries for U+0000-U+00FF in its windows-1252 repair table, so that
  ``str.translate`` stops failing a lookup for almost every character;
- a date handler for the canonical RSS date, ahead of the generic ones (same result).

``tests/core/test_feedparser_patches.py`` parses the whole feedparser test corpus with and
without these changes and requires identical results; a property test checks the link
shortcut against ``urljoin`` itself.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any
from urllib.parse import urlsplit

from reader.core.sanitize import AUTHOR_MAX, PLAIN_WEB_URL

_installed = False


def _install_author_cap() -> None:
    """Cap author strings before feedparser's email regex sees them.

    ``_sync_author_detail`` runs a backtracking email regex over every author, publisher and
    itunes:author value: quadratic (a 40 KB author takes 9 s, a 1 MB one hours). We keep
    ``AUTHOR_MAX`` characters anyway, so cut the value there first.
    """
    from feedparser.mixin import _FeedParserMixin

    original = _FeedParserMixin._sync_author_detail

    def capped(self: Any, key: str = "author") -> None:
        context = self._get_context()
        value = context.get(key)
        if isinstance(value, str) and len(value) > AUTHOR_MAX:
            context[key] = value[:AUTHOR_MAX]
        original(self, key)

    _FeedParserMixin._sync_author_detail = capped  # type: ignore[method-assign]


RAW_ID = "newsreader_raw_id"


def _install_raw_id() -> None:
    """Keep each entry's id as written, under ``RAW_ID``, beside feedparser's ``id``.

    feedparser resolves a guid (and an Atom id) against the feed's address unless it is
    marked ``isPermaLink="false"``: ``<guid>12345</guid>`` becomes ``https://host/12345``.
    Used as an identity key, that would change when the feed moves (http to https, a new
    host) and every entry would come back as new and unread.
    """
    from feedparser.namespaces._base import Namespace

    original = Namespace._end_guid

    def end_guid(self: Any) -> None:
        raw = None
        if self.elementstack and self.elementstack[-1][0] == "id":
            pieces = self.elementstack[-1][2]
            raw = "".join(p if isinstance(p, str) else p.decode("utf-8", "replace") for p in pieces)
        original(self)
        if raw is not None:
            self._get_context()[RAW_ID] = raw.strip()

    Namespace._end_guid = end_guid  # type: ignore[method-assign]
    Namespace._end_id = end_guid  # type: ignore[method-assign]


def _install_base_uri_cache() -> None:
    """Memoise feedparser's base-URI joining, which it repeats on every start tag.

    ``unknown_starttag`` calls ``make_safe_absolute_uri(base, base)`` for each element (a
    regex and a ``urljoin``): a quarter of the parse time of an ordinary feed, with the same
    few (base, relative) pairs over and over. The function is pure, so a small cache keeps
    its results exactly; long values bypass the cache so it cannot hold much memory.
    """
    import feedparser.mixin

    original = feedparser.mixin.make_safe_absolute_uri
    cached = functools.lru_cache(maxsize=256)(original)

    def safe_absolute(base: Any, rel: Any = None) -> Any:
        if len(base or "") + len(rel or "") > 2048:
            return original(base, rel)
        return cached(base, rel)

    feedparser.mixin.make_safe_absolute_uri = safe_absolute  # type: ignore[attr-defined]


def joins_to_itself(base: Any, uri: Any) -> bool:
    """True when ``urljoin(base, uri)`` is certainly ``uri`` itself, checked cheaply.

    For an absolute URI of the same scheme as the base, ``urljoin`` returns the URI split and
    joined again, which for the plain URLs ``PLAIN_WEB_URL`` accepts changes nothing.
    """
    if not (isinstance(base, str) and base and isinstance(uri, str)):
        return False
    match = PLAIN_WEB_URL.match(uri)
    if not match:
        return False
    try:
        return urlsplit(base).scheme == match.group(1)
    except ValueError:
        return False


def _install_plain_uri_join() -> None:
    """Skip the join for entry links that are already absolute URIs of the base's scheme.

    ``resolve_uri`` runs ``_urljoin(base, uri)`` (a regex, then ``urljoin`` with three URL
    parses) on every link and permalink guid. For the URIs ``joins_to_itself`` accepts, the
    regex changes nothing and the join gives the URI back; everything else goes to the
    original.
    """
    import feedparser.mixin
    import feedparser.urls

    original = feedparser.urls._urljoin

    def join(base: Any, uri: Any) -> Any:
        return uri if joins_to_itself(base, uri) else original(base, uri)

    feedparser.urls._urljoin = join  # type: ignore[attr-defined]
    feedparser.mixin._urljoin = join  # type: ignore[attr-defined]


def _install_parser_lookup() -> None:
    """Leave out preferred SAX drivers that cannot be imported.

    feedparser asks ``xml.sax.make_parser`` for ``drv_libxml2`` first on every parse; where
    it is not installed, that is a failed import searching the whole module path each time
    (about 70 µs a feed). Trying each driver once here gives ``make_parser`` the same list
    minus the ones it would skip anyway.
    """
    import sys

    import feedparser.api

    usable = []
    for name in feedparser.api.PREFERRED_XML_PARSERS:
        try:
            __import__(name, {}, {}, ["create_parser"])  # what make_parser does
        except ImportError:
            if name not in sys.modules:  # make_parser skips exactly these
                continue
        except Exception:  # left in: make_parser meets the same error, as before
            pass
        usable.append(name)
    feedparser.api.PREFERRED_XML_PARSERS = usable  # type: ignore[attr-defined]


def _install_cp1252_table() -> None:
    """Give feedparser's windows-1252 repair table identity entries for U+0000-U+00FF.

    ``pop`` runs ``output.translate(_cp1252)`` on every text element. The table only maps
    U+0080-U+009F, so for every other character ``str.translate`` fails a lookup (a raised
    and cleared KeyError each time): 1.5 µs for 300 ASCII characters, 16 µs once a curly
    quote makes the string non-ASCII. A character mapped to itself is left as it is, so the
    result is the same; these lookups simply succeed (0.7 and 8 µs).
    """
    import feedparser.mixin

    table: dict[int, Any] = {i: i for i in range(256)}
    table.update(feedparser.mixin._cp1252)
    feedparser.mixin._cp1252 = table  # type: ignore[attr-defined]


# The canonical RFC 822 date of RSS (what nearly every feed writes): "Mon, 21 Sep 2026
# 14:13:20 GMT" or "+0200". Named zones only where feedparser's table has them as they are.
_RFC822_PLAIN = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) "
    r"(GMT|UTC|UT|Z|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[+-][0-9]{4})\Z"
)


def _install_rfc822_fast_path() -> None:
    """Parse the canonical RSS date first, as feedparser's RFC 822 handler would.

    ``_parse_date`` tries its handlers in turn: the W3C one fails on an RSS date, then the
    RFC 822 one lower-cases and splits the string and looks every part up (7 µs a date).
    This handler, registered ahead of them with feedparser's own ``registerDateHandler``,
    matches only the canonical form (which the W3C handler never parses) and computes what
    the RFC 822 handler computes from it; for anything else, or a date that handler would
    refuse, it returns None and the usual handlers run.
    """
    import datetime

    import feedparser.datetimes
    from feedparser.datetimes.rfc822 import months, timezone_names

    def plain_rfc822(date: str) -> Any:
        match = _RFC822_PLAIN.match(date) if isinstance(date, str) else None
        if not match:
            return None
        day, month, year, hour, minute, second, zone = match.groups()
        if zone[0] in "+-":
            hours, minutes = int(zone[1:3]), int(zone[3:])
            if zone[0] == "-":
                hours, minutes = -hours, -minutes
        else:
            hours, minutes = timezone_names.get(zone.lower(), 0), 0
        try:
            stamp = datetime.datetime(
                int(year), months[month.lower()], int(day), int(hour), int(minute), int(second)
            )
            return (stamp - datetime.timedelta(0, 0, 0, 0, minutes, hours)).utctimetuple()
        except (OverflowError, ValueError):
            return None

    feedparser.datetimes.registerDateHandler(plain_rfc822)


class _ShallowContentCopy:
    """Stands in for the ``copy`` module inside feedparser's mixin.

    feedparser deep-copies its content parameters (type, language, base, base64: a flat
    dict of strings and flags) for every text element it closes, through the generic
    ``copy.deepcopy`` machinery: a tenth of its parse time. For a flat dict of immutable
    values a shallow copy is the same result; anything else still goes to ``deepcopy``.
    """

    _IMMUTABLE = (str, int, bool, float, type(None))

    @classmethod
    def deepcopy(cls, value: Any, memo: Any = None) -> Any:
        if isinstance(value, dict) and all(type(v) in cls._IMMUTABLE for v in value.values()):
            return type(value)(value)
        return copy.deepcopy(value, memo)


def _install_shallow_content_copy() -> None:
    import feedparser.mixin

    feedparser.mixin.copy = _ShallowContentCopy  # type: ignore[attr-defined]


def _install_fast_lookups() -> None:
    """Plain dict lookups for FeedParserDict keys that need none of its key mapping."""
    from feedparser.util import FeedParserDict

    special = frozenset(
        {"category", "enclosures", "license", "updated", "updated_parsed"}
        | set(FeedParserDict.keymap)
    )
    slow_getitem = FeedParserDict.__getitem__
    slow_contains = FeedParserDict.__contains__
    slow_get = FeedParserDict.get

    def getitem(self: Any, key: Any) -> Any:
        if key in special:
            return slow_getitem(self, key)
        return dict.__getitem__(self, key)

    def contains(self: Any, key: Any) -> bool:
        if key in special:
            return slow_contains(self, key)
        return dict.__contains__(self, key)

    def get(self: Any, key: Any, default: Any = None) -> Any:
        if key in special:
            return slow_get(self, key, default)
        return dict.get(self, key, default)

    FeedParserDict.__getitem__ = getitem  # type: ignore[method-assign]
    FeedParserDict.__contains__ = contains  # type: ignore[method-assign]
    FeedParserDict.get = get  # type: ignore[method-assign]


def install(*, speedups: bool = True) -> None:
    """Apply the author cap and (unless ``speedups`` is false) the speed-ups, once."""
    global _installed
    if _installed:
        return
    _installed = True
    _install_author_cap()
    _install_raw_id()
    if speedups:
        _install_base_uri_cache()
        _install_shallow_content_copy()
        _install_fast_lookups()
        _install_plain_uri_join()
        _install_parser_lookup()
        _install_cp1252_table()
        _install_rfc822_fast_path()
