"""The service as a user runs it: ``cx-rules serve`` in a subprocess, driven over HTTP."""

from __future__ import annotations

import concurrent.futures
import json
import random
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from conftest import READER, TOKEN, Server
from cx_rules.jsonforms import SCHEMAS

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def event(activity: str, at: str, eid: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"activity": activity, "timestamp": at, **extra}
    if eid:
        body["event_id"] = eid
    return body


APPLIED = event("application_received", "2026-03-02T09:00:00+01:00", "e1", channel="portal")


def test_record_read_and_the_shapes_match_their_schemas(server: Server) -> None:
    with server.client() as http:
        answer = http.post("/v1/cases/c1/events", json=APPLIED)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["duplicate"] is False
        for finding in body["findings"]:
            jsonschema.validate(finding, SCHEMAS["finding"])
        read = http.get("/v1/cases/c1").json()
        assert read["state"] == "applied"
        assert read["version"] == 1
        assert {o["code"] for o in read["obligations"]} >= {"CX401"}
        for due in read["obligations"]:
            jsonschema.validate(due, SCHEMAS["due"])
        assert http.get("/v1/cases/nobody").status_code == 404


def test_a_repeat_is_dropped_and_a_reused_id_is_a_conflict(server: Server) -> None:
    with server.client() as http:
        http.post("/v1/cases/c1/events", json=APPLIED)
        again = http.post("/v1/cases/c1/events", json=APPLIED)
        assert again.status_code == 200
        assert again.json()["duplicate"] is True
        other = dict(APPLIED, timestamp="2026-03-02T09:05:00+01:00")
        clash = http.post("/v1/cases/c1/events", json=other)
        assert clash.status_code == 409
        assert clash.json()["error"] == "event_conflict"
        assert "new event_id" in clash.json()["message"]
        assert http.get("/v1/cases/c1").json()["events"] == 1


def test_forty_concurrent_late_deliveries_are_all_recorded(server: Server) -> None:
    """Deliveries with increasing timestamps arrive in any order: none is refused."""
    bodies = [
        event("question_received", f"2026-03-02T{10 + i // 60:02d}:{i % 60:02d}:00+01:00", f"q{i}")
        for i in range(40)
    ]
    random.Random(7).shuffle(bodies)
    with server.client() as http:
        http.post("/v1/cases/c1/events", json=APPLIED)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(lambda b: http.post("/v1/cases/c1/events", json=b).status_code, bodies)
            )
        assert codes == [200] * 40
        assert http.get("/v1/cases/c1?findings=false").json()["events"] == 41


def test_bad_input_names_the_field(server: Server) -> None:
    with server.client() as http:
        naive = http.post("/v1/cases/c1/events", json=event("applied", "2026-03-02T09:00:00"))
        assert naive.status_code == 400
        assert naive.json()["field"] == "timestamp"
        assert "no time zone" in naive.json()["message"]
        extra = http.post("/v1/cases/c1/events", json={**APPLIED, "colour": "blue"})
        assert extra.status_code == 400
        assert extra.json()["field"] == "colour"
        not_json = http.post("/v1/cases/c1/events", content=b"{nope")
        assert not_json.status_code == 400
        assert "not JSON" in not_json.json()["message"]
        other_case = http.post("/v1/cases/c1/events", json={**APPLIED, "case_id": "c2"})
        assert other_case.status_code == 400


def test_an_unknown_activity_is_its_own_error_with_close_matches(server: Server) -> None:
    with server.client() as http:
        answer = http.post(
            "/v1/cases/c1/events", json=event("interveiw_held", "2026-03-02T09:00:00Z")
        )
        assert answer.status_code == 422
        body = answer.json()
        assert body["error"] == "unknown_activity"
        assert body["activity"] == "interveiw_held"
        assert "interview_held" in body["suggestions"]


