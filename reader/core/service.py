"""The use cases that the CLI and the UI call: add, refresh, open, search, import, analyze.

Network work is async (one shared ``httpx.AsyncClient`` per run); CPU work goes to a
``WorkerPool``; every write goes through the ``Store``. Nothing here knows about a terminal:
progress is reported through a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from reader.core.fetch import (
    ACCEPT_PAGE,
    Fetcher,
    FetchLimits,
    check_url,
    host_of,
    make_client,
)
from reader.core.sanitize import MAX_ITEMS, canonical_url, sanitize_line
from reader.core.store import (
    Extraction,
    FeedState,
    FeedUnchanged,
    FeedUpdate,
    PendingArticle,
    Store,
)
from reader.core.workers import JobFailed, JobTimeout, Task, WorkerPool
from reader.errors import (
    AlreadyRunning,
    FeedError,
    FetchError,
    ReaderError,
    StoreBusy,
    StoreError,
)
from reader.models import ArticleDetail, FeedRow, ParsedFeed, plural

if TYPE_CHECKING:
    from reader.core.pipeline import PageResult

T = TypeVar("T")
RETRY_AFTER_LONGEST = 24 * 3600.0  # a Retry-After longer than a day is kept as a day
ProgressCallback = Callable[[str, int, int], None]
"""progress(phase, done, total): phase is "feeds" or "pages"."""


@dataclass(slots=True)
class Settings:
    """Knobs of the pipeline, from the config file or the command line."""

    limits: FetchLimits = field(default_factory=FetchLimits)
    max_items: int = MAX_ITEMS
    parse_timeout: float = 20.0
    extract_timeout: float = 10.0
    full_text: bool = True
    max_pages: int = 2000
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    feed_id: int
    url: str
    title: str
    articles: int
    already: bool = False
    others: tuple[str, ...] = ()


@dataclass(slots=True)
class RefreshSummary:
    feeds: int = 0
    refreshed: int = 0
    unchanged: int = 0
    new_articles: int = 0
    pages: int = 0
    page_errors: int = 0
    waiting: int = 0  # feeds not asked, because their server asked for time (Retry-After)
    errors: list[tuple[str, str]] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.feeds == self.waiting or self.refreshed + self.unchanged > 0

    def line(self) -> str:
        parts = [
            plural(self.feeds, "feed"),
            plural(self.new_articles, "new article"),
            plural(len(self.errors), "error"),
        ]
        if self.pages:
            fallback = f" ({self.page_errors} kept the feed's text)" if self.page_errors else ""
            parts.insert(2, f"{plural(self.pages, 'page')} extracted{fallback}")
        if self.waiting:
            parts.append(f"{self.waiting} waiting, as their servers asked")
        return ", ".join(parts)


def _already(feed: FeedRow, others: tuple[str, ...] = ()) -> AddResult:
    return AddResult(feed.id, feed.url, feed.title, feed.articles, True, others)


R = TypeVar("R")


class _BatchWriter(Generic[T, R]):
    """Writes results to the store in batches, off the event loop.

    Every result that arrives while a batch is being written joins the next one: under load
    one transaction carries many feeds or pages (20 feeds in one cost a third less CPU than
    20 transactions), and when results trickle in each is written at once (a 200-feed
    refresh on 2 cores commits about 100 times). ``write_batch`` stores a batch in one
    transaction, a savepoint per item, giving each item its result or ``StoreError``.
    """

    BATCH_MAX = 64

    def __init__(self, write_batch: Callable[[list[T]], Sequence[R | StoreError]]) -> None:
        self._write_batch = write_batch
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def write(self, item: T) -> R:
        """Store one item; raise StoreError when its write failed."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._queue:
                batch = self._queue[: self.BATCH_MAX]
                del self._queue[: self.BATCH_MAX]
                if await self._write(batch) is False:
                    # One item may have sunk the whole transaction: write each alone, so
                    # only the item at fault fails.
                    for one in batch:
                        await self._write([one])
        finally:
            self._drainer = None
            for _, done in batch + self._queue:  # only left when cancelled
                done.cancel()
            self._queue.clear()

    async def _write(self, batch: list[tuple[T, asyncio.Future[R]]]) -> bool | None:
        """Write one batch and settle its futures.

        False when an error inside the transaction undid it (the caller retries the items
        one by one); a busy database fails the whole batch at once (None), since retrying
        would only wait out the busy timeout again for each item.
        """
        try:
            results = await asyncio.to_thread(self._write_batch, [item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1 or isinstance(exc, StoreBusy):
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                return None
            return False
        for (_, done), result in zip(batch, results, strict=True):
            if done.done():
                continue
            if isinstance(result, StoreError):
                done.set_exception(result)
            else:
                done.set_result(result)
        return True


# Parsing runs in the workers, named rather than imported: this process never loads
# feedparser, and forked workers import it themselves while the first requests are out.
# parse_feed itself, not a wrapper in pipeline: that module loads the extractor, which a
# feeds-only refresh never needs.
_PARSE_FEED = Task("reader.core.parse", "parse_feed")


class Session:
    """One run's shared resources: store, HTTP client, worker processes."""

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        pool: WorkerPool | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._client = client
        self._own_client = client is None
        self._pool = pool
        self._own_pool = pool is None
        self._fetcher: Fetcher | None = None
        self._feed_writer = _BatchWriter(store.apply_feed_updates)
        self._page_writer = _BatchWriter(store.save_extractions)

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            if self._client is None:
                self._client = make_client(self.settings.limits)
            self._fetcher = Fetcher(self._client, self.settings.limits)
        return self._fetcher

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            self._pool = WorkerPool(self.settings.workers, preload=(_PARSE_FEED.module,))
        return self._pool

    async def aclose(self) -> None:
        if self._own_client and self._client is not None:
            await self._client.aclose()
        if self._own_pool and self._pool is not None:
            self._pool.close()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- parsing --------------------------------------------------------------------------

    async def _parse(self, body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
        try:
            return await self.pool.run(
                _PARSE_FEED,
                body,
                {k: v for k, v in headers.items() if k in ("content-type", "content-language")},
                url,
                max_items=self.settings.max_items,
                fetched_at=time.time(),
                timeout=self.settings.parse_timeout,
            )
        except JobTimeout:
            raise FeedError(
                f"parsing the feed took longer than {self.settings.parse_timeout:g} s"
            ) from None
        except JobFailed as exc:
            raise FeedError(f"the feed could not be parsed: {exc}") from None

    # -- add ------------------------------------------------------------------------------

    async def add_feed(
        self, url: str, *, title: str | None = None, fetch: bool = True
    ) -> AddResult:
        """Add a feed (or the feed a page links to); raise ReaderError, storing nothing."""
        url = canonical_url(check_url(url))
        user_title = sanitize_line(title or "") or None
        existing = self.store.find_feed(url)
        if existing:
            return _already(existing)
        if not fetch:
            feed_id = self.store.add_feed(url, user_title=user_title)
            return AddResult(feed_id, url, user_title or url, 0)
        max_bytes = self.settings.limits.feed_max_bytes
        result = await self.fetcher.get(url, max_bytes=max_bytes)
        others: tuple[str, ...] = ()
        from reader.core.parse import discover_feeds, is_html_response

        if is_html_response(result.headers.get("content-type"), result.body):
            found = discover_feeds(result.body, result.final_url)
            if not found:
                raise FeedError(f"{host_of(result.final_url)} has no feed: the page links to none")
            url, others = canonical_url(found[0]), tuple(found[1:])
            existing = self.store.find_feed(url)
            if existing:
                return _already(existing, others)
            result = await self.fetcher.get(url, max_bytes=max_bytes)
        # Only a permanent redirect changes the address we keep; a temporary one does not.
        stored_url = canonical_url(result.permanent_url) if result.permanent_url else url
        for candidate in (stored_url, result.final_url):
            existing = self.store.find_feed(candidate)
            if existing:
                return _already(existing, others)
        parsed = await self._parse(result.body, dict(result.headers), result.final_url)
        feed_id = self.store.add_feed_with_entries(
            stored_url,
            parsed.title,
            parsed.entries,
            user_title=user_title,
            site_url=parsed.link,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        shown = user_title or parsed.title or host_of(stored_url)
        return AddResult(feed_id, stored_url, shown, len(parsed.entries), False, others)

    # -- refresh --------------------------------------------------------------------------

    async def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        full_text: bool | None = None,
        progress: ProgressCallback | None = None,
    ) -> RefreshSummary:
        """Refresh feeds concurrently, then extract new articles' pages (unless told not to)."""
        full_text = self.settings.full_text if full_text is None else full_text
        states = self.store.feed_states(feed_ids)
        summary = RefreshSummary(feeds=len(states))
        if feed_ids is None:
            # A server that answered "Retry-After: 3600" is not asked again before then; a
            # feed named on purpose is.
            now = time.time()
            asked = [s for s in states if not (s.retry_after and s.retry_after > now)]
            summary.waiting = len(states) - len(asked)
            states = asked
        if states:
            self.pool.start()  # before any thread exists, so workers can be forked

        async def one(state: FeedState) -> None:
            try:
                summary.new_ids.extend(await self._refresh_feed(state, summary))
            except ReaderError as exc:
                message = sanitize_line(str(exc), 500)
                summary.errors.append((state.title or state.url, message))
                retry_at = getattr(exc, "retry_at", None)
                if retry_at is not None:
                    retry_at = min(retry_at, time.time() + RETRY_AFTER_LONGEST)
                await asyncio.to_thread(self.store.set_feed_error, state.id, message, retry_at)

        await self._each(states, one, "feeds", progress)
        summary.new_articles = len(summary.new_ids)
        if full_text and states:
            pending = self.store.pending_articles([s.id for s in states])
            await self.extract_pages(pending[: self.settings.max_pages], summary, progress)
        return summary

    async def _refresh_feed(self, state: FeedState, summary: RefreshSummary) -> tuple[int, ...]:
        result = await self.fetcher.get(
            state.url,
            max_bytes=self.settings.limits.feed_max_bytes,
            etag=state.etag,
            last_modified=state.last_modified,
        )
        moved_to = canonical_url(result.permanent_url) if result.permanent_url else None
        if moved_to and moved_to != state.url:
            other = self.store.find_feed(moved_to)
            if other is not None and other.id != state.id:
                # Storing its entries here would copy the other feed's articles.
                raise FeedError(
                    f"the feed has moved for good to {moved_to}, which you already follow "
                    f"as {other.title!r} (id {other.id}): remove this one"
                )
        if result.not_modified:
            await self._feed_writer.write(
                FeedUnchanged(state.id, result.etag, result.last_modified, moved_to)
            )
            summary.unchanged += 1
            return ()
        parsed = await self._parse(result.body, dict(result.headers), result.final_url)
        stored = await self._feed_writer.write(
            FeedUpdate(
                state.id,
                parsed.entries,
                title=parsed.title,
                site_url=parsed.link,
                etag=result.etag,
                last_modified=result.last_modified,
                url=moved_to,
            )
        )
        assert stored is not None
        summary.refreshed += 1
        return stored.new_ids

    async def extract_pages(
        self,
        pending: Sequence[PendingArticle],
        summary: RefreshSummary | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Fetch, extract, analyse and store each pending article's page."""

        async def one(article: PendingArticle) -> None:
            page = await self.process_article(article)
            if summary is not None:
                summary.pages += 1
                if page.source != "page":
                    summary.page_errors += 1

        await self._each(pending, one, "pages", progress)

    async def _each(
        self,
        items: Sequence[T],
        step: Callable[[T], Awaitable[None]],
        phase: str,
        progress: ProgressCallback | None,
    ) -> None:
        """Run ``step`` on every item concurrently, reporting progress as each one ends.

        At most ``max_in_flight`` items plus as many as the workers take at once are under way,
        so the bodies held in memory stay bounded however many items there are.
        """
        slots = asyncio.Semaphore(self.settings.limits.max_in_flight + self.pool.capacity)
        done = 0

        async def bounded(item: T) -> None:
            nonlocal done
            try:
                async with slots:
                    await step(item)
            finally:
                done += 1
                if progress:
                    progress(phase, done, len(items))

        await asyncio.gather(*(bounded(item) for item in items))

    async def process_article(self, article: PendingArticle) -> PageResult:
        """Fetch and extract one article; on any failure store the feed's content and why."""
        from reader.core.pipeline import page_job

        try:
            result = await self.fetcher.get(
                article.link,
                max_bytes=self.settings.limits.page_max_bytes,
                accept=ACCEPT_PAGE,
            )
            page: PageResult = await self.pool.run(
                page_job,
                result.body,
                result.headers.get("content-type"),
                result.final_url,
                article.title,
                article.author,
                article.summary,
                timeout=self.settings.extract_timeout,
            )
        except (ReaderError, OSError) as exc:
            reason = sanitize_line(str(exc), 300)
            if isinstance(exc, JobTimeout):
                reason = f"extraction took longer than {self.settings.extract_timeout:g} s"
            page = await self._fallback(article, reason)
            # A page that could not be reached this time is tried again later.
            final = not (isinstance(exc, FetchError) and exc.transient)
        else:
            final = True
        await self._page_writer.write(
            Extraction(
                article.id, page.text, page.source, page.error, page.analysis, page.author, final
            )
        )
        return page

    async def _fallback(self, article: PendingArticle, reason: str) -> PageResult:
        from reader.core.pipeline import PageResult, analyze_text

        try:
            analysis = await self.pool.run(
                analyze_text, article.summary, article.author, timeout=self.settings.extract_timeout
            )
        except ReaderError:
            from reader.models import Analysis

            analysis = Analysis()
        return PageResult(article.summary, "feed", reason, None, analysis)

    async def open_article(self, article_id: int) -> ArticleDetail | None:
        """The article, extracting its page first if that has not been done yet."""
        pending = self.store.pending_articles(article_ids=[article_id])
        if pending:
            await self.process_article(pending[0])
        return self.store.article(article_id)


# -- locking --------------------------------------------------------------------------------


@contextlib.contextmanager
def refresh_lock(db_path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold ``<db>.lock`` for a refresh; raise AlreadyRunning naming the holder's PID."""
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise AlreadyRunning(
                f"another refresh of this database is running (PID {holder}); try again later"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def feed_error_message(exc: BaseException) -> str:
    """A one-line message for any error, for the CLI and the UI."""
    if isinstance(exc, ReaderError):
        return sanitize_line(str(exc), 500)
    return sanitize_line(f"{type(exc).__name__}: {exc}", 500)


# -- analyze without storing ------------------------------------------------------------------

TEXT_SUFFIXES = (".txt", ".text")


async def analyze_sources(
    sources: Sequence[str], settings: Settings | None = None
) -> AsyncIterator[dict[str, object]]:
    """Extract and analyse files or URLs without storing anything: one record per input, in
    order. Inputs are read or fetched concurrently and processed in the worker pool, each with
    the extraction time limit; an input that fails gives a record whose ``error`` says why."""
    from reader.core.pipeline import analysis_record, analyze_job

    settings = settings or Settings()
    limits = settings.limits
    pool = WorkerPool(settings.workers)
    pool.start()
    slots = asyncio.Semaphore(limits.max_in_flight + pool.capacity)
    async with make_client(limits) as client:
        fetcher = Fetcher(client, limits)

        async def one(source: str) -> dict[str, object]:
            async with slots:
                try:
                    as_text, body, content_type, url = await _load(fetcher, source)
                    record: dict[str, object] = await pool.run(
                        analyze_job,
                        source,
                        body,
                        content_type,
                        url,
                        as_text,
                        timeout=settings.extract_timeout,
                    )
                    return record
                except JobTimeout:
                    message = f"extraction took longer than {settings.extract_timeout:g} s"
                    return analysis_record(source, error=message)
                except ReaderError as exc:
                    return analysis_record(source, error=sanitize_line(str(exc), 500))

        tasks = [asyncio.ensure_future(one(source)) for source in sources]
        try:
            for task in tasks:
                yield await task
        finally:
            for task in tasks:
                task.cancel()
            pool.close()


async def _load(fetcher: Fetcher, source: str) -> tuple[bool, bytes, str | None, str | None]:
    """The bytes of a local file or URL: (is plain text, body, content type, final URL)."""
    limit = fetcher.limits.page_max_bytes
    if "://" in source:
        result = await fetcher.get(source, max_bytes=limit, accept=ACCEPT_PAGE)
        return False, result.body, result.headers.get("content-type"), result.final_url
    path = Path(source)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ReaderError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ReaderError(f"{source} is larger than {limit // (1024 * 1024)} MiB")
    return path.suffix.lower() in TEXT_SUFFIXES, data, None, None


# -- refresh in a child process -------------------------------------------------------------

_REFRESH_CHILD = """
import json, sys
sys.path[:] = json.loads(sys.argv[1])
from reader.core.service import refresh_child_main
sys.exit(refresh_child_main(json.loads(sys.argv[2])))
"""


def _settings_to_json(settings: Settings) -> dict[str, object]:
    return dataclasses.asdict(settings)


def _settings_from_json(data: dict[str, Any]) -> Settings:
    limits = FetchLimits(**data.pop("limits"))
    return Settings(limits=limits, **data)


def refresh_child_main(args: dict[str, Any]) -> int:
    """The child side of ``refresh_in_child``: progress and the summary as JSON lines."""

    def emit(obj: dict[str, object]) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    def progress(phase: str, done: int, total: int) -> None:
        emit({"progress": [phase, done, total]})

    async def run() -> RefreshSummary:
        store = Store(args["db"])
        try:
            async with Session(store, _settings_from_json(args["settings"])) as s:
                return await s.refresh(args["ids"], progress=progress)
        finally:
            store.close()

    try:
        with refresh_lock(args["db"]):
            summary = asyncio.run(run())
    except ReaderError as exc:
        emit({"error": sanitize_line(str(exc), 500)})
        return 1
    emit({"summary": dataclasses.asdict(summary)})
    return 0


async def refresh_in_child(
    db_path: str | os.PathLike[str],
    feed_ids: Sequence[int] | None = None,
    settings: Settings | None = None,
    progress: ProgressCallback | None = None,
) -> RefreshSummary:
    """Refresh in a separate process and wait for it without blocking this event loop.

    The reader uses this so that a refresh's HTTP, parsing and storing never compete with
    the interface for this process's GIL (keys stay fast during a refresh). Progress comes
    back as it happens; errors (another refresh running) come back as ReaderError.
    """
    args = {
        "db": str(db_path),
        "ids": list(feed_ids) if feed_ids is not None else None,
        "settings": _settings_to_json(settings or Settings()),
    }
    path = [p for p in sys.path if p and p != "."]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-c",
        _REFRESH_CHILD,
        json.dumps(path),
        json.dumps(args),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    result: RefreshSummary | None = None
    error = "the refresh process ended without a result"
    try:
        assert child.stdout is not None
        async for raw in child.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if "progress" in message and progress:
                phase, done, total = message["progress"]
                progress(str(phase), int(done), int(total))
            elif "summary" in message:
                result = RefreshSummary(**message["summary"])
                result.errors = [(str(a), str(b)) for a, b in result.errors]
            elif "error" in message:
                error = sanitize_line(str(message["error"]), 500)
        await child.wait()
    except BaseException:
        if child.returncode is None:
            # A batch of feeds not yet committed rolls back with its validators, so the next
            # refresh fetches those feeds again: nothing is lost.
            child.terminate()
            await child.wait()
        raise
    if result is None:
        raise ReaderError(error)
    return result
