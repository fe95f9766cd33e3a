"""Greenhouse and Lever webhooks: signatures checked as documented, deliveries translated,
late and repeated deliveries handled, nothing acknowledged lost."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import GREENHOUSE_SECRET, LEVER_TOKEN, Server
from cx_rules.server.security import greenhouse_signature_ok, lever_signature_ok
from cx_rules.server.webhooks import lever_events

DATA = Path(__file__).parent / "data"


def greenhouse(name: str) -> bytes:
    return (DATA / f"greenhouse-{name}.json").read_bytes()


def gh_headers(body: bytes, secret: str = GREENHOUSE_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Signature": f"sha256 {digest}", "Content-Type": "application/json"}


def lever_signed(delivery: dict[str, Any], key: str = LEVER_TOKEN) -> dict[str, Any]:
    signed = copy.deepcopy(delivery)
    plain = f"{signed['token']}{signed['triggeredAt']}".encode()
    signed["signature"] = hmac.new(key.encode(), plain, hashlib.sha256).hexdigest()
    return signed


def lever_deliveries() -> list[dict[str, Any]]:
    return [lever_signed(d) for d in json.loads((DATA / "lever-deliveries.json").read_text())]


def test_the_greenhouse_signature_is_the_hmac_of_the_whole_body() -> None:
    body = greenhouse("reject_candidate")
    good = gh_headers(body)["Signature"]
    assert greenhouse_signature_ok(GREENHOUSE_SECRET, body, good)
    assert greenhouse_signature_ok(
        GREENHOUSE_SECRET, body, good.upper().replace("SHA256", "sha256")
    )
    assert not greenhouse_signature_ok(GREENHOUSE_SECRET, body + b" ", good)
    assert not greenhouse_signature_ok("another-secret", body, good)
    assert not greenhouse_signature_ok(GREENHOUSE_SECRET, body, good.replace("sha256 ", "sha1 "))
    assert not greenhouse_signature_ok(GREENHOUSE_SECRET, body, None)


def test_the_lever_signature_covers_token_and_triggered_at() -> None:
    delivery = lever_deliveries()[0]
    assert lever_signature_ok(LEVER_TOKEN, delivery)
    assert not lever_signature_ok("another-token", delivery)
    assert not lever_signature_ok(LEVER_TOKEN, {**delivery, "triggeredAt": 1772442000001})
    assert not lever_signature_ok(LEVER_TOKEN, {**delivery, "token": "forged"})
    assert not lever_signature_ok(
        LEVER_TOKEN, {k: v for k, v in delivery.items() if k != "signature"}
    )


def test_lever_deliveries_become_events_with_stable_ids() -> None:
    deliveries = lever_deliveries()
    first = lever_events(deliveries[0], lambda _: None)
    (received,) = first.events
    assert received.activity == "application_received"
    assert received.case_id == "0b1f6a2e-7c1d-4a55-9f3e-2d8b7c6a5e41"
    assert received.timestamp.isoformat() == "2026-03-02T09:00:00+00:00"
    assert lever_events(deliveries[0], lambda _: None).events == first.events
    (archived,) = lever_events(deliveries[3], lambda _: None).events
    assert archived.activity == "rejected"
    assert archived.attributes["reason_id"] == "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"
    early = lever_signed({**deliveries[1], "data": {**deliveries[1]["data"]}})
    assert lever_events(early, lambda _: None).events[0].activity == "screening_started"
    bad = lever_events({**deliveries[0], "triggeredAt": 1772442000}, lambda _: None)
    assert bad.errors
    assert "too small for epoch milliseconds" in bad.errors[0]


def test_greenhouse_deliveries_are_recorded_once_in_any_order(server: Server) -> None:
    with server.client(token=None) as http:
        for name in ("reject_candidate", "new_candidate_application", "ping"):
            body = greenhouse(name)
            answer = http.post("/v1/webhooks/greenhouse", content=body, headers=gh_headers(body))
            assert answer.status_code == 200, answer.text
        body = greenhouse("reject_candidate")
        again = http.post("/v1/webhooks/greenhouse", content=body, headers=gh_headers(body))
        assert again.json() == {"recorded": 0, "duplicates": 2, "skipped": None, "errors": []}
        forged = http.post(
            "/v1/webhooks/greenhouse", content=body, headers=gh_headers(body, "guessed")
        )
        assert forged.status_code == 401
        unsigned = http.post("/v1/webhooks/greenhouse", content=body)
        assert unsigned.status_code == 401
    with server.client() as http:
        case = http.get("/v1/cases/8301174").json()
        assert case["state"] == "rejected"
        assert case["events"] == 2
        assert http.get("/v1/cases/8301175").json()["state"] == "applied"


def test_a_delivery_the_model_cannot_take_yet_is_not_acknowledged(server: Server) -> None:
    stage_change = lever_deliveries()[1]
    with server.client(token=None) as http:
        early = http.post("/v1/webhooks/lever", json=stage_change)
        assert early.status_code == 409
        assert "deliver it again later" in early.json()["errors"][0]
        assert http.post("/v1/webhooks/lever", json=lever_deliveries()[0]).status_code == 200
        assert http.post("/v1/webhooks/lever", json=stage_change).status_code == 200
    with server.client() as http:
        case = http.get("/v1/cases/0b1f6a2e-7c1d-4a55-9f3e-2d8b7c6a5e41?findings=false").json()
    assert case["state"] == "screening"


def test_a_malformed_greenhouse_application_is_a_clear_400(server: Server) -> None:
    delivery = json.loads(greenhouse("new_candidate_application"))
    delivery["payload"]["application"]["applied_at"] = "03/03/2026"
    body = json.dumps(delivery).encode()
    with server.client(token=None) as http:
        answer = http.post("/v1/webhooks/greenhouse", content=body, headers=gh_headers(body))
    assert answer.status_code == 400
    assert "applied_at" in answer.json()["message"]


def test_lever_deliveries_shuffled_and_repeated_lose_nothing(server: Server) -> None:
    deliveries = lever_deliveries()
    order = deliveries + deliveries[1:3]
    random.Random(3).shuffle(order)
    with server.client(token=None) as http:
        pending = order
        for _ in range(len(order)):  # as Lever does, a failed delivery is delivered again
            answers = [(d, http.post("/v1/webhooks/lever", json=d)) for d in pending]
            assert {a.status_code for _, a in answers} <= {200, 409}, [a.text for _, a in answers]
            pending = [d for d, a in answers if a.status_code == 409]
            if not pending:
                break
        assert pending == []
        assert (
            http.post(
                "/v1/webhooks/lever", json={**deliveries[0], "signature": "0" * 64}
            ).status_code
            == 401
        )
    with server.client() as http:
        case = http.get("/v1/cases/0b1f6a2e-7c1d-4a55-9f3e-2d8b7c6a5e41?findings=false").json()
    assert case["state"] == "rejected"
    # received, screening started, rejected: the later stage change has no activity of its own.
    assert case["events"] == 3


@pytest.mark.parametrize("vendor", ["greenhouse", "lever"])
def test_webhooks_without_a_secret_are_not_served(
    make_server: type[Server], tmp_path: Path, vendor: str
) -> None:
    s = make_server(
        tmp_path,
        f"sqlite:///{tmp_path / 'w.db'}",
        CX_RULES_GREENHOUSE_SECRET="",
        CX_RULES_LEVER_SIGNATURE_TOKEN="",
    ).start()
    with s.client(token=None) as http:
        assert http.post(f"/v1/webhooks/{vendor}", json={}).status_code == 404


def test_a_signature_that_is_not_ascii_is_refused_not_an_error() -> None:
    # compare_digest raises TypeError on non-ASCII text: a forged header must be a plain no.
    assert not greenhouse_signature_ok(GREENHOUSE_SECRET, b"{}", "sha256 \u00e9")
    payload = {"token": "t", "triggeredAt": 1, "signature": "\u00e9"}
    assert not lever_signature_ok("secret", payload)
