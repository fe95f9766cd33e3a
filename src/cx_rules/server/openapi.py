"""The OpenAPI 3.1 document of the service (served at ``/v1/openapi.json``)."""

from __future__ import annotations

import copy
from typing import Any, Final

from .._version import __version__
from ..jsonforms import SCHEMAS

__all__ = ["openapi_document"]

_ERROR: Final = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string"},
        "activity": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    },
}

_CASE_VIEW: Final = {
    "type": "object",
    "required": ["case_id", "state", "events", "clock", "obligations"],
    "properties": {
        "case_id": {"type": "string"},
        "state": {"type": "string"},
        "events": {"type": "integer", "minimum": 0},
        "clock": {"type": ["string", "null"]},
        "version": {"type": "integer", "minimum": 1},
        "obligations": {"type": "array", "items": {"$ref": "#/components/schemas/Due"}},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer.update(_json(schema))
    return answer


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "the request is malformed (the message names the field)",
        401: "no valid bearer token (or signature)",
        403: "the token lacks the scope",
        404: "not found",
        409: "a conflicting event id, or the case kept changing: see the message",
        413: "the body is too large",
        422: "refused: an enforced rule (with its findings) or an unknown activity",
        429: "too many requests",
    }
    return {str(c): _answer(words[c], {"$ref": "#/components/schemas/Error"}) for c in codes}


_CASE_ID: Final = {
    "name": "case_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\x00-\\x1f]+$"},
}


def openapi_document() -> dict[str, Any]:
    """The document, a new dict each call."""
    schemas = {
        name.capitalize(): {k: v for k, v in s.items() if k not in ("$schema", "$id")}
        for name, s in copy.deepcopy(SCHEMAS).items()
    }
    schemas["Event"]["required"] = ["activity", "timestamp"]
    schemas["Error"] = copy.deepcopy(_ERROR)
    schemas["CaseView"] = copy.deepcopy(_CASE_VIEW)
    record_answer = {
        "type": "object",
        "required": ["case", "findings", "recorded", "duplicate", "inserted"],
        "properties": {
            "case": {"$ref": "#/components/schemas/CaseView"},
            "recorded": {"type": "boolean"},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "duplicate": {"type": "boolean"},
            "inserted": {"type": "boolean"},
        },
    }
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    event_body = {"required": True, **_json({"$ref": "#/components/schemas/Event"})}
    webhook_answer = {
        "type": "object",
        "properties": {
            "recorded": {"type": "integer"},
            "duplicates": {"type": "integer"},
            "skipped": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": {"type": "string"}},
        },
    }
    paths: dict[str, Any] = {
        "/v1/cases/{case_id}/events": {
            "post": {
                "summary": "Record an event on a case",
                "operationId": "recordEvent",
                "security": bearer,
                "parameters": [_CASE_ID],
                "requestBody": event_body,
                "responses": {
                    "200": _answer(
                        "recorded (or a repeat, or inserted in its place)", record_answer
                    ),
                    **_errors(400, 401, 403, 409, 413, 422, 429),
                },
            }
        },
        "/v1/cases/{case_id}/preview": {
            "post": {
                "summary": "What recording the event would give, without recording it",
                "operationId": "previewEvent",
                "security": bearer,
                "parameters": [_CASE_ID],
                "requestBody": event_body,
                "responses": {
                    "200": _answer(
                        "the findings, and those that would refuse it",
                        {
                            "type": "object",
                            "properties": {
                                "findings": {"type": "array"},
                                "blocked": {"type": "array"},
                                "would_record": {"type": "boolean"},
                            },
                        },
                    ),
                    **_errors(400, 401, 403, 409, 413, 422, 429),
                },
            }
        },
        "/v1/cases/{case_id}": {
            "get": {
                "summary": "Read a case: state, open obligations, findings",
                "operationId": "readCase",
                "security": bearer,
                "parameters": [
                    _CASE_ID,
                    {"name": "findings", "in": "query", "schema": {"enum": ["true", "false"]}},
                ],
                "responses": {
                    "200": _answer("the case", {"$ref": "#/components/schemas/CaseView"}),
                    **_errors(400, 401, 403, 404, 429),
                },
            }
        },
        "/v1/due": {
            "get": {
                "summary": "What is due across all cases, soonest first, paged",
                "operationId": "listDue",
                "security": bearer,
                "parameters": [
                    {
                        "name": "now",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "format": "date-time"},
                    },
                    {
                        "name": "within",
                        "in": "query",
                        "description": "seconds after now (default 86400)",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 31_622_400},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _answer(
                        "a page of due items",
                        {
                            "type": "object",
                            "required": ["items", "next_cursor"],
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Due"},
                                },
                                "next_cursor": {"type": ["string", "null"]},
                            },
                        },
                    ),
                    **_errors(400, 401, 403, 429),
                },
            }
        },
        "/v1/rules": {
            "get": {
                "summary": "The rules, and whether the policy enables and enforces each",
                "operationId": "listRules",
                "responses": {"200": _answer("the rules", {"type": "object"}), **_errors(429)},
            }
        },
        "/v1/rules/{code}": {
            "get": {
                "summary": "Explain one rule",
                "operationId": "explainRule",
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _answer("the rule's explanation", {"type": "object"}),
                    **_errors(404, 429),
                },
            }
        },
        "/v1/audit": {
            "post": {
                "summary": "Audit an uploaded event log and return the report",
                "operationId": "auditLog",
                "security": bearer,
                "parameters": [
                    {"name": "format", "in": "query", "schema": {"enum": ["jsonl", "csv", "json"]}},
                    {"name": "report", "in": "query", "schema": {"enum": ["json", "text", "csv"]}},
                    {"name": "as_of", "in": "query", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "description": "the log's bytes, in the format of the format parameter",
                    "content": {"application/octet-stream": {"schema": {}}},
                },
                "responses": {
                    "200": {
                        "description": "the report (JSON: the cx-rules.report/1 schema)",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/plain": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **_errors(400, 401, 403, 413, 429),
                },
            }
        },
        "/v1/webhooks/greenhouse": {
            "post": {
                "summary": "A Greenhouse web hook delivery (Signature: sha256 <hmac of the body>)",
                "operationId": "greenhouseWebhook",
                "requestBody": {"required": True, **_json({"type": "object"})},
                "responses": {
                    "200": _answer("recorded", webhook_answer),
                    **_errors(400, 401, 404, 409, 413, 429),
                },
            }
        },
        "/v1/webhooks/lever": {
            "post": {
                "summary": "A Lever webhook delivery (signature of token + triggeredAt)",
                "operationId": "leverWebhook",
                "requestBody": {"required": True, **_json({"type": "object"})},
                "responses": {
                    "200": _answer("recorded", webhook_answer),
                    **_errors(400, 401, 404, 409, 413, 429),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "The process is up",
                "operationId": "health",
                "responses": {"200": _answer("up", {"type": "object"}), **_errors(429)},
            }
        },
        "/readyz": {
            "get": {
                "summary": "The store answers",
                "operationId": "ready",
                "responses": {
                    "200": _answer("ready", {"type": "object"}),
                    "503": _answer("the store does not answer", {"type": "object"}),
                    **_errors(429),
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "operationId": "metrics",
                "responses": {
                    "200": {
                        "description": "metrics",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cx-rules service",
            "version": __version__,
            "description": "Record recruitment events, get candidate-experience findings.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


if __name__ == "__main__":  # python -m cx_rules.server.openapi > docs/reference/openapi.json
    import json

    print(json.dumps(openapi_document(), indent=2))
