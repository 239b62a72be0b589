"""After the request: status updates in the chat, "my interviews", deletion, and
the text of a due reminder (delivered by overstag/follow_up/delivery.py).

An interview is only ever found among the conversation's own: an id from a
button or a slot that belongs to another conversation is treated as unknown.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Tuple

from overstag import clock
from overstag.facts import (
    DUE_REMINDER_SLOT,
    INTERVIEW_ID,
    INTERVIEW_STATUS,
    LANGUAGE_SLOT,
    PENDING_DELETE_SLOT,
    STATUSES,
)
from overstag.follow_up import content, statuses
from overstag.follow_up.content import FollowUp
from overstag.privacy import redaction
from overstag.storage import storage
from overstag.turn import Reply, Turn


def _own(turn: Turn, interview_id: Optional[str]) -> Optional[Dict[str, Any]]:
    """An interview of this user by id; other users' ids are not found."""
    if not interview_id or not interview_id.isdigit():
        return None
    stored = storage()
    interview = stored.interviews.get(int(interview_id))
    if interview and stored.accounts.owner(interview["conversation_id"]) == turn.owner:
        return interview
    return None


def _payload(intent: str, **entities: Any) -> str:
    return f"/{intent}{json.dumps({k: str(v) for k, v in entities.items()})}"


def _one_interview(
    turn: Turn, reply: Reply, lang: str, which: str, intent: str, **entities: Any
) -> Optional[Dict[str, Any]]:
    """The interview a message is about (by button id, by name, or the only one there
    is); None after saying there is none, or after asking which one with buttons."""
    material = content.load()
    chosen = _own(turn, turn.entity(INTERVIEW_ID))
    if chosen:
        return chosen
    mine = storage().interviews.of(turn.owner)
    candidates = statuses.mentioned(turn.text, mine) or mine
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        reply.say(material.text("replies.no_interviews", lang))
        return None
    buttons = [
        {
            "title": f"{i['candidate_name']} ({i['outlet']})",
            "payload": _payload(intent, **{INTERVIEW_ID: i["id"]}, **entities),
        }
        for i in candidates
    ]
    reply.say(material.text(which, lang), buttons)
    return None


def plan_text(
    plan: List[Tuple[str, dt.datetime]], material: FollowUp, lang: str, now: dt.datetime
) -> str:
    names = material.raw["replies"]["reminder_names"]
    items = [
        material.text(
            "replies.reminder_item",
            lang,
            what=names[kind][lang],
            when=statuses.when(due, now, material, lang),
        )
        for kind, due in plan
    ]
    if not items:
        return ""
    return material.text("replies.reminders_planned", lang, items="; ".join(items))


def update_status(turn: Turn) -> Reply:
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    status = turn.entity(INTERVIEW_STATUS)
    if status not in STATUSES:
        status = statuses.detect_status(turn.text, material)
    named = {INTERVIEW_STATUS: status} if status else {}
    interview = _one_interview(
        turn, reply, lang, "replies.status_which_interview", "interview_status", **named
    )
    if interview is None:
        return reply
    name = interview["candidate_name"]
    if status is None:
        later = STATUSES[STATUSES.index(interview["status"]) + 1 :]
        buttons = [
            {
                "title": material.status_label(s, lang),
                "payload": _payload(
                    "interview_status",
                    **{INTERVIEW_ID: interview["id"], INTERVIEW_STATUS: s},
                ),
            }
            for s in later or STATUSES[1:]
        ]
        text = material.text("replies.status_which_status", lang, name=name)
        return reply.say(text, buttons)
    label = material.status_label(status, lang)
    if status == interview["status"]:
        text = material.text("replies.status_unchanged", lang, name=name, status=label)
        return reply.say(text)
    now = clock.now()
    plan = statuses.reminders_for(interview, status, now, material)
    storage().interviews.set_status(interview["id"], status, plan, now)
    text = material.text("replies.status_updated", lang, name=name, status=label)
    return reply.say(
        "\n".join(filter(None, [text, plan_text(plan, material, lang, now)]))
    )


