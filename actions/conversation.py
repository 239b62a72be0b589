"""Around the coaching (data/rules/conversation.yml): greetings, help, thanks,
language switches, starting over."""

from __future__ import annotations

from typing import Text

from actions.base import TurnAction
from overstag import conversation
from overstag.turn import Reply, Turn


class ActionSmallTalk(TurnAction):
    def name(self) -> Text:
        return "action_small_talk"

    def answer(self, turn: Turn) -> Reply:
        return conversation.small_talk(turn)
