"""The confirmation e-mail: what the interviewer and the candidate agreed, written
to the candidate (the interviewer's third-person notes turned to "you"), with the
date, time and place, signed with the interviewer's name; as text and as .eml."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Dict, List, Optional, Tuple

from overstag.follow_up import moments, second_person
from overstag.follow_up.answers import describe_minutes, outlet_name
from overstag.follow_up.content import FollowUp


def agreement_lines(
    interview: Dict[str, Any], material: FollowUp, lang: str
) -> List[str]:
    lines = [
        material.agreement(cid, lang) for cid in interview.get("concessions") or []
    ]
    name = interview.get("candidate_name")
    lines += [
        _sentence(second_person.rewrite(str(own), lang, material, name))
        for own in interview.get("own_agreements") or []
    ]
    return lines


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


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
    about = second_person.rewrite(interview["subject"], lang, material, name)
    facts = [material.text("email.lines.subject", lang, value=about)]
    facts.append(material.text("email.lines.outlet", lang, value=interview["outlet"]))
    moment = interview.get("when")
    if moment:
        facts.append(
            material.text(
                "email.lines.when", lang, value=moments.describe(moment, lang, material)
            )
        )
    if interview.get("place"):
        facts.append(material.text("email.lines.place", lang, value=interview["place"]))
    facts += [
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
    if interview.get("interviewer_name"):
        parts.append(str(interview["interviewer_name"]))
    return subject_line(interview, material, lang), "\n".join(parts) + "\n"


def subject_line(interview: Dict[str, Any], material: FollowUp, lang: str) -> str:
    """ "Ons interview voor het personeelsblad op 15 december" """
    outlet = outlet_name(str(interview["outlet"]), material)
    moment = interview.get("when")
    if not moment:
        return material.text("email.subject_undated", lang, outlet=outlet)
    date = moments.date_text(moment, lang, material, "subject_date_format")
    return material.text("email.subject", lang, outlet=outlet, date=date)


def filename(interview: Dict[str, Any], extension: str) -> str:
    slug = (
        re.sub(r"[^a-z0-9]+", "-", interview["candidate_name"].lower()).strip("-")
        or "interview"
    )
    return f"interview-{slug}.{extension}"


def to_eml(subject: str, body: str, now: dt.datetime, ics: Optional[str] = None) -> str:
    """A draft e-mail file that mail programs open ready to address and send, with
    the calendar invitation attached when there is one."""
    message = EmailMessage()
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["X-Unsent"] = (
        "1"  # Outlook opens it as a draft instead of a received message
    )
    message.set_content(body, charset="utf-8")
    if ics:
        message.add_attachment(
            ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="interview.ics",
        )
    return message.as_string()
