"""The HTTP service: a Starlette application over an engine, a store and the webhooks."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypeVar

import anyio.to_thread
import attrs
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..aliases import Vocabulary
from ..case import Case
from ..engine import Engine, Recorded
from ..events import Event
from ..exceptions import (
    CaseNotFound,
    ConcurrentUpdate,
    CxRulesError,
    EventConflict,
    InvalidEvent,
    PolicyViolation,
    UnknownActivity,
)
from ..jsonforms import SCHEMAS, finding_to_dict
from ..policy import Policy
from ..stores import CaseCache, EventStore, SQLiteEventStore, open_store, record_events
from ._http import (
    Problem,
    _body,
    _case_id,
    _cursor,
    _field,
    _int_param,
    _json,
    _time_param,
    case_view,
)
from .config import ServerConfig
from .metrics import Metrics
from .openapi import openapi_document
from .security import RateLimiter, Token, Tokens, greenhouse_signature_ok, lever_signature_ok
from .webhooks import Delivery, greenhouse_events, lever_events

__all__ = ["Service", "create_app"]

log = logging.getLogger("cx_rules.server")
T = TypeVar("T")
_REPORTS: Final = {"json": "application/json", "text": "text/plain", "csv": "text/csv"}
_LOG_FORMATS: Final = {"jsonl": ".jsonl", "csv": ".csv", "json": ".json"}


class Service:
    """The engine, store, tokens, limits and metrics one application serves."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        policy = Policy.load(config.policy) if config.policy else Policy()
        #: Audits of uploaded logs use the policy as it is, judging rather than blocking.
        self.auditor = Engine(policy, guard=False)
        # Deliveries arrive out of order: a late event is put in its place, never refused.
        policy = attrs.evolve(policy, out_of_order="insert")
        self.engine = Engine(policy)
        # What a webhook reports has already happened in the ATS: judged, never refused.
        self.judge = Engine(policy, guard=False)
        self.vocabulary = Vocabulary.of(self.engine.model.activities, policy.aliases)
        self.tokens = Tokens.load(config.tokens) if config.tokens else Tokens()
        self.limiter = RateLimiter(config.rate, config.burst)
        self.metrics = Metrics()
        self.store: EventStore = open_store(config.store)
        # SQLite answers in well under a millisecond and serialises writes anyway: calling it
        # on the event loop saves a thread hop per request.  Other stores run in threads.
        self._inline = isinstance(self.store, SQLiteEventStore)
        #: Recently recorded cases, so a record does not read its case back each time.
        self.cache = CaseCache()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        call = functools.partial(fn, *args, **kwargs)
        if self._inline:
            return call()
        return await anyio.to_thread.run_sync(call)

    def close(self) -> None:
        self.store.close()


