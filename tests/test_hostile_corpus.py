"""The corpus of hostile and broken inputs: every file, exactly what cx-rules makes of it.

``tests/corpus/manifest.toml`` lists each file, why it is there, what reading it may cost, and
the exact outcome: the error it raises, or the counts, tally, input errors and findings of its
audit.  Every report is rendered in every format and checked to be valid, encodable and free
of the private message text the files carry.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tomllib
import tracemalloc
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import hostile_sentinel as sentinel
from cx_rules import Engine, Policy, PolicyError
from cx_rules.auditing import audit
from cx_rules.exceptions import CaseFormatError
from cx_rules.io import LogError, LogMapping
from cx_rules.report import FORMATS, Report, redact, render
from cx_rules.report.as_text import printable
from cx_rules.serialize import case_from_json, case_to_json
from hostile_calls import CALLS

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = CORPUS.parent.parent
MANIFEST: dict[str, Any] = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
PRIVATE: list[str] = MANIFEST["private"]
MIB = 2**20


# -- inputs too large to keep --------------------------------------------------------------


def _event(**fields: str) -> str:
    return json.dumps(fields)


def _long_line(path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(
            _event(
                case_id="c1", activity="application_received", timestamp="2026-03-02T09:00:00+01:00"
            )
            + "\n"
        )
        f.write(
            '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-09T09:00:00+01:00", '
            '"text": "'
        )
        f.write("HEMMELIG " * (50 * MIB // 9))
        f.write('"}\n')
        f.write("x" * (50 * MIB) + "\n")


def _long_field(path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("case_id,activity,timestamp,text\n")
        f.write("c1,application_received,2026-03-02T09:00:00+01:00,\n")
        f.write("c1,rejected,2026-03-09T09:00:00+01:00," + "HEMMELIG " * (50 * MIB // 9) + "\n")
        f.write("c1,thank_you_sent,2026-03-09T10:00:00+01:00,\n")


def _long_quoted_field(path: Path) -> None:
    # A quoted cell of 1.2 MiB over 20,000 lines, each of which reads like an event.
    with path.open("w", encoding="utf-8") as f:
        f.write("case_id,activity,timestamp,text\n")
        f.write("c1,application_received,2026-03-02T09:00:00+01:00,\n")
        f.write('c1,rejected,2026-03-09T09:00:00+01:00,"HEMMELIG\n')
        for _ in range(20_000):
            f.write('c2,withdrawn,2026-03-09T09:30:00+01:00,""HEMMELIG""\n')
        f.write('Venlig hilsen"\n')
        f.write("c1,thank_you_sent,2026-03-09T10:00:00+01:00,\n")


DEPTH = 100_000


def _deep_json(path: Path) -> None:
    path.write_text(
        _event(case_id="c1", activity="application_received", timestamp="2026-03-02T09:00:00+01:00")
        + "\n"
        + '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-09T09:00:00+01:00", '
        + '"items": '
        + "[" * DEPTH
        + "]" * DEPTH
        + "}\n",
        encoding="utf-8",
    )


def _deep_ocel(path: Path) -> None:
    path.write_text(
        '{"objects": [], "events": ' + "[" * DEPTH + "]" * DEPTH + "}\n", encoding="utf-8"
    )


def _xes_event(activity: str, timestamp: str, extra: str = "") -> str:
    return (
        f'<event><string key="concept:name" value="{activity}"/>'
        f'<date key="time:timestamp" value="{timestamp}"/>{extra}</event>'
    )


def _deep_xes(path: Path) -> None:
    nested = '<values><list key="x">' * DEPTH + "</list></values>" * DEPTH
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<log><trace><string key="concept:name" value="c1"/>\n'
        + _xes_event("application_received", "2026-03-02T09:00:00+01:00")
        + "\n"
        + _xes_event("rejected", "2026-03-09T09:00:00+01:00", f'<list key="items">{nested}</list>')
        + "\n</trace></log>\n",
        encoding="utf-8",
    )


def _empty_objects(path: Path) -> None:
    # 24 Mi empty objects in 72 MiB of OCEL 2.0, compressed to about 70 KiB.
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b'{"objects": [], "events": [')
        block = b"{}," * MIB
        for _ in range(24):
            f.write(block)
        f.write(b"{}]}\n")


#: How each ``generate`` entry of the manifest is written.
GENERATORS: dict[str, Callable[[Path], None]] = {
    "long_line": _long_line,
    "long_field": _long_field,
    "long_quoted_field": _long_quoted_field,
    "deep_json": _deep_json,
    "deep_ocel": _deep_ocel,
    "deep_xes": _deep_xes,
    "empty_objects": _empty_objects,
}


def _path(entry: dict[str, Any], tmp_path: Path) -> Path:
    if "generate" not in entry:
        return CORPUS / entry["file"]
    path = tmp_path / entry["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    GENERATORS[entry["generate"]](path)
    return path


def _policy(entry: dict[str, Any]) -> Policy:
    return Policy.from_mapping(
        {**MANIFEST["audit"], **entry.get("policy", {})}, source="<corpus policy>"
    )


def _params(kind: str) -> list[Any]:
    params = []
    for entry in MANIFEST[kind]:
        label = entry["file"] + ("+policy" if "policy" in entry else "")
        marks = [pytest.mark.xfail(reason=entry["xfail"], strict=True)] if "xfail" in entry else []
        params.append(pytest.param(entry, id=label, marks=marks))
    return params


# -- checks --------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers.extend(name for name, _ in attrs if name.startswith("on"))


def check_outputs(report: Report, private: list[str]) -> dict[str, str]:
    """Render ``report`` in every format; each must be valid, encodable and free of
    ``private``.  Returns the outputs by format."""
    outputs = {format: render(report, format) for format in FORMATS}
    for format, out in outputs.items():
        out.encode("utf-8")
        assert [p for p in private if p in out] == [], format
    assert json.loads(outputs["json"])["input"]["lines"] == report.input.lines
    rows = list(csv.reader(io.StringIO(outputs["csv"], newline="")))
    assert len([r for r in rows if r[0] == "finding"]) == len(report.findings)
    tags = _Tags()
    tags.feed(outputs["html"])
    assert (tags.scripts, tags.handlers) == (1, [])
    return outputs


# -- the corpus ----------------------------------------------------------------------------


@pytest.mark.parametrize("entry", _params("log"))
def test_each_log_gives_exactly_the_outcome_in_the_manifest(
    entry: dict[str, Any], tmp_path: Path
) -> None:
    path = _path(entry, tmp_path)
    policy = _policy(entry)
    name = str(path)

    group_by = entry.get("group_by")
    if "raises" in entry:
        with pytest.raises(LogError) as info:
            audit(path, policy=policy, group_by=group_by)
        message = str(info.value)
        assert entry["raises"] == message.replace(name, "{file}")
        assert [p for p in PRIVATE if p in message] == []
        return

    report = audit(path, policy=policy, group_by=group_by)

    i = report.input
    expected = entry["counts"]
    assert expected == {
        "lines": i.lines,
        "events": i.events,
        "cases": i.cases,
        "rejected": i.rejected,
        "after_as_of": i.after_as_of,
    }
    assert entry.get("unmapped", {}) == dict(i.unmapped_activities)
    assert entry.get("skipped", {}) == dict(i.skipped)
    assert i.lines == i.events + i.rejected + i.unmapped + i.after_as_of
    t = report.tally
    assert entry["tally"] == [t.passed, t.violated, t.unknown, t.pending, t.waived]
    assert entry.get("errors", []) == [
        printable(str(e).replace(name, "{file}")) for e in report.errors
    ]
    assert entry.get("findings", []) == [
        printable(f"{f.case_id} {f.code} {f.outcome.value}") for f in report.findings
    ]
    assert entry.get("groups", []) == [g.key for g in report.groups]
    check_outputs(report, PRIVATE)


def _bounded() -> list[Any]:
    # With orjson installed, the JSONL reader once peaked at 14 times a long line: the bound
    # holds whichever parser reads the lines.
    return [
        pytest.param(entry, id=entry["file"])
        for entry in MANIFEST["log"]
        if "max_memory_mib" in entry
    ]


@pytest.mark.parametrize("entry", _bounded())
def test_memory_stays_within_the_stated_bound(entry: dict[str, Any], tmp_path: Path) -> None:
    path = _path(entry, tmp_path)
    policy = _policy(entry)

    tracemalloc.start()
    try:
        audit(path, policy=policy)
    except LogError:
        pass  # the bound holds for files refused part-way too
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    assert peak <= entry["max_memory_mib"] * MIB, f"peak {peak / MIB:.0f} MiB"


@pytest.mark.parametrize("entry", _params("policy"))
def test_each_policy_is_refused_with_the_message_in_the_manifest(entry: dict[str, Any]) -> None:
    path = CORPUS / entry["file"]

    with pytest.raises(PolicyError) as info:
        Engine(Policy.load(path))

    assert entry["raises"] == str(info.value).replace(str(path), "{file}")


@pytest.mark.parametrize("entry", _params("mapping"))
def test_each_mapping_is_refused_with_the_message_in_the_manifest(entry: dict[str, Any]) -> None:
    path = CORPUS / entry["file"]

    with pytest.raises(PolicyError) as info:
        LogMapping.load(path)

    assert entry["raises"] == str(info.value).replace(str(path), "{file}")


@pytest.mark.parametrize("entry", _params("case"))
def test_each_stored_case_reads_back_or_is_refused_as_the_manifest_says(
    entry: dict[str, Any],
) -> None:
    text = (CORPUS / entry["file"]).read_text(encoding="utf-8")

    if "raises" in entry:
        with pytest.raises(CaseFormatError) as info:
            case_from_json(text)
        assert entry["raises"] == str(info.value)
        return

    case = case_from_json(text)

    assert (entry["roundtrip"], text) == (True, case_to_json(case) + "\n")
    assert case_from_json(case_to_json(case)) == case


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["name"]) for e in MANIFEST["call"]])
def test_each_call_gives_exactly_what_the_manifest_says(
    entry: dict[str, Any], tmp_path: Path
) -> None:
    if "needs" in entry:
        pytest.importorskip(entry["needs"])

    assert entry["gives"] == CALLS[entry["name"]](tmp_path)


def test_every_call_is_in_the_manifest() -> None:
    assert sorted(CALLS) == sorted(e["name"] for e in MANIFEST["call"])


def _install(site: Path, module: str) -> None:
    # Lay a corpus plugin out as pip would: the module and a .dist-info naming its entry point.
    source = CORPUS / "plugins" / f"{module}.py"
    if source.exists():
        (site / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    dist = module.replace(".", "_")
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[cx_rules]\n{dist} = {module}\n")


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{corpus}", str(CORPUS)).replace("{tmp}", str(tmp))


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["name"]) for e in MANIFEST["command"]])
def test_each_command_ends_exactly_as_the_manifest_says(
    entry: dict[str, Any], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for module in entry.get("plugins", []):
        _install(site, module)
    env = {k: v for k, v in os.environ.items() if k != "CX_RULES_DISABLE_PLUGIN_AUTOLOAD"}
    if not entry.get("plugins"):
        env["CX_RULES_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    paths = [str(site), *(str(ROOT / p) for p in entry.get("pythonpath", [])), *sys.path]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    args = [_fill(a, tmp_path) for a in entry["args"]]
    stdout = entry.get("stdout")
    with open(stdout, "w") if stdout else open(tmp_path / "stdout", "w+") as out:
        result = subprocess.run(
            [sys.executable, "-m", "cx_rules", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            text=True,
            timeout=120,
            check=False,
        )
    printed = "" if stdout else (tmp_path / "stdout").read_text(encoding="utf-8")
    stderr = result.stderr.replace(str(CORPUS), "{corpus}").replace(str(tmp_path), "{tmp}")

    assert (entry["status"], entry.get("stderr", stderr)) == (result.returncode, stderr)
    if "stderr_starts" in entry:
        assert stderr.startswith(entry["stderr_starts"]), stderr
    assert "Traceback" not in stderr or entry.get("stderr_starts") == "Traceback"
    assert [s for s in entry.get("stdout_has", []) if s not in printed] == []
    assert [s for s in [*PRIVATE, *entry.get("stdout_lacks", [])] if s in printed] == []


def test_every_file_of_the_corpus_is_in_the_manifest() -> None:
    kinds = ("log", "policy", "mapping", "case")
    listed = {e["file"] for kind in kinds for e in MANIFEST[kind]}
    listed |= {f for e in MANIFEST["command"] for f in e.get("files", [])}
    listed |= {
        f"plugins/{m}.py" for e in MANIFEST["command"] for m in e.get("plugins", []) if "." not in m
    }
    stored = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name != "manifest.toml"
    }
    generated = {e["file"] for e in MANIFEST["log"] if "generate" in e}

    assert (stored - listed, generated & stored) == (set(), set())
    assert sorted(listed - stored) == sorted(generated)


def test_every_entry_says_why_it_is_there_and_what_it_may_cost() -> None:
    missing = [e["file"] for e in MANIFEST["log"] if not e.get("why") or not e.get("bound")]

    assert missing == []


# -- a sentinel in every field -------------------------------------------------------------
#
# No message quotes a value from the input (docs/reliability.md, "No value from the input in
# any message"): a field that holds a name or an e-mail address is named, its value described
# by kind and length.  hostile_sentinel.py writes the inputs; each test looks for the sentinel
# in everything a user sees.


# Shown by design, in code this corpus does not own: the report lists the activities no
# model or alias maps, by name and count, so that a user can map them (auditing.py,
# report/), and a finding's evidence in the JSON report gives each event's channel
# (report/).  An activity or a channel named after a person shows there.
_SHOWN = {
    "activity": pytest.mark.xfail(
        reason="the report lists unmapped activity names (auditing.py, report/)", strict=True
    ),
    "channel": pytest.mark.xfail(
        reason="the JSON report's evidence gives each event's channel (report/)", strict=True
    ),
}


def _sentinel_params() -> list[Any]:
    return [
        pytest.param(
            reader,
            field,
            form,
            id=f"{reader}-{field}-{n}",
            marks=[_SHOWN[field]] if field in _SHOWN else [],
        )
        for reader in sorted(sentinel.READERS)
        for field in sentinel.FIELDS
        for n, form in enumerate(sentinel.FORMS)
    ]


@pytest.mark.parametrize(("reader", "field", "form"), _sentinel_params())
def test_no_reader_quotes_a_field_in_any_output(
    reader: str, field: str, form: str, tmp_path: Path
) -> None:
    name, write = sentinel.READERS[reader]
    path = tmp_path / name
    path.write_text(write(sentinel.events_with(field, form)), encoding="utf-8")

    report = audit(path, policy=Policy())

    # Every record is accounted for, the hostile one as an event or an input error.
    i = report.input
    assert i.lines == i.events + i.rejected + i.unmapped + i.after_as_of
    for error in report.errors:
        assert sentinel.SENTINEL not in str(error)
    if field in sentinel.IDS:
        report = redact(report, "s3cret")
    check_outputs(report, [sentinel.SENTINEL])


@pytest.mark.parametrize("reader", sorted(sentinel.READERS))
@pytest.mark.parametrize("field", ["timestamp", "scheduled_for", "started_at"])
def test_a_time_outside_the_calendar_is_an_input_error_with_its_place(
    reader: str, field: str, tmp_path: Path
) -> None:
    # Year 0, month 13, 24:00, a leap second, 30 February: one input error each, naming the
    # record and the field, and the rest of the log read.
    name, write = sentinel.READERS[reader]
    events = [e for t in sentinel.OFF_CALENDAR for e in sentinel.events_with(field, t)[1:]]
    path = tmp_path / name
    path.write_text(write(sentinel.events_with("channel", "portal")[:1] + events), "utf-8")

    report = audit(path, policy=Policy())

    assert (report.input.events, report.input.rejected) == (1, len(sentinel.OFF_CALENDAR))
    for error in report.errors:
        message = str(error)
        assert error.line is not None or error.element is not None, message
        assert field in message or "time:timestamp" in message or "time" in message, message
        for text in sentinel.OFF_CALENDAR:
            assert text[:19] not in message, message


@pytest.mark.parametrize("system", sorted(sentinel.EXPORTS))
def test_no_importer_quotes_a_field_in_any_message(system: str, tmp_path: Path) -> None:
    from cx_rules.importers import ImportResult, get_importer

    importer = get_importer(sentinel.EXPORTS[system][0])
    tried = 0
    for field, files in sentinel.export_variants(system, tmp_path):
        result = ImportResult.of(importer.read(files))
        said = [
            *(str(e) for e in result.errors),
            *(str(w) for w in result.warnings),
            *result.skipped,
            *result.partial.values(),
        ]
        assert [s for s in said if sentinel.SENTINEL in s] == [], field
        tried += 1
    assert tried >= 5


@pytest.mark.parametrize("system", sorted(sentinel.EXPORTS))
@pytest.mark.parametrize("number", range(len(sentinel.OFF_CALENDAR_EDITS)))
def test_an_importer_refuses_a_time_outside_the_calendar_with_its_place(
    system: str, number: int, tmp_path: Path
) -> None:
    # Every time field of the fixture export in turn: the year 0, month 13, 24:00, a leap
    # second, 30 February.  Nothing raises; each refusal names its place, not the time.
    from cx_rules.importers import ImportResult, get_importer

    importer = get_importer(sentinel.EXPORTS[system][0])
    made: set[str] = set()

    def edit(text: str) -> str:
        made.add(changed := sentinel.OFF_CALENDAR_EDITS[number](text))
        return changed

    refused = 0
    for field, files in sentinel.time_variants(system, tmp_path, edit):
        result = ImportResult.of(importer.read(files))
        for error in result.errors:
            assert error.line is not None or error.element is not None, field
            # Neither the time nor its date and hour.
            assert [t for t in made if t[:13] in error.message] == [], error.message
        refused += len(result.errors)
    assert made
    assert refused > 0
