"""The ``newsreader`` command: argparse subcommands over ``reader.core.service``.

The Textual UI is imported lazily, so ``newsreader add`` and friends never load it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reader import __version__
from reader.core.sanitize import sanitize, sanitize_line
from reader.errors import ReaderError
from reader.models import plural

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2


def _seconds(value: str) -> float:
    """An argparse type: a finite number of seconds, at least 0.1."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0.1 <= seconds < 86_400 * 365:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be at least 0.1 seconds: {value!r}")
    return seconds


def _count(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def _out(text: str = "") -> None:
    """Print untrusted text to stdout, sanitised."""
    sys.stdout.write(sanitize(text) + "\n")


def _err(text: str) -> None:
    sys.stderr.write("newsreader: " + sanitize_line(text, 2000) + "\n")


def _when(stamp: float | None) -> str:
    if not stamp:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def _iso(stamp: float | None) -> str | None:
    if not stamp:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="A terminal news reader: feeds in, clean articles out, and who said what.",
        epilog="Run without a command to open the reader. "
        "See 'newsreader COMMAND --help' for each command's options.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $NEWSREADER_DB or the user data directory)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $NEWSREADER_CONFIG or the user config directory)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the reader on a temporary database filled from the bundled demo feed",
    )
    # The same two options after the command too (``newsreader list --db x.db``); SUPPRESS
    # keeps a value given before the command when none is given after it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file")
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help="config file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        parents=[common], name="add", help="add a feed (or the feed a web page links to)"
    )
    p.add_argument("url", help="feed URL, or a web page that links to its feed")
    p.add_argument("--title", help="your own title for the feed")
    p.add_argument("--no-fetch", action="store_true", help="store the URL without contacting it")
    p.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="total deadline per request (default 30)",
    )

    p = sub.add_parser(
        parents=[common], name="list", help="list feeds with counts, last refresh and last error"
    )
    p.add_argument("--json", action="store_true", help="print one JSON array")

    p = sub.add_parser(parents=[common], name="remove", help="remove a feed and its articles")
    p.add_argument("feed", metavar="URL|ID", help="the feed's URL or id (see 'list')")

    p = sub.add_parser(
        parents=[common], name="refresh", help="fetch feeds and extract new articles"
    )
    p.add_argument("feeds", nargs="*", metavar="URL|ID", help="only these feeds (default: all)")
    p.add_argument(
        "--no-full-text",
        action="store_true",
        help="store the feeds' entries without fetching the article pages",
    )
    p.add_argument(
        "--concurrency", type=_count, metavar="N", help="requests in flight (default 32)"
    )
    p.add_argument("--per-host", type=_count, metavar="N", help="requests per host (default 4)")
    p.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="total deadline per request (default 30)",
    )

    p = sub.add_parser(parents=[common], name="import", help="import feeds from an OPML file")
    p.add_argument("file", metavar="FILE.opml")

    p = sub.add_parser(parents=[common], name="export", help="export feeds as OPML 2.0")
    p.add_argument("file", nargs="?", metavar="FILE", help="write here (default: standard output)")

    p = sub.add_parser(
        parents=[common], name="search", help="full-text search over titles and article text"
    )
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    p.add_argument(
        "--limit", type=_count, default=50, help="at most this many results (default 50)"
    )

    p = sub.add_parser(
        parents=[common],
        name="analyze",
        help="run the pipeline on files or URLs without storing anything",
        description="Extract and analyse local .html or .txt files, or URLs. A .txt file is "
        "taken as the article text as it is (paragraphs separated by newlines).",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--json", action="store_true", help="one JSON object per input per line")

    p = sub.add_parser(
        parents=[common], name="people", help="people named across all stored articles"
    )
    p.add_argument("--json", action="store_true", help="print one JSON array")
    p.add_argument("--limit", type=_count, default=100, help="at most this many (default 100)")

    p = sub.add_parser(parents=[common], name="quotes", help="every stored quote by one person")
    p.add_argument("name", nargs="+")
    p.add_argument("--json", action="store_true", help="print one JSON array")

    p = sub.add_parser(parents=[common], name="config", help="show where the config file is")
    p.add_argument("--path", action="store_true", help="print the config file's path")
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    from reader.paths import default_db_path

    return Path(args.db).expanduser() if args.db else default_db_path()


def _open_store(args: argparse.Namespace) -> Any:
    from reader.core.store import Store

    return Store(_db_path(args))


def _settings(args: argparse.Namespace) -> Any:
    """Settings from the config file, then the command line's options over them."""
    from reader.config import load_config
    from reader.core.service import Settings

    config = load_config(args.config)
    for warning in config.warnings:
        _err(warning)
    settings = Settings()
    settings.full_text = config.full_text
    settings.limits.max_in_flight = max(1, config.concurrency)
    if getattr(args, "concurrency", None) is not None:
        settings.limits.max_in_flight = args.concurrency
    if getattr(args, "per_host", None) is not None:
        settings.limits.per_host = args.per_host
    if getattr(args, "timeout", None) is not None:
        settings.limits.deadline = args.timeout
    return settings


def cmd_add(args: argparse.Namespace) -> int:
    from reader.core.fetch import check_url
    from reader.core.service import Session

    check_url(args.url)  # a malformed URL is refused before the database is opened

    async def run() -> Any:
        async with Session(_open_store(args), _settings(args)) as s:
            return await s.add_feed(args.url, title=args.title, fetch=not args.no_fetch)

    result = asyncio.run(run())
    if result.already:
        _out(f"Already there: {result.title} ({result.url})")
    elif args.no_fetch:
        _out(f"Added {result.url} (not fetched)")
    else:
        _out(f"Added {result.title} ({plural(result.articles, 'article')})")
    if result.others:
        _out("The page also links to these feeds:")
        for other in result.others:
            _out(f"  {other}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    store = _open_store(args)
    feeds = store.feeds()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "url": f.url,
                        "title": f.title,
                        "site_url": f.site_url,
                        "tags": list(f.tags),
                        "articles": f.articles,
                        "unread": f.unread,
                        "last_refreshed": _iso(f.last_refreshed),
                        "last_error": f.last_error,
                    }
                    for f in feeds
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not feeds:
        _out("No feeds yet. Add one with: newsreader add URL")
        return EXIT_OK
    for f in feeds:
        _out(f"{f.id:>4}  {f.title}")
        _out(f"      {f.url}")
        counts = f"{plural(f.articles, 'article')}, {f.unread} unread"
        _out(f"      {counts}, refreshed {_when(f.last_refreshed)}")
        if f.last_error:
            _out(f"      last error: {f.last_error}")
    return EXIT_OK


def _resolve_feeds(store: Any, refs: Sequence[str]) -> list[Any]:
    feeds = []
    for ref in refs:
        feed = store.find_feed(ref)
        if feed is None:
            raise ReaderError(f"no feed with the URL or id {sanitize_line(ref, 200)!r}")
        feeds.append(feed)
    return feeds


def cmd_remove(args: argparse.Namespace) -> int:
    store = _open_store(args)
    (feed,) = _resolve_feeds(store, [args.feed])
    store.remove_feed(feed.id)
    _out(f"Removed {feed.title} ({plural(feed.articles, 'article')})")
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    from reader.core.service import Session, refresh_lock

    store = _open_store(args)
    feeds = _resolve_feeds(store, args.feeds) if args.feeds else None
    ids = [f.id for f in feeds] if feeds is not None else None
    progress, finish = _progress_bar()

    async def run() -> Any:
        async with Session(store, _settings(args)) as s:
            return await s.refresh(ids, full_text=not args.no_full_text, progress=progress)

    with refresh_lock(_db_path(args)):
        try:
            summary = asyncio.run(run())
        finally:
            finish()
    for name, message in summary.errors:
        _err(f"{name}: {message}")
    _out(summary.line())
    return EXIT_OK if summary.ok else EXIT_FAIL


def _progress_bar() -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A rich progress bar on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return (lambda phase, done, total: None), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # Redrawn by hand as progress arrives, not by rich's refresh thread: the refresh forks its
    # worker processes, which is only safe while this process has a single thread.
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    )
    tasks: dict[str, Any] = {}
    bar.start()
    last = [0.0]

    def update(phase: str, done: int, total: int) -> None:
        label = "Feeds" if phase == "feeds" else "Articles"
        if phase not in tasks:
            tasks[phase] = bar.add_task(label, total=total)
        bar.update(tasks[phase], completed=done, total=total)
        now = time.monotonic()
        if done == total or now - last[0] > 0.1:
            last[0] = now
            bar.refresh()

    return update, bar.stop


