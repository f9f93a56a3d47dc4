"""Refresh benchmark: newsreader against newsboat on the same loopback feeds.

Starts its own loopback HTTP server (127.0.0.1) with FEEDS feeds x ITEMS items and LATENCY
seconds added to every response, then measures, each on a fresh database:

1. ``newsreader refresh --no-full-text`` (feeds only),
2. the same again with nothing changed (every feed answers 304 to its ETag),
3. ``newsreader refresh`` with full text on a subset of feeds (pages fetched, extracted and
   analysed), with the CPU time of the whole process tree over wall time x cores,

and, where ``newsboat`` is installed, ``newsboat -x reload`` with ``reload-threads 8`` on
the same feeds in the same run, printing the ratio.

Run from the repository root: ``python bench/refresh.py`` (``--help`` for the knobs).
"""

from __future__ import annotations

import argparse
import email.utils
import http.server
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = (
    "council minister said would budget plan vote city report market people new week "
    "government election health school police court year energy water price public"
).split()


def paragraph(seed: int, words: int = 60) -> str:
    out = [WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(words)]
    out[0] = out[0].capitalize()
    return " ".join(out) + "."


def feed_xml(base: str, feed: int, items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {feed}</title><link>{base}/</link><description>d</description>",
    ]
    for i in range(items):
        stamp = email.utils.formatdate(1_790_000_000 - i * 3600 - feed * 60, usegmt=True)
        link = f"{base}/page/{feed}/{i}"
        parts.append(
            f"<item><title>Story {i} of feed {feed}: {escape(paragraph(i, 6))}</title>"
            f"<link>{link}</link><guid>{link}</guid><pubDate>{stamp}</pubDate>"
            f"<description>{escape(paragraph(feed + i, 40))}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def page_html(feed: int, item: int) -> bytes:
    paras = "".join(f"<p>{paragraph(feed * 31 + item * 7 + k, 70)}</p>" for k in range(8))
    quote = (
        f"<p>“We will finish the work on plan {item} this year,” said Maria Lopez, "
        f"the council's transport chair.</p>"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story {item}</title></head>"
        f"<body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<article><h1>Story {item}</h1>{paras}{quote}</article>"
        f"<footer><p>Copyright 2026 Bench News.</p></footer></body></html>"
    ).encode()


class BenchServer:
    """Loopback server: /feed/N.xml, /page/N/I, with added latency and ETags."""

    def __init__(self, feeds: int, items: int, latency: float, hosts: int) -> None:
        self.latency = latency
        self.requests = 0
        self.not_modified = 0
        bench = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                bench.requests += 1
                time.sleep(bench.latency)
                parts = self.path.strip("/").split("/")
                body, ctype = b"not found", "text/plain"
                status = 404
                if parts[0] == "feed" and len(parts) == 2:
                    n = int(parts[1].removesuffix(".xml"))
                    etag = f'"feed-{n}-v1"'
                    if self.headers.get("If-None-Match") == etag:
                        bench.not_modified += 1
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    body, ctype, status = bench.feeds[n], "application/rss+xml", 200
                    self.send_response(status)
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT")
                elif parts[0] == "page" and len(parts) == 3:
                    body = page_html(int(parts[1]), int(parts[2]))
                    ctype, status = "text/html; charset=utf-8", 200
                    self.send_response(status)
                else:
                    self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        # One server per loopback address (127.0.0.1, 127.0.0.2, ...): real feeds live on
        # many hosts, and the per-host limit applies per address.
        first = Server(("127.0.0.1", 0), Handler)
        port = first.server_address[1]
        self.servers = [first] + [
            Server((f"127.0.0.{h + 1}", port), Handler) for h in range(1, hosts)
        ]
        bases = [f"http://127.0.0.{h + 1}:{port}" for h in range(hosts)]
        self.feeds = [feed_xml(bases[n % hosts], n, items) for n in range(feeds)]
        self.urls = [f"{bases[n % hosts]}/feed/{n}.xml" for n in range(feeds)]
        for srv in self.servers:
            threading.Thread(target=srv.serve_forever, daemon=True).start()

    def close(self) -> None:
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()


def newsreader_cmd() -> list[str]:
    script = Path(sys.executable).parent / "newsreader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader.cli"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, CPU seconds of its process tree, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(f"  ! {' '.join(cmd[:3])}… exited {proc.returncode}: {proc.stderr[-500:]}")
    return wall, cpu, (proc.stdout + proc.stderr).strip()


def opml(urls: list[str]) -> str:
    outlines = "".join(f'<outline type="rss" text="f" xmlUrl="{u}"/>' for u in urls)
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument(
        "--hosts",
        type=int,
        default=25,
        help="loopback addresses the feeds are spread over (default 25)",
    )
    ap.add_argument(
        "--full-text-feeds",
        type=int,
        default=40,
        help="feeds whose pages the full-text run extracts (default 40)",
    )
    ap.add_argument("--runs", type=int, default=3, help="repetitions; the median is reported")
    args = ap.parse_args()

    cores = os.cpu_count() or 1
    print(
        f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"feeds: {args.feeds} x {args.items} items, +{args.latency * 1000:.0f} ms per response")
    print(f"hosts: {args.hosts} loopback addresses, 127.0.0.1 to 127.0.0.{args.hosts}")
    server = BenchServer(args.feeds, args.items, args.latency, args.hosts)
    # Byte-compile the package first, as pip does on install: with PYTHONDONTWRITEBYTECODE
    # set (some containers set it) every run would otherwise recompile the modules it imports.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            str(Path(__file__).resolve().parents[1] / "reader"),
        ],
        check=False,
    )
    tmp = Path(tempfile.mkdtemp(prefix="newsreader-bench-"))
    try:
        (tmp / "feeds.opml").write_text(opml(server.urls))
        results: dict[str, list[float]] = {"first": [], "unchanged": [], "newsboat": []}
        for run in range(args.runs):
            db = tmp / f"run{run}.db"
            env = dict(os.environ, NEWSREADER_DB=str(db))
            subprocess.run(
                [*newsreader_cmd(), "import", str(tmp / "feeds.opml")],
                env=env,
                check=True,
                capture_output=True,
            )
            wall, _, out = timed([*newsreader_cmd(), "refresh", "--no-full-text"], env)
            results["first"].append(wall)
            print(f"run {run + 1}: newsreader feeds-only refresh  {wall:6.2f} s  ({out})")
            server.not_modified = 0
            wall, _, out = timed([*newsreader_cmd(), "refresh", "--no-full-text"], env)
            results["unchanged"].append(wall)
            print(
                f"run {run + 1}: newsreader unchanged refresh   {wall:6.2f} s  "
                f"({server.not_modified} answered 304)"
            )
            if shutil.which("newsboat"):
                nb = tmp / f"nb{run}"
                nb.mkdir()
                (nb / "urls").write_text("\n".join(server.urls) + "\n")
                (nb / "config").write_text("reload-threads 8\n")
                wall, _, out = timed(
                    [
                        "newsboat",
                        "-C",
                        str(nb / "config"),
                        "-u",
                        str(nb / "urls"),
                        "-c",
                        str(nb / "cache.db"),
                        "-x",
                        "reload",
                    ],
                    dict(os.environ, HOME=str(nb)),
                )
                results["newsboat"].append(wall)
                print(f"run {run + 1}: newsboat -x reload (8 threads) {wall:6.2f} s")

        def median(xs: list[float]) -> float:
            return sorted(xs)[len(xs) // 2]

        first, unchanged = median(results["first"]), median(results["unchanged"])
        print()
        print(f"newsreader feeds-only refresh:  {first:.2f} s (median of {args.runs})")
        print(
            f"newsreader unchanged refresh:   {unchanged:.2f} s = {unchanged / first:.2f} x first"
            "  (target <= 0.2)"
        )
        if results["newsboat"]:
            nb_time = median(results["newsboat"])
            print(f"newsboat -x reload:             {nb_time:.2f} s")
            print(f"ratio newsreader / newsboat:    {first / nb_time:.2f}  (target <= 0.5)")
        else:
            print("newsboat: not installed, no comparison (apt-get install newsboat)")

        # Full text on a subset of feeds: pages fetched, extracted and analysed in workers.
        subset = server.urls[: args.full_text_feeds]
        (tmp / "subset.opml").write_text(opml(subset))
        db = tmp / "full.db"
        env = dict(os.environ, NEWSREADER_DB=str(db))
        subprocess.run(
            [*newsreader_cmd(), "import", str(tmp / "subset.opml")],
            env=env,
            check=True,
            capture_output=True,
        )
        wall, cpu, out = timed([*newsreader_cmd(), "refresh"], env)
        pages = len(subset) * args.items
        print(
            f"newsreader full-text refresh:   {wall:.2f} s for {len(subset)} feeds, {pages} pages"
            f" ({pages / wall:.0f} pages/s); CPU {cpu:.1f} s = {cpu / (wall * cores):.0%} of "
            f"{cores} cores  ({out})"
        )
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
