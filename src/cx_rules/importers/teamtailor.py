"""Teamtailor (JSON:API): job applications, their rejection reasons and candidates' consent
to future jobs, as cx-rules events.

One case per job application (its ``id``).  The export is the documents the API returns,
page by page (``GET /v1/job-applications?include=candidate,stage,rejection-reason``, and
``GET /v1/candidates`` for the consent): each holds ``data`` (the page's resources, each
with ``type``, ``id``, kebab-case ``attributes`` and ``relationships``) and ``included``
(the resources they refer to).  The files are read twice: first to index every resource by
type and id (a page may refer to a resource another page includes), then to translate each.
See ``docs/guide/importers/teamtailor.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final

import attrs

from ..coverage import Coverage
from ..events import Activity as A
from ..events import Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from ._common import (
    INTERVIEW_KEYS,
    MESSAGE_KEYS,
    STAGE_CHANGED,
    At,
    Key,
    Source,
    key_of,
    learned,
    obj,
    one,
    opt_id,
    opt_time,
    sources,
    sub,
    translate_sources,
)
from ._common import what as _what
from .base import Importer, ImportItem, ImportProblem, ImportResult, Partial
from .values import identifier, vendor_time

__all__ = ["COVERAGE", "Teamtailor"]

_APPLICATIONS: Final = "job-applications"
_READ_FOR_NAMES: Final = frozenset({"stages", "rejection-reasons", "jobs"})
_NO_MESSAGES: Final = "the job applications and candidates hold no message to or from the candidate"
_NO_INTERVIEWS: Final = "the job applications and candidates hold no interviews"

#: What the Teamtailor importer can produce, and what the exported resources never record.
COVERAGE: Final = Coverage(
    "teamtailor",
    produces={
        "application_received",
        "application_received.job_id",
        "rejected",
        "rejected.reason",
        "withdrawn",
        "withdrawn.reason",
        "stage_changed",
        "stage_changed.stage",
        "talent_pool_joined",
        "talent_pool_joined.consent",
    },
    never={
        "screening_started": (
            "changed-stage-at is the time of the last stage change only: the first move, "
            "and the order of stages, are not in the export"
        ),
        **dict.fromkeys(MESSAGE_KEYS, _NO_MESSAGES),
        **dict.fromkeys(INTERVIEW_KEYS, _NO_INTERVIEWS),
        "interview_held.started_at": "no ATS records when an interview really started",
        "talent_pool_offered": (
            "consent-future-jobs-at records the consent, not the offer to join"
        ),
        "data_deleted": "a deleted candidate is gone from the export",
    },
)


@attrs.frozen
class _App:
    case_id: str
    candidate: str | None
    created: datetime


@attrs.define
class _Index:
    """The first pass: every resource by type and id, where each was first read, and each
    candidate's applications."""

    resources: dict[tuple[str, str], dict[str, Any]] = attrs.Factory(dict)
    first: dict[tuple[str, str], Key] = attrs.Factory(dict)
    apps: dict[str, list[_App]] = attrs.Factory(dict)
    announced: int = 0

    def learn(self, source: Source) -> None:
        value = source.value
        if not isinstance(value, dict):
            return
        meta = value.get("meta")
        if isinstance(meta, dict) and _is_count(meta.get("record-count")):
            data = value.get("data")
            if isinstance(data, list) and any(_type_of(r) == _APPLICATIONS for r in data):
                self.announced = max(self.announced, meta["record-count"])
        for _, resource, place in _resources(source):
            kind, rid = _type_of(resource), _id_of(resource)
            if kind is None or rid is None:
                continue
            self.resources.setdefault((kind, rid), resource)
            self.first.setdefault((kind, rid), key_of(source, place))

    def settle(self) -> None:
        for (kind, _), resource in self.resources.items():
            if kind != _APPLICATIONS:
                continue
            try:
                app = _app(resource)
            except ImportProblem:
                continue
            self.apps.setdefault(app.candidate or "", []).append(app)
        for apps in self.apps.values():
            apps.sort(key=lambda a: (a.created, a.case_id))

    def name(self, kind: str, rid: str | None, attribute: str) -> str | None:
        resource = self.resources.get((kind, rid)) if rid is not None else None
        if resource is None:
            return None
        attributes = resource.get("attributes")
        value = attributes.get(attribute) if isinstance(attributes, dict) else None
        return value.strip() or None if isinstance(value, str) else None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _type_of(resource: Any) -> str | None:
    kind = resource.get("type") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) and kind else None