def cmd_import(args: argparse.Namespace) -> int:
    from reader.core.opml import parse_opml
    from reader.errors import OpmlError

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"cannot read {path}: {exc.strerror or exc}") from None
    feeds = parse_opml(data)
    store = _open_store(args)
    added = store.add_feeds([(f.url, f.title, f.site_url, f.tags) for f in feeds])
    skipped = len(feeds) - added
    note = f" ({skipped} already there)" if skipped else ""
    _out(f"Imported {plural(added, 'feed')}{note}")
    return EXIT_OK


def _write_file(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all: a failed export never leaves half a
    file in place of a good one.

    A symlink is written through (the file it points to is replaced, the link stays), and a
    replaced file keeps its permissions. What is not a regular file (``/dev/stdout``, a pipe)
    is written to directly.
    """
    if target.is_dir():
        raise ReaderError(f"cannot write {target}: it is a directory")
    real = Path(os.path.realpath(target))
    try:
        if real.exists() and not real.is_file():
            with real.open("wb") as out:
                out.write(data)
            return
        mode = real.stat().st_mode & 0o7777 if real.exists() else None
    except OSError as exc:
        raise ReaderError(f"cannot write {target}: {exc.strerror or exc}") from None
    temp = real.with_name(f".{real.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ReaderError(f"cannot write {target}: {exc.strerror or exc}") from None


def cmd_export(args: argparse.Namespace) -> int:
    from reader.core.opml import build_opml

    store = _open_store(args)
    data = build_opml(
        # A feed never fetched shows its URL as its title: that is no title to export (an
        # import would keep it as the user's name for the feed).
        [
            (f.url, "" if f.title == f.url else f.title, f.site_url, list(f.tags))
            for f in store.feeds()
        ],
        "newsreader feeds",
    )
    if args.file:
        _write_file(Path(args.file), data)
        _out(f"Exported {plural(len(store.feeds()), 'feed')} to {args.file}")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    store = _open_store(args)
    hits = store.search(" ".join(args.query), limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": a.id,
                        "feed": a.feed_title,
                        "title": a.title,
                        "link": a.link,
                        "published": _iso(a.published),
                        "snippet": snippet,
                    }
                    for a, snippet in hits
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not hits:
        _out("No matches.")
    for article, snippet in hits:
        _out(
            f"{article.id:>6}  {article.title}  ({article.feed_title}, {_when(article.published)})"
        )
        if snippet:
            _out(f"        {sanitize_line(snippet, 300)}")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from reader.core.service import analyze_sources

    async def run() -> int:
        failures = 0
        async for record in analyze_sources(args.inputs, _settings(args)):
            if record["error"]:
                failures += 1
            _print_record(record, as_json=args.json)
        return failures

    failures = asyncio.run(run())
    return EXIT_FAIL if failures == len(args.inputs) else EXIT_OK


def _print_record(record: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(record, ensure_ascii=False), flush=True)
        return
    if record["error"]:
        _err(f"{record['source']}: {record['error']}")
        return
    _out(f"# {record['title'] or record['source']}")
    _out()
    _out(record["text"])
    if record["quotes"]:
        _out()
        _out("## Quotes")
        for q in record["quotes"]:
            mark = " (partial)" if q["partial"] else ""
            _out(f"- {q['speaker'] or 'unattributed'}{mark}: “{q['text']}”")
    if record["people"]:
        _out()
        _out("## People")
        for p in record["people"]:
            role = f", {p['role']}" if p["role"] else ""
            _out(f"- {p['name']}{role}: {p['mentions']} mentions, {p['quotes']} quotes")
    _out()


def cmd_people(args: argparse.Namespace) -> int:
    store = _open_store(args)
    people = store.people(limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [{"name": n, "articles": a, "quotes": q, "role": r} for n, a, q, r in people],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not people:
        _out("No people yet: refresh with full text to analyse articles.")
    for name, articles, quotes, role in people:
        role_text = f" ({role})" if role else ""
        _out(f"{name}{role_text}: {plural(articles, 'article')}, {plural(quotes, 'quote')}")
    return EXIT_OK


def cmd_quotes(args: argparse.Namespace) -> int:
    store = _open_store(args)
    asked = " ".join(args.name)
    name = store.person_name(asked)
    if name is None:
        raise ReaderError(f"nobody called {sanitize_line(asked, 200)!r} is in the stored articles")
    quotes = store.quotes_by(name)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        **q.to_json(),
                        "article_id": article_id,
                        "article": title,
                        "published": _iso(published),
                    }
                    for q, article_id, title, published in quotes
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    _out(f"{name}: {len(quotes)} quotes")
    for q, _article_id, title, published in quotes:
        mark = " (partial)" if q.partial else ""
        _out(f"“{q.text}”{mark}")
        _out(f"    {title}, {_when(published)}")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from reader.paths import default_config_path

    path = Path(args.config).expanduser() if args.config else default_config_path()
    _out(str(path))
    return EXIT_OK


def cmd_app(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        from reader.ui.app import run_app
    except ImportError:
        parser.print_help()
        return EXIT_OK
    return run_app(db_path=_db_path(args), config_path=args.config, demo=args.demo)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": cmd_add,
    "list": cmd_list,
    "remove": cmd_remove,
    "refresh": cmd_refresh,
    "import": cmd_import,
    "export": cmd_export,
    "search": cmd_search,
    "analyze": cmd_analyze,
    "people": cmd_people,
    "quotes": cmd_quotes,
    "config": cmd_config,
}


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsreader`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for value in vars(args).values():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not _encodable(text):
                # Bytes the locale cannot decode arrive as lone surrogates (PEP 383).
                parser.error(f"an argument is not valid text: {text!a}")
    try:
        if args.command is None:
            return cmd_app(args, parser)
        return COMMANDS[args.command](args)
    except ReaderError as exc:
        _err(str(exc))
        return EXIT_FAIL
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
