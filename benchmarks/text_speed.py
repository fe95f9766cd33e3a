"""How long the text analysers take per message: the median over the corpus's messages.

    python benchmarks/text_speed.py            # the dev split
    python benchmarks/text_speed.py --split all

For each message, a fresh read (language detection included) answers all three questions, as
a rejection read by CX201, CX202 and CX301 is; each message is timed ``--repeat`` times and its
fastest time kept, so that a busy machine disturbs the figure less.  The target is a median of
at most 50 µs per message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from cx_rules.analysers import ANALYSERS
from cx_rules.text import QUESTIONS, TextReader
from cx_rules.text.corpus import read_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "text"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    splits = ("dev", "heldout") if args.split == "all" else (args.split,)
    files = sorted(f for s in splits for f in (DATA / s).glob("*.jsonl"))
    if not files:
        print(f"no corpus files for split {args.split!r} under {DATA}", file=sys.stderr)
        return 0
    texts = list(dict.fromkeys(item.text for item in read_corpus(files)))
    reader = TextReader(ANALYSERS)
    clock = time.perf_counter_ns
    per_message: list[float] = []
    per_question: dict[str, list[float]] = {q: [] for q in QUESTIONS}
    for text in texts:
        best = float("inf")
        for _ in range(args.repeat):
            reader.detect("")  # not the text: the next read detects afresh
            reader._last = ("", ())
            start = clock()
            for question in QUESTIONS:
                reader.judge(question, text)
            best = min(best, clock() - start)
        per_message.append(best / 1000)
        for question in QUESTIONS:
            fastest = float("inf")
            for _ in range(args.repeat):
                reader._last = ("", ())
                start = clock()
                reader.judge(question, text)
                fastest = min(fastest, clock() - start)
            per_question[question].append(fastest / 1000)
    median = statistics.median(per_message)
    print(f"{len(texts)} messages from split {args.split}")
    print(
        f"all three questions: median {median:.1f} µs per message, p90 "
        f"{statistics.quantiles(per_message, n=10)[-1]:.1f} µs, max {max(per_message):.1f} µs"
    )
    for question, times in per_question.items():
        print(f"{question:<9} alone: median {statistics.median(times):.1f} µs")
    verdict = "within" if median <= 50 else "over"
    print(f"target: median <= 50 µs per message: {verdict}")
    return 0 if median <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
