"""The newsreader app: three panes driven from the keyboard.

``make_app`` builds the app for the CLI, the tests and the benchmark; ``run_app`` is what
``newsreader`` (no subcommand) calls. The main screen owns the view state (which feed, unread
only, a person, a search) and talks to the database two ways: quick reads and flag writes go
straight to the UI's own ``Store`` connection; network and CPU work (add, refresh, open an
unextracted article) goes to the ``Backend`` thread, awaited from thin workers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import functools
import gc
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.keys import _character_to_key  # how Textual itself names a one-character key
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from reader.config import Config, load_config
from reader.core.sanitize import safe_url
from reader.core.service import AddResult, RefreshSummary, Session, Settings, refresh_in_child
from reader.core.store import Store
from reader.errors import ReaderError
from reader.models import ArticleDetail, ArticleRow, FeedRow, Quote, plural
from reader.ui.backend import Backend
from reader.ui.browser import open_in_browser
from reader.ui.commands import ReaderCommands
from reader.ui.keys import normalize_keys
from reader.ui.screens.dialogs import AddFeedDialog, ConfirmDialog, SearchDialog
from reader.ui.screens.help import HelpScreen
from reader.ui.text import Clock, line
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.feed_filter import FeedChoice, FeedFilter
from reader.ui.widgets.reading import ReadingPane
from reader.ui.widgets.summary import SummaryPane

POLL_SECONDS = 3.0
WIDE_COLUMNS = 140
"""From this width the three panes show side by side (the styles size them so the article
keeps at least 60 columns); below it the list sits beside the article or the quotes."""
FIRST_PAGE = 200
"""Rows read before the first paint: a screenful at any sane terminal height, in ~2 ms."""
PAGE = 5000
"""Rows per page read by the loader thread after the first paint (~25 ms of SQLite each)."""
FREEZE_ROWS = 20_000
"""Lists at least this long are kept out of the garbage collector's full passes."""

WELCOME = (
    "Welcome to newsreader.\n\n"
    "You have no feeds yet. Add one:\n\n"
    "  • press  a  here and paste a feed URL (or a page that links to it), or\n"
    "  • run    newsreader add URL    in a shell, then refresh with  R.\n\n"
    # one line, wrapped by the widget to the terminal's width
    "To look around first, quit (q) and run  newsreader --demo  for a reader filled with a "
    "few offline demo articles.\n\n"
    "Press ? for every key, ctrl+p for the command palette."
)