def test_aliases_normalise_channels_before_an_enforced_rule(
    make_server: type[Server], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'enforce = ["CX102"]\n[aliases.channels]\n"google hangouts" = "video"\n', encoding="utf-8"
    )
    s = make_server(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", policy=str(policy)).start()
    steps = [
        event("application_received", "2026-02-16T09:00:00+01:00"),
        event("interview_scheduled", "2026-02-18T11:00:00+01:00", channel="email"),
        event("interview_held", "2026-02-26T13:00:00+01:00", channel="Meeting"),
    ]
    with s.client() as http:
        for n, channel in enumerate(
            ["Phone", "PHONE", " phone", "telephone", "teams", "zoom", "Google Hangouts"]
        ):
            for step in steps:
                assert http.post(f"/v1/cases/k{n}/events", json=step).status_code == 200
            rejection = event(
                "rejected",
                "2026-03-02T15:00:00+01:00",
                channel=channel,
                attributes={"reason": "another candidate had more experience"},
            )
            answer = http.post(f"/v1/cases/k{n}/events", json=rejection)
            assert answer.status_code == 200, (channel, answer.text)
        for step in steps:
            http.post("/v1/cases/mail/events", json=step)
        refused = http.post(
            "/v1/cases/mail/events",
            json=event("rejected", "2026-03-02T15:00:00+01:00", channel="E-mail"),
        )
        assert refused.status_code == 422
        assert refused.json()["error"] == "refused"
        assert [f["code"] for f in refused.json()["findings"]] == ["CX102"]
        assert http.get("/v1/cases/mail?findings=false").json()["state"] != "rejected"
        preview = http.post(
            "/v1/cases/mail/preview",
            json=event("rejected", "2026-03-02T15:00:00+01:00", channel="email"),
        ).json()
        assert preview["would_record"] is False
        assert [f["code"] for f in preview["blocked"]] == ["CX102"]


def test_tokens_scopes_and_no_write_without_one(server: Server) -> None:
    with server.client(token=None) as anonymous:
        assert anonymous.post("/v1/cases/c1/events", json=APPLIED).status_code == 401
        assert anonymous.get("/v1/cases/c1").status_code == 401
        assert anonymous.get("/v1/rules").status_code == 200
    with server.client(token="wrong-token-0123456789") as wrong:
        assert wrong.post("/v1/cases/c1/events", json=APPLIED).status_code == 401
    with server.client(token=READER) as reader:
        denied = reader.post("/v1/cases/c1/events", json=APPLIED)
        assert denied.status_code == 403
        assert "record" in denied.json()["message"]
        assert reader.post("/v1/audit", content=b"").status_code == 403
    tokens = server.tokens.read_text()
    assert TOKEN not in tokens, "tokens are stored hashed"
    assert READER not in tokens


def test_size_and_rate_limits(make_server: type[Server], tmp_path: Path) -> None:
    s = make_server(
        tmp_path,
        f"sqlite:///{tmp_path / 'l.db'}",
        CX_RULES_RATE="5",
        CX_RULES_BURST="5",
        CX_RULES_MAX_BODY="2000",
    ).start()
    with s.client() as http:
        big = {**APPLIED, "attributes": {"note": "x" * 5000}}
        assert http.post("/v1/cases/c1/events", json=big).status_code == 413
        codes = [http.get("/v1/cases/c1").status_code for _ in range(20)]
        assert 429 in codes
        assert http.get("/v1/cases/c1").headers.get("retry-after") == "1"


def test_cors_is_off_by_default(server: Server) -> None:
    answer = httpx.options(
        f"{server.url}/v1/rules",
        headers={"Origin": "https://ats.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in answer.headers


def test_the_due_list_pages_with_the_responsible_person(server: Server) -> None:
    with server.client() as http:
        for i in range(7):
            body = event(
                "application_received",
                f"2026-03-0{2 + i % 3}T09:00:00+01:00",
                f"a{i}",
                actor="recruiter-17" if i % 2 else None,
            )
            assert http.post(f"/v1/cases/c{i}/events", json=body).status_code == 200
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"now": "2026-03-20T00:00:00Z", "limit": "4"}
            if cursor:
                params["cursor"] = cursor
            page = http.get("/v1/due", params=params).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        keys = [(d["due"], d["case_id"], d["code"], d["key"]) for d in seen]
        assert len(keys) == len(set(keys)) == 21  # three obligations on each of 7 cases
        assert all(d["overdue"] for d in seen)
        assert {d["responsible"] for d in seen if d["case_id"] == "c1"} == {"recruiter-17"}
        bad = http.get("/v1/due", params={"now": "2026-03-20T00:00:00Z", "cursor": "zz"})
        assert bad.status_code == 400
        assert http.get("/v1/due").json()["message"].startswith("now: required")


def test_audit_an_uploaded_log(server: Server) -> None:
    lines = [
        {
            "case_id": "a1",
            "activity": "application_received",
            "timestamp": "2026-03-02T09:00:00+01:00",
        },
        {
            "case_id": "a1",
            "activity": "rejected",
            "timestamp": "2026-03-20T09:00:00+01:00",
            "channel": "email",
        },
    ]
    log = "".join(json.dumps(line) + "\n" for line in lines).encode()
    with server.client() as http:
        answer = http.post("/v1/audit", content=log, params={"format": "jsonl"})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["schema"] == "cx-rules.report/1"
        assert report["input"]["files"] == ["upload.jsonl"]
        text = http.post("/v1/audit", content=log, params={"report": "text"})
        assert text.text.count("Score: ") == 1
        broken = http.post("/v1/audit", content=b'{"case_id": 1}\n', params={"format": "jsonl"})
        assert broken.status_code == 200
        assert "tmp" not in broken.text
        assert "missing required field 'activity'" in broken.text
        assert http.post("/v1/audit", content=log, params={"format": "xml"}).status_code == 400


def test_health_readiness_metrics_and_documents(server: Server) -> None:
    with server.client() as http:
        http.post("/v1/cases/c1/events", json=APPLIED)
        http.post("/v1/cases/c1/events", json=event("nonsense", "2026-03-02T09:00:00Z"))
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json() == {"status": "ready"}
        metrics = http.get("/metrics").text
        assert 'cx_records_total{outcome="new"} 1' in metrics
        assert 'cx_refusals_total{reason="unknown_activity"} 1' in metrics
        assert 'cx_request_seconds_bucket{route="record",le="+Inf"} 2' in metrics
        assert "c1" not in metrics
        document = http.get("/v1/openapi.json").json()
        assert document["openapi"] == "3.1.0"
        assert "/v1/cases/{case_id}/events" in document["paths"]
        assert http.get("/v1/schemas/event").json()["title"] == "cx-rules event"
        rule = http.get("/v1/rules/cx102").json()
        assert rule["code"] == "CX102"
        assert "personal" in rule["explanation"].lower()


def test_the_log_holds_no_case_ids_or_message_text(server: Server) -> None:
    secret_case = "candidate-jane-doe-4711"
    with server.client() as http:
        body = event(
            "application_received", "2026-03-02T09:00:00Z", attributes={"text": "Dear Jane"}
        )
        http.post(f"/v1/cases/{secret_case}/events", json=body)
        http.get(f"/v1/cases/{secret_case}")
    server.stop()
    log = server.log.read_text()
    assert "record 200 ats" in log
    assert secret_case not in log
    assert "Dear Jane" not in log


def test_an_event_the_model_does_not_allow_is_reported_not_kept(server: Server) -> None:
    with server.client() as http:
        http.post("/v1/cases/c1/events", json=APPLIED)
        offer = http.post(
            "/v1/cases/c1/events", json=event("offer_accepted", "2026-03-03T09:00:00+01:00", "o1")
        ).json()
        assert offer["recorded"] is False
        assert [f["code"] for f in offer["findings"] if f["outcome"] == "violated"] == ["CX001"]
        assert http.get("/v1/cases/c1?findings=false").json()["events"] == 1


@pytest.mark.parametrize("limit", ["\u00b2", "1" * 5000, "-1", "0x10"])
def test_a_query_number_that_is_not_plain_digits_is_a_400(server: Server, limit: str) -> None:
    with server.client() as http:
        response = http.get("/v1/due", params={"now": "2026-03-20T00:00:00Z", "limit": limit})
    assert response.status_code == 400
    assert response.json()["field"] == "limit"
