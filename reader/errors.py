"""The exception tree. Every message is written for the user.

ReaderError
├── FetchError          the network or the server failed us (timeout, status, size, encoding)
│   └── FetchTimeout    the total deadline ran out
├── FeedError           the bytes are not a usable feed (not a feed, entity bomb, no feed found)
├── ExtractError        an article page could not be turned into text
├── StoreError          the database refused (locked by another refresh, corrupt)
│   └── AlreadyRunning  another refresh holds the lock
├── ConfigError         the config file is malformed
└── OpmlError           an OPML file is malformed
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every error newsreader reports to the user."""


class FetchError(ReaderError):
    """A request failed: bad URL, DNS, refused, HTTP status, too large, bad encoding.

    ``transient`` is true when trying again later may work (timeouts, connection failures,
    5xx and 429 answers), false when the answer itself is the problem.
    """

    def __init__(
        self, message: str, *, transient: bool = False, retry_at: float | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_at = retry_at  # when the server asked us to come back (epoch seconds)


class FetchTimeout(FetchError):
    """The total deadline for one request ran out."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message, transient=transient)


class FeedError(ReaderError):
    """The response is not a feed we can use."""


class ExtractError(ReaderError):
    """An article page could not be turned into clean text."""


class StoreError(ReaderError):
    """The database could not do what was asked."""


class StoreBusy(StoreError):
    """Another connection held the write lock past the busy timeout; nothing was written."""


class AlreadyRunning(StoreError):
    """Another refresh of the same database is running."""


class ConfigError(ReaderError):
    """The config file could not be read."""


class OpmlError(ReaderError):
    """An OPML file could not be imported."""
