"""Preparing the interview request: a Rasa form (`interview_form`) whose questions,
checks and corrections come from content/follow_up.yml, and the action that turns
the answers into a stored interview and a confirmation e-mail."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content, email_draft, follow_up_content, request_answers as answers
from actions.follow_up_content import FORM_SLOTS
from actions.interview_storage import interviews
from actions.lang import SLOT as LANGUAGE_SLOT, reply_language
from actions.storage import store

logger = logging.getLogger(__name__)
FORM = "interview_form"
MAX_OFFERED = 6


def offered_concessions(tracker: Tracker) -> List[str]:
    """Concessions suggested while coaching in this conversation, first suggested first."""
    ids: List[str] = []
    try:
        for record in store().records(tracker.sender_id):
            ids.extend(record["suggestions"])
    except Exception:
        logger.exception("Could not read the coaching records of %s", tracker.sender_id)
    known = content.load().concessions
    return [cid for cid in dict.fromkeys(ids) if cid in known][:MAX_OFFERED]


def form_language(tracker: Tracker) -> str:
    """The conversation's language: a bare answer such as "Sanne de Vries" says nothing about it."""
    current = tracker.get_slot(LANGUAGE_SLOT)
    return current if current in ("en", "nl") else reply_language(tracker)


def _name(tracker: Tracker) -> str:
    return tracker.get_slot("candidate_name") or "?"


def check(field: str, text: str, tracker: Tracker) -> Optional[Any]:
    """The answer for `field` in its stored form, or None when it needs asking again."""
    material = follow_up_content.load()
    if field == "candidate_name":
        return answers.candidate_name(text)
    if field == "subject":
        return answers.sentence(text, min_words=3, min_chars=12)
    if field == "outlet":
        return answers.sentence(text, min_words=1, min_chars=2, max_chars=200)
    if field == "duration":
        return answers.duration_minutes(text)
    if field in ("interview_form", "review_scope"):
        return answers.choice(text, material.choices(field))
    if field == "review_days":
        return answers.working_days(text)
    if field == "sensitive":
        return answers.yes_no(text, material)
    if field == "agreed_concessions":
        result = answers.agreed(text, offered_concessions(tracker), material)
        return None if result is None else {"concessions": result[0], "own": [result[1]] if result[1] else []}
    return None


def summary(tracker: Tracker, lang: str) -> str:
    material = follow_up_content.load()
    fields = material.fields

    def line(field: str, value: str) -> str:
        return f"• **{fields[field]['label'][lang]}**: {value}"

    lines = [line("candidate_name", _name(tracker)),
             line("subject", tracker.get_slot("subject") or "-"),
             line("outlet", tracker.get_slot("outlet") or "-")]
    if tracker.get_slot("duration"):
        lines.append(line("duration", answers.describe_minutes(int(tracker.get_slot("duration")), lang)))
    if tracker.get_slot("interview_form"):
        lines.append(line("interview_form", material.choice("interview_form", tracker.get_slot("interview_form"), lang)["label"]))
    scope = tracker.get_slot("review_scope")
    if scope:
        lines.append(line("review_scope", material.choice("review_scope", scope, lang)["label"]))
    if scope != "none" and tracker.get_slot("review_days"):
        lines.append(line("review_days", str(int(tracker.get_slot("review_days")))))
    yes_no = material.raw["form"]["buttons"]["yes" if tracker.get_slot("sensitive") else "no"][lang]
    lines.append(line("sensitive", yes_no))
    agreed = tracker.get_slot("agreed_concessions") or {}
    extras = [material.agreement(cid, lang) for cid in agreed.get("concessions") or []] + list(agreed.get("own") or [])
    lines.append(line("agreed_concessions", "; ".join(extras) if extras else "-"))
    return "\n".join(lines)


class ValidateInterviewForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_interview_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("review_scope") == "none":
            return [slot for slot in domain_slots if slot != "review_days"]
        return domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if tracker.get_slot("requested_slot") and answers.is_stop(text, follow_up_content.load()):
            lang = form_language(tracker)
            dispatcher.utter_message(text=follow_up_content.load().text("form.cancelled", lang))
            return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    def _validated(self, field: str, value: Any, dispatcher: CollectingDispatcher,
                   tracker: Tracker) -> Dict[Text, Any]:
        checked = check(field, str(value or ""), tracker)
        if checked is None:
            lang = form_language(tracker)
            dispatcher.utter_message(text=follow_up_content.load().text(f"form.reasks.{field}", lang))
        return {field: checked}

    def __getattr__(self, name: str) -> Any:
        # rasa_sdk looks up validate_<slot>; every answer slot has the same shape of check
        slot = name[len("validate_"):] if name.startswith("validate_") else ""
        if slot in FORM_SLOTS and slot != "confirmed":
            return lambda value, dispatcher, tracker, domain: self._validated(slot, value, dispatcher, tracker)
        raise AttributeError(name)

    def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        material = follow_up_content.load()
        lang = form_language(tracker)
        text = str(value or "")
        fix = answers.correction(text, material)
        if fix is None:
            if answers.yes_no(text, material):
                return {"confirmed": True}
            dispatcher.utter_message(text=material.text("form.reasks.confirmed", lang))
            return {"confirmed": None}
        field, new_value = fix
        if new_value is not None:
            checked = check(field, new_value, tracker)
            if checked is not None:
                dispatcher.utter_message(text=material.text("form.corrected", lang))
                return {field: checked, "confirmed": None}
            dispatcher.utter_message(text=material.text(f"form.reasks.{field}", lang))
        # emptied, so the form asks it again and then shows the summary again
        return {field: None, "confirmed": None}


