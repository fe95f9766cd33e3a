"""The service quotes no value of a request in a reply: the hostile corpus's sentinel
(``tests/hostile_sentinel.py``) in every field of every endpoint that reads one.

An event's fields and attributes, the query parameters, a webhook's action, event name and
every field of its application, an uploaded log's fields: each reply (status, error message,
skipped reason, report) names the field and what was expected, never the value.  Ids (case,
event, actor) are the caller's own keys and are given back by design.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from test_service_webhooks import gh_headers, greenhouse, lever_deliveries, lever_signed

import hostile_sentinel as sentinel
from conftest import Server

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

S = sentinel.SENTINEL
APPLIED = {"activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}


def _events() -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    for form in sentinel.FORMS:
        bodies += [
            {**APPLIED, "timestamp": form},
            {**APPLIED, "channel": form},
            {**APPLIED, "attributes": {"text": form, "reason": form}},
            {**APPLIED, "attributes": {"started_at": form}, "times": ["started_at"]},
            {**APPLIED, "attributes": {"started_at": form}},
            {**APPLIED, "attributes": {"thanked": form, "delay_minutes": form}},
            {**APPLIED, "attributes": {"items": form, "scheduled_for": form}},
        ]
        # Not here: a name in "times" and a key that is not a field are named back (names
        # and keys are the input's structure, docs/reliability.md).
    return bodies + [{**APPLIED, "timestamp": t} for t in sentinel.OFF_CALENDAR]


def test_no_reply_to_an_event_quotes_its_values(server: Server) -> None:
    with server.client() as http:
        for n, body in enumerate(_events()):
            for path in ("events", "preview"):
                answer = http.post(f"/v1/cases/c{n}/{path}", json=body)
                assert answer.status_code in (200, 201, 400, 422), answer.text
                assert S not in answer.text, (body, answer.text)
                for time in sentinel.OFF_CALENDAR:
                    assert time not in answer.text, answer.text


def test_no_reply_quotes_a_query_parameter(server: Server) -> None:
    with server.client() as http:
        http.post("/v1/cases/c1/events", json=APPLIED)
        for form in (*sentinel.FORMS, *sentinel.OFF_CALENDAR):
            for name in ("now", "within", "limit", "cursor"):
                params = {"now": "2026-03-10T00:00:00Z", name: form}
                answer = http.get("/v1/due", params=params)
                assert answer.status_code == 400, answer.text
                assert form not in answer.text, answer.text
                assert S not in answer.text, answer.text
                assert answer.json()["field"] == name
            for endpoint in ("/v1/cases/c1", "/v1/rules"):
                answer = http.get(endpoint, params={"findings": form, "as_of": form})
                assert S not in answer.text, answer.text
            audit = http.post("/v1/audit", content=b"", params={"format": form, "as_of": form})
            assert audit.status_code == 400
            assert S not in audit.text, audit.text


def test_no_reply_to_a_webhook_quotes_its_fields(server: Server) -> None:
    delivery = json.loads(greenhouse("new_candidate_application"))
    application = delivery["payload"]["application"]
    paths = sorted(p for p in sentinel._leaves(application) if p and p[-1] != "id")
    bodies = [{**delivery, "action": form} for form in sentinel.FORMS]
    for path in paths:
        bodies.append(
            {**delivery, "payload": {"application": sentinel._replace(application, path, S)}}
        )
    with server.client(token=None) as http:
        for body in bodies:
            raw = json.dumps(body).encode()
            answer = http.post("/v1/webhooks/greenhouse", content=raw, headers=gh_headers(raw))
            assert answer.status_code in (200, 202, 400, 409, 422), answer.text
            assert S not in answer.text, (body, answer.text)
        first = lever_deliveries()[0]
        for form in sentinel.FORMS:
            for changed in ({"event": form}, {"data": {**first["data"], "toStageId": form}}):
                signed = lever_signed({**copy.deepcopy(first), **changed})
                answer = http.post("/v1/webhooks/lever", json=signed)
                assert S not in answer.text, answer.text


# As in the corpus's readers: the report lists unmapped activity names and the JSON report's
# evidence gives each event's channel, by design of code the service does not own.
_SHOWN = {
    "activity": pytest.mark.xfail(reason="unmapped activity names (auditing.py)", strict=True),
    "channel": pytest.mark.xfail(reason="evidence gives the channel (report/)", strict=True),
}


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(f, marks=[_SHOWN[f]] if f in _SHOWN else [])
        for f in sentinel.FIELDS
        if f not in sentinel.IDS
    ],
)
def test_an_audited_upload_quotes_no_field(server: Server, field: str) -> None:
    with server.client() as http:
        for form in sentinel.FORMS:
            log = sentinel.jsonl(sentinel.events_with(field, form)).encode()
            for report in ("json", "text", "csv"):
                answer = http.post("/v1/audit", content=log, params={"report": report})
                assert answer.status_code in (200, 400), answer.text
                assert S not in answer.text, (report, answer.text)
