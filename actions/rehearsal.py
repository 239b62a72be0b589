"""Rehearsal mode (data/rules/rehearsal.yml): the assistant plays a hesitant
candidate; the running rehearsal lives in the `rehearsal` slot."""

from __future__ import annotations

from abc import abstractmethod
from typing import Text

from actions.base import TurnAction
from overstag.rehearsal import turns
from overstag.rehearsal.candidate import State
from overstag.turn import Reply, Turn


class RunningRehearsalAction(TurnAction):
    """An action that needs a running rehearsal; without one it says how to start."""

    def answer(self, turn: Turn) -> Reply:
        current = turns.running(turn)
        return self.act(turn, *current) if current else turns.not_running(turn)

    @abstractmethod
    def act(self, turn: Turn, state: State, session: int) -> Reply: ...


class ActionStartRehearsal(TurnAction):
    def name(self) -> Text:
        return "action_start_rehearsal"

    def answer(self, turn: Turn) -> Reply:
        return turns.start(turn)


class ActionRehearseTurn(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_rehearse_turn"

    def act(self, turn: Turn, state: State, session: int) -> Reply:
        return turns.answer(turn, state, session)


class ActionRehearsalHint(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_rehearsal_hint"

    def act(self, turn: Turn, state: State, session: int) -> Reply:
        return turns.hint(turn, state, session)


class ActionRetryTurn(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_retry_turn"

    def act(self, turn: Turn, state: State, session: int) -> Reply:
        return turns.retry(turn, state, session)


class ActionToggleFeedback(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_toggle_feedback"

    def act(self, turn: Turn, state: State, session: int) -> Reply:
        return turns.toggle_feedback(turn, state, session)


class ActionStopRehearsal(RunningRehearsalAction):
    def name(self) -> Text:
        return "action_stop_rehearsal"

    def act(self, turn: Turn, state: State, session: int) -> Reply:
        return turns.stop(turn, state, session)


class ActionMyProgress(TurnAction):
    def name(self) -> Text:
        return "action_my_progress"

    def answer(self, turn: Turn) -> Reply:
        return turns.progress(turn)
