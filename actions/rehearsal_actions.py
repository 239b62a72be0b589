"""Rasa actions of rehearsal mode: thin wrappers over rehearsal, rehearsal_content
and rehearsal_messages. The running rehearsal lives in the `rehearsal` slot."""
from __future__ import annotations

import logging
import zlib
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content, messages, rehearsal, rehearsal_content, rehearsal_messages
from actions.coach_actions import OBJECTIONS_SLOT
from actions.lang import SLOT as LANGUAGE_SLOT, reply_language
from actions.storage import store
from overstag import intent_views

logger = logging.getLogger(__name__)
MODE_SLOT, REHEARSAL_SLOT = "mode", "rehearsal"


def moves_in(message: Dict[str, Any]) -> List[str]:
    """The interviewer's moves, read with rehearsal's labels; a button or test may name one directly."""
    intent = (message.get("intent") or {}).get("name") or ""
    named = [m for m in intent.split("+") if m in rehearsal.MOVES]
    return named or intent_views.rehearsal_moves(message)


def _running(tracker: Tracker) -> Optional[Tuple[rehearsal.State, int]]:
    data = tracker.get_slot(REHEARSAL_SLOT)
    if not isinstance(data, dict) or "state" not in data:
        return None
    return rehearsal.State.from_dict(data["state"]), int(data["session"])


def _keep(state: rehearsal.State, session: int) -> List[EventType]:
    return [SlotSet(REHEARSAL_SLOT, {"state": state.to_dict(), "session": session}),
            SlotSet(MODE_SLOT, "rehearse"), SlotSet(LANGUAGE_SLOT, state.lang)]


def _finish(dispatcher: CollectingDispatcher, tracker: Tracker, state: rehearsal.State,
            session: int, outcome: Optional[str] = None) -> List[EventType]:
    """Scorecard, stored session, back to coach mode."""
    texts = rehearsal_content.load()
    persona = texts.personas[state.persona]
    state.outcome = state.outcome or outcome or "stopped"
    scores = rehearsal.scores(state)
    dispatcher.utter_message(
        text=rehearsal_messages.scorecard(texts, state, persona, scores),
        buttons=messages.buttons(content.load(), state.lang, messages.AFTER_REHEARSAL),
    )
    try:
        store().finish_rehearsal(session, state.outcome, scores, state.agreements,
                                 [{"moves": t.moves, "effects": t.effects, "stage": t.stage} for t in state.turns])
    except Exception:
        logger.exception("Could not store rehearsal %s", session)
    return [SlotSet(REHEARSAL_SLOT, None), SlotSet(MODE_SLOT, "coach"), SlotSet(LANGUAGE_SLOT, state.lang)]


def _no_rehearsal(dispatcher: CollectingDispatcher, lang: str) -> List[EventType]:
    dispatcher.utter_message(text=rehearsal_content.load().text("texts", "no_rehearsal", lang))
    return [SlotSet(MODE_SLOT, "coach"), SlotSet(LANGUAGE_SLOT, lang)]


