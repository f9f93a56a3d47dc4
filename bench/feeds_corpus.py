"""Run feedparser's test corpus through our pipeline: parse -> sanitise -> store (-> render).

Run from anywhere: ``python bench/feeds_corpus.py [--render]``. It reads
``../shared/eval/feeds`` (next to the repository; nothing is copied into the repository), feeds
every file to ``parse_feed`` with the HTTP headers its ``Header:`` comment lines declare, stores
the entries in a real SQLite file and reports the time per file (max, p95, total), the files
refused with a clear FeedError, and any failure (an exception, or a control character left).
``tests/hostile/test_corpus.py`` runs the same code and asserts on it.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "eval" / "feeds"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from reader.core.parse import parse_feed  # noqa: E402
from reader.core.sanitize import sanitize  # noqa: E402
from reader.core.store import Store  # noqa: E402
from reader.errors import FeedError  # noqa: E402

_HEADER = re.compile(rb"^Header:\s*([A-Za-z0-9-]{1,64}):\s*(.{0,300}?)\s*$", re.M)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def corpus_files(root: Path = CORPUS) -> list[Path]:
    """Every feed file of the corpus, sorted (the licence file excluded)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")


def declared_headers(data: bytes) -> dict[str, str]:
    """The HTTP headers a corpus file declares in its leading comment."""
    head = data[:4096]
    return {
        k.decode("ascii").lower(): v.decode("latin-1").strip() for k, v in _HEADER.findall(head)
    }


def has_controls(text: str | None) -> bool:
    """True when ``text`` still holds a control, bidi or zero-width character (tab and
    newline are allowed)."""
    return bool(text) and (_CONTROL.search(text) is not None or sanitize(text) != text)


@dataclass
class CorpusReport:
    files: int = 0
    seconds: list[float] = field(default_factory=list)
    timed: list[tuple[float, str]] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    entries: int = 0
    texts: int = 0

    def summary(self) -> str:
        times = sorted(self.seconds)
        p95 = times[int(len(times) * 0.95)] if times else 0.0
        return (
            f"{self.files} files, {self.entries} entries stored, {len(self.refused)} refused "
            f"with a FeedError, {len(self.failures)} failures; per file: "
            f"max {max(times, default=0) * 1000:.1f} ms, p95 {p95 * 1000:.2f} ms, "
            f"total {sum(times):.2f} s"
        )


def run_corpus(
    root: Path,
    db_path: Path,
    render: Callable[[str], str | None] | None = None,
) -> CorpusReport:
    """Parse, sanitise-check and store every file; ``render(text)`` returns an error or None."""
    report = CorpusReport()
    store = Store(db_path)
    try:
        for path in corpus_files(root):
            rel = path.relative_to(root).as_posix()
            report.files += 1
            data = path.read_bytes()
            url = f"http://127.0.0.1/corpus/{rel}"
            started = time.perf_counter()
            try:
                feed = parse_feed(data, declared_headers(data), url)
            except FeedError as exc:
                report.refused[rel] = str(exc)
                report.seconds.append(time.perf_counter() - started)
                continue
            except Exception as exc:
                report.failures[rel] = f"parse raised {type(exc).__name__}: {exc}"
                report.seconds.append(time.perf_counter() - started)
                continue
            try:
                feed_id = store.add_feed(url, feed.title, site_url=feed.link)
                store.store_entries(feed_id, feed.entries, title=feed.title, site_url=feed.link)
            except Exception as exc:
                report.failures[rel] = f"store raised {type(exc).__name__}: {exc}"
                continue
            report.seconds.append(time.perf_counter() - started)
            report.timed.append((report.seconds[-1], rel))
            report.entries += len(feed.entries)
            stored = store._query(
                "SELECT a.title, a.author, a.summary, a.text, a.link, a.key, f.title "
                "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.id = ?",
                (feed_id,),
            )
            texts = [feed.title, *(v for row in stored for v in row)]
            for text in texts:
                if not isinstance(text, str):
                    continue
                report.texts += 1
                if has_controls(text):
                    report.failures[rel] = f"control character left in {text[:80]!r}"
                    break
                if render is not None:
                    problem = render(text)
                    if problem:
                        report.failures[rel] = problem
                        break
    finally:
        store.close()
    return report


def textual_render_check(text: str) -> str | None:
    """Render ``text`` the way the UI must (``Content(text)``); report markup or controls."""
    from textual.content import Content

    try:
        content = Content(text)
        plain = "".join(seg.text for seg in content.render_segments())
        substituted = Content.from_markup("[b]$t[/b]", t=text)
    except Exception as exc:
        return f"render raised {type(exc).__name__}: {exc}"
    if content.spans:
        return f"markup interpreted in {text[:80]!r}"
    if substituted.plain != text:
        return f"variable substitution changed {text[:80]!r}"
    if has_controls(plain):
        return f"control character rendered from {text[:80]!r}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--render", action="store_true", help="also render via textual Content")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}; nothing to do", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = run_corpus(
            args.corpus, Path(tmp) / "corpus.db", textual_render_check if args.render else None
        )
        wall = time.perf_counter() - started
    print(report.summary())
    print(f"wall {wall:.2f} s (including store and checks)")
    for seconds, rel in sorted(report.timed, reverse=True)[:3]:
        print(f"slow {seconds * 1000:.1f} ms {rel}")
    for rel, reason in report.refused.items():
        print(f"refused {rel}: {reason}")
    for rel, problem in list(report.failures.items())[:20]:
        print(f"FAIL {rel}: {problem}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
