"""How well the text analysers read the corpus: precision, recall and F1 per language and
question, and language detection.

    python benchmarks/text_accuracy.py --split dev
    python benchmarks/text_accuracy.py --split heldout
    python benchmarks/text_accuracy.py --split all --json
    python benchmarks/text_accuracy.py --data path/to/my/corpus   # a plugin's own corpus

The corpus format is described in ``cx_rules.text.corpus``.  Messages are read without their
``language`` attribute, so the language is detected as in a log that does not record it
(``--declared`` passes the item's language instead).  ``--plugins`` adds the analysers of the
installed plugins to the built-ins.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cx_rules.plugins import collect_analysers, plugin_manager
from cx_rules.text import QUESTIONS, TextReader
from cx_rules.text.corpus import CorpusError, detection_accuracy, evaluate, read_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "text"
SPLITS = ("dev", "heldout")


def _files(data: Path, split: str) -> list[Path]:
    if split == "all":
        return [f for s in SPLITS for f in _files(data, s)]
    folder = data / split if (data / split).is_dir() else data
    if split != "dev" and folder == data:
        return []
    return sorted(folder.glob("*.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--data", type=Path, default=DATA, help="the corpus folder")
    parser.add_argument("--declared", action="store_true", help="pass each item's language")
    parser.add_argument("--plugins", action="store_true", help="add installed plugins' analysers")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    files = _files(args.data, args.split)
    if not files:
        print(f"no corpus files for split {args.split!r} under {args.data}", file=sys.stderr)
        return 0 if args.split == "heldout" else 2
    try:
        items = read_corpus(files)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    reader = TextReader(collect_analysers(plugin_manager(autoload=args.plugins)))
    scores = evaluate(reader, items, declared=args.declared)
    right, total = detection_accuracy(reader, items)
    order = ("en", "da", "sv", "nb", "de")
    languages = sorted(
        {lang for lang, _ in scores},
        key=lambda lang: (order.index(lang) if lang in order else len(order), lang),
    )

    if args.json:
        figures = {
            lang: {
                q: {
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3),
                    "items": s.items,
                }
                for q in QUESTIONS
                if (s := scores.get((lang, q))) is not None
            }
            for lang in languages
        }
        out = {
            "split": args.split,
            "figures": figures,
            "detection": {
                "right": right,
                "of": total,
                "accuracy": round(right / total, 4) if total else None,
            },
        }
        print(json.dumps(out, indent=2, sort_keys=True))
        return 0

    print(f"split {args.split}: {len(items)} items from {len(files)} files")
    print(
        f"{'language':<9}{'question':<10}{'items':>6}{'precision':>11}{'recall':>8}{'F1':>7}{'unknown':>9}"
    )
    for lang in languages:
        for q in QUESTIONS:
            s = scores.get((lang, q))
            if s is None:
                continue
            print(
                f"{lang:<9}{q:<10}{s.items:>6}{s.precision:>11.3f}{s.recall:>8.3f}"
                f"{s.f1:>7.3f}{s.unknown:>9}"
            )
    share = f"{right / total:.1%}" if total else "n/a"
    print(f"language detection (messages of 8 words or more): {right}/{total} = {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
