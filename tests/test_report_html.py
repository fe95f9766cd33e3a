"""The HTML report: self-contained, escaped, and rendered by a real browser without errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

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
    to_html,
)

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
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
    assert re.findall(r"(?:src|href)=\"(?!data:)[^\"]*\"", page) == []
    assert "http://" not in page
    assert "https://" not in page
    assert "@import" not in page
    assert "default-src 'none'" in page
    assert page == render(audit(SAMPLE), "html")


def test_charts_show_rules_practices_and_months() -> None:
    page = to_html(audit(SAMPLE))

    assert page.count("<svg") == 3
    assert "CX102 personal-rejection" in page
    assert ">2026-03</text>" in page
    assert ">2026-04</text>" in page
    assert page.count('<tr><td class="nowrap">') == len(audit(SAMPLE).findings)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browse(browser: str, tmp_path: Path, url: str, *mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *mode,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary")
def test_chromium_renders_the_report_without_console_errors(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    page = tmp_path / "report.html"
    page.write_text(to_html(audit(SAMPLE, group_by="actor")), encoding="utf-8")
    shot = tmp_path / "report.png"

    result = _browse(
        browser, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000"
    )

    assert result.returncode == 0, result.stderr[-2000:]
    # Console messages (errors, CSP refusals, failed loads) are logged as ":CONSOLE".
    assert [line for line in result.stderr.splitlines() if ":CONSOLE" in line] == []
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 20_000  # a blank page is a few kB


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary")
def test_chromium_search_filters_the_findings(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    report = audit(SAMPLE)
    page = tmp_path / "report.html"
    page.write_text(to_html(report), encoding="utf-8")

    # The script reads the query from "#q=", as a link to a filtered report would carry it.
    result = _browse(browser, tmp_path, page.as_uri() + "#q=A-004", "--dump-dom")

    assert result.returncode == 0, result.stderr[-2000:]
    assert [line for line in result.stderr.splitlines() if ":CONSOLE" in line] == []
    shown = [f for f in report.findings if "A-004" in f.case_id]
    assert f'<span id="shown">{len(shown)}</span>' in result.stdout
    assert len(report.findings) - len(shown) == result.stdout.count('<tr hidden="">')
