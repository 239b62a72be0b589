"""Following an interview through (data/rules/follow_up.yml): status updates,
"my interviews", deletion, and the reminders the Rasa server delivers."""

from __future__ import annotations

from typing import Text

from actions.base import TurnAction
from overstag.facts import REMINDER_ACTION
from overstag.follow_up import turns
from overstag.turn import Reply, Turn


class ActionInterviewStatus(TurnAction):
    def name(self) -> Text:
        return "action_interview_status"

    def answer(self, turn: Turn) -> Reply:
        return turns.update_status(turn)


class ActionMyInterviews(TurnAction):
    def name(self) -> Text:
        return "action_my_interviews"

    def answer(self, turn: Turn) -> Reply:
        return turns.my_interviews(turn)


class ActionDeleteInterview(TurnAction):
    """Asks before deleting; the confirmation names the interview by id."""

    def name(self) -> Text:
        return "action_delete_interview"

    def answer(self, turn: Turn) -> Reply:
        return turns.ask_delete(turn)


class ActionConfirmDelete(TurnAction):
    def name(self) -> Text:
        return "action_confirm_delete"

    def answer(self, turn: Turn) -> Reply:
        return turns.confirm_delete(turn)


class ActionFollowUpReminder(TurnAction):
    """Says a due reminder; the Rasa server runs it after setting `due_reminder`."""

    def name(self) -> Text:
        return REMINDER_ACTION

    def answer(self, turn: Turn) -> Reply:
        return turns.reminder(turn)