def _id_of(resource: Any) -> str | None:
    if not isinstance(resource, dict):
        return None
    try:
        return identifier(resource.get("id"), "id")
    except ImportProblem:
        return None


def _resources(source: Source) -> Iterator[tuple[str, Any, Place]]:
    """The resources of a JSON:API document, ``data`` first, each with its place."""
    document = source.value
    for part in ("data", "included"):
        found = document.get(part) if isinstance(document, dict) else None
        if isinstance(found, dict):
            yield part, found, sub(source.place, f".{part}")
        elif isinstance(found, list):
            for n, resource in enumerate(found):
                yield part, resource, sub(source.place, f".{part}[{n}]")


def _related(resource: dict[str, Any], name: str) -> str | None:
    """The id a to-one relationship names (``relationships.stage.data.id``), or ``None``."""
    relationships = resource.get("relationships")
    if relationships is None:
        return None
    relationship = obj(relationships, "relationships").get(name)
    if relationship is None:
        return None
    data = obj(relationship, f"relationships.{name}").get("data")
    if data is None:
        return None
    return opt_id(
        obj(data, f"relationships.{name}.data").get("id"), f"relationships.{name}.data.id"
    )


def _attributes(resource: dict[str, Any]) -> dict[str, Any]:
    return obj(resource.get("attributes"), "attributes")


def _app(resource: dict[str, Any]) -> _App:
    case_id = identifier(resource.get("id"), "id")
    created = vendor_time(_attributes(resource).get("created-at"), "created-at")
    return _App(case_id, _related(resource, "candidate"), created)


