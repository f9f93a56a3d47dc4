"""Benchmark the reader's UI on 100,000 articles in 1,000 feeds.

Run from the repository root: ``python bench/tui.py [--articles 100000] [--feeds 1000]``.

Measures, in a fresh process each time (headless Textual, 160x48):
* first paint: from process start (before importing Textual) to the first drawn list row
  (and when the loader thread has read every row);
* ``j`` latency: from the key press to the list drawing the new cursor row (median, p95);
* open: from ``enter`` on an analysed article to the first frame composed after the reading
  pane drew it (the summary pane is updated in the same handler, so the same frame);
* peak memory (``ru_maxrss``);
* the same ``j`` latency while ``R`` refreshes 200 feeds from a loopback server (127.0.0.1)
  with full-text extraction;
* for comparison, ``newsboat -x print-unread`` on a newsboat cache holding the same feeds.

The database is built once under ``$TMPDIR/newsreader-bench/`` (or ``--cache DIR``) and
copied per run.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import http.server  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

NOW = 1_800_000_000.0
PARAGRAPHS = [
    "The council voted on Tuesday to expand the network of protected cycle lanes after a "
    "debate that ran late into the evening and drew hundreds of residents.",
    "“This is the most important transport decision we have made in a decade,” said Maria "
    "Lopez, the council's transport chair. “We listened to everyone.”",
    "Shop owners were not convinced. “Nobody has told me where the vans should stop,” said "
    "Tom Becker, who runs a hardware shop near the market.",
    "The plan will be phased in over three years and reviewed after the first one.",
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- building the database -----------------------------------------------------------------


def build(db_path: Path, n_articles: int, n_feeds: int) -> None:
    from reader.core.pipeline import analyze_text
    from reader.core.store import Store
    from reader.models import ParsedEntry

    store = Store(db_path)
    per_feed = n_articles // n_feeds
    text = "\n\n".join(PARAGRAPHS * 3)
    analysis = analyze_text(text, None)
    for f in range(n_feeds):
        feed_id = store.add_feed(f"https://feed{f}.example/rss", f"Feed number {f}")
        entries = [
            ParsedEntry(
                key=f"{f}-{i}",
                key_source="guid",
                title=f"Story {i} from feed {f}: the council and the cycle lanes",
                link=f"https://feed{f}.example/story/{i}",
                author="Ann Writer",
                published=NOW - (f * per_feed + i) * 60.0,
                published_raw=None,
                summary="A summary of the story.",
            )
            for i in range(per_feed)
        ]
        store.store_entries(feed_id, entries, title=f"Feed number {f}")
    # analyse the newest 2,000 so that "open" finds extracted text with quotes and people
    for row in store.articles(limit=2000):
        store.save_extraction(row.id, text=text, source="page", error=None, analysis=analysis)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def build_newsboat(cache: Path, urls: Path, n_articles: int, n_feeds: int) -> None:
    """A newsboat cache with the same feeds and articles (newsboat writes its own schema)."""
    urls.write_text("".join(f"https://feed{f}.example/rss\n" for f in range(n_feeds)))
    subprocess.run(
        ["newsboat", "-u", str(urls), "-c", str(cache), "-x", "print-unread"],
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(cache.parent)},
        check=True,
    )
    per_feed = n_articles // n_feeds
    with sqlite3.connect(cache) as db:
        for f in range(n_feeds):
            url = f"https://feed{f}.example/rss"
            db.execute(
                "INSERT OR REPLACE INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
                (url, url, f"Feed number {f}"),
            )
            db.executemany(
                "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, "
                "unread) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                [
                    (
                        f"{f}-{i}",
                        f"Story {i} from feed {f}: the council and the cycle lanes",
                        "Ann Writer",
                        f"https://feed{f}.example/story/{i}",
                        url,
                        int(NOW - (f * per_feed + i) * 60),
                        "A summary of the story.",
                    )
                    for i in range(per_feed)
                ],
            )


# -- the loopback feeds for the refresh phase ----------------------------------------------


class FeedServer:
    """200 small RSS feeds and their article pages on 127.0.0.1."""

    def __init__(self, n_feeds: int, per_feed: int) -> None:
        pages: dict[str, bytes] = {}
        self.pages = pages

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                ctype = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
                self.send_header("Content-Type", ctype + "; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        page = (
            "<html><head><title>Story</title></head><body><article><h1>Story</h1>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2)
            + "</article></body></html>"
        ).encode()
        for f in range(n_feeds):
            items = []
            for i in range(per_feed):
                link = f"{self.base}/p/{f}/{i}"
                pages[f"/p/{f}/{i}"] = page
                items.append(
                    f"<item><title>Loop {f}.{i}</title><link>{link}</link><guid>{link}</guid>"
                    f"<pubDate>Mon, 10 Nov 2026 09:{i % 60:02d}:00 GMT</pubDate>"
                    "<description>Summary.</description></item>"
                )
            pages[f"/f/{f}.xml"] = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop {f}</title>'
                f"<link>{self.base}/</link><description>d</description>{''.join(items)}"
                "</channel></rss>"
            ).encode()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- one measured run ----------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(db_path: Path, presses: int, refresh_feeds: int) -> dict[str, float]:
    from reader.config import Config
    from reader.core.store import Store
    from reader.ui.app import NewsReaderApp, make_app
    from reader.ui.widgets.article_list import ROW_HEIGHT, ArticleList
    from reader.ui.widgets.reading import ReadingPane

    painted: dict[int, float] = {}
    original = ArticleList.render_line
    # open: the reading pane records which article it drew; the app records each frame it
    # hands to the terminal (headless: composed and dropped), so "shown" is the first frame
    # composed after the pane drew the new article.
    drawn: dict[str, float] = {"article": -1.0, "at": 0.0}
    frames: list[float] = []
    original_reading = ReadingPane.render_line
    original_display = NewsReaderApp._display

    def reading_line(self: ReadingPane, y: int):  # type: ignore[no-untyped-def]
        strip = original_reading(self, y)
        if self.article is not None and drawn["article"] != self.article.id:
            drawn["article"] = self.article.id
            drawn["at"] = time.perf_counter()
        return strip

    def display(self: NewsReaderApp, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        original_display(self, screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    ReadingPane.render_line = reading_line  # type: ignore[method-assign]
    NewsReaderApp._display = display  # type: ignore[method-assign]

    def render_line(self: ArticleList, y: int):  # type: ignore[no-untyped-def]
        strip = original(self, y)
        if self.rows:
            line_no = y + self.scroll_offset.y
            if line_no // ROW_HEIGHT == self.cursor:
                painted[self.cursor] = time.perf_counter()
            if -1 not in painted:
                painted[-1] = time.perf_counter()
                painted[-2] = len(self.rows)
        return strip

    ArticleList.render_line = render_line  # type: ignore[method-assign]
    store = Store(db_path)
    app = make_app(Config(), store, clock=lambda: NOW)
    results: dict[str, float] = {}

    async def wait_paint(index: int, since: float, pilot) -> float:  # type: ignore[no-untyped-def]
        for _ in range(2000):
            stamp = painted.get(index, 0.0)
            if stamp >= since:
                return stamp
            await asyncio.sleep(0.0005)
        raise RuntimeError("the list never drew the cursor row")

    async def key_times(pilot, n: int, while_refreshing: bool = False) -> list[float]:  # type: ignore[no-untyped-def]
        screen = app.main_screen
        times = []
        for _ in range(n):
            if while_refreshing and not screen.refreshing:
                break
            target = screen.article_list.cursor + 1
            t0 = time.perf_counter()
            await pilot.press("j")
            t1 = await wait_paint(target, t0, pilot)
            times.append((t1 - t0) * 1000)
            await asyncio.sleep(0.02)  # a fast typist, not a flood
        return times

    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(1000):
            if -1 in painted:
                break
            await asyncio.sleep(0.001)
        results["first_paint_s"] = painted[-1] - START
        results["first_rows"] = painted[-2]
        for _ in range(20000):
            if not app.main_screen.rows_loading:
                break
            await asyncio.sleep(0.001)
        results["all_rows_s"] = time.perf_counter() - START
        results["rows"] = len(app.main_screen.article_list.rows)
        await pilot.pause()
        times = await key_times(pilot, presses)
        results["j_median_ms"] = statistics.median(times)
        results["j_p95_ms"] = percentile(times, 0.95)
        # open an analysed article: the newest rows were analysed at build time
        screen = app.main_screen
        opens = []
        press_times = []
        for _ in range(9):
            target = screen.article_list.current
            assert target is not None
            frames.clear()
            t0 = time.perf_counter()
            await pilot.press("enter")  # returns once the app is idle (Pilot's own wait)
            press_times.append((time.perf_counter() - t0) * 1000)
            assert screen.reading.article is not None and screen.reading.article.quotes
            for _ in range(2000):
                if drawn["article"] == target.id and any(f >= drawn["at"] for f in frames):
                    break
                await asyncio.sleep(0.0005)
            shown = min(f for f in frames if f >= drawn["at"])
            opens.append((shown - t0) * 1000)
            await pilot.press("j")
            await asyncio.sleep(0.05)
        results["open_median_ms"] = statistics.median(opens)
        results["open_max_ms"] = max(opens)
        results["open_press_ms"] = statistics.median(press_times)
        results["peak_mb"] = rss_mb()

        # the refresh phase: 200 loopback feeds added to the database, R, keys while it runs
        server = FeedServer(refresh_feeds, 5)
        store.add_feeds(
            [(f"{server.base}/f/{f}.xml", f"Loop {f}", None, ()) for f in range(refresh_feeds)]
        )
        screen.reload()
        await pilot.pause()
        loop_ids = [f.id for f in store.feeds() if f.url.startswith(server.base)]
        t_refresh = time.perf_counter()
        # what R does, limited to the loopback feeds (the 1,000 built ones have no server)
        screen.run_refresh(loop_ids, f"{len(loop_ids)} feeds")
        await asyncio.sleep(0.3)
        during = await key_times(pilot, presses, while_refreshing=True)
        deadline = time.perf_counter() + 300
        while screen.refreshing and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        results["refresh_finished"] = float(not screen.refreshing)
        results["refresh_s"] = time.perf_counter() - t_refresh
        results["refresh_presses"] = len(during)
        results["refresh_j_median_ms"] = statistics.median(during) if during else float("nan")
        results["refresh_j_p95_ms"] = percentile(during, 0.95) if during else float("nan")
        results["refresh_new_articles"] = store.counts()["articles"] - int(results["rows"])
        results["peak_refresh_mb"] = rss_mb()
        server.close()
        await pilot.press("q")
    store.close()
    return results


def newsboat_time(cache: Path, urls: Path, runs: int = 3) -> float | None:
    if shutil.which("newsboat") is None:
        return None
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            ["newsboat", "-u", str(urls), "-c", str(cache), "-x", "print-unread"],
            capture_output=True,
            timeout=300,
            env={**os.environ, "HOME": str(cache.parent)},
            check=True,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--refresh-feeds", type=int, default=200)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "newsreader-bench"
    )
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # the measured child
    args = parser.parse_args()

    if args.run:
        result = asyncio.run(measure(args.run, args.presses, args.refresh_feeds))
        print(json.dumps(result))
        return

    args.cache.mkdir(parents=True, exist_ok=True)
    base = args.cache / f"tui-{args.articles}-{args.feeds}.db"
    if not base.exists():
        t0 = time.perf_counter()
        build(base, args.articles, args.feeds)
        print(f"built {base.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    run_db = args.cache / "tui-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_db}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, run_db)
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--run",
            str(run_db),
            "--presses",
            str(args.presses),
            "--refresh-feeds",
            str(args.refresh_feeds),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(proc.returncode)
    result = json.loads(proc.stdout.strip().splitlines()[-1])

    nb_cache = args.cache / f"newsboat-{args.articles}-{args.feeds}.db"
    nb_urls = args.cache / "newsboat-urls"
    newsboat = None
    if shutil.which("newsboat"):
        if not nb_cache.exists():
            build_newsboat(nb_cache, nb_urls, args.articles, args.feeds)
        newsboat = newsboat_time(nb_cache, nb_urls)

    print(f"articles in the list        {int(result['rows']):,} in {args.feeds:,} feeds")
    print(
        f"first paint                 {result['first_paint_s']:.2f} s   (target <= 1.0 s; "
        f"{int(result['first_rows']):,} rows, all rows by {result['all_rows_s']:.2f} s)"
    )
    print(
        f"j key median / p95          {result['j_median_ms']:.1f} / {result['j_p95_ms']:.1f} ms"
        "   (target p95 <= 50 ms)"
    )
    print(
        f"open analysed article       {result['open_median_ms']:.1f} ms median, "
        f"{result['open_max_ms']:.1f} ms max to the frame   (target <= 100 ms; "
        f"Pilot.press with its idle wait {result['open_press_ms']:.1f} ms)"
    )
    print(f"peak memory                 {result['peak_mb']:.0f} MB   (target <= 300 MB)")
    print(
        f"j during refresh            {result['refresh_j_median_ms']:.1f} / "
        f"{result['refresh_j_p95_ms']:.1f} ms over {int(result['refresh_presses'])} presses"
        "   (target p95 <= 100 ms)"
    )
    print(
        f"refresh of {args.refresh_feeds} loopback feeds {result['refresh_s']:.1f} s, "
        f"{int(result['refresh_new_articles']):,} new articles with pages extracted"
        + ("" if result.get("refresh_finished", 1) else " (NOT finished after 300 s)")
    )
    print(f"peak memory after refresh   {result['peak_refresh_mb']:.0f} MB (UI process)")
    if newsboat is not None:
        print(f"newsboat -x print-unread    {newsboat:.2f} s   (its cache load, same feeds)")
    else:
        print("newsboat                    not installed")


if __name__ == "__main__":
    main()
