"""One sanitiser for every untrusted string, used at ingest and again at display.

It removes whole terminal escape sequences (CSI, OSC, DCS/APC/PM/SOS strings and two-byte
ESC sequences, in their 7-bit and C1 forms), then any C0/C1 control character except newline
and tab, and the bidi and zero-width format characters that can disguise text. Line endings
become ``\\n``. See HOSTILE.md §4.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Whole escape sequences first, so their parameters do not survive as visible garbage.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"  # CSI
    # OSC, DCS, SOS, PM, APC strings up to their terminator
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]{0,4}[0-~]?"  # other ESC sequences
)
# Lone surrogates (from a "&#xD800;" in a feed) cannot be encoded as UTF-8: SQLite and the
# terminal would both fail on them. U+061C is the Arabic letter mark (a bidi control); the tag
# characters U+E0000-E007F are invisible and can smuggle text past a reader.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")

TITLE_MAX = 1024
AUTHOR_MAX = 256
URL_MAX = 4096
BODY_MAX = 2 * 1024 * 1024
MAX_ITEMS = 2000  # entries kept from one fetch of a feed


def sanitize(text: str | None, limit: int | None = None) -> str:
    """Return ``text`` with escapes, control and format characters removed, capped to ``limit``."""
    if not text:
        return ""
    if limit is not None and len(text) > limit * 4:
        text = text[: limit * 4]
    # Fast path: printable text (no C0/C1 control, format, separator or surrogate character,
    # newlines and tabs aside) cannot match any pattern below.
    probe = text.replace("\n", " ").replace("\t", " ") if "\n" in text or "\t" in text else text
    if probe.isprintable():
        return text[:limit] if limit is not None and len(text) > limit else text
    text = _NEWLINES.sub("\n", text)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text


def sanitize_line(text: str | None, limit: int | None = TITLE_MAX) -> str:
    """Sanitise and fold all whitespace to single spaces: for titles, names and errors."""
    return " ".join(sanitize(text, limit).split())


# A plain absolute http(s) URL, the form nearly every link takes: lower-case scheme (group 1),
# a host of letters, digits, dots and hyphens (and a port), then printable ASCII with no ";"
# (path parameters), and a query or fragment only when not empty. No spaces, controls or
# extra slashes. urlsplit finds that scheme and a host in it, and splitting and joining it
# again gives it back unchanged (so urljoin returns it as it is).
PLAIN_WEB_URL = re.compile(
    r"(https?)://[A-Za-z0-9.-]+(?::[0-9]*)?"
    r"(?:/[!-\"$-:<->@-~]*)?(?:\?[!-\"$-~]+)?(?:#[!-~]+)?\Z"
)


def is_web_url(url: str | None) -> bool:
    """True for an absolute http or https URL with a host: the only links we fetch or open."""
    if not url or len(url) > URL_MAX:
        return False
    if PLAIN_WEB_URL.match(url):  # the common case, without splitting the URL
        return True
    return _split_is_web_url(url)


def _split_is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def safe_url(url: str | None) -> str | None:
    """The URL, sanitised, when it is http(s); otherwise None."""
    if not url:
        return None
    cleaned = sanitize_line(url, URL_MAX)
    return cleaned if is_web_url(cleaned) else None
