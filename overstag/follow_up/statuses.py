"""What happens after the request: statuses, and the reminders each status brings.

Pure functions over plain dicts; the clock is a parameter so that tests control it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from overstag import settings
from overstag.facts import LANGUAGES, STATUSES
from overstag.follow_up.content import FollowUp
from overstag.follow_up.reading import phrase


def detect_status(text: str, material: FollowUp) -> Optional[str]:
    """The status a message reports; later stages win ("aftercare after it was
    published")."""
    lowered = f" {text.lower()} "
    for status in reversed(STATUSES):
        words = [
            w
            for lang in LANGUAGES
            for w in material.raw["statuses"][status]["words"][lang]
        ]
        if phrase([str(w).lower() for w in words]).search(lowered):
            return status
    return None


def mentioned(text: str, interviews: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The interviews whose candidate is named in the text."""
    lowered = text.lower()
    return [
        i
        for i in interviews
        if re.search(rf"(?<!\w){re.escape(i['candidate_name'].lower())}(?!\w)", lowered)
    ]


def reminders_for(
    interview: Dict[str, Any],
    status: str,
    now: dt.datetime,
    material: FollowUp,
    day: Optional[dt.timedelta] = None,
) -> List[Tuple[str, dt.datetime]]:
    """(kind, due) of the reminders a status change to `status` brings."""
    day = day or settings.day_length()
    plan = []
    for kind, spec in material.reminders.items():
        if spec["after_status"] != status:
            continue
        if spec.get("only_sensitive") and not interview.get("sensitive"):
            continue
        if spec.get("needs_review") and interview.get("review_scope") == "none":
            continue
        plan.append((kind, now + day * float(spec["after_days"])))
    return sorted(plan, key=lambda item: item[1])


def reminder_text(
    kind: str, interview: Dict[str, Any], material: FollowUp, lang: str
) -> str:
    review = material.choice("review_scope", interview["review_scope"], lang)["text"]
    days_text = ""
    if interview["review_scope"] != "none" and interview.get("review_days"):
        days_text = material.text(
            "form.days_text",
            lang,
            name=interview["candidate_name"],
            days=int(interview["review_days"]),
        )
    text = material.reminders[kind]["text"][lang].format(
        name=interview["candidate_name"],
        outlet=interview["outlet"],
        review=review,
        days_text=days_text,
    )
    return re.sub(r"\s+", " ", text).strip()


def when(due: dt.datetime, now: dt.datetime, material: FollowUp, lang: str) -> str:
    if due <= now:
        return material.text("replies.overdue", lang)
    return due.astimezone().strftime("%d-%m-%Y %H:%M")
