"""Interoperability: pm4py's recruiting-red OCEL 1.0 log, read through the example mapping.

The log lives outside the repository (``<repo root>/../shared/data``); the test is skipped
where it is absent.  Nothing from it is copied into the repository.
"""

from collections import Counter
from pathlib import Path

import pytest

from cx_rules import ACTIVITIES, Event
from cx_rules.io import InputError, LogMapping, read_path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT.parent / "shared" / "data" / "recruiting-red.jsonocel"
MAPPING = ROOT / "examples" / "mappings" / "recruiting-red.toml"

pytestmark = pytest.mark.skipif(not LOG.is_file(), reason=f"{LOG} is not available")


@pytest.fixture(scope="module")
def read():
    stream = read_path(LOG, mapping=LogMapping.load(MAPPING))
    records = list(stream)
    return records, dict(stream.skipped)


def test_every_event_is_read_and_none_is_skipped(read):
    records, skipped = read
    assert len(records) == 6607
    assert sum(isinstance(r, InputError) for r in records) == 0
    assert skipped == {}
    assert len({r.case_id for r in records if isinstance(r, Event)}) == 916


def test_activities_after_mapping(read):
    records, _ = read
    assert Counter(r.activity for r in records) == {
        "application_received": 916,
        "screening_started": 916,
        "interview_scheduled": 446,
        "interview_held": 446,
        "offer_made": 135,
        "offer_accepted": 89,
        "offer_declined": 46,
        "rejected": 781,
        "assign recruiter": 916,
        "check references": 729,
        "consult manager": 729,
        "assign vacancy": 458,
    }
    unmapped = {r.activity for r in records} - set(ACTIVITIES)
    assert {"assign recruiter", "check references", "consult manager", "assign vacancy"} == unmapped


def test_offers_are_carried_and_times_are_utc(read):
    records, _ = read
    with_offer = [r for r in records if "offer_id" in r.attributes]
    assert len(with_offer) == 270
    assert {"offer_made", "offer_accepted", "offer_declined"} == {r.activity for r in with_offer}
    assert {0.0} == {r.timestamp.utcoffset().total_seconds() for r in records}


def test_each_case_is_in_time_order_in_the_file(read):
    records, _ = read
    last = {}
    for record in records:
        assert record.timestamp >= last.get(record.case_id, record.timestamp)
        last[record.case_id] = record.timestamp
    first = Counter(r.case_id for r in records if r.activity == "application_received")
    assert {1} == set(first.values())


def test_the_log_audits_end_to_end():
    from cx_rules import audit

    report = audit(LOG, mapping=LogMapping.load(MAPPING))
    summary = report.input
    assert (summary.lines, summary.events, summary.cases, summary.rejected) == (6607, 3775, 916, 0)
    assert dict(summary.unmapped_activities) == {
        "assign recruiter": 916,
        "assign vacancy": 458,
        "check references": 729,
        "consult manager": 729,
    }
    assert summary.lines == summary.events + summary.rejected + sum(
        summary.unmapped_activities.values()
    )
    tallies = {r.code: r.tally for r in report.rules}
    # The simulated process never breaks the state machine...
    assert (tallies["CX001"].passed, tallies["CX001"].violated) == (3775, 0)
    # ...but it records no reasons, no channels and no acknowledgements: exactly what an
    # auditor of this export should be told, rather than blame the recruiters for.
    assert tallies["CX101"].unknown == 781
    assert tallies["CX102"].unknown == 311
    assert (tallies["CX401"].judged, tallies["CX401"].unknown) == (0, 916)
    assert report.not_recorded["CX401"] == (
        "not recorded in this log: no application_acknowledged or status_update_sent or "
        "process_info_sent in 916 cases"
    )
    assert report.not_recorded["CX101"] == (
        "not recorded in this log: no rejected.reason on the rejected events of 781 cases"
    )
