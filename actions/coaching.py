"""Coach mode (data/rules/coaching.yml): advice for the objections in a message."""

from __future__ import annotations

from typing import Text

from actions.base import TurnAction
from overstag.coaching import turns
from overstag.turn import Reply, Turn


class ActionCoachObjection(TurnAction):
    def name(self) -> Text:
        return "action_coach_objection"

    def answer(self, turn: Turn) -> Reply:
        return turns.coach(turn)


class ActionAnotherSuggestion(TurnAction):
    def name(self) -> Text:
        return "action_another_suggestion"

    def answer(self, turn: Turn) -> Reply:
        return turns.another(turn)


class ActionStillNo(TurnAction):
    def name(self) -> Text:
        return "action_still_no"

    def answer(self, turn: Turn) -> Reply:
        return turns.still_no(turn)


class ActionClarifyObjection(TurnAction):
    """Asks which of the two likeliest objections is meant instead of guessing."""

    def name(self) -> Text:
        return "action_clarify_objection"

    def answer(self, turn: Turn) -> Reply:
        return turns.clarify(turn)