def styles_path() -> Path:
    """The app's stylesheet: packaged at ``reader/styles``, or the repo's ``styles/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "styles" / "app.tcss", here.parent / "styles" / "app.tcss"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("styles/app.tcss is missing from the installation")


@dataclasses.dataclass(slots=True)
class View:
    """What the list pane shows."""

    kind: str = "all"  # all, starred, feed
    feed_id: int | None = None
    feed_title: str = ""
    unread_only: bool = False
    person: str | None = None
    search: str | None = None

    def describe(self) -> str:
        if self.search is not None:
            return f"Search: {self.search}"
        if self.person is not None:
            return f"Person: {self.person}"
        name = {"all": "All articles", "starred": "Starred"}.get(self.kind, self.feed_title)
        return name + (" · unread" if self.unread_only else "")


class RefreshProgress(Message):
    """Progress from a refresh in the backend; newer ones replace older ones in the queue."""

    def __init__(self, phase: str, done: int, total: int) -> None:
        super().__init__()
        self.phase = phase
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgress)


class ProgressThrottle:
    """The refresh's progress callback: at most one status update per ``interval``, and the
    latest one skipped is always sent ``interval`` later (a slow feed holding the refresh once
    left "1/7 feeds" on screen while the other six had finished). Runs on the event loop."""

    def __init__(self, screen: Screen[None], interval: float = 0.1) -> None:
        self.screen = screen
        self.interval = interval
        self.last = 0.0
        self.pending: RefreshProgress | None = None
        self.timer: Timer | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        message = RefreshProgress(phase, done, total)
        wait = self.last + self.interval - time.monotonic()
        if done == total or wait <= 0:
            self._send(message)
            return
        self.pending = message
        if self.timer is None:
            self.timer = self.screen.set_timer(wait, self._send_pending)

    def _send(self, message: RefreshProgress) -> None:
        self.stop()
        self.last = time.monotonic()
        self.screen.post_message(message)

    def _send_pending(self) -> None:
        self.timer = None
        if self.pending is not None:
            self._send(self.pending)

    def stop(self) -> None:
        self.pending = None
        if self.timer is not None:
            self.timer.stop()
            self.timer = None


class MainScreen(Screen[None]):
    """Feed filter and list, reading pane, summary pane, status line and footer."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (WIDE_COLUMNS, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Next pane", show=False, id="next-pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="prev-pane"),
        # Help first among the shown keys: a narrow terminal cuts the footer from the right.
        Binding("question_mark", "help", "Help", id="help"),
        Binding("n", "next_unread", "Next unread", id="next-unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous-unread"),
        Binding("space", "page_down", "Page down", show=False, id="page-down"),
        Binding("b", "page_up", "Page up", show=False, id="page-up"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="toggle-read"),
        Binding("s", "toggle_star", "Star", id="toggle-star"),
        Binding("A", "mark_all_read", "All read", show=False, id="mark-all-read"),
        Binding("o", "open_browser", "Browser", show=False, id="open-browser"),
        Binding("r", "refresh_feed", "Refresh", show=False, id="refresh-feed"),
        Binding("R", "refresh_all", "Refresh all", id="refresh-all"),
        Binding("a", "add_feed", "Add", id="add-feed"),
        Binding("d", "remove_feed", "Remove feed", show=False, id="remove-feed"),
        Binding("slash", "search", "Search", id="search"),
        Binding("f", "feed_filter", "Feeds", id="feed-filter"),
        Binding("u", "unread_only", "Unread", id="unread-only"),
        Binding("i", "toggle_summary", "Summary", show=False, id="toggle-summary"),
        Binding("escape", "clear_filter", "Clear", show=False, id="clear-filter"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, backend: Backend | None, clock: Clock) -> None:
        super().__init__()
        self.store = store
        self.backend = backend
        self.clock = clock
        self.view = View()
        self.counts: dict[str, int] = {}
        self.feeds: list[FeedRow] = []
        self.opened: ArticleDetail | None = None
        self.refreshing = False
        self.progress_text = ""
        self._counts_timer: object | None = None
        self.rows_loading = False
        self._rows_generation = 0
        # flag writes (read, starred) run here, in order, off the UI thread
        self._writer = concurrent.futures.ThreadPoolExecutor(1, "newsreader-flags")
        self._write_store: Store | None = None
        self._last_write: concurrent.futures.Future[object] | None = None

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FeedFilter(id="feeds")
                yield ArticleList(id="articles", clock=self.clock)
            with Vertical(id="right"):
                yield ReadingPane(id="reading")
                yield SummaryPane(id="summary")
        yield Static(Content(WELCOME), id="welcome")
        yield Static(Content(""), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feeds", FeedFilter).border_title = "Feeds"
        self.query_one("#articles", ArticleList).border_title = "Articles"
        self.query_one("#reading", ReadingPane).border_title = "Article"
        self.query_one("#summary", SummaryPane).border_title = "Quotes & people"
        self.reload(first=True)
        self.query_one("#articles", ArticleList).focus()
        self.set_interval(POLL_SECONDS, self.poll)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def reading(self) -> ReadingPane:
        return self.query_one("#reading", ReadingPane)

    @property
    def summary(self) -> SummaryPane:
        return self.query_one("#summary", SummaryPane)

    @property
    def feed_filter(self) -> FeedFilter:
        return self.query_one("#feeds", FeedFilter)

    # -- loading ------------------------------------------------------------------------------

    def reload(self, *, first: bool = False) -> None:
        """Re-read counts, feeds and the list, keeping the cursor on the same article.

        On the first load the feed filter is filled after the first paint (``feeds()`` is a
        grouped pass over every article); later reloads keep the list on screen until the
        new one is complete.
        """
        self.counts = self.store.counts()
        self.set_class(self.counts["feeds"] == 0, "-empty")
        if first:
            self.call_after_refresh(self.read_counts)
        else:
            self.show_counts(self.counts, self.store.feeds())
        self.load_rows(replace_when_complete=not first)
        self.update_status()

    def _page(self, view: View, before: tuple[float, int] | None, limit: int) -> list[ArticleRow]:
        return self.store.articles_page(
            feed_id=view.feed_id if view.kind == "feed" else None,
            unread_only=view.unread_only,
            starred_only=view.kind == "starred",
            person=view.person,
            before=before,
            limit=limit,
        )

    def load_rows(self, *, replace_when_complete: bool = False) -> None:
        """Show the view's rows: the first page now, the rest from a loader thread.

        With ``replace_when_complete`` (the same view re-read after a refresh), the rows on
        screen stay until the new list is complete, so the cursor and scroll never jump.
        """
        self.wait_writes(0.05)
        self._rows_generation += 1
        generation = self._rows_generation
        self.workers.cancel_group(self, "rows")
        keep = self.article_list.current
        keep_id = keep.id if keep else None
        view = self.view
        self.article_list.empty_text = self._empty_text()
        self.article_list.border_title = Content(line(view.describe(), 80))
        if view.search is not None:
            rows = [row for row, _snippet in self.store.search(view.search, limit=1000)]
            if view.unread_only:
                rows = [r for r in rows if not r.read]
            self._rows_loaded(rows, keep_id)
            return
        first = self._page(view, None, FIRST_PAGE + 1)
        if len(first) <= FIRST_PAGE:
            self._rows_loaded(first, keep_id)
            return
        self.rows_loading = True
        if replace_when_complete and self.article_list.rows:
            self._load_rest(generation, view, [], keep_id)
            return
        first = first[:FIRST_PAGE]
        self.article_list.set_rows(first, keep_id)
        self._show_row_count()
        self._load_rest(generation, view, first, None)

    def _rows_loaded(self, rows: list[ArticleRow], keep_id: int | None) -> None:
        self.rows_loading = False
        self.article_list.set_rows(rows, keep_id)
        self._show_row_count()

    def _show_row_count(self) -> None:
        n = len(self.article_list.rows)
        self.article_list.border_subtitle = Content(f"{n:,}…" if self.rows_loading else f"{n:,}")

    @work(thread=True, exclusive=True, group="rows")
    def _load_rest(
        self, generation: int, view: View, shown: list[ArticleRow], keep_id: int | None
    ) -> None:
        """Read the rest of the list in pages; append each (or swap in the whole list)."""
        worker = get_current_worker()
        replace = not shown
        rows: list[ArticleRow] = []
        last = shown[-1] if shown else None
        while not worker.is_cancelled:
            before = (last.published, last.id) if last is not None else None
            page = self._page(view, before, PAGE)
            done = len(page) < PAGE
            if replace:
                rows += page
            elif page and not self._to_ui(self._extend_rows, generation, page):
                return
            if done:
                break
            last = page[-1]
        if not worker.is_cancelled:
            self._to_ui(self._rows_complete, generation, rows if replace else None, keep_id)

    def _to_ui(self, callback: Callable[..., object], *args: object) -> bool:
        """Run ``callback`` on the UI thread and wait; False once the app is closing."""
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            return False
        return True

    def _extend_rows(self, generation: int, page: list[ArticleRow]) -> None:
        if generation == self._rows_generation:
            self.article_list.extend_rows(page)
            self._show_row_count()

    def _rows_complete(
        self, generation: int, rows: list[ArticleRow] | None, keep_id: int | None
    ) -> None:
        if generation != self._rows_generation:
            return
        if rows is not None:
            current = self.article_list.current
            self._rows_loaded(rows, current.id if current is not None else keep_id)
        else:
            self.rows_loading = False
            self._show_row_count()
        if len(self.article_list.rows) >= FREEZE_ROWS:
            # A long list is hundreds of thousands of objects that live until the next
            # reload. Frozen, they stay out of the collector's full passes, which took
            # 90-115 ms at 100,000 rows and landed on key presses at random. Whatever was
            # frozen last time is thawed and collected first (one full pass, here, once per
            # long reload): objects in cycles frozen while alive would otherwise never be
            # freed once they die (screens, render caches: about 3 MB a reload).
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def _empty_text(self) -> str:
        if self.view.search is not None:
            return "No matches. Press esc to clear the search."
        if self.view.unread_only:
            return "Nothing unread here. Press u to show all."
        if self.view.kind == "starred":
            return "No starred articles. Press s on one to star it."
        return "No articles here yet. Press R to refresh."

    def poll(self) -> None:
        """Pick up what another process (``newsreader refresh``) wrote.

        Not during a refresh of our own: each tick would reload the whole list, and at
        100,000 articles that held the keys up to 850 ms every few seconds (``j`` p95 328 ms
        during a refresh against 48 ms); the list reloads once, when the refresh ends.
        """
        if self.refreshing:
            return
        counts = self.store.counts()
        if (counts["feeds"], counts["articles"]) != (
            self.counts.get("feeds"),
            self.counts.get("articles"),
        ):
            self._close_if_removed()
            self.reload()
        elif counts != self.counts:
            self.refresh_counts()

    def _close_if_removed(self) -> None:
        """Clear the reading pane when the article on it is gone from the database (another
        instance removed its feed): ``s`` and ``m`` on it would do nothing and say nothing."""
        opened = self.opened
        if opened is None or self.store.article(opened.id) is not None:
            return
        self.close_article()
        self.app.notify(
            f"{line(opened.title, 120) or 'The article'} was removed "
            f"(its feed {line(opened.feed_title, 80)} is gone).",
            severity="warning",
            markup=False,
        )

    class CountsRead(Message):
        """The counts and the feeds' numbers, read off the UI thread."""

        def __init__(self, counts: dict[str, int], feeds: list[FeedRow]) -> None:
            super().__init__()
            self.counts = counts
            self.feeds = feeds

    def read_counts(self) -> None:
        """Read the counts and every feed's numbers now (at start-up, before any key)."""
        self.wait_writes(0.05)
        self.show_counts(self.store.counts(), self.store.feeds())

    def show_counts(self, counts: dict[str, int], feeds: list[FeedRow]) -> None:
        self.counts = counts
        self.feeds = feeds
        self.feed_filter.set_feeds(feeds, counts)
        self.update_status()

    def refresh_counts(self) -> None:
        """Re-read the counts and every feed's numbers on the writer's thread and connection.

        ``feeds()`` is a grouped pass over every article (30 ms at 100,000): run on the UI
        thread after a read or star change it delayed the next key. Queued behind the flag
        writes, it sees them all.
        """

        def job() -> None:
            store = self._writer_store()
            self.post_message(self.CountsRead(store.counts(), store.feeds()))

        # On failure the numbers stay as they were, and the toast says why.
        self._writer.submit(job).add_done_callback(
            functools.partial(self._job_done, "Could not re-read the counts", "warning")
        )

    @on(CountsRead)
    def counts_read(self, event: CountsRead) -> None:
        self.show_counts(event.counts, event.feeds)

    def refresh_counts_soon(self) -> None:
        """Coalesce count updates after read/star changes (feeds() is a grouped query)."""
        if self._counts_timer is not None:
            self._counts_timer.stop()  # type: ignore[attr-defined]
        self._counts_timer = self.set_timer(0.4, self.refresh_counts)

    def update_status(self) -> None:
        c = self.counts
        feeds, articles = c.get("feeds", 0), c.get("articles", 0)
        left = (
            f" {plural(feeds, 'feed')} · {plural(articles, 'article')} · "
            f"{c.get('unread', 0):,} unread"
        )
        if self.view.person is not None or self.view.search is not None:
            left += " · esc clears the filter"
        right = self.progress_text
        self.query_one("#status", Static).update(
            Content.assemble(left, "   ", (right, "$text-warning"))
        )

    # -- opening ------------------------------------------------------------------------------

    @on(ArticleList.Selected)
    def selected(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article.id)

    def open_article(self, article_id: int, quote: Quote | None = None) -> None:
        detail = self.store.article(article_id)
        if detail is None:
            return
        # a link that is not http(s) (file:, javascript:) is never fetched: nothing to wait for
        extracting = (
            detail.text_source == ""
            and self.backend is not None
            and safe_url(detail.link) is not None
        )
        self.show(detail, loading=extracting)
        if not detail.read:
            self.set_read([detail.id], True)
        if extracting:
            self.extract(article_id, quote)
        elif quote is not None:
            self.call_after_refresh(self.reading.highlight_quote, quote)

    def show(self, detail: ArticleDetail, *, loading: bool = False) -> None:
        self.opened = detail
        self.reading.show(detail, loading=loading)
        self.summary.show_article(detail)
        n_q, n_p = len(detail.quotes), len(detail.people)
        self.reading.border_subtitle = Content(
            f"{plural(n_q, 'quote')} · {plural(n_p, 'person', 'people')} (i)"
        )

    def close_article(self) -> None:
        """Show no article (its feed was removed): empty reading and summary panes."""
        self.workers.cancel_group(self, "open")
        self.opened = None
        self.reading.show(None)
        self.summary.show_article(None)
        self.reading.border_subtitle = Content("")

    @work(exclusive=True, group="open")
    async def extract(self, article_id: int, quote: Quote | None) -> None:
        assert self.backend is not None

        async def job(session: Session) -> ArticleDetail | None:
            return await session.open_article(article_id)

        try:
            detail = await self.backend.call(job)
        except Exception as exc:  # whatever failed, the article is still shown from the store
            message = str(exc) if isinstance(exc, ReaderError) else f"{type(exc).__name__}: {exc}"
            self.app.notify(
                line(message, 300), title="Could not open", severity="error", markup=False
            )
            detail = self.store.article(article_id)
        finally:
            # A newer open cancels this one: its article's loading note is not ours to clear.
            if self.opened is not None and self.opened.id == article_id:
                self.reading.loading_text = False
        if detail is not None and self.opened is not None and self.opened.id == article_id:
            self.show(detail)
            if quote is not None:
                self.call_after_refresh(self.reading.highlight_quote, quote)

    # -- flags --------------------------------------------------------------------------------

    def write(self, method: str, *args: object) -> None:
        """Run a flag write on the writer thread (in order); the screen does not wait for it.

        The writer has its own connection, so while another process holds the database's
        write lock only the writer waits, never the screen's reads.
        """

        def job() -> None:
            getattr(self._writer_store(), method)(*args)

        future = self._writer.submit(job)
        future.add_done_callback(
            functools.partial(self._job_done, "Could not save that change", "error")
        )
        self._last_write = future

    def _writer_store(self) -> Store:
        """The writer thread's own connection (opened there, on its first job)."""
        if self._write_store is None:
            self._write_store = Store(self.store.path)
        return self._write_store

    def _job_done(
        self, what: str, severity: SeverityLevel, future: concurrent.futures.Future[None]
    ) -> None:
        """A writer-thread job ended: a toast when it failed (``what`` says what failed)."""
        exc = future.exception()
        if exc is None:
            return
        message = f"{what}: {line(str(exc), 200)}"
        try:
            self.app.call_from_thread(self.app.notify, message, severity=severity, markup=False)
        except RuntimeError:  # the app is closing
            pass

    def wait_writes(self, timeout: float | None = None) -> None:
        """Wait until the flag writes queued so far are done (a failure was already shown).

        The screen passes a short ``timeout``: when another process holds the write lock, it
        reads a moment-stale flag rather than freeze (its own rows were updated already).
        """
        if self._last_write is not None:
            try:
                self._last_write.result(timeout)
            except Exception:
                pass

    def close_writer(self) -> None:
        self._writer.shutdown(wait=True)
        if self._write_store is not None:
            self._write_store.close()

    def set_read(self, ids: list[int], read: bool) -> None:
        self.write("set_read", ids, read)
        rows = self.article_list.rows
        for article_id in ids:
            index = self.article_list.index_of(article_id)
            if index is not None and rows[index].read != read:
                self.article_list.update_row(dataclasses.replace(rows[index], read=read))
        if self.opened is not None and self.opened.id in ids and self.opened.read != read:
            self.opened = dataclasses.replace(self.opened, read=read)
        self.refresh_counts_soon()

    def target_article(self) -> ArticleRow | ArticleDetail | None:
        """The article ``s``, ``m`` and ``o`` act on: the one on screen when the reading or
        summary pane has the focus (None when no article is open), else the list's
        highlighted row."""
        if self.reading.has_focus or self.summary.has_focus_within:
            opened = self.opened
            if opened is None:
                return None
            index = self.article_list.index_of(opened.id)
            # the row carries the latest flags; the article may be out of the view by now
            return self.article_list.rows[index] if index is not None else opened
        return self.article_list.current

    def action_select_article(self) -> None:
        row = self.article_list.current
        if row is not None:
            self.open_article(row.id)

    def action_toggle_read(self) -> None:
        target = self.target_article()
        if target is not None:
            self.set_read([target.id], not target.read)

    def action_toggle_star(self) -> None:
        target = self.target_article()
        if target is None:
            return
        starred = not target.starred
        self.write("set_starred", target.id, starred)
        index = self.article_list.index_of(target.id)
        if index is not None:
            row = self.article_list.rows[index]
            self.article_list.update_row(dataclasses.replace(row, starred=starred))
        if self.opened is not None and self.opened.id == target.id:
            self.opened = dataclasses.replace(self.opened, starred=starred)
            self.reading.update_flags(self.opened)
        self.refresh_counts_soon()

    def action_mark_all_read(self) -> None:
        if self.rows_loading:
            self.app.notify("The list is still loading; try again in a moment.")
            return
        ids = [row.id for row in self.article_list.rows if not row.read]
        if not ids:
            self.app.notify("Everything here is already read.")
            return
        self.set_read(ids, True)
        self.app.notify(f"Marked {plural(len(ids), 'article')} read.")

    # -- moving -------------------------------------------------------------------------------

    def _jump_unread(self, step: int) -> None:
        """Open the next unread article in ``step``'s direction. The highlighted row counts
        when it is not the open article (a fresh start, or a new view's first row)."""
        rows = self.article_list.rows
        current = self.article_list.current
        opened_here = (
            current is not None and self.opened is not None and (self.opened.id == current.id)
        )
        index = self.article_list.cursor + (step if opened_here or current is None else 0)
        while 0 <= index < len(rows):
            if not rows[index].read:
                self.article_list.move_to(index)
                self.open_article(rows[index].id)
                return
            index += step
        if step > 0 and self.rows_loading:
            self.app.notify("The rest of the list is still loading.")
            return
        self.app.notify("No more unread articles in this direction.")

    def action_next_unread(self) -> None:
        self._jump_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_unread(-1)

    def action_page_down(self) -> None:
        self.reading.page_down()

    def action_page_up(self) -> None:
        self.reading.page_up()

    def action_open_browser(self) -> None:
        target = self.target_article()
        if target is None:
            self.app.notify("No article is open.", severity="warning")
            return
        url = safe_url(target.link)
        if url is None:
            self.app.notify("This article has no http(s) link to open.", severity="warning")
            return

        def done(yes: bool | None) -> None:
            if not yes:
                return
            if self.app.is_web:  # served by textual-serve: the user's own browser opens it
                self.app.open_url(url)
                self.app.notify(f"Opening {line(url, 200)}", markup=False)
            else:
                self.open_link(url)

        question = Content.assemble("Open this link in your browser?\n\n", (line(url, 300), "bold"))
        self.app.push_screen(ConfirmDialog(question, yes="Open"), done)

    @work(thread=True, exclusive=True, group="browser")
    def open_link(self, url: str) -> None:
        """Open ``url`` in a browser apart from this terminal; say what happened."""
        result = open_in_browser(url)
        shown = line(url, 300)
        severity: SeverityLevel = "warning"
        if result.opened:
            message, severity = f"Opened in your browser: {shown}", "information"
        elif result.console_browsers:
            names = ", ".join(line(name, 40) for name in result.console_browsers)
            message = (
                f"Only a console browser ({names}) is available; it is not started inside "
                f"the reader. The link is {shown}"
            )
        else:
            message = f"No browser found; the link is {shown}"
        try:
            self.app.call_from_thread(
                self.app.notify, message, severity=severity, markup=False, timeout=10
            )
        except RuntimeError:  # the app is closing
            pass

    def action_toggle_summary(self) -> None:
        """Wide: hide or show the summary pane. Narrow: swap it with the reading pane.

        Each layout keeps its own state (narrow starts on the article, wide with the summary
        shown), so resizing across the breakpoint never flips what ``i`` did in the other.
        """
        if self.has_class("-narrow"):
            self.toggle_class("-narrow-summary")
            if self.has_class("-narrow-summary"):
                self.summary.focus_first()
            else:
                self.reading.focus()
        else:
            self.toggle_class("-wide-summary-hidden")
            if self.has_class("-wide-summary-hidden") and self.summary.has_focus_within:
                self.reading.focus()

    def on_resize(self) -> None:
        # Crossing the breakpoint can hide the focused pane (the summary, the feed picker).
        self.call_after_refresh(self._keep_focus_visible)

    def _keep_focus_visible(self) -> None:
        """Move the focus to the reading pane (or the list) when the focused pane is hidden."""
        focused = self.focused
        if self.has_class("-empty") or (
            focused is not None
            and all(node.display for node in focused.ancestors_with_self if node is not self.app)
        ):
            return
        for pane in (self.reading, self.article_list):
            if pane.display:
                pane.focus()
                return

    # -- filters ------------------------------------------------------------------------------

    def set_view(self, view: View) -> None:
        self.view = view
        self.load_rows()
        self.update_status()

    @on(FeedFilter.Chosen)
    def feed_chosen(self, event: FeedFilter.Chosen) -> None:
        self.choose(event.choice)

    def choose(self, choice: FeedChoice) -> None:
        unread = choice.kind == "unread" or (self.view.unread_only and choice.kind == "feed")
        kind = "all" if choice.kind == "unread" else choice.kind
        self.summary.show_person(None)
        self.set_view(View(kind, choice.feed_id, choice.title, unread))
        self.remove_class("-show-feeds")
        self.article_list.focus()

    def action_feed_filter(self) -> None:
        if self.has_class("-show-feeds") and self.feed_filter.has_focus:
            self.remove_class("-show-feeds")
            self.article_list.focus()
            return
        self.add_class("-show-feeds")
        kind = "unread" if self.view.kind == "all" and self.view.unread_only else self.view.kind
        self.feed_filter.highlight_feed(self.view.feed_id, kind)
        self.feed_filter.focus()

    def action_unread_only(self) -> None:
        view = dataclasses.replace(self.view, unread_only=not self.view.unread_only)
        self.set_view(view)

    def action_clear_filter(self) -> None:
        if self.has_class("-show-feeds"):
            self.remove_class("-show-feeds")
            self.article_list.focus()
            return
        if self.view.person is not None or self.view.search is not None:
            self.summary.show_person(None)
            self.set_view(dataclasses.replace(self.view, person=None, search=None))

    @on(SummaryPane.PersonChosen)
    def person_chosen(self, event: SummaryPane.PersonChosen) -> None:
        self.filter_person(event.name)

    def filter_person(self, name: str) -> None:
        self.summary.show_person(name, self.store.quotes_by(name))
        self.set_view(View(person=name))

    @on(SummaryPane.QuoteChosen)
    def quote_chosen(self, event: SummaryPane.QuoteChosen) -> None:
        if event.article_id is not None and (
            self.opened is None or self.opened.id != event.article_id
        ):
            index = self.article_list.index_of(event.article_id)
            if index is not None:
                self.article_list.move_to(index)
            self.open_article(event.article_id, event.quote)
            return
        if self.has_class("-narrow") and self.has_class("-narrow-summary"):
            self.remove_class("-narrow-summary")
        if not self.reading.highlight_quote(event.quote):
            self.app.notify("That quote is not in the text shown.", severity="warning")

    def action_search(self) -> None:
        def done(query: str | None) -> None:
            if query:
                self.summary.show_person(None)
                self.set_view(View(search=query))
                self.article_list.focus()

        self.app.push_screen(SearchDialog(self.view.search or ""), done)

    def select_feed(self, feed_id: int) -> None:
        for feed in self.feeds:
            if feed.id == feed_id:
                self.feed_filter.highlight_feed(feed_id)
                self.choose(FeedChoice("feed", feed.id, line(feed.title, 200)))
                return

    # -- feeds --------------------------------------------------------------------------------

    def _selected_feed(self) -> FeedRow | None:
        """The feed ``r`` and ``d`` act on: the feed row in the picker when it has the focus
        (All, Unread and Starred are not feeds), else the view's feed or the article's."""
        if self.feed_filter.has_focus:
            choice = self.feed_filter.choice_at(self.feed_filter.highlighted)
            if choice is None or choice.kind != "feed":
                return None
            return next((f for f in self.feeds if f.id == choice.feed_id), None)
        feed_id = self.view.feed_id if self.view.kind == "feed" else None
        if feed_id is None and self.article_list.current is not None:
            feed_id = self.article_list.current.feed_id
        return next((f for f in self.feeds if f.id == feed_id), None)

    def action_add_feed(self) -> None:
        if self.backend is None:
            self.app.notify("Adding feeds is not available here.", severity="error")
            return
        backend = self.backend

        async def add(url: str) -> AddResult:
            async def job(session: Session) -> AddResult:
                return await session.add_feed(url)

            return await backend.call(job)

        def done(result: AddResult | None) -> None:
            if result is None:
                return
            self.reload()
            self.app.notify(add_message(result), markup=False, timeout=15 if result.others else 5)
            self.select_feed(result.feed_id)

        self.app.push_screen(AddFeedDialog(add), done)

    def action_remove_feed(self) -> None:
        feed = self._selected_feed()
        if feed is None:
            self.app.notify("Choose a feed first (f).", severity="warning")
            return

        def done(yes: bool | None) -> None:
            if yes:
                try:
                    self.store.remove_feed(feed.id)
                except ReaderError as exc:
                    message = f"Could not remove the feed: {line(str(exc), 200)}"
                    self.app.notify(message, severity="error", markup=False)
                    return
                if self.view.feed_id == feed.id:
                    self.view = View()
                if self.opened is not None and self.opened.feed_id == feed.id:
                    self.close_article()
                self.reload()
                self.app.notify(f"Removed {line(feed.title, 200)}", markup=False)

        question = Content.assemble(
            "Remove the feed ",
            (line(feed.title, 200), "bold"),
            f" and its {plural(feed.articles, 'article')}?",
        )
        self.app.push_screen(ConfirmDialog(question), done)

    def action_refresh_feed(self) -> None:
        feed = self._selected_feed()
        if feed is None:
            self.app.notify("No feed to refresh.", severity="warning")
            return
        self.run_refresh([feed.id], line(feed.title, 100))

    def action_refresh_all(self) -> None:
        if not self.feeds:
            self.app.notify("No feeds yet: press a to add one.", severity="warning")
            return
        self.run_refresh(None, "all feeds")

    def run_refresh(self, ids: list[int] | None, label: str) -> None:
        if self.backend is None:
            self.app.notify("Refreshing is not available here.", severity="error")
            return
        if self.refreshing:
            self.app.notify("A refresh is already running.")
            return
        self.refreshing = True
        self.progress_text = f"Refreshing {label}…"
        self.update_status()
        self.refresh_worker(ids)

    @work(exclusive=True, group="refresh")
    async def refresh_worker(self, ids: list[int] | None) -> None:
        assert self.backend is not None
        db_path = self.store.path
        progress = ProgressThrottle(self)
        try:
            # In a child process: the refresh's CPU never competes with the keys for the GIL.
            summary: RefreshSummary | None = await refresh_in_child(
                db_path, ids, self.backend.settings, progress
            )
        except ReaderError as exc:
            self.app.notify(line(str(exc), 300), title="Refresh", severity="error", markup=False)
            summary = None
        finally:
            progress.stop()
            self.refreshing = False
            self.progress_text = ""
        self.reload()
        if summary is not None:
            severity = "information" if not summary.errors else "warning"
            text = summary.line()
            for name, message in summary.errors[:3]:
                text += f"\n{line(name, 60)}: {line(message, 160)}"
            self.app.notify(text, title="Refresh", severity=severity, markup=False)

    @on(RefreshProgress)
    def refresh_progress(self, event: RefreshProgress) -> None:
        if not self.refreshing:  # a late one, after the refresh ended
            return
        what = "feeds" if event.phase == "feeds" else "pages"
        self.progress_text = f"Refreshing: {event.done}/{event.total} {what}"
        self.update_status()

    # -- help ---------------------------------------------------------------------------------

    def action_help(self) -> None:
        app = self.app
        assert isinstance(app, NewsReaderApp)
        self.app.push_screen(HelpScreen(app.help_rows(), str(app.config.path or "config.toml")))


class NewsReaderApp(App[int]):
    """The terminal news reader."""

    TITLE = "newsreader"
    CSS_PATH = styles_path()
    COMMANDS: ClassVar = App.COMMANDS | {ReaderCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        backend: Backend | None = None,
        clock: Clock = time.time,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.backend = backend
        self.clock = clock
        self.main_screen = MainScreen(store, backend, clock)
        self._signals: list[int] = []

    def on_mount(self) -> None:
        if not self.is_headless:
            self._catch_signals()
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self.config.warnings.append(f"unknown theme {line(self.config.theme, 60)!r} ignored")
        known = {binding_id for _k, _d, binding_id in self.help_rows()}
        unknown = sorted(set(self.config.keymap) - known)
        for binding_id in unknown:
            self.config.warnings.append(f"keymap: no binding with the id {line(binding_id, 60)!r}")
        self.config.keymap = self.normalized_keymap()
        self.set_keymap({k: v for k, v in self.config.keymap.items() if k in known})
        self.config.warnings.extend(self.keymap_conflicts())
        self.push_screen(self.main_screen)
        for warning in self.config.warnings:
            self.notify(warning, title="Config", severity="warning", markup=False, timeout=8)
        if self.config.auto_refresh_minutes > 0:
            self.set_interval(self.config.auto_refresh_minutes * 60, self.auto_refresh_all)

    def _catch_signals(self) -> None:
        """End the app cleanly on SIGHUP (the terminal closed) and SIGTERM: the terminal is
        restored and whatever ``run_app`` opened is closed (``--demo`` removes its folder)."""
        loop = asyncio.get_running_loop()
        for signum in (getattr(signal, "SIGHUP", None), signal.SIGTERM):
            if signum is None:
                continue
            try:
                loop.add_signal_handler(
                    signum, functools.partial(self.exit, return_code=128 + signum)
                )
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, not main thread
                continue
            self._signals.append(signum)

    def auto_refresh_all(self) -> None:
        """The ``auto_refresh_minutes`` timer: refresh every feed unless a refresh is running.

        (Not ``_auto_refresh``: Textual's DOMNode sets an instance attribute of that name,
        which hid the method and left the timer calling nothing.)
        """
        if not self.main_screen.refreshing and self.main_screen.feeds:
            self.main_screen.run_refresh(None, "all feeds")

    def normalized_keymap(self) -> dict[str, str]:
        """The config's keymap with keys named as Textual names them (``?`` is
        ``question_mark``, ``F1`` is ``f1``); a warning for each key that no terminal sends
        under that name, and an entry with none left is ignored (the default keys stay)."""
        keymap: dict[str, str] = {}
        for binding_id, keys in self.config.keymap.items():
            names, unknown = normalize_keys(keys)
            for key in unknown:
                self.config.warnings.append(
                    f"keymap: {line(binding_id, 60)} = {line(key, 30)!r} is not a key name "
                    "(try ? / f1 ctrl+p pagedown); it is ignored"
                )
            if names:
                keymap[binding_id] = names
        return keymap

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(keys, description, binding id) for every binding, with the user's keymap applied."""
        rows: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        sources: Iterable[BindingType] = [
            *ArticleList.BINDINGS,
            *MainScreen.BINDINGS,
        ]
        keymap = self.config.keymap
        for binding in sources:
            assert isinstance(binding, Binding)
            if binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            rows.append((keymap.get(binding.id, binding.key), binding.description, binding.id))
        return rows

    def keymap_conflicts(self) -> list[str]:
        """Warnings for keys that the user's keymap gives to two bindings (``quit = "j"``)."""
        owners: dict[str, list[str]] = {}
        for keys, _description, binding_id in self.help_rows():
            for key in key_names(keys):
                if binding_id not in owners.setdefault(key, []):
                    owners[key].append(binding_id)
        warnings: list[str] = []
        for key, ids in owners.items():
            if len(ids) > 1 and any(binding_id in self.config.keymap for binding_id in ids):
                warnings.append(
                    f"keymap: {line(key, 30)!r} is bound to both "
                    f"{' and '.join(line(i, 60) for i in ids)}; only one of them will work"
                )
        return warnings

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()
        self.main_screen.close_writer()
        if self.backend is not None:
            self.backend.close()


OTHERS_SHOWN = 6
"""Other feeds of a page listed in the add toast; the rest are counted."""


def add_message(result: AddResult) -> str:
    """What ``newsreader add`` prints, as plain text for a toast (never markup): what was
    added, and the other feeds the page links to (one line each, sanitised)."""
    if result.already:
        text = f"Already there: {line(result.title, 200)}"
    else:
        text = f"Added {line(result.title, 200)} ({plural(result.articles, 'article')})"
    if result.others:
        text += "\nThe page also links to these feeds:"
        for other in result.others[:OTHERS_SHOWN]:
            text += f"\n  {line(other, 300)}"
        if len(result.others) > OTHERS_SHOWN:
            text += f"\n  and {len(result.others) - OTHERS_SHOWN} more (newsreader add URL)"
    return text


def key_names(keys: str) -> list[str]:
    """A binding's comma-separated keys as Textual names them (``?`` is ``question_mark``)."""
    names = []
    for key in keys.split(","):
        key = key.strip()
        if len(key) == 1:
            key = _character_to_key(key)
        if key:
            names.append(key)
    return names


def make_app(
    config: Config,
    store: Store,
    *,
    backend: Backend | None = None,
    settings: Settings | None = None,
    clock: Clock = time.time,
    with_backend: bool = True,
) -> NewsReaderApp:
    """The one app factory, for the CLI, the tests and the benchmark."""
    if backend is None and with_backend:
        backend = Backend(store.path, settings or settings_from(config))
    return NewsReaderApp(config, store, backend=backend, clock=clock)


def settings_from(config: Config) -> Settings:
    settings = Settings(full_text=config.full_text)
    settings.limits.max_in_flight = config.concurrency
    return settings


def run_app(db_path: Path, config_path: str | None = None, demo: bool = False) -> int:
    """Open the reader on ``db_path`` (or on a demo database); return the exit code."""
    config = load_config(config_path)
    if demo:
        from reader.demo import demo_database

        with demo_database() as (demo_db, settings):
            store = Store(demo_db)
            try:
                app = make_app(config, store, settings=settings)
                app.run()
            finally:
                store.close()
        return app.return_code or 0
    store = Store(db_path)
    try:
        app = make_app(config, store)
        app.run()
    finally:
        store.close()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("news.db")))
