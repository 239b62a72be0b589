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

import dataclasses
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
    latest_event_time = tracker.events[-1].timestamp if tracker.events else None
    return {
        "sender_id": tracker.sender_id,
        "slots": tracker.current_slot_values(),
        "latest_message": tracker._latest_message_data(),
        "latest_event_time": latest_event_time,
        "followup_action": tracker.followup_action,
        "paused": tracker.is_paused(),
        "events": [event.as_dict() for event in turn_window(tracker.events)],
        "latest_input_channel": tracker.get_latest_input_channel(),
        "active_loop": (
            dataclasses.asdict(tracker.active_loop) if tracker.active_loop else {}
        ),
        "latest_action": tracker.latest_action,
        "latest_action_name": tracker.latest_action_name,
    }


def install() -> None:
    """Sends the turn's events only; call after `rasa_patches.check()`."""
    from rasa.core.actions.action import RemoteAction

    stock = RemoteAction._action_call_format

    def call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
        # Rasa's own body (next action, version, domain) from an empty copy, so no
        # history is encoded twice; then the tracker with the turn's events
        body = stock(self, tracker.init_copy(), domain)
        body["tracker"] = tracker_state(tracker)
        return body

    RemoteAction._action_call_format = call_format
