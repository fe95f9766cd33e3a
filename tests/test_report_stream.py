"""The streamed reports: the same characters as ``render``, JSON with orjson and without."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import Outcome, Severity
from cx_rules.auditing import audit
from cx_rules.report import (
    CaseScore,
    Evidence,
    InputSummary,
    Report,
    ReportFinding,
    SourceSummary,
    Tally,
    as_json,
    render,
    to_json,
    write,
)
from cx_rules.report.as_json import write_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"

# Any text a log may carry: control characters, non-ASCII, and lone surrogates (which a
# JSON log may hold as a \ud800 escape, and which orjson refuses).
_TEXT = st.text(st.characters(codec=None, categories=None), max_size=12)
_NAMES = st.one_of(st.none(), _TEXT)
_MOMENTS = st.builds(
    lambda minutes, offset: (
        datetime(2026, 3, 2, tzinfo=timezone(timedelta(minutes=offset)))
        + timedelta(minutes=minutes)
    ),
    st.integers(0, 10**6),
    st.integers(-720, 720),
)
_TALLIES = st.builds(Tally, *(st.integers(0, 10**6) for _ in range(5)))
_SCORES = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
_EVIDENCE = st.builds(Evidence, _TEXT, _MOMENTS, _NAMES, _NAMES, _NAMES)
_FINDINGS = st.builds(
    ReportFinding,
    case_id=_TEXT,
    code=_TEXT,
    name=_TEXT,
    practice=_TEXT,
    severity=st.sampled_from(Severity),
    outcome=st.sampled_from([Outcome.VIOLATED, Outcome.UNKNOWN, Outcome.WAIVED]),
    message=_TEXT,
    at=_MOMENTS,
    due=st.one_of(st.none(), _MOMENTS),
    missing=_NAMES,
    evidence=st.lists(_EVIDENCE, max_size=3).map(tuple),
    job_id=_NAMES,
    actor=_NAMES,
    waived_by=_NAMES,
)
_CASES = st.builds(CaseScore, _TEXT, _NAMES, _TEXT, _TALLIES, _SCORES)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    return Report(
        as_of=draw(st.one_of(st.none(), _MOMENTS)),
        input=InputSummary(
            files=tuple(draw(st.lists(_TEXT, max_size=2))),
            lines=draw(st.integers(0, 10**9)),
            unmapped_activities=draw(st.dictionaries(_TEXT, st.integers(1, 99), max_size=2)),
        ),
        score=draw(_SCORES),
        tally=draw(_TALLIES),
        rules=(),
        practices=(),
        cases=tuple(draw(st.lists(_CASES, max_size=6))),
        findings=tuple(draw(st.lists(_FINDINGS, max_size=6))),
        source=draw(
            st.one_of(
                st.none(),
                st.builds(SourceSummary, _TEXT, st.dictionaries(_TEXT, _TEXT, max_size=2)),
            )
        ),
    )


def _streamed(report: Report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_a_streamed_report_is_to_json_character_for_character(report: Report) -> None:
    assert to_json(report) == _streamed(report)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_without_orjson_the_stdlib_encoder_gives_the_same_characters(report: Report) -> None:
    with _without_orjson():
        assert to_json(report) == _streamed(report)


@contextlib.contextmanager
def _without_orjson() -> Iterator[None]:
    # orjson hidden from the import inside write_json, as when it is not installed.
    saved = sys.modules.get("orjson")
    sys.modules["orjson"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["orjson"]
        else:
            sys.modules["orjson"] = saved


def test_orjson_is_the_encoder_when_installed_and_the_stdlib_otherwise() -> None:
    pytest.importorskip("orjson")
    assert as_json._item_encoder() is not as_json._dumps
    with _without_orjson():
        assert as_json._item_encoder() is as_json._dumps


def test_a_long_list_is_written_in_batches_and_stays_the_same() -> None:
    # More items than a batch holds, so the batches' joins are exercised.
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    finding = ReportFinding(
        "c", "CX401", "n", "p", Severity.ERROR, Outcome.VIOLATED, "m", moment, None, None, ()
    )
    count = 2 * as_json._BATCH + 3
    report = Report(
        as_of=moment,
        input=InputSummary(),
        score=50.0,
        tally=Tally(),
        rules=(),
        practices=(),
        cases=tuple(CaseScore(f"c{i}", None, "s", Tally(passed=i), 50.0) for i in range(count)),
        findings=(finding,) * count,
    )
    assert to_json(report) == _streamed(report)


def test_the_sample_audit_streams_as_it_renders() -> None:
    report = audit(SAMPLE)
    assert to_json(report) == _streamed(report)


def test_the_cli_writes_the_streamed_json_to_a_file_and_to_stdout(tmp_path: Path) -> None:
    expected = to_json(audit(SAMPLE))
    target = tmp_path / "report.json"
    command = [sys.executable, "-m", "cx_rules", "audit", str(SAMPLE), "--format", "json"]
    run = subprocess.run([*command, "-o", str(target)], capture_output=True, check=False)
    assert (run.returncode, run.stderr) == (0, b"")
    assert target.read_bytes() == expected.encode("utf-8")
    run = subprocess.run(command, capture_output=True, check=False)
    assert (run.returncode, run.stdout) == (0, expected.encode("utf-8"))


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from(["text", "csv", "html", "json"]), st.booleans())
def test_every_format_streams_the_characters_it_renders(
    report: Report, format: str, color: bool
) -> None:
    out = io.StringIO()
    write(report, out, format, color=color)
    assert render(report, format, color=color) == out.getvalue()


@pytest.mark.parametrize("format", ["text", "csv", "html"])
def test_many_findings_stream_in_batches_as_they_render(format: str) -> None:
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    findings = tuple(
        ReportFinding(
            f"c{i // 3}",
            "CX401",
            "n",
            "p",
            Severity.ERROR,
            Outcome.VIOLATED,
            "m",
            moment,
            None,
            None,
            (Evidence("application_received", moment, f"e{i}"),),
        )
        for i in range(5000)
    )
    report = Report(moment, InputSummary(), 50.0, Tally(), (), (), (), findings)
    out = io.StringIO()
    write(report, out, format)
    assert render(report, format) == out.getvalue()


def test_an_unknown_format_is_refused_by_write() -> None:
    with pytest.raises(ValueError, match="format: expected one of"):
        write(audit(SAMPLE), io.StringIO(), "yaml")


class _Full(io.StringIO):
    """A stream that fails as a full device does."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("format", ["json", "text"])
def test_the_collector_is_restored_when_writing_the_report_fails(
    format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from cx_rules.cli import main

    assert gc.isenabled()
    code = main(["audit", str(SAMPLE), "--format", format], stdout=_Full())
    assert code == 2
    assert "cannot write the report to standard output: No space left" in capsys.readouterr().err
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
