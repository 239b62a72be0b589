"""The user's own data (data/rules/privacy.yml): export with a download link, and
erasing everything about the user after a confirmation."""

from __future__ import annotations

import dataclasses
from typing import Text

from rasa_sdk import Tracker

from actions.base import TurnAction, turn_of
from overstag.privacy import chat
from overstag.turn import Reply, Turn

ASK_ERASE_ACTION = "action_erase_my_data"
# what runs between the question and the answer without being an answer
_LISTENING = ("action_listen", "action_extract_slots")


def asked_just_now(tracker: Tracker) -> bool:
    """Whether the bot's last action before the latest message was the erase
    question: a stale question (the user moved on, or a new session began)
    erases nothing, even while its slot is still set."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "action":
            if event.get("name") not in _LISTENING:
                return event.get("name") == ASK_ERASE_ACTION
    return False


class ActionExportMyData(TurnAction):
    def name(self) -> Text:
        return "action_export_my_data"

    def answer(self, turn: Turn) -> Reply:
        return chat.export(turn)


class ActionEraseMyData(TurnAction):
    """Asks first; the answer is action_confirm_erase or action_keep_my_data."""

    def name(self) -> Text:
        return ASK_ERASE_ACTION

    def answer(self, turn: Turn) -> Reply:
        return chat.ask_erase(turn)


class ActionConfirmErase(TurnAction):
    """The Rasa server does not save the conversation after this action when its
    events are gone (overstag/rasa_patches/tracker_store.py): keep the name."""

    def name(self) -> Text:
        return "action_confirm_erase"

    def answer(self, turn: Turn) -> Reply:
        return chat.confirm_erase(turn)

    def turn(self, tracker: Tracker) -> Turn:
        turn = turn_of(tracker)
        if asked_just_now(tracker):
            return turn
        # a stale question erases nothing, even while its slot is still set
        slots = {**turn.slots, chat.PENDING_ERASE_SLOT: None}
        return dataclasses.replace(turn, slots=slots)


class ActionKeepMyData(TurnAction):
    """A "no" right after the erase question."""

    def name(self) -> Text:
        return "action_keep_my_data"

    def answer(self, turn: Turn) -> Reply:
        return chat.keep(turn)
