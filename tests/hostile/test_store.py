"""HOSTILE.md §5 rows S1-S3: concurrent refreshes, kill -9 at random moments, and
read-then-write transactions (S4, giant fields, is in test_content.py)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.store import Store
from tests.conftest import REPO, LoopbackServer, Request, Route, newsreader_command
from tests.feeds import LONG_PARAGRAPHS, article_page, rss


def _env(db_path: Path, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NEWSREADER_DB"] = str(db_path)
    env["NEWSREADER_CONFIG"] = str(tmp_path / "config.toml")
    env["PYTHONPATH"] = str(REPO)
    return env


def _slow(route: Route, delay: float) -> Callable[[Request], Route]:
    def serve(_req: Request) -> Route:
        time.sleep(delay)
        return route

    return serve


def _refresh_proc(db_path: Path, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*newsreader_command(), "refresh", *args],
        env=_env(db_path, tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )


# -- S1: two refreshes, and the app open during a refresh ----------------------------------


def test_S1_second_refresh_refused_while_open_reader_sees_new_rows(
    server: LoopbackServer, tmp_path: Path
) -> None:
    db_path = tmp_path / "news.db"
    feed = rss([{"title": f"Item {i}", "guid": f"urn:i{i}"} for i in range(20)])
    server.routes["/slow"] = _slow(Route(200, {"Content-Type": "application/rss+xml"}, feed), 2.0)
    reader = Store(db_path)  # the app, open before the cron refresh starts
    reader.add_feed(server.url("/slow"))
    first = _refresh_proc(db_path, tmp_path, "--no-full-text")
    lock = Path(f"{db_path}.lock")
    deadline = time.monotonic() + 15
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.02)
    second = subprocess.run(
        [*newsreader_command(), "refresh"],
        env=_env(db_path, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert second.returncode == 1
    assert f"another refresh of this database is running (PID {first.pid})" in second.stderr
    seen: list[int] = []
    while first.poll() is None:  # the open reader polls during the refresh: never locked
        seen.append(reader.counts()["articles"])
        reader.articles(limit=50)
        time.sleep(0.02)
    _out, err = first.communicate()
    assert first.returncode == 0, err
    assert reader.counts()["articles"] == 20  # same connection, no restart
    assert seen and seen[0] == 0
    assert reader.integrity_check() == "ok"


_WRITER = r"""
import sys, time
from pathlib import Path
from reader.core.store import Store
from reader.models import ParsedEntry
db, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = Store(db)
feed_id = store.add_feed(f"http://127.0.0.1/{name}")
while not go.exists():
    time.sleep(0.005)
for batch in range(40):
    entries = [
        ParsedEntry(f"{name}-{batch}-{i}", "guid", f"t{i}", None, None, 1e9, None, "s")
        for i in range(5)
    ]
    stored = store.store_entries(feed_id, entries)
    store.set_read(list(stored.new_ids))
print("done")
"""


def test_S1_lock_bypassed_two_writer_processes_lose_no_rows(tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    Store(db_path).close()
    go = tmp_path / "go"
    env = _env(db_path, tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db_path), name, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    time.sleep(0.3)
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and out.strip() == "done", err
    store = Store(db_path)
    assert store.counts() == {"feeds": 2, "articles": 400, "unread": 0, "starred": 0}
    assert store.integrity_check() == "ok"


# -- S2: crashes -----------------------------------------------------------------------------

_EXIT_MID_TRANSACTION = r"""
import os, sys
from reader.core.store import Store
from reader.models import ParsedEntry
store = Store(sys.argv[1])
feed_id = store.add_feed("http://127.0.0.1/crash")
with store.write() as db:
    for i in range(100):
        db.execute(
            "INSERT INTO articles (feed_id, key, key_source, title, published, fetched) "
            "VALUES (?, ?, 'guid', 't', 1e9, 1e9)",
            (feed_id, f"k{i}"),
        )
    os._exit(1)
