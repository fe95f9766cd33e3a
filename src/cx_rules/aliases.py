"""Vocabulary at the edge: the channel and activity names systems send, as the engine's.

ATSs write ``Phone``, ``telephone``, ``Teams`` or ``Zoom`` where the rules know ``phone`` and
``video``.  :class:`Vocabulary` normalises a name (trimmed, lower case, spaces and hyphens as
underscores) and then looks it up in an alias table: :data:`CHANNEL_ALIASES` and
:data:`ACTIVITY_ALIASES` by default, extended by the policy's ``[aliases]`` table::

    [aliases.channels]
    "google meet" = "video"
    [aliases.activities]
    declined = "rejected"

An activity the process model does not know after that is an error of its own,
:class:`~cx_rules.UnknownActivity`, naming the activity and the closest known names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from .events import Event
from .exceptions import PolicyError, UnknownActivity

__all__ = ["ACTIVITY_ALIASES", "CHANNEL_ALIASES", "Vocabulary", "normal_name"]

#: Channel names systems use, and the canonical channel each means.
CHANNEL_ALIASES: Final[Mapping[str, str]] = {
    "telephone": "phone",
    "tel": "phone",
    "call": "phone",
    "phone_call": "phone",
    "mobile": "phone",
    "cell": "phone",
    "teams": "video",
    "ms_teams": "video",
    "microsoft_teams": "video",
    "zoom": "video",
    "google_meet": "video",
    "meet": "video",
    "webex": "video",
    "skype": "video",
    "video_call": "video",
    "in_person": "meeting",
    "onsite": "meeting",
    "on_site": "meeting",
    "face_to_face": "meeting",
    "e_mail": "email",
    "mail": "email",
    "text": "sms",
    "text_message": "sms",
    "post": "letter",
    "careers_site": "portal",
}

#: Activity names systems use, and the canonical activity each means.
ACTIVITY_ALIASES: Final[Mapping[str, str]] = {
    "applied": "application_received",
    "application_created": "application_received",
    "acknowledged": "application_acknowledged",
    "interview": "interview_held",
    "interviewed": "interview_held",
    "hired": "offer_accepted",
    "reject": "rejected",
    "rejection": "rejected",
    "archived": "rejected",
    "withdrew": "withdrawn",
    "thanked": "thank_you_sent",
}

_SEPARATORS: Final = re.compile(r"[\s\-]+")


def normal_name(name: str) -> str:
    """``name`` trimmed, in lower case, with runs of spaces and hyphens as one underscore."""
    return _SEPARATORS.sub("_", name.strip()).lower()


def _table(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a table of name = canonical name")
    table: dict[str, str] = {}
    for key, target in value.items():
        if not isinstance(target, str) or not target.strip():
            raise PolicyError(f"{where}.{key}: expected a name, got {target!r}")
        table[normal_name(str(key))] = normal_name(target)
    return table


@attrs.frozen
class Vocabulary:
    """Normalises channels and activities, and refuses activities ``known`` does not hold."""

    known: frozenset[str]
    channels: Mapping[str, str] = attrs.field(factory=lambda: dict(CHANNEL_ALIASES))
    activities: Mapping[str, str] = attrs.field(factory=lambda: dict(ACTIVITY_ALIASES))

    @classmethod
    def of(cls, known: Iterable[str], extra: Mapping[str, Any] | None = None) -> Vocabulary:
        """The default tables extended by ``extra`` (the policy's ``[aliases]`` table, with
        ``channels`` and ``activities`` sub-tables)."""
        channels = dict(CHANNEL_ALIASES)
        activities = dict(ACTIVITY_ALIASES)
        for key in extra or {}:
            if key not in ("channels", "activities"):
                raise PolicyError(f"aliases.{key}: expected 'channels' or 'activities'")
        if extra:
            channels.update(_table(extra.get("channels", {}), "aliases.channels"))
            activities.update(_table(extra.get("activities", {}), "aliases.activities"))
        return cls(frozenset(known), channels, activities)

    def channel(self, name: str) -> str:
        """The canonical channel for ``name`` (an unknown name comes back normalised)."""
        key = normal_name(name)
        return self.channels.get(key, key)

    def activity(self, name: str) -> str:
        """The canonical activity for ``name``; :class:`~cx_rules.UnknownActivity` when the
        model does not know it, with the closest known names."""
        if name in self.known:
            return name
        key = normal_name(name)
        key = self.activities.get(key, key)
        if key in self.known:
            return key
        close = difflib.get_close_matches(key, sorted(self.known), n=3, cutoff=0.6)
        raise UnknownActivity(name, tuple(close))

    def event(self, event: Event) -> Event:
        """``event`` with its activity and channel in canonical names (the same object when
        nothing changes)."""
        activity = self.activity(event.activity)
        channel = None if event.channel is None else self.channel(event.channel)
        if activity == event.activity and channel == event.channel:
            return event
        return attrs.evolve(event, activity=activity, channel=channel)
