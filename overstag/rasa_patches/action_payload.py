"""The action server gets the turn it answers, not the whole conversation.

Stock Rasa 3.6 sends every event of the conversation with each action call, so
the request grows with the conversation: at turn 200 of one session, encoding it
took 17 % of the Rasa server's CPU and decoding it 67 % of the action server's
(py-spy, docs/benchmarks.md). The slots, the latest message, the active loop and
the latest action travel in their own fields; of the events, Overstag's actions
and rasa-sdk's form validation read only the current turn and the bot's last
action before it (`actions/privacy.py: asked_just_now`, `Tracker.slots_to_validate`).
So the events sent start at that action, and a conversation with no user message
yet sends what it has.
"""

from __future__ import annotations

from typing import Any, Dict, List

# what runs between a question and its answer without being the bot's turn
LISTENING = ("action_listen", "action_extract_slots")


def turn_window(events: Any) -> List[Any]:
    """The events from the bot's last action before the latest user message on."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    window: List[Any] = []
    seen_user = False
    for event in reversed(events):
        window.append(event)
        if isinstance(event, UserUttered):
            seen_user = True
        elif (
            seen_user
            and isinstance(event, ActionExecuted)
            and event.action_name not in LISTENING
        ):
            break
    window.reverse()
    return window


def tracker_state(tracker: Any) -> Dict[str, Any]:
    """`tracker.current_state(EventVerbosity.ALL)` with the turn's events only."""
    from rasa.shared.core.trackers import EventVerbosity

    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in turn_window(tracker.events)]
    return state


class _TurnView:
    """What Rasa's call format reads of a tracker (its id and its state), with the
    state holding the turn's events only."""

    def __init__(self, tracker: Any) -> None:
        self.sender_id = tracker.sender_id
        self._tracker = tracker

    def current_state(self, _verbosity: Any) -> Dict[str, Any]:
        return tracker_state(self._tracker)


def install() -> None:
    """Sends the turn's events only; call after `rasa_patches.check()`."""
    from rasa.core.actions.action import RemoteAction

    stock = RemoteAction._action_call_format

    def call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
        return stock(self, _TurnView(tracker), domain)

    RemoteAction._action_call_format = call_format