"""


def test_S2_exit_mid_transaction_leaves_no_partial_rows(tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    proc = subprocess.run(
        [sys.executable, "-c", _EXIT_MID_TRANSACTION, str(db_path)],
        env=_env(db_path, tmp_path),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 1
    store = Store(db_path)
    assert store.integrity_check() == "ok"
    assert store.counts()["feeds"] == 1 and store.counts()["articles"] == 0


FEEDS = 4
FIRST_ITEMS = 8
GROWTH = 2  # new items per feed before each run, as between two cron runs


def _install_growing_site(server: LoopbackServer, state: dict[str, int]) -> list[str]:
    page_route = Route(200, {"Content-Type": "text/html; charset=utf-8"}, b"")

    def feed(n: int) -> Callable[[Request], Route]:
        def serve(_req: Request) -> Route:
            count = FIRST_ITEMS + GROWTH * state["round"]
            items = [
                {
                    "title": f"Feed {n} story {i}",
                    "guid": f"urn:f{n}:s{i}",
                    "link": server.url(f"/f{n}/s{i}"),
                    "pubDate": f"Mon, {1 + i % 28:02d} Sep 2025 09:00:00 GMT",
                    "description": f"Summary of feed {n} story {i}.",
                }
                for i in range(count)
            ]
            return Route(200, {"Content-Type": "application/rss+xml"}, rss(items))

        return serve

    def page(_req: Request) -> Route:
        time.sleep(0.1)  # with --per-host 2, a run stays busy for seconds, so kills land mid-work
        title = _req.path.strip("/").replace("/", " ")
        return Route(page_route.status, page_route.headers, article_page(title, LONG_PARAGRAPHS))

    urls = []
    for n in range(FEEDS):
        server.routes[f"/feed{n}.xml"] = feed(n)
        urls.append(server.url(f"/feed{n}.xml"))
        for i in range(FIRST_ITEMS + GROWTH * 12):
            server.routes[f"/f{n}/s{i}"] = page
    return urls


def test_S2_kill_9_refresh_at_10_random_moments(server: LoopbackServer, tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    state = {"round": 0}
    store = Store(db_path)
    for url in _install_growing_site(server, state):
        store.add_feed(url)
    store.close()
    rng = random.Random(20251120)
    committed_keys: set[str] = set()
    flags: dict[int, tuple[bool, bool]] = {}
    mid_work = 0
    for _ in range(10):
        state["round"] += 1
        proc = _refresh_proc(db_path, tmp_path, "--per-host", "2")
        moment = rng.uniform(0.6, 1.6)  # start-up (imports, workers) takes ~1 s
        time.sleep(moment)
        if proc.poll() is None:
            mid_work += 1
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        check = Store(db_path)
        assert check.integrity_check() == "ok"
        keys = {r[0] for r in check._query("SELECT key FROM articles")}
        assert committed_keys <= keys, "a committed article was lost"
        committed_keys = keys
        for article_id, (read, starred) in flags.items():
            detail = check.article(article_id)
            assert detail is not None and (detail.read, detail.starred) == (read, starred)
        ids = [r[0] for r in check._query("SELECT id FROM articles")]
        for article_id in rng.sample(ids, min(3, len(ids))):
            read, starred = rng.random() < 0.7, rng.random() < 0.5
            check.set_read([article_id], read)
            check.set_starred(article_id, starred)
            flags[article_id] = (read, starred)
        check.close()
    assert mid_work >= 8, f"only {mid_work} of 10 kills landed while the refresh was running"

    final = subprocess.run(
        [*newsreader_command(), "refresh"],
        env=_env(db_path, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert final.returncode == 0, final.stderr
    store = Store(db_path)
    assert store.integrity_check() == "ok"
    expected = FEEDS * (FIRST_ITEMS + GROWTH * state["round"])
    assert store.counts()["articles"] == expected
    pending = store._query("SELECT COUNT(*) FROM articles WHERE extracted_at IS NULL")[0][0]
    assert pending == 0
    sources = {r[0] for r in store._query("SELECT DISTINCT text_source FROM articles")}
    assert sources == {"page"}
    for article_id, (read, starred) in flags.items():
        detail = store.article(article_id)
        assert detail is not None and (detail.read, detail.starred) == (read, starred)


# -- S3: read-then-write transactions ----------------------------------------------------------


def test_S3_deferred_read_then_write_fails_but_store_write_waits(tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    store = Store(db_path)
    feed_id = store.add_feed("http://127.0.0.1/f")
    store.close()

    # The hazard, reproduced with plain sqlite3: a deferred transaction that read before
    # another connection committed cannot write, and the busy timeout does not help.
    a = sqlite3.connect(db_path, timeout=5, isolation_level=None)
    b = sqlite3.connect(db_path, timeout=5, isolation_level=None)
    a.execute("BEGIN")
    a.execute("SELECT COUNT(*) FROM feeds").fetchone()
    b.execute("UPDATE feeds SET title = 'b' WHERE id = ?", (feed_id,))
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        a.execute("UPDATE feeds SET title = 'a' WHERE id = ?", (feed_id,))
    assert time.monotonic() - started < 1.0  # at once, despite timeout=5
    a.execute("ROLLBACK")
    a.close()
    b.close()

    # Store.write is BEGIN IMMEDIATE: concurrent read-then-write increments lose nothing.
    errors: list[BaseException] = []

    def bump(times: int) -> None:
        own = Store(db_path)
        try:
            for _ in range(times):
                with own.write() as db:
                    (value,) = db.execute(
                        "SELECT COALESCE(etag, '0') FROM feeds WHERE id = ?", (feed_id,)
                    ).fetchone()
                    time.sleep(0.001)
                    db.execute(
                        "UPDATE feeds SET etag = ? WHERE id = ?", (str(int(value) + 1), feed_id)
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=bump, args=(50,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    final = Store(db_path)
    assert final._query("SELECT etag FROM feeds WHERE id = ?", (feed_id,))[0][0] == "150"