def my_interviews(turn: Turn) -> Reply:
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    stored = storage().interviews
    mine = stored.of(turn.owner)
    if not mine:
        return reply.say(material.text("replies.no_interviews", lang))
    now = clock.now()
    names = material.raw["replies"]["reminder_names"]
    lines = [material.text("replies.my_interviews_heading", lang)]
    for interview in mine:
        status = material.status_label(interview["status"], lang)
        lines.append(
            material.text(
                "replies.interview_line",
                lang,
                name=interview["candidate_name"],
                outlet=interview["outlet"],
                status=status,
            )
        )
        due = stored.reminders(interview["id"])
        if due:
            when = statuses.when(due[0]["due_at"], now, material, lang)
            what = names[due[0]["kind"]][lang]
            lines.append(material.text("replies.due_line", lang, what=what, when=when))
        else:
            lines.append(material.text("replies.nothing_due", lang))
    return reply.say("\n".join(lines))


def ask_delete(turn: Turn) -> Reply:
    """Asks before deleting; the confirmation button names the interview by id."""
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    interview = _one_interview(
        turn, reply, lang, "replies.delete_which", "delete_interview"
    )
    if interview is None:
        return reply
    labels = material.raw["replies"]["buttons"]
    buttons = [
        {
            "title": labels["delete_yes"][lang],
            "payload": _payload("confirm_delete", **{INTERVIEW_ID: interview["id"]}),
        },
        {"title": labels["delete_no"][lang], "payload": "/deny"},
    ]
    name = interview["candidate_name"]
    reply.say(material.text("replies.delete_confirm", lang, name=name), buttons)
    return reply.set(PENDING_DELETE_SLOT, str(interview["id"]))


def confirm_delete(turn: Turn) -> Reply:
    lang = turn.language
    material = content.load()
    chosen = turn.entity(INTERVIEW_ID) or turn.slot(PENDING_DELETE_SLOT)
    interview = _own(turn, chosen)
    if interview is None:
        mine = storage().interviews.of(turn.owner)
        if statuses.mentioned(turn.text, mine):
            # "remove Stefan" read as a confirmation: ask first, as for any deletion
            return ask_delete(turn)
        reply = Reply().say(material.text("replies.nothing_to_delete", lang))
    else:
        stored = storage()
        stored.interviews.delete(interview["id"])
        # the rows are gone; the conversation's own history is cleaned as well
        redaction.redact_interview(
            stored.engine, interview["conversation_id"], interview
        )
        # no name in the answer: it would be stored again in the history
        reply = Reply().say(material.text("replies.deleted", lang))
    return reply.set(LANGUAGE_SLOT, lang).set(PENDING_DELETE_SLOT, None)


def reminder(turn: Turn) -> Reply:
    """Says a due reminder; the Rasa server runs this after setting `due_reminder`."""
    reply = Reply().set(DUE_REMINDER_SLOT, None)
    reminder_id = str(turn.slot(DUE_REMINDER_SLOT) or "")
    stored = storage().interviews
    due = stored.reminder(int(reminder_id)) if reminder_id.isdigit() else None
    interview = stored.get(due["interview_id"]) if due else None
    theirs = (
        due is not None
        and storage().accounts.owner(due["conversation_id"]) == turn.owner
    )
    if not interview or not theirs or due["state"] == "cancelled":
        # deleted or overtaken in the meantime, or asked for from another conversation
        return reply
    material = content.load()
    lang = turn.slot(LANGUAGE_SLOT) or interview["language"]
    label = material.raw["replies"]["buttons"]["my_interviews"][lang]
    text = statuses.reminder_text(due["kind"], interview, material, lang)
    return (
        Reply().say(text, [{"title": label, "payload": "/my_interviews"}]).extend(reply)
    )
