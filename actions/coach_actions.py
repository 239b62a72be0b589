"""The Rasa actions. Each one reads the tracker, asks the plain modules what to
say, sends it and records it; none holds coaching logic of its own."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import coaching, content, messages
from actions.lang import SLOT as LANGUAGE_SLOT, reply_language
from actions.storage import store

logger = logging.getLogger(__name__)
OBJECTIONS_SLOT = "objections"
SHOWN_SLOT = "shown"
SMALL_TALK = {"greet", "goodbye", "thank", "help", "bot_challenge", "out_of_scope", "deny"}


def _record(tracker: Tracker, kind: str, advice: List[coaching.Advice], lang: str,
            confidence: Optional[float] = None) -> None:
    try:
        for item in advice:
            store().record(tracker.sender_id, kind, item.category, lang,
                           item.concession_ids, confidence)
    except Exception:
        # the advice already went out, which matters more than its record
        logger.exception("Could not record coaching for %s", tracker.sender_id)


def _shown(tracker: Tracker) -> coaching.Shown:
    value = tracker.get_slot(SHOWN_SLOT)
    return dict(value) if isinstance(value, dict) else {}


def _objections(tracker: Tracker) -> List[str]:
    value = tracker.get_slot(OBJECTIONS_SLOT)
    return [c for c in value if c in content.CATEGORIES] if isinstance(value, list) else []


def _send_advice(dispatcher: CollectingDispatcher, material: content.Content,
                 advice: List[coaching.Advice], lang: str, intro: str) -> None:
    for number, item in enumerate(advice):
        lead = intro if number == 0 else ""
        if len(advice) > 1:
            lead = "\n".join(filter(None, [lead, f"— **{item.label}** —"]))
        for message in messages.advice_messages(material, item, lang, lead):
            dispatcher.utter_message(**message)
    dispatcher.utter_message(text=material.reply("next_step", lang),
                             buttons=messages.buttons(material, lang))


def send_another(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> List[EventType]:
    """One more suggestion for the current objections, or say that there is none."""
    material = content.load()
    categories = _objections(tracker)
    if not categories:
        dispatcher.utter_message(text=material.reply("ask_objection", lang))
        return [SlotSet(LANGUAGE_SLOT, lang)]
    shown = _shown(tracker)
    advice = coaching.another(material, categories, lang, shown)
    if not advice:
        dispatcher.utter_message(
            text=material.reply("no_more_suggestions", lang),
            buttons=messages.buttons(material, lang, messages.steps("practise", "still_no", "different_objection", "start_over")),
        )
        return [SlotSet(LANGUAGE_SLOT, lang)]
    labels = " & ".join(a.label for a in advice)
    _send_advice(dispatcher, material, advice, lang, material.reply("another_intro", lang, label=labels))
    _record(tracker, "another", advice, lang)
    return [SlotSet(LANGUAGE_SLOT, lang), SlotSet(SHOWN_SLOT, shown)]


class ActionCoachObjection(Action):
    def name(self) -> Text:
        return "action_coach_objection"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        material = content.load()
        intent = tracker.latest_message.get("intent") or {}
        categories = coaching.categories_of(intent.get("name"))
        shown = _shown(tracker)
        advice = coaching.coach(material, categories, lang, shown)
        if not advice:
            dispatcher.utter_message(text=material.reply("ask_objection", lang))
            return [SlotSet(LANGUAGE_SLOT, lang)]
        intro = messages.intro(material, advice, lang)
        if coaching.REFUSAL in categories:
            intro += "\n" + material.objections[coaching.REFUSAL]["respect_note"][lang]
        _send_advice(dispatcher, material, advice, lang, intro)
        _record(tracker, "coach", advice, lang, intent.get("confidence"))
        return [SlotSet(LANGUAGE_SLOT, lang), SlotSet(OBJECTIONS_SLOT, categories),
                SlotSet(SHOWN_SLOT, shown)]


class ActionAnotherSuggestion(Action):
    def name(self) -> Text:
        return "action_another_suggestion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return send_another(dispatcher, tracker, reply_language(tracker))


class ActionStillNo(Action):
    def name(self) -> Text:
        return "action_still_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        material = content.load()
        categories = _objections(tracker)
        steps = coaching.if_still_no(material, categories, lang)
        lines = [f"**{material.reply('heading_still_no', lang)}**"] + [f"• {s}" for s in steps]
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=messages.buttons(material, lang, messages.steps("practise", "different_objection", "start_over")),
        )
        for category in categories or [coaching.REFUSAL]:
            _record(tracker, "still_no", [coaching.Advice(category, material.label(category, lang))], lang)
        return [SlotSet(LANGUAGE_SLOT, lang)]


class ActionClarifyObjection(Action):
    """Asks which of the two likeliest objections is meant instead of guessing."""

    def name(self) -> Text:
        return "action_clarify_objection"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        material = content.load()
        ranking = tracker.latest_message.get("intent_ranking") or []
        top_two = [r.get("name") for r in ranking if r.get("name") != "nlu_fallback"][:2]
        options = [name for name in top_two if coaching.categories_of(name)]
        if not options:
            dispatcher.utter_message(text=material.reply("not_understood", lang))
            return [SlotSet(LANGUAGE_SLOT, lang)]

        def label(name: str) -> str:
            return " & ".join(material.label(c, lang) for c in coaching.categories_of(name))

        buttons = [{"title": label(n), "payload": f"/{n}"} for n in options]
        buttons.append({"title": material.button("other", lang), "payload": "/ask_different_objection"})
        if len(options) == 2:
            text = material.reply("clarify", lang, first=label(options[0]), second=label(options[1]))
        else:
            text = material.reply("clarify_single", lang, first=label(options[0]))
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(LANGUAGE_SLOT, lang)]


class ActionSmallTalk(Action):
    """Greetings, help, thanks, language switches and everything around the coaching."""

    def name(self) -> Text:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        material = content.load()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: List[EventType] = [SlotSet(LANGUAGE_SLOT, lang)]
        if intent == "affirm":
            if _objections(tracker):
                return send_another(dispatcher, tracker, lang)
            dispatcher.utter_message(text=material.reply("affirm_no_context", lang))
        elif intent == "switch_language":
            dispatcher.utter_message(text=material.reply("language_switched", lang))
        elif intent in ("start_over", "ask_different_objection"):
            key = "start_over" if intent == "start_over" else "ask_objection"
            dispatcher.utter_message(text=material.reply(key, lang))
            events += [SlotSet(OBJECTIONS_SLOT, None), SlotSet(SHOWN_SLOT, None)]
        elif intent in SMALL_TALK:
            dispatcher.utter_message(text=material.reply(intent, lang))
        elif intent and intent.startswith("move_"):
            dispatcher.utter_message(text=material.reply("move_outside_rehearsal", lang),
                                     buttons=messages.buttons(material, lang, messages.steps("practise")))
        else:
            dispatcher.utter_message(text=material.reply("not_understood", lang))
        return events