class RunningRehearsalAction(Action, ABC):
    """An action that needs a running rehearsal; without one it says how to start."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        running = _running(tracker)
        if not running:
            return _no_rehearsal(dispatcher, reply_language(tracker))
        return self.act(dispatcher, tracker, *running)

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        ...


class ActionStartRehearsal(Action):
    def name(self) -> Text:
        return "action_start_rehearsal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        texts = rehearsal_content.load()
        events: List[EventType] = []
        running = _running(tracker)
        if running:
            events += _finish(dispatcher, tracker, *running)
        text = tracker.latest_message.get("text") or ""
        coached = tracker.get_slot(OBJECTIONS_SLOT) or []
        # the button under coaching advice rehearses the objection just coached
        category = texts.category_in(text) or (coached[0] if text.startswith("/") and coached else None)
        difficulty = texts.difficulty_in(text) or "normal"
        earlier = len(store().rehearsals(tracker.sender_id, finished=False))
        seed = zlib.crc32(f"{tracker.sender_id}:{earlier}".encode())
        persona = texts.pick(category, seed)
        state = rehearsal.State(persona=persona["id"], category=persona["category"], lang=lang,
                                difficulty=difficulty, seed=seed)
        session = store().start_rehearsal(tracker.sender_id, persona["id"], persona["category"], difficulty, lang)
        side = persona[lang]
        dispatcher.utter_message(text=texts.text(
            "texts", "start", lang, name=side["name"], role=side["role"], subject=side["subject"],
            difficulty=texts.texts["texts"]["difficulty_names"][lang][difficulty]))
        opening = side["lines"]["refusing"][0]
        state.used_lines.append(opening)
        dispatcher.utter_message(text=texts.text("texts", "candidate", lang, name=side["name"], line=opening),
                                 buttons=messages.buttons(content.load(), lang, messages.REHEARSAL_STEPS))
        return events + _keep(state, session)


class ActionRehearseTurn(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_rehearse_turn"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        state.lang = reply_language(tracker)
        texts = rehearsal_content.load()
        persona = texts.personas[state.persona]
        text = tracker.latest_message.get("text") or ""
        state = rehearsal.step(state, persona, text, moves_in(tracker.latest_message),
                               confirms=texts.confirms(text, state.lang))
        said = [rehearsal_messages.candidate_line(texts, state, persona, rehearsal.reply_key(state))]
        if state.feedback:
            said.append(rehearsal_messages.feedback(texts, state))
        for text in said[:-1]:
            dispatcher.utter_message(text=text)
        if state.outcome:
            dispatcher.utter_message(text=said[-1])
            return _finish(dispatcher, tracker, state, session)
        dispatcher.utter_message(text=said[-1],
                                 buttons=messages.buttons(content.load(), state.lang, messages.REHEARSAL_STEPS))
        return _keep(state, session)


class ActionRehearsalHint(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_rehearsal_hint"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        texts = rehearsal_content.load()
        dispatcher.utter_message(text=rehearsal_messages.hint(texts, state, texts.personas[state.persona]))
        return []


class ActionRetryTurn(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_retry_turn"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        texts = rehearsal_content.load()
        earlier = rehearsal.retry(state)
        if earlier is None:
            dispatcher.utter_message(text=texts.text("texts", "nothing_to_retry", state.lang))
            return []
        # lines already spoken stay spoken, so the candidate does not repeat itself
        earlier.used_lines = state.used_lines
        side = texts.personas[state.persona][state.lang]
        last_line = state.used_lines[-2] if len(state.used_lines) > 1 else side["lines"]["refusing"][0]
        dispatcher.utter_message(text=texts.text("texts", "retried", state.lang) + "\n" +
                                 texts.text("texts", "candidate", state.lang, name=side["name"], line=last_line))
        return _keep(earlier, session)


class ActionToggleFeedback(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_toggle_feedback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        text = f" {(tracker.latest_message.get('text') or '').lower()} "
        if any(word in text for word in (" off ", " uit ", "no more", "geen ", "zonder")):
            state.feedback = False
        elif any(word in text for word in (" on ", " aan ", "again", "weer")):
            state.feedback = True
        else:
            state.feedback = not state.feedback
        key = "feedback_on" if state.feedback else "feedback_off"
        dispatcher.utter_message(text=rehearsal_content.load().text("texts", key, state.lang))
        return _keep(state, session)


class ActionStopRehearsal(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_stop_rehearsal"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            state: rehearsal.State, session: int) -> List[EventType]:
        return _finish(dispatcher, tracker, state, session, outcome="stopped")


class ActionMyProgress(Action):
    def name(self) -> Text:
        return "action_my_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        lang = reply_language(tracker)
        sessions = store().rehearsals(tracker.sender_id)
        dispatcher.utter_message(text=rehearsal_messages.progress(rehearsal_content.load(), sessions, lang))
        return [SlotSet(LANGUAGE_SLOT, lang)]
