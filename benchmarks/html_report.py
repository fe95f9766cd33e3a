"""The HTML report at scale, measured in headless Chromium, and the docs' screenshot.

    python benchmarks/html_report.py                       # 20k events: the docs' screenshot
    python benchmarks/html_report.py --events 1000000 --no-screenshot

Generates a seeded log (``generate.py``), audits it grouped by owner and job, writes the page
with ``--output``'s behaviour (every finding in the CSV beside it), then loads it in Chromium
(``tests/headless.py``, the browser tests' driver) and says: the audit's and the writing's
times, the page's and the CSV's sizes, the rows in the page, the time to the ``load`` event,
what the console reported, and every cell whose content overflows its box (none is the
figure to keep).  Unless ``--no-screenshot``, a PNG of the first screen (1280 x 900) goes to
``docs/_static/report-html.png``, which the HTML report's page in the docs shows; the same
seed and size give the same picture.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import HERE, machine

ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from cx_rules import audit  # noqa: E402
from cx_rules.report import write  # noqa: E402
from headless import chromium, open_page  # noqa: E402

SHOT = ROOT / "docs" / "_static" / "report-html.png"

# Every block that holds text and whose content is wider than its box.
OVERFLOWING = """(() => {
  const bad = [];
  for (const el of document.querySelectorAll(
      "td, th, p, li, h1, h2, h3, .counts div, .search, .score")) {
    if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) {
      bad.push(el.tagName + ": " + el.textContent.slice(0, 80));
    }
  }
  return bad;
})()"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-day", type=int, default=30, help="applications per day")
    parser.add_argument("--no-screenshot", action="store_true")
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("html_report: no chromium on PATH", file=sys.stderr)
        return 2
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Named as an export would be, and read by that name: the page's header shows it.
        log = work / "ats-export.jsonl"
        seed = [f"--seed={args.seed}", f"--per-day={args.per_day}", f"--out={log}"]
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), f"--events={args.events}", *seed],
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        os.chdir(work)
        report = audit(log.name, group_by=("owner", "job_id"))
        audited = time.perf_counter() - started
        page = work / "report.html"
        started = time.perf_counter()
        with open(page, "w", encoding="utf-8", newline="") as out:
            write(report, out, "html", path=page)
        written = time.perf_counter() - started
        csv = work / "report.csv"
        print(
            f"{args.events:,} events, {report.input.cases:,} cases, "
            f"{len(report.findings):,} findings: audit {audited:.1f} s, page written in "
            f"{written:.1f} s, {page.stat().st_size / 1e6:.2f} MB"
            + (f" (CSV beside it {csv.stat().st_size / 1e6:.1f} MB)" if csv.exists() else "")
        )
        os.chdir(ROOT)
        with open_page(browser, work / "profile", page.as_uri(), width=1280, height=900) as tab:
            rows = tab.evaluate('document.querySelectorAll("tr").length')
            print(f"Chromium: {rows:,} table rows, load event after {tab.load_seconds:.2f} s")
            print(f"console: {tab.problems() or 'nothing'}")
            print(f"overflowing: {tab.evaluate(OVERFLOWING) or 'none'}")
            if not args.no_screenshot:
                SHOT.parent.mkdir(exist_ok=True)
                tab.screenshot(SHOT)
                print(f"screenshot: {SHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
