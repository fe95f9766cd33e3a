"""The HTML report: self-contained, escaped, and rendered by a real browser without errors."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from cx_rules import Outcome, Severity
from cx_rules.auditing import audit
from cx_rules.report import (
    CaseScore,
    Evidence,
    GroupScore,
    InputSummary,
    PracticeScore,
    Report,
    ReportFinding,
    RuleScore,
    Tally,
    render,
    to_csv,
    to_html,
    write,
    write_html,
)
from cx_rules.report.html import FINDINGS_SHOWN, csv_beside
from cx_rules.report.model import KeyCoverage
from headless import chromium, open_page

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
AT = datetime.fromisoformat("2026-03-09T09:00:00+01:00")
EVIL = '<script>alert("x")</script>&"\''


def _finding(case_id: str, outcome: Outcome = Outcome.VIOLATED) -> ReportFinding:
    return ReportFinding(
        case_id=case_id,
        code="CX401",
        name="acknowledge-application",
        practice="experience",
        severity=Severity.WARNING,
        outcome=outcome,
        message=f"message {EVIL}",
        at=AT,
        due=None,
        missing=None,
        evidence=(Evidence(f"act{EVIL}", AT, event_id=f"e{EVIL}", actor=EVIL),),
        job_id=f"J{EVIL}",
        actor=f"actor{EVIL}",
        waived_by=f"waiver {EVIL}" if outcome is Outcome.WAIVED else None,
    )


def _hostile_report() -> Report:
    # Every string that can come from a log carries markup that must arrive as text.
    return Report(
        as_of=AT,
        input=InputSummary(files=(f"log{EVIL}.jsonl",), lines=3, events=3, cases=2),
        score=50.0,
        tally=Tally(1, 1, 0, 0, 1),
        rules=(
            RuleScore(
                "CX401", f"name{EVIL}", f"prac{EVIL}", Severity.WARNING, Tally(1, 1, 0, 0, 1)
            ),
        ),
        practices=(PracticeScore(f"prac{EVIL}", Tally(1, 1, 0, 0, 1), 50.0),),
        cases=(CaseScore(f"c{EVIL}", f"J{EVIL}", f"state{EVIL}", Tally(0, 1), 0.0),),
        findings=(_finding(f"c{EVIL}"), _finding("c2", Outcome.WAIVED)),
        group_by="actor",
        groups=(GroupScore(f"actor{EVIL}", Tally(0, 1), 0.0, ()),),
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_values_from_the_log_are_escaped() -> None:
    page = to_html(_hostile_report())
    parser = _Collect()
    parser.feed(page)

    assert parser.scripts == 1  # only the page's own search script
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;&#x27;" in page
    text = "".join(parser.text)
    assert f"c{EVIL}" in text
    assert f"waiver {EVIL}" in text


def test_the_page_is_self_contained() -> None:
    page = to_html(audit(SAMPLE))

    assert page.startswith("<!DOCTYPE html>\n")
    assert re.findall(r"(?:src|href)=\"(?!data:|#)[^\"]*\"", page) == []
    assert "http://" not in page
    assert "https://" not in page
    assert "@import" not in page
    assert "default-src 'none'" in page
    assert page == render(audit(SAMPLE), "html")


def _rule(code: str, severity: Severity, tally: Tally) -> RuleScore:
    return RuleScore(code, f"rule-{code.lower()}", "experience", severity, tally)


def _report(
    rules: tuple[RuleScore, ...] = (),
    cases: tuple[CaseScore, ...] = (),
    findings: tuple[ReportFinding, ...] = (),
) -> Report:
    tally = sum((r.tally for r in rules), Tally())
    return Report(AT, InputSummary(), 50.0, tally, rules, (), cases, findings)


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'<table class="{table}">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])


def test_rules_are_listed_by_violations_weighted_by_severity() -> None:
    # One info check failed (0%) weighs 1; three errors out of a hundred weigh 9.
    page = to_html(
        _report(
            rules=(
                _rule("CX201", Severity.INFO, Tally(0, 1)),
                _rule("CX102", Severity.ERROR, Tally(97, 3)),
                _rule("CX401", Severity.WARNING, Tally(8, 2)),
                _rule("CX405", Severity.WARNING, Tally(0, 0, 4, 2)),
                _rule("CX000", Severity.ERROR, Tally()),
            )
        )
    )

    rows = _rows(page, "bars")
    codes = [re.search(r"<code>(CX\d+)</code>", row).group(1) for row in rows]  # type: ignore[union-attr]
    assert codes == ["CX102", "CX401", "CX201", "CX405"]  # never checked: CX000 left out
    assert '<span class="zero">0%</span>' in rows[2]
    assert '<rect class="track0"' in rows[2]
    assert '<span class="nm">not measured</span>' in rows[3]
    assert '<rect class="tracknm"' in rows[3]
    assert "4 unknown, 2 pending" in rows[3]


def test_a_rule_the_log_never_records_is_not_recorded_never_violated() -> None:
    reason = "not recorded in this log: no application_acknowledged in 916 cases"
    rule = attrs.evolve(_rule("CX401", Severity.WARNING, Tally(0, 0, 916)), not_recorded=reason)
    report = attrs.evolve(
        _report(rules=(rule, _rule("CX405", Severity.WARNING, Tally(600, 300)))),
        not_recorded={"CX401": reason},
        coverage=(KeyCoverage("application_acknowledged", 0, 916, ("CX401",)),),
    )

    page = to_html(report)

    rows = _rows(page, "bars")
    assert "CX405" in rows[0]
    assert '<span class="nm">not recorded</span>' in rows[1]
    assert "no application_acknowledged in 916 cases; 916 unknown" in rows[1]
    assert '<rect class="tracknm"' in rows[1]
    box = page.split('<div class="notrec">', 1)[1].split("</div>", 1)[0]
    assert "Not recorded in this log (1 rule, checks unknown)" in box
    assert "<li><code>CX401</code> no application_acknowledged in 916 cases</li>" in box
    assert "1 of the 1 pieces of evidence the rules read never occur" in page


def test_the_legend_names_every_colour_of_the_bars() -> None:
    page = to_html(audit(SAMPLE))

    legend = page.split('<ul class="legend"', 1)[1].split("</ul>", 1)[0]
    for shape in ("good", "fair", "poor", "track0", "tracknm"):
        assert f'class="{shape}"' in legend
    for words in ("90% or more", "70% to 90%", "under 70%", "0%", "not measured"):
        assert words in legend


def test_worst_cases_are_those_with_the_most_violations() -> None:
    cases = (
        CaseScore("two", "J1", "rejected", Tally(0, 2), 0.0),
        CaseScore("five", "J1", "rejected", Tally(5, 5), 50.0),
        CaseScore("none", "J1", "hired", Tally(3), 100.0),
    )
    page = to_html(_report(cases=cases))

    assert [row.split("</td>")[0][4:] for row in _rows(page, "cases")] == ["five", "two"]
    assert '<span class="zero">0</span>' in page  # a score of 0 in bold, not "n/a"


def _many(count: int) -> tuple[ReportFinding, ...]:
    findings = []
    for n in range(count):
        severity = (Severity.INFO, Severity.WARNING, Severity.ERROR)[n % 3]
        findings.append(
            ReportFinding(
                case_id=f"c{n:05d}",
                code="CX401",
                name="acknowledge-application",
                practice="experience",
                severity=severity,
                outcome=Outcome.UNKNOWN if n % 7 == 0 else Outcome.VIOLATED,
                message="no acknowledgement",
                at=AT + timedelta(hours=n),
                due=None,
                missing=None,
                evidence=(Evidence("application_received", AT, event_id=f"e{n}"),),
            )
        )
    return tuple(findings)


def test_the_findings_table_lists_the_worst_and_says_how_many_are_left_out() -> None:
    report = _report(findings=_many(FINDINGS_SHOWN + 500))

    page = to_html(report)

    body = page.split('<table id="findings"', 1)[1]
    rows = re.findall(r"<tr><td>.*?</tr>", body)
    assert len(rows) == FINDINGS_SHOWN
    # Violated errors first, then warnings, then info: no unknown makes the cut.
    outcomes = re.findall(r'<td class="out-(\w+)">', body)
    severities = re.findall(r'<td class="sev-(\w+)">', body)
    assert set(outcomes) == {"violated"}
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert f"The {FINDINGS_SHOWN:,} worst of {FINDINGS_SHOWN + 500:,} findings are shown" in page
    assert "<code>--output report.html</code> writes <code>report.csv</code>" in page
    assert "<a href=" not in page
    assert f'<span id="shown">{FINDINGS_SHOWN}</span>' in page


def test_a_page_written_to_a_file_puts_every_finding_in_a_csv_beside_it(tmp_path: Path) -> None:
    report = _report(findings=_many(30))
    target = tmp_path / "audit report.html"

    with open(target, "w", encoding="utf-8", newline="") as out:
        written = write_html(report, out, path=target, limit=10)

    beside = tmp_path / "audit report.csv"
    assert written == (beside,)
    assert beside.read_bytes() == to_csv(report).encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert sorted(row["case_id"] for row in rows if row["section"] == "finding") == sorted(
        f.case_id for f in report.findings
    )
    page = target.read_text(encoding="utf-8")
    assert '<a href="audit%20report.csv">audit report.csv</a>' in page
    assert "All 30 are in" in page


def test_no_csv_is_written_when_every_finding_is_listed(tmp_path: Path) -> None:
    report = audit(SAMPLE)
    target = tmp_path / "report.html"

    with open(target, "w", encoding="utf-8", newline="") as out:
        write(report, out, "html", path=target)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert target.read_text(encoding="utf-8") == to_html(report)
    assert "worst of" not in to_html(report)


def test_the_csv_beside_a_page_never_replaces_it_nor_an_input() -> None:
    assert csv_beside("out/report.html") == Path("out/report.csv")
    assert csv_beside("report") == Path("report.csv")
    assert csv_beside("report.csv") == Path("report.findings.csv")
    assert csv_beside("report.html", ["report.csv"]) == Path("report.findings.csv")
    assert csv_beside("report.html", ["./report.csv", "report.findings.csv"]) is None


def test_an_audited_csv_beside_the_page_is_left_as_it_was(tmp_path: Path) -> None:
    # The log is report.csv, the page report.html: the findings go to report.findings.csv.
    log = tmp_path / "report.csv"
    log.write_text(
        "case_id,activity,timestamp\n"
        + "".join(
            f"c{n},application_received,2026-03-02T09:00:00+01:00\n"
            f"c{n},rejected,2026-03-20T09:00:00+01:00\n"
            for n in range(3)
        ),
        encoding="utf-8",
    )
    before = log.read_bytes()
    report = audit(log)
    target = tmp_path / "report.html"

    assert len(report.findings) > 1
    with open(target, "w", encoding="utf-8", newline="") as out:
        written = write_html(report, out, path=target, limit=1)

    assert log.read_bytes() == before
    assert written == (tmp_path / "report.findings.csv",)
    assert "report.findings.csv" in target.read_text(encoding="utf-8")


def test_the_sample_shows_every_finding_with_its_rule_and_cohort() -> None:
    report = audit(SAMPLE)
    page = to_html(report)

    assert "<code>CX102</code> personal-rejection" in page
    # March's 12 candidates are scored; April's 3 are too few to show.
    cohorts = page.split('<table class="cohorts">', 1)[1].split("</table>", 1)[0]
    assert '<tr><td>2026-03</td><td class="num">12</td>' in cohorts
    assert (
        '<tr><td>2026-04</td><td class="num">3</td><td colspan="3" class="nm">suppressed: '
        "fewer than 5 candidates</td></tr>"
    ) in cohorts
    assert len(re.findall(r"<tr><td>", page.split('<table id="findings"', 1)[1])) == len(
        report.findings
    )


# -- in a real browser ------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(chromium() is None, reason="no chromium binary")

# Every block that holds text and whose content is wider than its box, with what it says.
_OVERFLOWING = """(() => {
  const bad = [];
  for (const el of document.querySelectorAll(
      "td, th, p, li, h1, h2, h3, .counts div, .search, .score")) {
    if (el.offsetParent === null) { continue; }
    if (el.scrollWidth > el.clientWidth + 1) {
      bad.push(el.tagName + ": " + el.textContent.slice(0, 80));
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) {
    bad.push("page: " + page.scrollWidth + " > " + page.clientWidth);
  }
  return bad;
})()"""


def _page_of(directory: Path, report: Report) -> Path:
    directory.mkdir(exist_ok=True)
    page = directory / "report.html"
    page.write_text(to_html(report), encoding="utf-8")
    return page


def _long_labels() -> Report:
    # Ids, names and messages as long as a log may make them, most with nowhere to break.
    word = "x" * 140
    finding = attrs.evolve(_finding("c-" + word), message="m" * 300, actor="recruiter." + word)
    return Report(
        as_of=AT,
        input=InputSummary(files=("/very/" + "deep/" * 40 + "log.jsonl",), lines=1, events=1),
        score=0.0,
        tally=Tally(0, 1),
        rules=(
            RuleScore("CX401", "name-" + word, "practice-" + word, Severity.WARNING, Tally(0, 1)),
        ),
        practices=(PracticeScore("practice-" + word, Tally(0, 1), 0.0),),
        cases=(CaseScore("c-" + word, "J-" + word, "state-" + word, Tally(0, 1), 0.0),),
        findings=(finding,),
        group_by="actor",
        groups=(GroupScore("recruiter." + word, Tally(0, 1), 0.0, ()),),
    )


@needs_chromium
@pytest.mark.parametrize("width", [1280, 760])
def test_chromium_shows_the_report_unclipped_and_without_errors(tmp_path: Path, width: int) -> None:
    browser = chromium()
    assert browser is not None
    for name, report in (("sample", audit(SAMPLE, group_by="actor")), ("long", _long_labels())):
        page = _page_of(tmp_path / name, report)
        with open_page(browser, tmp_path / "profile", page.as_uri(), width=width) as tab:
            assert tab.problems() == [], name
            assert tab.evaluate(_OVERFLOWING) == [], name
            assert tab.evaluate("document.scripts.length") == 1


@needs_chromium
def test_chromium_search_filters_the_findings(tmp_path: Path) -> None:
    browser = chromium()
    assert browser is not None
    report = audit(SAMPLE)
    page = _page_of(tmp_path, report)

    # The script reads the query from "#q=", as a link to a filtered report would carry it.
    with open_page(browser, tmp_path / "profile", page.as_uri() + "#q=A-004") as tab:
        shown = tab.evaluate('document.getElementById("shown").textContent')
        hidden = tab.evaluate('document.querySelectorAll("#findings tbody tr[hidden]").length')
        assert tab.problems() == []

    expected = [f for f in report.findings if "A-004" in f.case_id]
    assert (shown, hidden) == (str(len(expected)), len(report.findings) - len(expected))


@needs_chromium
def test_chromium_prints_the_report_to_pdf_with_the_print_style(tmp_path: Path) -> None:
    browser = chromium()
    assert browser is not None
    page = _page_of(tmp_path, audit(SAMPLE, group_by="actor"))
    pdf = tmp_path / "report.pdf"

    with open_page(browser, tmp_path / "profile", page.as_uri(), width=794) as tab:
        tab.pdf(pdf)
        tab.emulate_print()
        search = tab.evaluate('getComputedStyle(document.querySelector(".search")).display')
        overflowing = tab.evaluate(_OVERFLOWING)
        assert tab.problems() == []

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    assert (search, overflowing) == ("none", [])


@needs_chromium
def test_chromium_loads_a_big_audit_quickly_and_the_page_stays_small(tmp_path: Path) -> None:
    browser = chromium()
    assert browser is not None
    log = tmp_path / "log.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--events=60000",
            f"--out={log}",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = audit(log, group_by="actor")
    target = tmp_path / "report.html"
    with open(target, "w", encoding="utf-8", newline="") as out:
        write(report, out, "html", path=target)

    assert len(report.findings) > FINDINGS_SHOWN
    # The page was 12 MB at 200k events (22k findings) before the table was capped.
    assert target.stat().st_size < 1_500_000
    assert (tmp_path / "report.csv").read_bytes() == to_csv(report).encode("utf-8")
    with open_page(browser, tmp_path / "profile", target.as_uri()) as tab:
        assert tab.problems() == []
        assert tab.evaluate(_OVERFLOWING) == []
        rows = tab.evaluate('document.querySelectorAll("#findings tbody tr").length')
        assert rows == FINDINGS_SHOWN
        assert tab.load_seconds < 20  # loosely: seconds on a loaded machine, not minutes


def test_the_command_line_writes_every_finding_beside_a_capped_page(tmp_path: Path) -> None:
    # More findings than the page lists: cx-rules audit -o report.html puts them all in
    # report.csv beside it, as the page says.
    log = tmp_path / "log.csv"
    log.write_text(
        "case_id,activity,timestamp\n"
        + "".join(
            f"c{n:04},application_received,2026-03-02T09:00:00+01:00\n"
            f"c{n:04},rejected,2026-03-20T09:00:00+01:00\n"
            for n in range(FINDINGS_SHOWN + 100)
        ),
        encoding="utf-8",
    )
    page = tmp_path / "out" / "report.html"
    page.parent.mkdir()
    argv = [sys.executable, "-m", "cx_rules", "audit", str(log), "--no-config"]
    done = subprocess.run(
        [*argv, "--format", "html", "--output", str(page)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    assert done.returncode in (0, 1), done.stderr
    beside = page.parent / "report.csv"
    rows = [
        r
        for r in csv.DictReader(io.StringIO(beside.read_text("utf-8")))
        if r["section"] == "finding"
    ]
    assert len(rows) > FINDINGS_SHOWN
    assert '<a href="report.csv">report.csv</a>' in page.read_text(encoding="utf-8")
