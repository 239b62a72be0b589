"""The confirmation e-mail: what the interviewer and the candidate agreed."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Dict, List, Tuple

from overstag.follow_up.answers import describe_minutes
from overstag.follow_up.content import FollowUp


def agreement_lines(
    interview: Dict[str, Any], material: FollowUp, lang: str
) -> List[str]:
    lines = [
        material.agreement(cid, lang) for cid in interview.get("concessions") or []
    ]
    lines += [str(own) for own in interview.get("own_agreements") or []]
    return lines


def compose(
    interview: Dict[str, Any], material: FollowUp, lang: str
) -> Tuple[str, str]:
    """(subject, body) in `lang`; the body names every agreement of the interview."""
    name = interview["candidate_name"]
    form = material.choice("interview_form", interview["interview_form"], lang)["text"]
    duration = material.text(
        "form.duration_text",
        lang,
        duration=describe_minutes(interview["duration"], lang, material),
    )
    review = material.choice("review_scope", interview["review_scope"], lang)["text"]
    facts = [
        material.text("email.lines.subject", lang, value=interview["subject"]),
        material.text("email.lines.outlet", lang, value=interview["outlet"]),
        material.text("email.lines.form", lang, value=form, duration=duration),
        material.text("email.lines.review", lang, value=review),
    ]
    if interview["review_scope"] != "none" and interview.get("review_days"):
        facts.append(
            material.text("email.lines.days", lang, days=int(interview["review_days"]))
        )
    if interview.get("sensitive"):
        facts.append(material.text("email.lines.sensitive", lang))
    parts = [
        material.text("email.greeting", lang, name=name),
        "",
        material.text("email.opening", lang),
        "",
        *[f"• {fact}" for fact in facts],
    ]
    extra = agreement_lines(interview, material, lang)
    if extra:
        parts += [
            "",
            material.text("email.agreed_heading", lang),
            *[f"• {line}" for line in extra],
        ]
    parts += [
        "",
        material.text("email.closing", lang),
        "",
        material.text("email.sign_off", lang),
    ]
    subject = material.text("email.subject", lang, outlet=interview["outlet"])
    return subject, "\n".join(parts) + "\n"


def filename(interview: Dict[str, Any], extension: str) -> str:
    slug = (
        re.sub(r"[^a-z0-9]+", "-", interview["candidate_name"].lower()).strip("-")
        or "interview"
    )
    return f"interview-{slug}.{extension}"


def to_eml(subject: str, body: str, now: dt.datetime) -> str:
    """A draft e-mail file that mail programs open ready to address and send."""
    message = EmailMessage()
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["X-Unsent"] = (
        "1"  # Outlook opens it as a draft instead of a received message
    )
    message.set_content(body, charset="utf-8")
    return message.as_string()
