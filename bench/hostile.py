"""Hostile refresh benchmark: 5 good feeds among bombs, an endless server and a 2-million-item
feed, refreshed by the real ``newsreader refresh`` command.

Run from the repository root: ``python bench/hostile.py [--timeout SECONDS]``. It starts a
loopback server (127.0.0.1), adds the feeds to a fresh database, runs one refresh (full text,
so the good feeds' pages are fetched and extracted too) and reports:

* wall time of the refresh, against the per-request deadline;
* peak memory: the largest single process (``ru_maxrss`` of the waited-for process tree) and
  the largest sum of RSS over the refresh and its worker processes, sampled every 20 ms;
* per feed: articles stored, or the error recorded for it.

It exits 1 when a good feed did not land, a hostile feed has no recorded error, the peak is
over 300 MB, or the refresh ran past the deadline plus 5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from reader.core.store import Store  # noqa: E402
from tests.conftest import LoopbackServer, Route, newsreader_command  # noqa: E402
from tests.feeds import LONG_PARAGRAPHS, article_page, rss  # noqa: E402
from tests.hostile.conftest import (  # noqa: E402
    Bombs,
    _zero_bomb,
    endless,
    install_hostile_routes,
)

PEAK_MAX_MB = 300
SLACK = 5.0


def build_bombs() -> Bombs:
    import zlib

    gz = _zero_bomb(16 + zlib.MAX_WBITS)
    outer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return Bombs(gzip=gz, gzip_gzip=outer.compress(gz) + outer.flush(), deflate=_zero_bomb(15))


def install(server: LoopbackServer) -> tuple[list[str], dict[str, str]]:
    """Good feed URLs, and hostile name -> URL."""
    good = []
    for n in range(5):
        items = []
        for i in range(5):
            path = f"/good{n}/story{i}"
            server.add(path, article_page(f"Good {n} story {i}", LONG_PARAGRAPHS), "text/html")
            items.append(
                {
                    "title": f"Good {n} story {i}",
                    "guid": f"urn:good:{n}:{i}",
                    "link": server.url(path),
                    "description": "A summary.",
                }
            )
        good.append(server.add(f"/good{n}.xml", rss(items, title=f"Good feed {n}")))
    urls = install_hostile_routes(server, build_bombs())
    hostile = {
        name: urls[name]
        for name in (
            "gzip",
            "gzip_gzip",
            "br",
            "zstd",
            "deflate",
            "endless",
            "huge_length",
            "drip",
            "loop",
            "to_js",
        )
    }
    two_million = b'<rss version="2.0"><channel><title>2M</title>' + b"<item/>" * 2_000_000
    hostile["two_million_items"] = server.add("/2m.xml", two_million + b"</channel></rss>")
    lol = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
    ).encode()
    hostile["billion_laughs"] = server.add("/lol.xml", lol)
    quadratic = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "{"a" * 100_000}">\n]>\n'
        f'<rss version="2.0"><channel><title>{"&a;" * 10_000}</title></channel></rss>'
    ).encode()
    hostile["quadratic_entities"] = server.add("/quadratic.xml", quadratic)
    server.routes["/endless-page"] = Route(200, {"Content-Type": "text/html"}, endless())
    return good, hostile


def _tree_rss_kib(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                status = fh.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0] or 0)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="per-request deadline")
    args = parser.parse_args()
    server = LoopbackServer()
    server.httpd.handle_error = lambda *_: None  # type: ignore[method-assign]  # resets are expected
    try:
        good, hostile = install(server)
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "news.db"
            store = Store(db_path)
            ids = {url: store.add_feed(url) for url in [*good, *hostile.values()]}
            store.close()
            env = dict(os.environ, NEWSREADER_DB=str(db_path), PYTHONPATH=str(REPO))
            env["NEWSREADER_CONFIG"] = str(Path(tmp) / "config.toml")
            peak_tree = 0
            started = time.perf_counter()
            proc = subprocess.Popen(
                [*newsreader_command(), "refresh", "--timeout", str(args.timeout)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            done = threading.Event()
            output: list[str] = []

            def drain() -> None:
                out, err = proc.communicate()
                output.extend([out, err])
                done.set()

            threading.Thread(target=drain, daemon=True).start()
            while not done.wait(0.02):
                peak_tree = max(peak_tree, _tree_rss_kib(proc.pid))
            wall = time.perf_counter() - started
            peak_single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            store = Store(db_path)
            feeds = {f.id: f for f in store.feeds()}
            problems = []
            print(f"refresh exit {proc.returncode}: {output[0].strip()}")
            print(f"wall {wall:.2f} s (deadline {args.timeout:g} s per request)")
            print(
                f"peak RSS: largest process {peak_single / 1024:.0f} MB, "
                f"process tree (sampled) {peak_tree / 1024:.0f} MB"
            )
            for url in good:
                feed = feeds[ids[url]]
                print(f"  good  {feed.articles:>3} articles  {url}")
                if feed.articles != 5 or feed.last_error:
                    problems.append(f"good feed did not land: {url} {feed.last_error}")
            pages = store._query("SELECT COUNT(*) FROM articles WHERE text_source = 'page'")[0][0]
            print(f"  good pages extracted: {pages}/25")
            for name, url in hostile.items():
                feed = feeds[ids[url]]
                print(f"  {name:<19} {feed.last_error}")
                if not feed.last_error or feed.articles:
                    problems.append(f"hostile feed has no recorded error: {name}")
            if max(peak_single, peak_tree) / 1024 > PEAK_MAX_MB:
                problems.append(f"peak memory over {PEAK_MAX_MB} MB")
            if wall > args.timeout + SLACK:
                problems.append(f"refresh took {wall:.1f} s > deadline + {SLACK:g} s")
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
            )
            for problem in problems:
                print("FAIL", problem)
            return 1 if problems else 0
    finally:
        server.close()


if __name__ == "__main__":
    raise SystemExit(main())
