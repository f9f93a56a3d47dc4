"""Score the quote analysis on the PolNeAR dev set with the set's own scorer.

Run from the repository root: ``python bench/quotes.py [--min-words N] [-v] [--gold PATH]``.
The data and scorer are read from ``../shared/eval/quotes`` (never copied into the repo).
Predictions go to a temporary file; the scorer's figures are printed for --min-words 4 and 1
unless one --min-words is given.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.core.analyze import analyze  # noqa: E402

EVAL_DIR = REPO.parent / "shared" / "eval" / "quotes"


def predict(gold_path: Path, out_path: Path) -> int:
    """Write one prediction line per article; return the number of articles."""
    n = 0
    with gold_path.open(encoding="utf-8") as src, out_path.open("w", encoding="utf-8") as out:
        for line in src:
            doc = json.loads(line)
            result = analyze(doc["text"])
            quotes = [
                {"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker}
                for q in result.quotes
            ]
            out.write(json.dumps({"id": doc["id"], "quotes": quotes}) + "\n")
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=EVAL_DIR / "polnear-dev.jsonl")
    ap.add_argument("--min-words", type=int, action="append")
    ap.add_argument("-v", action="store_true", help="pass -v to the scorer (failure cases)")
    args = ap.parse_args()
    scorer = EVAL_DIR / "score.py"
    if not args.gold.exists() or not scorer.exists():
        print(f"skipped: {args.gold} or {scorer} is missing", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(args.gold, pred)
        for mw in args.min_words or [4, 1]:
            cmd = [sys.executable, str(scorer), str(args.gold), str(pred), "--min-words", str(mw)]
            if args.v:
                cmd.append("-v")
            print(f"--min-words {mw}:", flush=True)
            subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
