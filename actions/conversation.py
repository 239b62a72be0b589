"""Around the coaching (data/rules/conversation.yml): greetings, help, thanks,
language switches, starting over."""

from __future__ import annotations

from typing import Text

from actions.base import TurnAction
from overstag import conversation
from overstag.rehearsal import turns as rehearsal
from overstag.turn import Reply, Turn


class ActionSmallTalk(TurnAction):
    def name(self) -> Text:
        return "action_small_talk"

    def answer(self, turn: Turn) -> Reply:
        if rehearsal.reads_as_move(turn):
            return rehearsal.answer(turn, *rehearsal.running(turn))
        return conversation.small_talk(turn)
