"""The interview as a calendar invitation (.ics, RFC 5545) built with `icalendar`:
the date and time the form asked for, the length agreed, the place or medium, and
the confirmation e-mail as its description. The time is floating local time: the
form asks the interviewer's local time and stores no zone."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Dict, Optional

from icalendar import Calendar, Event

from overstag.follow_up.content import FollowUp

PRODUCT = "-//Overstag//interview request//EN"


def invitation(
    interview: Dict[str, Any],
    subject: str,
    body: str,
    material: FollowUp,
    lang: str,
    now: dt.datetime,
) -> Optional[str]:
    """The .ics text, or None when the interview has no date and time."""
    start = interview.get("when")
    if not isinstance(start, dt.datetime):
        return None
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    seed = f"{interview.get('id')}-{start.isoformat()}".encode()
    event.add("uid", hashlib.sha256(seed).hexdigest()[:32] + "@overstag")
    event.add("dtstamp", now.astimezone(dt.timezone.utc))
    event.add("dtstart", start.replace(tzinfo=None))
    event.add(
        "dtend",
        start.replace(tzinfo=None) + dt.timedelta(minutes=int(interview["duration"])),
    )
    title = material.text(
        "email.calendar_title",
        lang,
        name=interview["candidate_name"],
        outlet=interview["outlet"],
    )
    event.add("summary", title)
    if interview.get("place"):
        event.add("location", str(interview["place"]))
    event.add("description", f"{subject}\n\n{body}")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
