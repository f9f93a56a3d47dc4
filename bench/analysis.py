"""Words per second per core of ``analyze`` on the PolNeAR dev set.

Run from the repository root: ``python bench/analysis.py [--repeat N]``. Single process, so
the figure is per core. The articles are read from ``../shared/eval/quotes`` (not copied).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.core.analyze import analyze  # noqa: E402

DEV = REPO.parent / "shared" / "eval" / "quotes" / "polnear-dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--gold", type=Path, default=DEV)
    args = ap.parse_args()
    if not args.gold.exists():
        print(f"skipped: {args.gold} is missing", file=sys.stderr)
        return 2
    texts = [json.loads(line)["text"] for line in args.gold.open(encoding="utf-8")]
    words = sum(len(t.split()) for t in texts)
    for t in texts[:5]:  # warm up
        analyze(t)
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for t in texts:
            analyze(t)
        best = min(best, time.perf_counter() - t0)
    print(
        f"articles={len(texts)} words={words} best of {args.repeat}: {best:.3f} s "
        f"-> {words / best:,.0f} words/s per core "
        f"(python {platform.python_version()}, nproc {os.cpu_count()})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
