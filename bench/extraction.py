"""Score bare readability-lxml and our extractor side by side on the shared extraction benchmark.

Run from anywhere: ``python bench/extraction.py``. It finds ``../shared/eval/extraction``
next to the repository, runs that benchmark's own ``score.py`` on both extractors in one
subprocess (same pages, same metric), then prints the seed article's token F1 and the machine.
Nothing from ``../shared`` is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "eval" / "extraction"
SEED_HTML = SHARED / "corpus" / "seed-article.html"
SEED_CLEAN = SHARED / "corpus" / "seed-article.clean.txt"

BARE = "bench.extraction:bare_readability"
OURS = "reader.core.extract:article_text"

_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol blockquote pre table tr br section article "
    "figure figcaption header footer dd dt dl".split()
)


def bare_readability(html: str, url: str) -> str:
    """readability-lxml 0.9 alone: ``Document(html).summary()`` with a newline after each block."""
    import lxml.html
    from readability import Document

    logging.getLogger("readability").setLevel(logging.CRITICAL)
    summary = Document(html).summary()
    tree = lxml.html.fromstring(summary)
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")  # so adjacent blocks do not fuse their words
    return str(tree.text_content())


def seed_f1() -> float:
    """Token F1 of ``extract_article`` on the seed article against its clean text."""
    sys.path.insert(0, str(REPO))
    from reader.core.extract import extract_article
    from tests.metrics import token_f1

    html = SEED_HTML.read_text(encoding="utf-8")
    return token_f1(extract_article(html).text, SEED_CLEAN.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark's scorer on both extractors and print F1, precision and recall."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="benchmark folder")
    parser.add_argument("--json", type=Path, help="also write the scorer's JSON here")
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--limit", type=int, help="only the first N pages")
    args = parser.parse_args(argv)
    scorer = args.data / "score.py"
    if not scorer.exists():
        print(f"benchmark not found: {scorer} (expected ../shared next to the repo)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.json) if args.json else Path(tmp) / "scores.json"
        command = [sys.executable, str(scorer), "--data", str(args.data)]
        command += ["--extractor", BARE, "--extractor", OURS]
        command += ["--n-bootstrap", str(args.n_bootstrap), "--json", str(out)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        }
        subprocess.run(command, cwd=REPO, env=env, check=True)
        report = json.loads(out.read_text(encoding="utf-8"))
    print()
    for result in report["results"]:
        s = result["summary"]
        print(
            f"{s['extractor']:<40} F1 {s['f1']:.3f}  precision {s['precision']:.3f}  "
            f"recall {s['recall']:.3f}  pages {s['pages']}  errors {s['errors']}  "
            f"empty {s['empty']}  median {s['median_ms']:.1f} ms"
        )
    if SEED_HTML.exists() and SEED_CLEAN.exists():
        print(f"seed article token F1 (extract_article vs clean text): {seed_f1():.3f}")
    env_info = report.get("environment", {})
    print(
        f"machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{platform.machine()}, {env_info.get('versions', {})}, {time.strftime('%Y-%m-%d')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
