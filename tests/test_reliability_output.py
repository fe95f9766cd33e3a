"""Output safety and reproducibility: whatever a log holds, every report format stays valid,
shows values as text, runs nothing, and comes out byte for byte the same on every run.

The HTML checks beyond ``test_report_html.py`` render a hostile report in headless Chromium;
the CSV checks extend ``test_report_csv.py`` to every column and any text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import Outcome, Severity
from cx_rules.auditing import audit
from cx_rules.report import (
    CaseScore,
    Evidence,
    InputSummary,
    Report,
    ReportFinding,
    Tally,
    pseudonym,
    to_csv,
    to_html,
    to_json,
    to_text,
)
from cx_rules.report.as_csv import COLUMNS
from cx_rules.report.as_text import printable
from cx_rules.testing.strategies import PAYLOADS, hostile_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
HOSTILE = ROOT / "tests" / "corpus" / "jsonl" / "hostile-values.jsonl"
AT = datetime.fromisoformat("2026-03-09T09:00:00+01:00")


def _report(value: str) -> Report:
    """A report in which every string that can come from a log is ``value``."""
    finding = ReportFinding(
        case_id=value,
        code="CX401",
        name="acknowledge-application",
        practice="experience",
        severity=Severity.WARNING,
        outcome=Outcome.WAIVED,
        message=f"not done by {value}",
        at=AT,
        due=AT,
        missing=value,
        evidence=(Evidence(value, AT, event_id=value, actor=value, channel=value),),
        job_id=value,
        actor=value,
        waived_by=value,
    )
    return Report(
        as_of=AT,
        input=InputSummary(files=(value,), lines=1, events=1, cases=1),
        score=None,
        tally=Tally(),
        rules=(),
        practices=(),
        cases=(CaseScore(value, value, value, Tally(violated=1), 0.0),),
        findings=(finding,),
    )


# -- JSON ------------------------------------------------------------------------------------


@given(hostile_text)
def test_json_is_valid_for_any_string_and_reads_back_the_same(value: str) -> None:
    text = to_json(_report(value))

    text.encode("utf-8")
    finding = json.loads(text)["findings"][0]
    assert (finding["case_id"], finding["evidence"][0]["event_id"]) == (value, value)


# -- CSV -------------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    value = re.sub("[\ud800-\udfff]", "\ufffd", value)
    return "'" + value if value.startswith(_FORMULA) else value


@given(hostile_text)
def test_no_csv_cell_can_start_a_formula_and_every_value_survives(value: str) -> None:
    text = to_csv(_report(value))

    text.encode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    (row,) = [r for r in rows if r[0] == "finding"]
    cells = dict(zip(header, row, strict=True))
    assert [c for r in rows for c in r if c.startswith(_FORMULA)] == []
    expected = _cell(value)
    assert {
        k: cells[k] for k in ("case_id", "job_id", "actor", "missing", "waived_by")
    } == dict.fromkeys(("case_id", "job_id", "actor", "missing", "waived_by"), expected)
    assert cells["message"] == _cell(f"not done by {value}")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_column_of_a_hostile_audit_is_neutralised(start: str, tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps(
            {
                "case_id": f"{start}cmd|' /C calc'!A0",
                "activity": "application_received",
                "timestamp": "2026-03-02T09:00:00+01:00",
                "event_id": f"{start}1+1",
                "actor": f"{start}SUM(A1)",
                "job_id": f"{start}HYPERLINK(1)",
                "owner": f"{start}SUM(A1)",
            }
        )
        + "\n"
        + json.dumps(
            {
                "case_id": "x",
                "activity": "application_received",
                "timestamp": "2026-03-20T09:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    rows = list(csv.reader(io.StringIO(to_csv(audit(log)), newline="")))
    findings = [r for r in rows if r[0] == "finding"]

    assert {r[1] for r in findings} == {f"'{start}cmd|' /C calc'!A0"}
    assert [cell for row in rows for cell in row if cell.startswith(_FORMULA)] == []
    # The missed acknowledgement is the owner's: actor and owner columns name them.
    assert findings[0][2:4] == [f"'{start}HYPERLINK(1)", f"'{start}SUM(A1)"]
    assert findings[0][COLUMNS.index("owner")] == f"'{start}SUM(A1)"


# -- text ------------------------------------------------------------------------------------

# Every character printable() escapes; the report may hold none of them, nor any ESC.
_HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ud800-\udfff]"
)
_SGR = re.compile("\x1b\\[[0-9;]*m")


@given(hostile_text, st.booleans())
def test_text_reports_show_control_and_direction_characters_as_escapes(
    value: str, color: bool
) -> None:
    text = to_text(_report(value), color=color)

    text.encode("utf-8")
    # The report's own colours are the only escape sequences it may hold.
    assert _HIDDEN.findall(_SGR.sub("", text)) == []
    assert printable(value) in text


def test_printable_escapes_exactly_the_hidden_characters() -> None:
    assert printable("a\x1b[2Jb\u202ec\ud800d\u200de\nf\u00e6") == (
        "a\\x1b[2Jb\\u202ec\\ud800d\u200de\\x0af\u00e6"
    )


# -- HTML ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title"
        self.handlers.extend(f"{tag} {name}" for name, _ in attrs if name.startswith("on"))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.title += data


@given(hostile_text)
def test_html_shows_any_value_as_text(value: str) -> None:
    page = to_html(_report(value))

    page.encode("utf-8")
    parsed = _Page()
    parsed.feed(page)
    assert (parsed.tags.count("script"), parsed.handlers) == (1, [])
    assert "img" not in parsed.tags
    assert printable(value) in "".join(parsed.text)


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
def test_chromium_runs_no_script_from_a_hostile_log(tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    # Even the file name carries markup: it is shown in the page's header.
    log = tmp_path / 'log"><img src=x onerror="document.title=\'pwned\'">.jsonl'
    shutil.copyfile(HOSTILE, log)
    report = audit(log, group_by="actor")
    page = tmp_path / "report.html"
    page.write_text(to_html(report), encoding="utf-8")
    shot = tmp_path / "report.png"

    dom = _browse(browser, tmp_path, page.as_uri(), "--dump-dom")
    picture = _browse(
        browser, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,1800"
    )

    assert (dom.returncode, picture.returncode) == (0, 0), dom.stderr[-2000:]
    # A script that ran, or one the Content-Security-Policy refused, logs to the console.
    console = [
        line for out in (dom, picture) for line in out.stderr.splitlines() if ":CONSOLE" in line
    ]
    assert console == []
    parsed = _Page()
    parsed.feed(dom.stdout)
    assert parsed.title.startswith("cx-rules audit as of ")
    assert (parsed.tags.count("script"), parsed.handlers, "img" in parsed.tags) == (1, [], False)
    text = "".join(parsed.text)
    for payload in (
        "<script>document.title='pwned'</script>",
        '"><img src=x onerror="document.title=\'pwned\'">',
        "c3\\u202egnp.exe",
        "\\x1b[2J\\x1b[31mred",
        "lone \\ud800 surrogate",
    ):
        assert payload in text
    assert "\u202e" not in dom.stdout
    assert shot.read_bytes().startswith(b"\x89PNG")


# -- reproducibility -------------------------------------------------------------------------


def _cli(tmp_path: Path, name: str, seed: str, *args: str) -> bytes:
    out = tmp_path / name
    env = {**os.environ, "PYTHONHASHSEED": seed, "CX_RULES_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("CX_RULES_SALT", None)
    result = subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", *args, "--output", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


@pytest.mark.parametrize("format", ["json", "csv", "html", "text"])
def test_two_runs_give_byte_identical_reports(format: str, tmp_path: Path) -> None:
    # Different hash seeds: set and dict orders that leak into a report would show here.
    args = (str(SAMPLE), str(HOSTILE), "--format", format, "--group-by", "actor")

    first = _cli(tmp_path, "first", "1", *args)
    second = _cli(tmp_path, "second", "2", *args)

    assert first == second
    assert len(first) > 1000


def test_redacted_reports_are_stable_for_a_salt_and_differ_across_salts(tmp_path: Path) -> None:
    args = (str(SAMPLE), "--format", "json", "--redact")

    first = _cli(tmp_path, "first", "1", *args, "--salt", "pepper")
    second = _cli(tmp_path, "second", "2", *args, "--salt", "pepper")
    other = _cli(tmp_path, "other", "3", *args, "--salt", "paprika")

    assert first == second
    assert first != other
    cases = {c["case_id"] for c in json.loads(first)["cases"]}
    assert pseudonym("case", "A-001", "pepper") in cases
    assert pseudonym("case", "A-001", "paprika") in {
        c["case_id"] for c in json.loads(other)["cases"]
    }
    assert "A-001" not in first.decode("utf-8")


def test_payloads_cover_every_kind_of_hostile_value() -> None:
    kinds = {
        "markup": any("<script>" in p for p in PAYLOADS),
        "attribute breakout": any('">' in p for p in PAYLOADS),
        "direction override": any("\u202e" in p for p in PAYLOADS),
        "formula": any(p.startswith("=") for p in PAYLOADS),
        "terminal escape": any("\x1b" in p for p in PAYLOADS),
        "surrogate": any("\ud800" in p for p in PAYLOADS),
    }

    assert [k for k, present in kinds.items() if not present] == []
