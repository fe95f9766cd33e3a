"""What the importer tests share: the golden log, the fixture files read as JSON, the checks
every audit through an importer must pass, the skeleton of the Hypothesis properties and the
CLI run as a user runs it. Each helper asserts exactly what the tests asserted inline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import strategies as st

import cx_rules
from cx_rules import Event
from cx_rules.importers import Importer
from cx_rules.io import read_jsonl
from cx_rules.io.native import event_to_dict
from cx_rules.io.records import InputError
from cx_rules.report import json_schema

DATA = Path(__file__).parent / "data"


# -- the golden log and the fixture files ------------------------------------------------------


def dicts(events: Iterable[Any]) -> list[dict[str, Any]]:
    """The events as the canonical log writes them, to compare field by field."""
    return [event_to_dict(e) for e in events]


def golden(path: Path) -> list[dict[str, Any]]:
    """The events of a golden log (its other lines skipped), as `dicts`."""
    return dicts(e for e in read_jsonl(path) if isinstance(e, Event))


def json_values(path: Path | str) -> list[Any]:
    """A JSON Lines file's values (blank lines skipped), or a JSON file's one document."""
    text = Path(path).read_text("utf-8")
    if str(path).endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def json_records(path: Path | str) -> list[Any]:
    """A JSON Lines file's values (blank lines skipped), or a JSON file's list of records."""
    text = Path(path).read_text("utf-8")
    if str(path).endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    value: list[Any] = json.loads(text)
    return value


def tally(result: Any, records: int) -> tuple[int, int, int]:
    """The records read, the input errors and the records skipped, to compare at once."""
    return (records, len(result.errors), sum(result.skipped.values()))


def producing(result: Any, records: int) -> int:
    """The records that were neither an input error nor skipped: each gave events."""
    return records - len(result.errors) - sum(result.skipped.values())


# -- what every audit through an importer must show --------------------------------------------


def assert_never_judged(report: cx_rules.Report, not_recorded: str) -> None:
    """The source names exactly these rules (their codes, sorted, separated by spaces) as not
    recorded, and none of them passed, was violated or is pending."""
    assert report.source is not None
    assert sorted(report.source.not_recorded) == not_recorded.split()
    for rule in report.rules:
        if rule.code in report.source.not_recorded:
            assert (rule.tally.passed, rule.tally.violated, rule.tally.pending) == (0, 0, 0)


def assert_none_in(text: str, secrets: Iterable[str]) -> None:
    """No message text or personal data of the fixtures is printed."""
    for secret in secrets:
        assert secret not in text


def validated(text: str) -> Any:
    """The JSON report parsed, after validating it against the published schema."""
    data = json.loads(text)
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    return data


# -- the skeleton of the Hypothesis properties -------------------------------------------------


def nested(
    scalars: st.SearchStrategy[Any],
    fields: Sequence[str],
    *,
    list_size: int,
    dict_size: int,
    max_leaves: int,
) -> st.SearchStrategy[Any]:
    """Any JSON built from these scalars: lists, and objects keyed by these field names."""
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=list_size),
            st.dictionaries(st.sampled_from(fields), inner, max_size=dict_size),
        ),
        max_leaves=max_leaves,
    )


def jsonl(values: Iterable[Any]) -> str:
    return "".join(json.dumps(v) + "\n" for v in values)


@contextmanager
def written(suffix: str, text: str) -> Iterator[str]:
    """The name of a temporary file holding the text, removed afterwards."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=suffix, delete=False, encoding="utf-8", newline=""
    ) as f:
        f.write(text)
    try:
        yield f.name
    finally:
        Path(f.name).unlink()


def assert_reads_events_and_errors(importer: Importer, name: str) -> None:
    """Reading the file yields only events and input errors, never raises."""
    for record in importer.read([name]):
        assert isinstance(record, Event | InputError)


def assert_translates_to_events(importer: Importer, records: Iterable[Any]) -> None:
    """Each object translates on its own to events only."""
    for record in records:
        if isinstance(record, dict):
            assert all(isinstance(e, Event) for e in importer.translate(record).events)


# -- the CLI ----------------------------------------------------------------------------------


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``cx-rules`` run in a subprocess as a user runs it (colour left to the environment)."""
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
        cwd=cwd,
    )
