"""The importer framework: coverage, strict values, export files, registration."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import ACTIVITIES, PluginError, Rule, Severity, hookimpl
from cx_rules.coverage import Coverage, uncovered_rules
from cx_rules.importers import (
    ImportProblem,
    ImportResult,
    ImportStream,
    InputWarning,
    Partial,
    UnknownSystem,
    epoch_ms,
    get_importer,
    html_to_text,
    identifier,
    importers,
    message_text,
    vendor_time,
)
from cx_rules.importers.greenhouse import Greenhouse
from cx_rules.importers.sources import csv_rows, json_records
from cx_rules.io.records import InputError, LogError
from cx_rules.io.stream import Place, Skip
from cx_rules.plugins import collect_importers, collect_rules, plugin_manager
from cx_rules.testing import event

# -- coverage --------------------------------------------------------------------------------

COVERAGE = Coverage(
    "acme",
    produces={"rejected", "rejected.reason", "interview_held"},
    never={"interview_held.started_at": "no start times"},
)


def test_coverage_records_activities_attributes_and_alternatives() -> None:
    assert COVERAGE.records("rejected")
    assert COVERAGE.records("rejected.reason")
    assert not COVERAGE.records("rejected.channel")
    assert COVERAGE.records("thank_you_sent|rejected.reason")
    assert not COVERAGE.records("interview_held.started_at|interview_held.delay_minutes")
    assert COVERAGE.activities == {"rejected", "interview_held"}
    assert COVERAGE.attributes == {"rejected": frozenset({"reason"})}


def test_lacks_names_each_missing_key_with_the_systems_reason() -> None:
    assert COVERAGE.lacks({"rejected", "rejected.reason"}) is None
    assert COVERAGE.lacks({"interview_held.started_at", "feedback_given"}) == (
        "not recorded by this source (acme): feedback_given (not produced by the acme "
        "importer), interview_held.started_at (no start times)"
    )


def test_a_coverage_cannot_produce_and_never_record_one_key() -> None:
    with pytest.raises(ValueError, match="rejected both produced and never recorded"):
        Coverage("x", produces={"rejected"}, never={"rejected": "no"})
    with pytest.raises(ValueError, match=r"rejected\.reason is produced but activity rejected"):
        Coverage("x", produces={"rejected.reason"})


def test_every_built_in_rule_declares_evidence_but_the_process_rules() -> None:
    rules = collect_rules(plugin_manager(autoload=False))
    assert len(rules) == 22
    empty = sorted(code for code, info in rules.items() if not info.rule.evidence)
    assert empty == ["CX000", "CX001", "CX002", "CX003"]
    for info in rules.values():
        for key in info.rule.evidence:
            for alternative in key.split("|"):
                assert alternative.partition(".")[0] in ACTIVITIES


def test_a_plugin_rule_with_malformed_evidence_is_refused() -> None:
    class Bad(Rule):
        code = "ACME900"
        name = "bad-evidence"
        practice = "x"
        severity = Severity.INFO
        evidence = ("rejected",)  # type: ignore[assignment]

    pm = plugin_manager(autoload=False)
    pm.register(_Rules(Bad), name="acme")
    with pytest.raises(PluginError, match="evidence must be a frozenset of evidence keys"):
        collect_rules(pm)


class _Rules:
    def __init__(self, *rules: type[Rule]) -> None:
        self.rules = rules

    @hookimpl
    def cx_rules_rules(self):  # type: ignore[no-untyped-def]
        return self.rules


def test_uncovered_rules_for_greenhouse() -> None:
    rules = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]
    found = uncovered_rules(rules, Greenhouse.coverage)
    assert sorted(found) == [
        "CX103",
        "CX301",
        "CX302",
        "CX402",
        "CX403",
        "CX406",
        "CX501",
        "CX502",
        "CX503",
    ]
    assert found["CX403"].startswith("not recorded by this source (greenhouse): ")


# -- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-19T13:02:44.517Z", datetime(2026, 3, 19, 13, 2, 44, 517000, tzinfo=UTC)),
        ("2026-03-19T13:02:44Z", datetime(2026, 3, 19, 13, 2, 44, tzinfo=UTC)),
        ("2026-03-19 13:02:44.517 UTC", datetime(2026, 3, 19, 13, 2, 44, 517000, tzinfo=UTC)),
        ("2026-03-19 13:02:44.517 +0000", datetime(2026, 3, 19, 13, 2, 44, 517000, tzinfo=UTC)),
        ("2026-03-19 13:02:44.517+00", datetime(2026, 3, 19, 13, 2, 44, 517000, tzinfo=UTC)),
        (
            "2026-03-19T14:02:44+01:00",
            datetime(2026, 3, 19, 14, 2, 44, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_vendor_time_reads_documented_timestamps(text: str, expected: datetime) -> None:
    assert vendor_time(text, "created_at") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-19T13:02:44", "created_at: a 19-character string is not an ISO 8601 timestamp"),
        ("2026-03-19", "is not an ISO 8601 timestamp with a zone"),
        ("yesterday", "is not an ISO 8601 timestamp with a zone"),
        (None, "created_at: expected an ISO 8601 timestamp with a zone, got null"),
        (1773925364517, "got a number"),
    ],
)
def test_vendor_time_refuses_what_has_no_zone(value: object, message: str) -> None:
    with pytest.raises(ImportProblem, match=message.replace("(", r"\(")):
        vendor_time(value, "created_at")


def test_epoch_ms_reads_numbers_and_digit_strings_and_refuses_seconds() -> None:
    moment = datetime(2026, 3, 19, 13, 2, 44, 517000, tzinfo=UTC)
    assert epoch_ms(1773925364517, "updatedAt") == moment
    assert epoch_ms("1773925364517", "updatedAt") == moment
    assert epoch_ms(1773925364517.0, "updatedAt") == moment
    with pytest.raises(ImportProblem, match="too small for epoch milliseconds"):
        epoch_ms(1773925364, "updatedAt")
    with pytest.raises(ImportProblem, match="got a boolean"):
        epoch_ms(True, "updatedAt")
    with pytest.raises(ImportProblem, match="too large"):
        epoch_ms(10**16, "updatedAt")
    with pytest.raises(ImportProblem, match="updatedAt: expected epoch milliseconds, got a string"):
        epoch_ms("2026-03-19", "updatedAt")


def test_identifier_takes_numbers_and_strings() -> None:
    assert identifier(71001, "id") == "71001"
    assert identifier(" a-1 ", "id") == "a-1"
    for bad in (None, "", True, 1.5, []):
        with pytest.raises(ImportProblem, match="id: expected an id"):
            identifier(bad, "id")


def test_html_to_text_keeps_the_words_and_the_lines() -> None:
    html = (
        "<html><head><style>p { color: red }</style><title>x</title></head><body>"
        "<p>Dear candidate,</p><p>Thank you&nbsp;for your <b>time</b>.<br>Best,<br/>Maja</p>"
        "<script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == "Dear candidate,\n\nThank you for your time.\nBest,\nMaja"
    assert html_to_text("<p>a &amp; b &lt; c</p>") == "a & b < c"
    assert html_to_text("<div><p unclosed>broken <i>html") == "broken html"


def test_message_text_converts_html_and_keeps_plain_text() -> None:
    assert message_text("Plain 1 < 2 text ", "body") == "Plain 1 < 2 text"
    assert message_text("<p>Hi</p>", "body") == "Hi"
    assert message_text("   ", "body") is None
    assert message_text(None, "body") is None
    with pytest.raises(ImportProblem, match="body: expected the message text"):
        message_text(3, "body")


@given(st.text())
def test_html_to_text_never_fails(text: str) -> None:
    assert isinstance(html_to_text(text), str)


# -- export files ----------------------------------------------------------------------------


def test_json_records_of_an_array_an_object_and_json_lines(tmp_path) -> None:
    (tmp_path / "a.json").write_text('[{"id": 1}, {"id": 2}]', encoding="utf-8")
    (tmp_path / "o.json").write_text('{"id": 3}', encoding="utf-8")
    (tmp_path / "l.jsonl").write_text('{"id": 4}\n\nnot json\n{"id": 5}\n', encoding="utf-8")
    (tmp_path / "lines.json").write_text('{"id": 6}\n{"id": 7}\n', encoding="utf-8")
    with gzip.open(tmp_path / "z.json.gz", "wt", encoding="utf-8") as handle:
        handle.write('[{"id": 8}]')

    assert list(json_records(str(tmp_path / "a.json"))) == [
        (Place(None, "[0]"), {"id": 1}),
        (Place(None, "[1]"), {"id": 2}),
    ]
    assert list(json_records(str(tmp_path / "o.json"))) == [(Place(None, None), {"id": 3})]
    lines = list(json_records(str(tmp_path / "l.jsonl")))
    assert lines[0] == (Place(1, None), {"id": 4})
    assert isinstance(lines[1], InputError)
    assert (lines[1].line, lines[1].message) == (3, "not JSON (Expecting value, column 1)")
    assert lines[2] == (Place(4, None), {"id": 5})
    assert [v for _, v in json_records(str(tmp_path / "lines.json"))] == [{"id": 6}, {"id": 7}]
    assert list(json_records(str(tmp_path / "z.json.gz"))) == [(Place(None, "[0]"), {"id": 8})]


def test_a_json_file_that_is_not_json_is_a_log_error(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1},\n oops]', encoding="utf-8")
    with pytest.raises(LogError, match=r"bad.json:2: not JSON \(Expecting value, column 2\)"):
        list(json_records(str(bad)))
    with pytest.raises(LogError, match="no such file"):
        list(json_records(str(tmp_path / "missing.json")))


def test_csv_rows_check_the_header(tmp_path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n\n3,4,5\n", encoding="utf-8")
    rows = list(csv_rows(str(table), ("a", "b")))
    assert rows[0] == (Place(2, None), {"a": "1", "b": "2"})
    assert isinstance(rows[1], InputError)
    assert (rows[1].line, rows[1].message) == (4, "3 cells, but the header has 2")
    with pytest.raises(
        LogError, match=r"t.csv:1: the header lacks c \(expected the columns a, c\)"
    ):
        list(csv_rows(str(table), ("a", "c")))


# -- streams and results ---------------------------------------------------------------------


def test_an_import_stream_keeps_warnings_and_partial_cases_to_itself() -> None:
    one = event("c1", "application_received", "2026-03-02T09:00:00+00:00")
    error = InputError("f.json", None, "bad", "[1]")
    warning = InputWarning("f.json", None, "odd", "[2]")
    items = iter(
        [
            Place(None, "[0]"),
            one,
            Place(None, "[1]"),
            error,
            warning,
            Partial("c1", "why"),
            Skip("x"),
        ]
    )
    result = ImportResult.of(ImportStream(items, "f.json"))
    assert result == ImportResult((one,), (error,), (warning,), {"x": 1}, {"c1": "why"})
    assert str(warning) == "f.json ([2]): odd"


# -- registration ----------------------------------------------------------------------------


class _Plugin:
    def __init__(self, *found: object) -> None:
        self.found = found

    @hookimpl
    def cx_rules_importers(self):  # type: ignore[no-untyped-def]
        return self.found


class _Other(Greenhouse):
    name = "acme"
    coverage = COVERAGE


def test_built_in_importers_come_through_the_hook() -> None:
    pm = plugin_manager(autoload=False)
    infos = collect_importers(pm)
    assert {name: info.plugin for name, info in infos.items()} == dict.fromkeys(
        ("greenhouse", "lever", "merge", "odoo", "smartrecruiters", "teamtailor", "workable"),
        "cx_rules.importers",
    )
    assert isinstance(get_importer("Greenhouse", pm), Greenhouse)


def test_a_plugin_adds_a_system_the_same_way() -> None:
    pm = plugin_manager(autoload=False)
    pm.register(_Plugin(_Other()), name="acme_cx")
    built_in = list(collect_importers(plugin_manager(autoload=False)))
    assert list(importers(pm)) == sorted(["acme", *built_in])


def test_two_plugins_claiming_one_system_are_refused_by_name() -> None:
    pm = plugin_manager(autoload=False)
    pm.register(_Plugin(Greenhouse()), name="copycat")
    with pytest.raises(
        PluginError,
        match=r"importer 'greenhouse' is offered twice: by plugin 'cx_rules\.importers' and by "
        r"plugin 'copycat'",
    ):
        collect_importers(pm)


@pytest.mark.parametrize(
    ("importer", "message"),
    [
        (object(), "without a lower-case, kebab-case name"),
        (type("Bad", (Greenhouse,), {"name": "Bad Name"})(), "without a lower-case"),
        (type("NoCov", (Greenhouse,), {"name": "nocov"})(), "needs a coverage"),
    ],
)
def test_malformed_importers_are_refused(importer: object, message: str) -> None:
    pm = plugin_manager(autoload=False)
    pm.register(_Plugin(importer), name="broken")
    with pytest.raises(PluginError, match=message):
        collect_importers(pm)


def test_an_unknown_system_names_the_known_ones() -> None:
    with pytest.raises(
        UnknownSystem, match=r"no importer for 'nosuch' \(known systems: ([a-z-]+, )*greenhouse[,;]"
    ):
        get_importer("nosuch", plugin_manager(autoload=False))
