"""An interview's follow-up tasks as an iCalendar file, for the user's own calendar.

One event per pending reminder, at the moment it falls due, with an alarm: calendar
programs import events everywhere, while to-dos (VTODO) are dropped by several
of them (Google Calendar, Outlook on the web). Made with the `icalendar` package.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional, Sequence, Tuple

import icalendar

from overstag import clock
from overstag.follow_up import content, statuses
from overstag.follow_up.content import FollowUp
from overstag.follow_up.email_draft import filename as _filename
from overstag.storage import storage

EVENT_LENGTH = dt.timedelta(minutes=15)
MAX_ID_DIGITS = 12


def filename(interview: Dict[str, Any]) -> str:
    return _filename(interview, "ics")


def tasks(
    interview: Dict[str, Any],
    reminders: Sequence[Dict[str, Any]],
    material: FollowUp,
    lang: str,
    now: dt.datetime,
) -> bytes:
    """The .ics of the interview's pending reminders, in `lang`."""
    names = material.raw["replies"]["reminder_names"]
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Overstag//follow-up tasks//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname",
        material.text("replies.calendar_name", lang, name=interview["candidate_name"]),
    )
    for reminder in reminders:
        event = icalendar.Event()
        # stable per reminder, so importing the file again updates, not doubles
        event.add("uid", f"overstag-reminder-{reminder['id']}@overstag")
        event.add("dtstamp", now)
        event.add("dtstart", reminder["due_at"])
        event.add("dtend", reminder["due_at"] + EVENT_LENGTH)
        event.add(
            "summary",
            material.text(
                "replies.calendar_summary",
                lang,
                what=names[reminder["kind"]][lang],
                name=interview["candidate_name"],
            ),
        )
        event.add(
            "description",
            statuses.reminder_text(reminder["kind"], interview, material, lang),
        )
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", dt.timedelta(0))
        alarm.add("description", event["summary"])
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def owned_tasks(interview_id: str, user_id: str) -> Optional[Tuple[str, bytes]]:
    """(file name, .ics) of the user's interview; None when it is not theirs,
    does not exist or `interview_id` is no id at all."""
    if not (interview_id.isascii() and interview_id.isdigit()):
        return None
    if len(interview_id) > MAX_ID_DIGITS:
        return None
    stored = storage()
    interview = stored.interviews.get(int(interview_id))
    if interview is None:
        return None
    if stored.accounts.owner(interview["conversation_id"]) != user_id:
        return None
    reminders = stored.interviews.reminders(interview["id"])
    lang = stored.accounts.language(user_id) or interview["language"]
    data = tasks(interview, reminders, content.load(), lang, clock.now())
    return filename(interview), data