def create_app(config: ServerConfig | None = None) -> Starlette:
    """The ASGI application of ``cx-rules serve`` (for ``uvicorn``, or tests)."""
    service = Service(config if config is not None else ServerConfig.from_env())
    conf = service.config
    metrics = service.metrics

    def endpoint(
        route: str, scope: str | None
    ) -> Callable[[Callable[[Request, Token | None], Awaitable[Response]]], Any]:
        def wrap(handler: Callable[[Request, Token | None], Awaitable[Response]]) -> Any:
            async def call(request: Request) -> Response:
                started = time.perf_counter()
                who = "-"
                try:
                    token: Token | None = None
                    if scope is not None:
                        token = service.tokens.check(request.headers.get("authorization"))
                        if token is None:
                            raise Problem(401, "unauthorised", "a bearer token is required")
                        who = token.name
                        if scope not in token.scopes:
                            raise Problem(403, "forbidden", f"this token has no {scope!r} scope")
                    caller = (
                        who
                        if token is not None
                        else (request.client.host if request.client else "-")
                    )
                    if not service.limiter.allow(f"{route}:{caller}"):
                        raise Problem(429, "rate_limited", "too many requests; slow down")
                    response = await handler(request, token)
                except Problem as problem:
                    response = problem.response()
                except Exception as exc:  # no traceback reaches a caller, nor its data
                    log.error("%s failed: %s", route, type(exc).__name__)
                    response = Problem(
                        500, "internal", "the service failed; see its log"
                    ).response()
                seconds = time.perf_counter() - started
                metrics.observe(route, response.status_code, seconds)
                log.info("%s %s %s %.1fms", route, response.status_code, who, seconds * 1000)
                return response

            return call

        return wrap

    async def record_one(event: Event, engine: Engine, *, preview: bool = False) -> Recorded:
        try:
            event = service.vocabulary.event(event)
        except UnknownActivity as exc:
            metrics.refused("unknown_activity")
            raise Problem(
                422,
                "unknown_activity",
                str(exc),
                activity=exc.activity[:100],
                suggestions=list(exc.suggestions),
            ) from None
        try:
            result = await service.run(
                record_events,
                service.store,
                engine,
                event,
                attempts=conf.attempts,
                preview=preview,
                cache=service.cache,
            )
        except PolicyViolation as exc:
            metrics.refused("policy")
            raise Problem(
                422,
                "refused",
                "an enforced rule refuses this event; nothing was recorded",
                findings=[finding_to_dict(f) for f in exc.findings],
            ) from None
        except EventConflict as exc:
            metrics.refused("conflict")
            raise Problem(
                409, "event_conflict", f"{exc}; send a new event_id for a different event"
            ) from None
        except ConcurrentUpdate:
            metrics.refused("conflict")
            raise Problem(
                409,
                "concurrent_update",
                "other writers kept changing this case; send the same event again",
            ) from None
        if not preview:
            metrics.recorded(
                "duplicate" if result.duplicate else "inserted" if result.replayed else "new"
            )
        return result

    def kept(result: Recorded, event: Event) -> bool:
        """Whether the event is on the case (the model may refuse it: a ``CX001`` finding)."""
        if result.duplicate:
            return True
        normal = service.vocabulary.event(event)
        return any(e == normal for e in reversed(result.case.events))

    def parse_event(data: Any, case_id: str) -> Event:
        try:
            from ..jsonforms import event_from_dict

            return event_from_dict(data, case_id=case_id)
        except InvalidEvent as exc:
            metrics.refused("invalid")
            raise Problem(400, "invalid", str(exc), field=_field(str(exc))) from None

    @endpoint("record", "record")
    async def record(request: Request, token: Token | None) -> Response:
        event = parse_event(_json(await _body(request, conf.max_body)), _case_id(request))
        result = await record_one(event, service.engine)
        return JSONResponse(
            {
                "case": case_view(service.engine, result.case, None, findings=False),
                "findings": [finding_to_dict(f) for f in result.findings],
                "recorded": kept(result, event),
                "duplicate": result.duplicate,
                "inserted": result.replayed,
            }
        )

    @endpoint("preview", "read")
    async def preview(request: Request, token: Token | None) -> Response:
        event = parse_event(_json(await _body(request, conf.max_body)), _case_id(request))
        result = await record_one(event, service.engine, preview=True)
        return JSONResponse(
            {
                "findings": [finding_to_dict(f) for f in result.findings],
                "blocked": [finding_to_dict(f) for f in result.blocked],
                "would_record": not result.blocked,
            }
        )

    @endpoint("case", "read")
    async def read_case(request: Request, token: Token | None) -> Response:
        case_id = _case_id(request)
        try:
            case, version = await service.run(service.store.load, case_id)
        except CaseNotFound:
            raise Problem(404, "not_found", "no such case") from None
        shown = request.query_params.get("findings", "true")
        if shown not in ("true", "false"):
            raise Problem(400, "invalid", "findings: expected true or false", field="findings")
        findings = shown == "true"
        return JSONResponse(case_view(service.engine, case, version, findings=findings))

    @endpoint("due", "read")
    async def due(request: Request, token: Token | None) -> Response:
        now = _time_param(request, "now", required=True)
        assert now is not None
        within = _int_param(request, "within", 86_400, 0, 366 * 86_400)
        limit = _int_param(request, "limit", 100, 1, 1000)
        after = None
        cursor = request.query_params.get("cursor")
        if cursor:
            after = _cursor(cursor)
        rows = await service.run(
            service.store.due, now, now + timedelta(seconds=within), after=after
        )
        page = rows[:limit]
        items = [
            {
                "case_id": r.case_id,
                "code": r.code,
                "key": r.key,
                "due": r.due,
                "action": r.action,
                "overdue": overdue,
                "responsible": r.responsible,
            }
            for r, overdue in page
        ]
        next_cursor = None
        if len(rows) > limit:
            last = page[-1][0]
            mark = json.dumps([last.due_at, last.case_id, last.code, last.key]).encode()
            next_cursor = base64.urlsafe_b64encode(mark).decode("ascii")
        return JSONResponse({"items": items, "next_cursor": next_cursor})

    @endpoint("rules", None)
    async def rules(request: Request, token: Token | None) -> Response:
        engine = service.engine
        listed = [
            {
                "code": code,
                "name": info.rule.name,
                "practice": info.rule.practice,
                "severity": (
                    engine.severity(code) if code in engine.rules else info.rule.severity
                ).value,
                "enabled": code in engine.rules,
                "enforced": code in engine.enforced,
                "summary": info.rule.summary,
            }
            for code, info in engine.available.items()
        ]
        return JSONResponse({"rules": listed})

    @endpoint("rule", None)
    async def rule(request: Request, token: Token | None) -> Response:
        from ..explain import rule_markdown

        code = request.path_params["code"].upper()
        info = service.engine.available.get(code)
        if info is None:
            raise Problem(404, "not_found", "no rule has this code; GET /v1/rules lists them")
        return JSONResponse(
            {
                "code": code,
                "name": info.rule.name,
                "practice": info.rule.practice,
                "summary": info.rule.summary,
                "why": info.rule.why,
                "explanation": rule_markdown(info),
            }
        )

    @endpoint("audit", "audit")
    async def audit_log(request: Request, token: Token | None) -> Response:
        fmt = request.query_params.get("format", "jsonl")
        report_as = request.query_params.get("report", "json")
        if fmt not in _LOG_FORMATS:
            raise Problem(400, "invalid", f"format: expected one of {', '.join(_LOG_FORMATS)}")
        if report_as not in _REPORTS:
            raise Problem(400, "invalid", f"report: expected one of {', '.join(_REPORTS)}")
        as_of = _time_param(request, "as_of", required=False)
        raw = await _body(request, conf.max_upload)
        text = await anyio.to_thread.run_sync(_audit, service, raw, fmt, report_as, as_of)
        return Response(text, media_type=_REPORTS[report_as])

    async def deliver(delivery: Delivery) -> Response:
        if delivery.errors and not delivery.events:
            raise Problem(400, "invalid", "; ".join(delivery.errors))
        recorded = duplicates = 0
        refused: list[str] = []
        for event in delivery.events:
            try:
                result = await record_one(event, service.judge)
            except Problem as problem:
                refused.append(f"{event.event_id}: {problem.message}")
                continue
            if not kept(result, event):
                # The model does not allow it yet (a delivery that overtook an earlier one):
                # not acknowledged, so the vendor delivers it again later.
                refused.append(
                    f"{event.event_id}: the process model does not allow it in state "
                    f"{result.case.state!r} yet; deliver it again later"
                )
                continue
            duplicates += result.duplicate
            recorded += not result.duplicate
        body = {
            "recorded": recorded,
            "duplicates": duplicates,
            "skipped": delivery.skipped,
            "errors": [*delivery.errors, *refused],
        }
        # Any event not kept makes the delivery fail, so the vendor retries it whole; what
        # was kept is dropped as a repeat then.
        return JSONResponse(body, status_code=409 if refused else 200)

    @endpoint("webhook_greenhouse", None)
    async def greenhouse(request: Request, token: Token | None) -> Response:
        if not conf.greenhouse_secret:
            raise Problem(404, "not_configured", "Greenhouse webhooks are not configured")
        raw = await _body(request, conf.max_body)
        if not greenhouse_signature_ok(
            conf.greenhouse_secret, raw, request.headers.get("signature")
        ):
            raise Problem(401, "bad_signature", "the Signature header does not match the body")
        body = _json(raw)
        if not isinstance(body, dict):
            raise Problem(400, "invalid", "body: expected a JSON object")
        return await deliver(await anyio.to_thread.run_sync(greenhouse_events, body))

    @endpoint("webhook_lever", None)
    async def lever(request: Request, token: Token | None) -> Response:
        if not conf.lever_signature_token:
            raise Problem(404, "not_configured", "Lever webhooks are not configured")
        body = _json(await _body(request, conf.max_body))
        if not isinstance(body, dict) or not lever_signature_ok(conf.lever_signature_token, body):
            raise Problem(401, "bad_signature", "the signature does not match token + triggeredAt")

        def case_of(case_id: str) -> Case | None:
            try:
                return service.store.load(case_id)[0]
            except CaseNotFound:
                return None

        return await deliver(await service.run(lever_events, body, case_of))

    @endpoint("health", None)
    async def health(request: Request, token: Token | None) -> Response:
        return JSONResponse({"status": "ok"})

    @endpoint("ready", None)
    async def ready(request: Request, token: Token | None) -> Response:
        try:
            await service.run(service.store.load, "cx-rules:readiness-probe")
        except CaseNotFound:
            return JSONResponse({"status": "ready"})
        except Exception as exc:
            log.error("readiness: the store failed: %s", type(exc).__name__)
            return JSONResponse({"status": "not ready"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def prometheus(request: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def schema(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in SCHEMAS:
            return Problem(404, "not_found", f"schemas: {', '.join(SCHEMAS)}").response()
        return JSONResponse(SCHEMAS[name], media_type="application/schema+json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.close()

    routes = [
        Route("/v1/cases/{case_id}/events", record, methods=["POST"]),
        Route("/v1/cases/{case_id}/preview", preview, methods=["POST"]),
        Route("/v1/cases/{case_id}", read_case, methods=["GET"]),
        Route("/v1/due", due, methods=["GET"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/v1/rules/{code}", rule, methods=["GET"]),
        Route("/v1/audit", audit_log, methods=["POST"]),
        Route("/v1/webhooks/greenhouse", greenhouse, methods=["POST"]),
        Route("/v1/webhooks/lever", lever, methods=["POST"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/schemas/{name}", schema, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/readyz", ready, methods=["GET"]),
        Route("/metrics", prometheus, methods=["GET"]),
    ]
    middleware = []
    if conf.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(conf.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.service = service
    return app


def _audit(service: Service, raw: bytes, fmt: str, report_as: str, as_of: datetime | None) -> str:
    from ..auditing import audit
    from ..report import render

    with tempfile.TemporaryDirectory(prefix="cx-rules-audit-") as folder:
        path = Path(folder) / f"upload{_LOG_FORMATS[fmt]}"
        path.write_bytes(raw)
        try:
            report = audit(str(path), engine=service.auditor, as_of=as_of)
        except CxRulesError as exc:
            raise Problem(400, "invalid", str(exc).replace(str(path), path.name)) from None
        # The report names its files: the upload's temporary path means nothing to a caller.
        return render(report, report_as).replace(str(path), path.name)
