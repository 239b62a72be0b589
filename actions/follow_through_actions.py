"""After the request: status updates in the chat, "my interviews", deletion, and
the reminders that the Rasa server delivers (overstag/reminder_delivery.py)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import follow_through, follow_up_content
from actions.follow_up_content import STATUSES
from actions.interview_storage import interviews
from actions.lang import SLOT as LANGUAGE_SLOT, reply_language

PENDING_DELETE = "pending_delete"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def _own(tracker: Tracker, interview_id: Optional[str]) -> Optional[Dict[str, Any]]:
    """An interview of this conversation by id; ids of other conversations are not found."""
    if not interview_id or not interview_id.isdigit():
        return None
    interview = interviews().get(int(interview_id))
    return interview if interview and interview["conversation_id"] == tracker.sender_id[:128] else None


def _payload(intent: str, **entities: Any) -> str:
    return f"/{intent}{json.dumps({k: str(v) for k, v in entities.items()})}"


def _one_interview(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str, which: str,
                   intent: str, **entities: Any) -> Optional[Dict[str, Any]]:
    """The interview a message is about (by button id, by name, or the only one there is);
    None after saying there is none, or after asking which one with buttons."""
    material = follow_up_content.load()
    chosen = _own(tracker, _entity(tracker, "interview_id"))
    if chosen:
        return chosen
    mine = interviews().of(tracker.sender_id[:128])
    candidates = follow_through.mentioned((tracker.latest_message or {}).get("text") or "", mine) or mine
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        dispatcher.utter_message(text=material.text("replies.no_interviews", lang))
    else:
        dispatcher.utter_message(text=material.text(which, lang), buttons=[
            {"title": f"{i['candidate_name']} ({i['outlet']})", "payload": _payload(intent, interview_id=i["id"], **entities)}
            for i in candidates])
    return None


def plan_text(plan: List[Any], material: follow_up_content.FollowUp, lang: str, now: dt.datetime) -> str:
    names = material.raw["replies"]["reminder_names"]
    items = [material.text("replies.reminder_item", lang, what=names[kind][lang],
                           when=follow_through.when(due, now, material, lang)) for kind, due in plan]
    return material.text("replies.reminders_planned", lang, items="; ".join(items)) if items else ""


class ActionInterviewStatus(Action):
    def name(self) -> Text:
        return "action_interview_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        material = follow_up_content.load()
        events: List[EventType] = [SlotSet(LANGUAGE_SLOT, lang)]
        status = _entity(tracker, "interview_status")
        if status not in STATUSES:
            status = follow_through.detect_status((tracker.latest_message or {}).get("text") or "", material)
        interview = _one_interview(dispatcher, tracker, lang, "replies.status_which_interview", "interview_status",
                                   **({"interview_status": status} if status else {}))
        if interview is None:
            return events
        name = interview["candidate_name"]
        if status is None:
            later = STATUSES[STATUSES.index(interview["status"]) + 1:]
            dispatcher.utter_message(
                text=material.text("replies.status_which_status", lang, name=name),
                buttons=[{"title": material.status_label(s, lang),
                          "payload": _payload("interview_status", interview_id=interview["id"], interview_status=s)}
                         for s in later or STATUSES[1:]])
            return events
        label = material.status_label(status, lang)
        if status == interview["status"]:
            dispatcher.utter_message(text=material.text("replies.status_unchanged", lang, name=name, status=label))
            return events
        now = _now()
        plan = follow_through.reminders_for(interview, status, now, material)
        interviews().set_status(interview["id"], status, plan, now)
        text = material.text("replies.status_updated", lang, name=name, status=label)
        dispatcher.utter_message(text="\n".join(filter(None, [text, plan_text(plan, material, lang, now)])))
        return events


class ActionMyInterviews(Action):
    def name(self) -> Text:
        return "action_my_interviews"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        material = follow_up_content.load()
        mine = interviews().of(tracker.sender_id[:128])
        if not mine:
            dispatcher.utter_message(text=material.text("replies.no_interviews", lang))
            return [SlotSet(LANGUAGE_SLOT, lang)]
        now = _now()
        names = material.raw["replies"]["reminder_names"]
        lines = [material.text("replies.my_interviews_heading", lang)]
        for interview in mine:
            lines.append(material.text("replies.interview_line", lang, name=interview["candidate_name"],
                                       outlet=interview["outlet"],
                                       status=material.status_label(interview["status"], lang)))
            due = interviews().reminders(interview["id"])
            if due:
                lines.append(material.text("replies.due_line", lang, what=names[due[0]["kind"]][lang],
                                           when=follow_through.when(due[0]["due_at"], now, material, lang)))
            else:
                lines.append(material.text("replies.nothing_due", lang))
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet(LANGUAGE_SLOT, lang)]


class ActionDeleteInterview(Action):
    """Asks before deleting; the confirmation names the interview by id."""

    def name(self) -> Text:
        return "action_delete_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        material = follow_up_content.load()
        interview = _one_interview(dispatcher, tracker, lang, "replies.delete_which", "delete_interview")
        if interview is None:
            return [SlotSet(LANGUAGE_SLOT, lang)]
        buttons = material.raw["replies"]["buttons"]
        dispatcher.utter_message(
            text=material.text("replies.delete_confirm", lang, name=interview["candidate_name"]),
            buttons=[{"title": buttons["delete_yes"][lang],
                      "payload": _payload("confirm_delete", interview_id=interview["id"])},
                     {"title": buttons["delete_no"][lang], "payload": "/deny"}])
        return [SlotSet(LANGUAGE_SLOT, lang), SlotSet(PENDING_DELETE, str(interview["id"]))]


class ActionConfirmDelete(Action):
    def name(self) -> Text:
        return "action_confirm_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = reply_language(tracker)
        material = follow_up_content.load()
        interview = _own(tracker, _entity(tracker, "interview_id") or tracker.get_slot(PENDING_DELETE))
        if interview is None:
            if follow_through.mentioned((tracker.latest_message or {}).get("text") or "",
                                        interviews().of(tracker.sender_id[:128])):
                # "remove Stefan" read as a confirmation: ask first, as for any deletion
                return await ActionDeleteInterview().run(dispatcher, tracker, domain)
            dispatcher.utter_message(text=material.text("replies.nothing_to_delete", lang))
        else:
            interviews().delete(interview["id"])
            dispatcher.utter_message(text=material.text("replies.deleted", lang, name=interview["candidate_name"]))
        return [SlotSet(LANGUAGE_SLOT, lang), SlotSet(PENDING_DELETE, None)]


DUE_REMINDER = "due_reminder"


class ActionFollowUpReminder(Action):
    """Says a due reminder; the Rasa server runs it after setting `due_reminder`."""

    def name(self) -> Text:
        return "action_follow_up_reminder"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reminder_id = str(tracker.get_slot(DUE_REMINDER) or "")
        reminder = interviews().reminder(int(reminder_id)) if reminder_id.isdigit() else None
        interview = interviews().get(reminder["interview_id"]) if reminder else None
        if not interview or reminder["state"] == "cancelled":
            return [SlotSet(DUE_REMINDER, None)]  # deleted or overtaken in the meantime
        material = follow_up_content.load()
        lang = tracker.get_slot(LANGUAGE_SLOT) or interview["language"]
        dispatcher.utter_message(
            text=follow_through.reminder_text(reminder["kind"], interview, material, lang),
            buttons=[{"title": material.raw["replies"]["buttons"]["my_interviews"][lang],
                      "payload": "/my_interviews"}])
        return [SlotSet(DUE_REMINDER, None)]
