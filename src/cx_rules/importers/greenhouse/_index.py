"""The first pass over a Greenhouse export: what the second needs to know."""

from __future__ import annotations

import contextlib
from datetime import datetime

import attrs

from .._common import SLACK, Key, Source, first_moves, key_of, obj, opt_list, rejection_emails, sub
from ..base import ImportProblem
from ..values import identifier, message_text, vendor_time
from ._shapes import ANONYMISED, MOVED, STAGE_CHANGE, App, kind_of, parse_app, parse_history


@attrs.define
class Index:
    """What the first pass learns: applications, anonymised candidates, the scorecards of
    scheduled interviews, accepted offers, the history's first rows, rejection e-mails."""

    apps: dict[str, App] = attrs.Factory(dict)
    candidates: dict[str, list[str]] = attrs.Factory(dict)
    anonymised: set[str] = attrs.Factory(set)
    scorecards: set[str] = attrs.Factory(set)
    accepted: set[str] = attrs.Factory(set)
    history_first: dict[str, tuple[datetime, Key]] = attrs.Factory(dict)
    #: Each application's history rows (time, place, status), until settled.
    history_rows: dict[str, list[tuple[datetime, Key, str]]] = attrs.Factory(dict)
    #: The feed's stage changes (candidate, time, place, job), until settled.
    moves: list[tuple[str, datetime, Key, str]] = attrs.Factory(list)
    #: Where each application's first move out of its first stage is: screening started.
    screening: set[Key] = attrs.Factory(set)
    history_hired: set[str] = attrs.Factory(set)
    emails: list[tuple[str, datetime, Key]] = attrs.Factory(list)
    #: Where each application was first read (a candidate embeds its applications too).
    app_keys: dict[str, Key] = attrs.Factory(dict)
    rejection_email: dict[Key, str] = attrs.Factory(dict)
    #: The applications whose rejection is imported from its e-mail.
    rejected_by_email: frozenset[str] = frozenset()

    def learn(self, source: Source) -> None:
        """Note what ``source`` tells about the export; a malformed record teaches nothing
        (the second pass reports it)."""
        with contextlib.suppress(ImportProblem, KeyError, TypeError, AttributeError):
            self._learn(source)

    def _learn(self, source: Source) -> None:
        value, place = source.value, source.place
        kind = source.kind or kind_of(value)
        if kind == "application":
            self._app(parse_app(value, "application", None), key_of(source, place))
        elif kind == "candidate":
            candidate = identifier(value.get("id"), "id")
            if value.get("first_name") == ANONYMISED:
                self.anonymised.add(candidate)
            for n, app in enumerate(opt_list(value.get("applications"), "applications")):
                key = key_of(source, sub(place, f".applications[{n}]"))
                self._app(parse_app(app, "application", candidate), key)
        elif kind == "feed":
            candidate = identifier(value.get("candidate_id"), "candidate_id")
            feed = obj(value.get("activity_feed"), "activity_feed")
            for n, email in enumerate(opt_list(feed.get("emails"), "emails")):
                if isinstance(email, dict) and isinstance(email.get("user"), dict):
                    at = vendor_time(email.get("created_at"), "created_at")
                    key = key_of(source, sub(place, f".activity_feed.emails[{n}]"))
                    self.emails.append((candidate, at, key))
            for n, item in enumerate(opt_list(feed.get("activities"), "activities")):
                if isinstance(item, dict) and item.get("subject") == STAGE_CHANGE:
                    moved = MOVED.match(message_text(item.get("body"), "body") or "")
                    if moved:
                        at = vendor_time(item.get("created_at"), "created_at")
                        key = key_of(source, sub(place, f".activity_feed.activities[{n}]"))
                        self.moves.append((candidate, at, key, moved["job"]))
        elif kind == "interview":
            for person in opt_list(value.get("interviewers"), "interviewers"):
                if isinstance(person, dict) and person.get("scorecard_id") is not None:
                    self.scorecards.add(identifier(person["scorecard_id"], "scorecard_id"))
        elif kind == "offer":
            if value.get("status") == "accepted":
                self.accepted.add(identifier(value.get("application_id"), "application_id"))
        elif kind == "history":
            case_id, at, status, _ = parse_history(value)
            first = self.history_first.get(case_id)
            key = key_of(source, place)
            if first is None or (at, key) < first:
                self.history_first[case_id] = (at, key)
            self.history_rows.setdefault(case_id, []).append((at, key, status))
            if status == "hired":
                self.history_hired.add(case_id)

    def _app(self, app: App, key: Key) -> None:
        self.apps.setdefault(app.case_id, app)
        self.app_keys.setdefault(app.case_id, key)
        if app.candidate is not None:
            cases = self.candidates.setdefault(app.candidate, [])
            if app.case_id not in cases:
                cases.append(app.case_id)

    def settle(self) -> None:
        """After the first pass: order each candidate's applications, find rejection
        e-mails."""
        for cases in self.candidates.values():
            cases.sort(key=lambda c: (self.apps[c].applied_at is None, self.apps[c].applied_at))
        first = rejection_emails(
            ((self.assign(candidate, at), at, key) for candidate, at, key in self.emails),
            self._rejected_at,
        )
        self.rejection_email = {key: case_id for case_id, key in first.items()}
        self.rejected_by_email = frozenset(first)
        self.emails = []
        # The first row after the first is the first move out of the first stage.
        for rows in self.history_rows.values():
            rows.sort()
            active = [key for _, key, status in rows[1:] if status == "active"]
            if active and rows[0][2] == "active":
                self.screening.add(active[0])
        self.history_rows = {}
        moves = (
            (by_job(self, candidate, job) or self.assign(candidate, at), at, key)
            for candidate, at, key, job in self.moves
        )
        self.screening.update(
            first_moves(
                (case_id, at, key)
                for case_id, at, key in moves
                if case_id is not None and case_id not in self.history_first
            )
        )
        self.moves = []

    def _rejected_at(self, case_id: str) -> datetime | None:
        app = self.apps.get(case_id)
        return app.rejected_at if app is not None and app.status == "rejected" else None

    def assign(self, candidate: str, at: datetime) -> str | None:
        """The application of ``candidate`` a feed item at ``at`` belongs to: the one
        applied to most recently before it (``None`` when there is none)."""
        found = None
        for case_id in self.candidates.get(candidate, ()):
            applied = self.apps[case_id].applied_at
            if applied is None or applied <= at + SLACK:
                found = case_id
        return found

    def knows(self, case_id: str) -> bool:
        """Whether application ``case_id`` is in the export (a record or history rows)."""
        return case_id in self.apps or case_id in self.history_first


def by_job(index: Index, candidate: str, job: str) -> str | None:
    matching = [
        c for c in index.candidates.get(candidate, ()) if index.apps[c].job_name == job.strip()
    ]
    return matching[-1] if len(matching) == 1 else None