class Teamtailor(Importer):
    """The Teamtailor importer (JSON:API documents: job applications, candidates)."""

    name: ClassVar[str] = "teamtailor"
    title: ClassVar[str] = "Teamtailor (JSON:API)"
    summary: ClassVar[str] = (
        "the API's JSON:API pages of job-applications (with their included candidates, "
        "stages and rejection reasons) and candidates"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        yield from _translate_all(sources(paths), learned(_Index(), sources(paths)))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one JSON:API document on its own (a page, or a webhook's payload)."""
        source = Source(0, name, Place(None, None), record)
        return translate_sources(_translate_all, _Index(), [source], name)


def _translate_all(items: Iterable[Source | InputError], index: _Index) -> Iterator[ImportItem]:
    read = 0
    last: At | None = None
    for source in items:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        last = at
        value = source.value
        if not isinstance(value, dict) or not isinstance(value.get("data"), list | dict):
            yield from at.invalid(
                "not a JSON:API document: expected an object with data (a resource or a "
                f"list of resources) and included; got {_what(value)}"
            )
            continue
        if not value["data"] and not value.get("included"):
            yield from at.skipped("an empty page")
        for _, resource, place in _resources(source):
            here = At(source.path, place)
            key = key_of(source, place)
            if (
                _type_of(resource) == _APPLICATIONS
                and index.first.get((_APPLICATIONS, _id_of(resource) or "")) == key
            ):
                read += 1
            yield from one(_resource, resource, here, key, index)
    if last is not None and index.announced > read:
        yield last.warning(
            f"the input holds {read} of the {index.announced} job applications meta.record-count "
            "announces: pages are missing"
        )


def _resource(resource: Any, at: At, key: Key, index: _Index) -> list[ImportItem]:
    resource = obj(resource, "resource")
    kind = _type_of(resource)
    if kind is None:
        raise ImportProblem(
            f"type: expected the resource's type, got {_what(resource.get('type'))}"
        )
    rid = identifier(resource.get("id"), "id")
    if index.first.get((kind, rid)) != key:
        return [Skip("a resource already read from another page")]
    if kind == _APPLICATIONS:
        return _application(resource, at, index)
    if kind == "candidates":
        return _candidate(resource, rid, at, index)
    if kind in _READ_FOR_NAMES:
        return [Skip("a stage, job or rejection reason (read for its name)")]
    # The type is the input's: counted under one reason, never named.
    return [Skip("a resource of a type this importer does not read")]


def _application(resource: dict[str, Any], at: At, index: _Index) -> list[ImportItem]:
    app = _app(resource)
    attributes = _attributes(resource)
    case = app.case_id
    if attributes.get("sourced") is True:
        return [Skip("a sourced application (the candidate did not apply)")]
    out: list[ImportItem] = []
    relationships = resource.get("relationships")
    candidate_rel = obj(relationships, "relationships").get("candidate") if relationships else None
    if (
        isinstance(candidate_rel, dict)
        and "data" in candidate_rel
        and candidate_rel["data"] is None
    ):
        out.append(
            Partial(case, "the candidate is gone (deleted or anonymised): the trace may be partial")
        )
    job = _related(resource, "job")
    out.append(
        Event(
            case,
            A.APPLICATION_RECEIVED,
            app.created,
            event_id=f"tt-application-{case}-received",
            attributes={"job_id": job} if job else {},
        )
    )
    rejected = opt_time(attributes.get("rejected-at"), "rejected-at", blank=True)
    changed = opt_time(attributes.get("changed-stage-at"), "changed-stage-at", blank=True)
    stage_id = _related(resource, "stage")
    if changed is not None and changed > app.created:
        # The stages before the last are gone: whatever the trace lacks may have passed.
        out.append(Partial(case, "only the last stage change is in the export (changed-stage-at)"))
    if changed is not None and changed > app.created and (rejected is None or changed < rejected):
        stage = index.name("stages", stage_id, "name")
        out.append(
            Event(
                case,
                STAGE_CHANGED,
                changed,
                event_id=f"tt-application-{case}-stage",
                attributes={"stage": stage} if stage else {},
            )
        )
    if rejected is not None:
        reason_id = _related(resource, "rejection-reason")
        reason = index.name("rejection-reasons", reason_id, "reason")
        by_company = _by_company(index, reason_id)
        if reason_id is not None and reason is None:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r}: rejection reason {reason_id} is not in the input (ask for "
                    "include=rejection-reason): the rejection is imported without its reason",
                    "its rejection reason is not in the export",
                )
            )
        withdrawn = by_company is False
        out.append(
            Event(
                case,
                A.WITHDRAWN if withdrawn else A.REJECTED,
                rejected,
                event_id=f"tt-application-{case}-rejected",
                attributes={"reason": reason} if reason else {},
            )
        )
    return out


def _by_company(index: _Index, reason_id: str | None) -> bool | None:
    resource = index.resources.get(("rejection-reasons", reason_id)) if reason_id else None
    attributes = resource.get("attributes") if resource else None
    value = attributes.get("rejected-by-company") if isinstance(attributes, dict) else None
    return value if isinstance(value, bool) else None


def _candidate(resource: dict[str, Any], rid: str, at: At, index: _Index) -> list[ImportItem]:
    consent = opt_time(
        _attributes(resource).get("consent-future-jobs-at"), "consent-future-jobs-at", blank=True
    )
    if consent is None:
        return [Skip("a candidate without consent to future jobs")]
    apps = [a for a in index.apps.get(rid, ()) if a.created <= consent]
    if not apps:
        return [
            at.warning(
                f"candidate {rid} consented to future jobs at {consent.isoformat()}, before "
                "any of their job applications in the input: the consent is not imported"
            ),
            Skip("a consent before any application in the input"),
        ]
    case = apps[-1].case_id
    return [
        Event(
            case,
            A.TALENT_POOL_JOINED,
            consent,
            event_id=f"tt-candidate-{rid}-consent",
            attributes={"consent": True, "scope": "future_jobs"},
        )
    ]
