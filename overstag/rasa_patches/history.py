"""A turn's cost stays flat however long the conversation: history walked once.

On every prediction Rasa's RulePolicy (twice, from text and from intent) replays
all applied events into a fresh tracker and builds a state before every action
(`Domain.states_for_tracker_history`); several callers per turn recompute
`applied_events()` from the first event; and before every action the processor
copies the tracker by replaying every event into a new one. In a conversation
of 200 messages those passes were most of a turn (docs/benchmarks.md, issue 17).

Each is kept on the tracker object between calls, which the tracker store's
cache hands from turn to turn, and extended with the events added since:

- `applied_events`: the list of applied events changes like a stack (reverts and
  a loop's repeated executions pop, everything else pushes), so the events added
  since the last call are applied to the kept list with Rasa's own rules. It is
  recomputed from the start when the tracker's event deque is not the one seen
  or when a new loop name appears (Rasa's rule depends on every loop name in
  the conversation).
- the states: kept with the tracker they were replayed into; valid while the
  applied events the states were built from are still the prefix of today's.
  Only the case Overstag's RulePolicy uses (no rule-only turns hidden) is kept;
  others go to Rasa's own code. Callers change states in place, so each call
  gets copies.
- RulePolicy sees only the last states its longest rule can match: for a longer
  history `_get_possible_keys` accepts every key at every earlier turn, so the
  result is the same; the text-and-intent filtering, the debug formatting and its
  deep copy no longer grow with the conversation.
- `copy()` clones the state (new event deque and slots, copied loop and latest
  action) instead of replaying every event; like Rasa's copy, the clone has no
  model or assistant id and no sender source.

A tracker with `max_event_history` (a deque that drops its oldest events; not
used by Overstag) goes to Rasa's own code throughout.

OVERSTAG_STOCK_RASA=1 leaves all of this out (serve.py installs it with the rest).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from contextvars import ContextVar
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.rule_policy import (
    RULES,
    RULES_FOR_LOOP_UNHAPPY_PATH,
    RulePolicy,
)
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_APPLIED = "_overstag_applied"
_STATES = "_overstag_states"
_LONGEST = "_overstag_longest_rule"
# how many of the last states the caller can use (None: all)
_WINDOW: ContextVar[Optional[int]] = ContextVar("overstag_state_window", default=None)

_ORIGINAL: Dict[str, Any] = {}


class _Applied:
    __slots__ = ("events_id", "count", "last", "loop_names", "applied")

    def __init__(self, events: Any, loop_names: set, applied: List[Event]) -> None:
        self.events_id = id(events)
        self.count = len(events)
        self.last = events[-1] if events else None
        self.loop_names, self.applied = loop_names, applied


def _apply(
    tracker: DialogueStateTracker, event: Event, loop_names: set, applied: List[Event]
) -> List[Event]:
    """One step of Rasa's `applied_events` loop (rasa/shared/core/trackers.py)."""
    if isinstance(event, (Restarted, SessionStarted)):
        return []
    if isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loop_names
        and not tracker._first_loop_execution_or_unhappy_path(
            event.action_name, applied
        )
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
    return applied


def _new_events(tracker: DialogueStateTracker, kept: Optional[_Applied]) -> Any:
    """The events added since `kept` was made, or None when it cannot be extended."""
    events = tracker.events
    if kept is None or kept.events_id != id(events) or kept.count > len(events):
        return None
    if kept.count and events[kept.count - 1] is not kept.last:
        return None
    # indexing a deque near its end is cheap; islice would walk from the start
    return [events[index] for index in range(kept.count, len(events))]


def applied_events(self: DialogueStateTracker) -> List[Event]:
    if self.events.maxlen is not None:
        return _ORIGINAL["applied_events"](self)
    kept: Optional[_Applied] = self.__dict__.get(_APPLIED)
    new = _new_events(self, kept)
    if new is not None and any(
        isinstance(e, ActiveLoop) and e.name and e.name not in kept.loop_names
        for e in new
    ):
        new = None
    if new is None:
        loop_names = {
            e.name for e in self.events if isinstance(e, ActiveLoop) and e.name
        }
        applied: List[Event] = []
        new = self.events
    else:
        loop_names, applied = kept.loop_names, kept.applied
    for event in new:
        applied = _apply(self, event, loop_names, applied)
    self.__dict__[_APPLIED] = _Applied(self.events, loop_names, applied)
    return list(applied)


