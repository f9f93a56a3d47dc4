"""``newsreader --demo``: a temporary database filled by the real pipeline, offline.

The articles in ``articles/*.txt`` (written for this demo; the people are fictional) are served
as RSS feeds and HTML pages from a loopback HTTP server on 127.0.0.1, then added and refreshed
with the same ``Session`` code a real feed goes through: fetch, parse, extract, analyse, store.
The server keeps running while the app is open, so refresh (``R``) works too.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import html
import http.server
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from reader.core.service import Session, Settings
from reader.core.store import Store


@dataclass(frozen=True, slots=True)
class DemoArticle:
    slug: str
    feed: str
    title: str
    author: str
    hours_ago: float
    summary: str
    paragraphs: tuple[str, ...]


def load_articles() -> list[DemoArticle]:
    """The bundled demo articles, parsed from their small header + paragraphs format."""
    articles = []
    folder = resources.files("reader.demo") / "articles"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".txt"):
            continue
        head, _, text = entry.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        articles.append(
            DemoArticle(
                slug=entry.name.removesuffix(".txt"),
                feed=fields["feed"],
                title=fields["title"],
                author=fields["author"],
                hours_ago=float(fields.get("hours_ago", "1")),
                summary=fields.get("summary", ""),
                paragraphs=tuple(p.strip() for p in text.split("\n\n") if p.strip()),
            )
        )
    return articles


def feed_slug(name: str) -> str:
    return "-".join(name.lower().split())


def render_page(article: DemoArticle) -> bytes:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(article.title)} | {html.escape(article.feed)}</title>
<meta property="og:title" content="{html.escape(article.title)}">
<meta name="author" content="{html.escape(article.author)}"></head>
<body><header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
</header><main><article><h1>{html.escape(article.title)}</h1>
<p class="byline">By {html.escape(article.author)}</p>
{paragraphs}
</article></main><footer><p>{html.escape(article.feed)} is a demo publication.</p></footer>
</body></html>""".encode()


def render_feed(name: str, articles: list[DemoArticle], base: str, now: float) -> bytes:
    items = []
    for a in articles:
        link = f"{base}/{feed_slug(name)}/{quote(a.slug)}.html"
        date = email.utils.formatdate(now - a.hours_ago * 3600, usegmt=True)
        items.append(
            f"<item><title>{html.escape(a.title)}</title><link>{link}</link>"
            f"<guid>{link}</guid><pubDate>{date}</pubDate>"
            f"<author>{html.escape(a.author)}</author>"
            f"<description>{html.escape(a.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(name)}</title><link>{base}/{feed_slug(name)}/</link>"
        f"<description>{html.escape(name)}: a newsreader demo feed</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


class DemoServer:
    """Serves the demo feeds and pages on 127.0.0.1 (a free port), from a daemon thread."""

    def __init__(self, now: float | None = None) -> None:
        self.articles = load_articles()
        self.now = time.time() if now is None else now
        self.routes: dict[str, tuple[str, bytes]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                content_type, data = routes.get(
                    self.path, ("text/plain; charset=utf-8", b"not found")
                )
                self.send_response(200 if self.path in routes else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        for name in self.feed_names():
            mine = [a for a in self.articles if a.feed == name]
            self.routes[f"/{feed_slug(name)}/feed.xml"] = (
                "application/rss+xml; charset=utf-8",
                render_feed(name, mine, self.base, self.now),
            )
            for a in mine:
                self.routes[f"/{feed_slug(name)}/{quote(a.slug)}.html"] = (
                    "text/html; charset=utf-8",
                    render_page(a),
                )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def feed_names(self) -> list[str]:
        return sorted({a.feed for a in self.articles})

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/{feed_slug(n)}/feed.xml" for n in self.feed_names()]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def fill(store: Store, server: DemoServer, settings: Settings) -> None:
    """Add and refresh the demo feeds through the real pipeline."""
    async with Session(store, settings) as session:
        for url in server.feed_urls():
            await session.add_feed(url)
        await session.refresh(full_text=True)


@contextlib.contextmanager
def demo_database() -> Iterator[tuple[Path, Settings]]:
    """A filled temporary database and the settings to use with it; removed on exit."""
    server = DemoServer()
    settings = Settings(full_text=True)
    try:
        with tempfile.TemporaryDirectory(prefix="newsreader-demo-") as tmp:
            db_path = Path(tmp) / "demo.db"
            store = Store(db_path)
            try:
                asyncio.run(fill(store, server, settings))
            finally:
                store.close()
            yield db_path, settings
    finally:
        server.close()
