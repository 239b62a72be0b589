"""The Rasa side of `overstag.turn`: a tracker read as a Turn, a Reply sent."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from overstag.accounts import people
from overstag.turn import Reply, Turn


def turn_of(tracker: Tracker) -> Turn:
    return people.turn_for(
        tracker.sender_id, tracker.latest_message or {}, dict(tracker.slots)
    )


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Sends the reply's messages (a form's check returns its slots itself)."""
    for message in reply.messages:
        dispatcher.utter_message(**message)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> List[EventType]:
    """Sends the reply's messages; its slot changes as the action's events."""
    utter(dispatcher, reply)
    return [SlotSet(slot, value) for slot, value in reply.slots.items()]


class TurnAction(Action, ABC):
    """An action whose whole work is one feature function from Turn to Reply."""

    @abstractmethod
    def name(self) -> Text: ...

    @abstractmethod
    def answer(self, turn: Turn) -> Reply: ...

    def turn(self, tracker: Tracker) -> Turn:
        """The turn this action answers; an action may read more of the tracker."""
        return turn_of(tracker)

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        turn = self.turn(tracker)
        reply = self.answer(turn)
        people.remember(turn, reply)
        return send(dispatcher, reply)