class _States:
    __slots__ = ("domain_id", "omit_unset_slots", "count", "last", "replay", "states")

    def __init__(self, domain: Domain, omit_unset_slots: bool, replay: Any) -> None:
        self.domain_id, self.omit_unset_slots = id(domain), omit_unset_slots
        self.count, self.last, self.replay = 0, None, replay
        self.states: List[State] = []


def _copy_state(state: State) -> State:
    # two levels of dicts whose values are strings, numbers and tuples
    return {name: dict(sub_state) for name, sub_state in state.items()}  # type: ignore[misc]


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    if ignore_rule_only_turns or tracker.events.maxlen is not None:
        return _ORIGINAL["states_for_tracker_history"](
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    applied = tracker.applied_events()
    kept: Optional[_States] = tracker.__dict__.get(_STATES)
    if (
        kept is None
        or kept.domain_id != id(self)
        or kept.omit_unset_slots != omit_unset_slots
        or kept.count > len(applied)
        or (kept.count and applied[kept.count - 1] is not kept.last)
    ):
        kept = _States(self, omit_unset_slots, tracker.init_copy())
    replay = kept.replay
    for event in applied[kept.count :]:
        if isinstance(event, ActionExecuted):
            state = self.get_active_state(replay, omit_unset_slots=omit_unset_slots)
            kept.states.append(self._clean_state(state))
        replay.update(event)
    kept.count, kept.last = len(applied), applied[-1] if applied else None
    tracker.__dict__[_STATES] = kept
    final = self._clean_state(
        self.get_active_state(replay, omit_unset_slots=omit_unset_slots)
    )
    window = _WINDOW.get()
    earlier = kept.states if window is None else kept.states[-(window - 1) :]
    if window == 1:
        earlier = []
    return [_copy_state(state) for state in earlier] + [final]


def _longest_rule(policy: RulePolicy) -> int:
    longest = policy.__dict__.get(_LONGEST)
    if longest is None:
        keys = [
            key
            for part in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH)
            for key in policy.lookup.get(part, {})
        ]
        longest = max((len(json.loads(key)) for key in keys), default=0)
        policy.__dict__[_LONGEST] = longest
    return longest


def _prediction_states(
    self: RulePolicy,
    tracker: DialogueStateTracker,
    domain: Domain,
    use_text_for_last_user_input: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    longest = _longest_rule(self)
    token = _WINDOW.set(longest or None)
    try:
        return _ORIGINAL["_prediction_states"](
            self, tracker, domain, use_text_for_last_user_input, rule_only_data
        )
    finally:
        _WINDOW.reset(token)


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    if self.events.maxlen is not None:
        # Rasa's copy replays only the events kept, and so forgets older state
        return _ORIGINAL["copy"](self)
    clone = copy.copy(self)
    clone.__dict__.pop(_STATES, None)  # its replay tracker moves on with the original
    clone.events = self._create_events(list(self.events))
    # a plain dict, as Rasa's copy (`init_copy`) makes
    clone.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    clone.latest_action = dict(self.latest_action) if self.latest_action else {}
    clone.active_loop = (
        dataclasses.replace(self.active_loop) if self.active_loop else None
    )
    clone.sender_source = None
    clone.model_id = None
    clone.assistant_id = None
    kept: Optional[_Applied] = self.__dict__.get(_APPLIED)
    if kept is not None and _new_events(self, kept) == []:
        clone.__dict__[_APPLIED] = _Applied(
            clone.events, kept.loop_names, list(kept.applied)
        )
    else:
        clone.__dict__.pop(_APPLIED, None)
    return clone


def install() -> None:
    if _ORIGINAL:
        return
    _ORIGINAL["applied_events"] = DialogueStateTracker.applied_events
    _ORIGINAL["copy"] = DialogueStateTracker.copy
    _ORIGINAL["states_for_tracker_history"] = Domain.states_for_tracker_history
    _ORIGINAL["_prediction_states"] = RulePolicy._prediction_states
    DialogueStateTracker.applied_events = applied_events
    DialogueStateTracker.copy = tracker_copy
    Domain.states_for_tracker_history = states_for_tracker_history
    RulePolicy._prediction_states = _prediction_states


def uninstall() -> None:
    """Rasa's own code back (the tests compare both on one conversation)."""
    if not _ORIGINAL:
        return
    DialogueStateTracker.applied_events = _ORIGINAL.pop("applied_events")
    DialogueStateTracker.copy = _ORIGINAL.pop("copy")
    Domain.states_for_tracker_history = _ORIGINAL.pop("states_for_tracker_history")
    RulePolicy._prediction_states = _ORIGINAL.pop("_prediction_states")
