"""One sanitiser for every untrusted string, used at ingest and again at display.

It removes whole terminal escape sequences (CSI, OSC, DCS/APC/PM/SOS strings and two-byte
ESC sequences, in their 7-bit and C1 forms), then any C0/C1 control character except newline
and tab, and the bidi and zero-width format characters that can disguise text. Line endings
become ``\\n``. See HOSTILE.md §4.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# Whole escape sequences first, so their parameters do not survive as visible garbage.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"  # CSI
    # OSC, DCS, SOS, PM, APC strings up to their terminator
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]{0,4}[0-~]?"  # other ESC sequences
)
# Lone surrogates (from a "&#xD800;" in a feed) cannot be encoded as UTF-8: SQLite and the
# terminal would both fail on them. U+061C is the Arabic letter mark (a bidi control); the tag
# characters U+E0000-E007F are invisible and can smuggle text past a reader. The
# noncharacters (U+FDD0-FDEF and the last two code points of every plane) are never text, and
# XML cannot hold U+FFFE/U+FFFF: one in a feed's title would make every OPML export fail.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f" + _NONCHARACTERS + "]"
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


# A URI that names its scheme ("https:", "urn:", "tag:"); anything else is a relative reference.
HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


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


def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a feed or page address, in words; None when nothing."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"malformed URL {sanitize_line(url, 200)!r}: {exc}"
    if not parts.scheme:
        return f"malformed URL {sanitize_line(url, 200)!r}: it has no http:// or https://"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported URL scheme {parts.scheme!r}: only http and https feeds can be fetched"
    if not parts.hostname:
        return f"malformed URL {sanitize_line(url, 200)!r}: it has no valid host"
    try:
        _ = parts.port
    except ValueError:
        return f"malformed URL {sanitize_line(url, 200)!r}: bad port"
    if len(url) > URL_MAX:
        return f"malformed URL {sanitize_line(url, 200)!r}: longer than {URL_MAX} characters"
    if any(c.isspace() for c in url) or sanitize_line(url, len(url)) != url:
        # urlsplit silently drops tabs and newlines, and the sanitiser invisible characters:
        # either would make the URL we store differ from the one given.
        return (
            f"malformed URL {sanitize_line(url, 200)!r}: "
            "it contains a space, a control character or an invisible character"
        )
    return None


_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """One spelling for one address, so a feed cannot be subscribed twice under two.

    The scheme and host are lower-cased, a default port and the fragment are dropped and an
    empty path becomes ``/``; the path and query are kept as they are (servers may tell case
    apart there). ``url`` must already be a valid http(s) URL (see ``check_url``).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    userinfo, _, _ = parts.netloc.rpartition("@")
    port = parts.port
    netloc = (f"{userinfo}@" if userinfo else "") + host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