class AskSlotAction(Action):
    """Asks for one slot of the form in the conversation's language (`action_ask_<slot>`),
    with the usual answers as buttons."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def text(self, tracker: Tracker, lang: str) -> str:
        return follow_up_content.load().text(f"form.questions.{self.slot}", lang, name=_name(tracker))

    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return []

    def question(self, tracker: Tracker, lang: str) -> Tuple[str, List[str]]:
        return self.text(tracker, lang), self.answers(tracker, lang)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        lang = reply_language(tracker) if intent == "prepare_request" else form_language(tracker)
        text, answers = self.question(tracker, lang)
        # the payload is the answer itself, so a click reads like a typed answer
        buttons = [{"title": answer, "payload": answer} for answer in answers]
        dispatcher.utter_message(text=text, buttons=buttons or None)
        return [SlotSet(LANGUAGE_SLOT, lang)]


def _labels(lang: str, *keys: str) -> List[str]:
    """Button labels from form.buttons; an entry is one label or a list of them."""
    labels: List[str] = []
    for key in keys:
        value = follow_up_content.load().raw["form"]["buttons"][key][lang]
        labels += [value] if isinstance(value, str) else list(value)
    return labels


class AskCandidateName(AskSlotAction):
    slot = "candidate_name"

    def text(self, tracker: Tracker, lang: str) -> str:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        question = super().text(tracker, lang)
        if intent == "prepare_request" and not any(tracker.get_slot(s) for s in FORM_SLOTS):
            return f"{follow_up_content.load().text('form.start', lang)}\n\n{question}"
        return question


class AskSubject(AskSlotAction):
    slot = "subject"


class AskOutlet(AskSlotAction):
    slot = "outlet"


class AskDuration(AskSlotAction):
    slot = "duration"

    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return _labels(lang, "duration")


class AskChoice(AskSlotAction):
    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return [option[lang]["label"] for option in follow_up_content.load().choices(self.slot).values()]


class AskInterviewForm(AskChoice):
    slot = "interview_form"


class AskReviewScope(AskChoice):
    slot = "review_scope"


class AskReviewDays(AskSlotAction):
    slot = "review_days"

    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return _labels(lang, "review_days")


class AskSensitive(AskSlotAction):
    slot = "sensitive"

    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return _labels(lang, "yes", "no")


class AskAgreedConcessions(AskSlotAction):
    slot = "agreed_concessions"

    def question(self, tracker: Tracker, lang: str) -> Tuple[str, List[str]]:
        material = follow_up_content.load()
        offered = offered_concessions(tracker)
        if not offered:
            return (material.text("form.questions.agreed_concessions_open", lang, name=_name(tracker)),
                    _labels(lang, "none"))
        coaching = content.load()
        options = "\n".join(f"{number}. {coaching.concession(cid, lang)['title']}"
                            for number, cid in enumerate(offered, start=1))
        text = material.text("form.questions.agreed_concessions", lang, name=_name(tracker), options=options)
        return text, _labels(lang, "all", "none")


class AskConfirmed(AskSlotAction):
    slot = "confirmed"

    def text(self, tracker: Tracker, lang: str) -> str:
        return follow_up_content.load().text("form.questions.confirmed", lang, summary=summary(tracker, lang))

    def answers(self, tracker: Tracker, lang: str) -> List[str]:
        return _labels(lang, "yes")


def interview_answers(tracker: Tracker) -> Dict[str, Any]:
    agreed = tracker.get_slot("agreed_concessions") or {}
    return {
        "candidate_name": tracker.get_slot("candidate_name"), "subject": tracker.get_slot("subject"),
        "outlet": tracker.get_slot("outlet"), "duration": int(tracker.get_slot("duration")),
        "interview_form": tracker.get_slot("interview_form"), "review_scope": tracker.get_slot("review_scope"),
        "review_days": tracker.get_slot("review_days") if tracker.get_slot("review_scope") != "none" else None,
        "sensitive": bool(tracker.get_slot("sensitive")),
        "concessions": list(agreed.get("concessions") or []), "own_agreements": list(agreed.get("own") or []),
    }


class ActionSubmitInterview(Action):
    """Stores the prepared interview and hands over the confirmation e-mail."""

    def name(self) -> Text:
        return "action_submit_interview"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reset = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if tracker.get_slot("confirmed") is not True:
            return reset  # stopped on request; the form already said so
        lang = form_language(tracker)
        material = follow_up_content.load()
        interview = interview_answers(tracker)
        now = dt.datetime.now(dt.timezone.utc)
        interview["id"] = interviews().create(tracker.sender_id, interview, lang, now)
        subject, body = email_draft.compose(interview, material, lang)
        dispatcher.utter_message(text=material.text("email.ready", lang, name=interview["candidate_name"]))
        # chat channels split a text at blank lines; single line breaks keep the e-mail in one
        # bubble, and the web page swaps in the exact text from the attached payload
        dispatcher.utter_message(
            text="\n".join(line for line in f"{subject}\n\n{body}".splitlines() if line.strip()),
            json_message={"overstag_email": {
                "subject": subject, "body": body, "eml": email_draft.to_eml(subject, body, now),
                "txt_filename": email_draft.filename(interview, "txt"),
                "eml_filename": email_draft.filename(interview, "eml"),
                "interview_id": interview["id"]}},
        )
        return reset + [SlotSet(LANGUAGE_SLOT, lang)]
