"""An action call carries the turn's events only (rasa_patches/action_payload.py),
and what Overstag's actions and rasa-sdk read from it is what the whole
conversation gives."""

import json

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from actions.privacy import ASK_ERASE_ACTION, asked_just_now
from overstag.rasa_patches import action_payload
from support.servers import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def _long_conversation(turns: int, last_action: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("long", DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    for turn in range(turns):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"message {turn}", {"name": "objection_time"}))
        tracker.update(ActionExecuted("action_coach_objection"))
        tracker.update(BotUttered(f"advice {turn}"))
        tracker.update(SlotSet("language", "en"))
    tracker.update(ActionExecuted(last_action))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("yes", {"name": "affirm", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_extract_slots"))
    tracker.update(SlotSet("language", "nl"))
    return tracker


def _bodies(tracker):
    action = RemoteAction("action_confirm_erase", EndpointConfig("http://x"))
    original = RemoteAction._action_call_format
    stock = original(action, tracker, DOMAIN)
    action_payload.install()
    try:
        ours = RemoteAction._action_call_format(action, tracker, DOMAIN)
    finally:
        RemoteAction._action_call_format = original
    return stock, ours


def test_the_payload_does_not_grow_with_the_conversation():
    short = action_payload.tracker_state(_long_conversation(3, ASK_ERASE_ACTION))
    long = action_payload.tracker_state(_long_conversation(300, ASK_ERASE_ACTION))
    assert len(long["events"]) == len(short["events"]) == 5
    assert long["events"][0]["name"] == ASK_ERASE_ACTION
    full = _long_conversation(300, ASK_ERASE_ACTION).current_state(EventVerbosity.ALL)
    assert len(json.dumps(long)) * 20 < len(json.dumps(full))


def test_everything_but_the_older_events_is_what_stock_rasa_sends():
    tracker = _long_conversation(40, "action_coach_objection")
    full = tracker.current_state(EventVerbosity.ALL)
    ours = action_payload.tracker_state(tracker)
    assert {k: v for k, v in ours.items() if k != "events"} == {
        k: v for k, v in full.items() if k != "events"
    }
    assert full["events"][-len(ours["events"]) :] == ours["events"]


def test_actions_read_the_same_from_the_window_as_from_the_whole():
    for last, expected in ((ASK_ERASE_ACTION, True), ("action_coach_objection", False)):
        tracker = _long_conversation(50, last)
        whole = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
        window = Tracker.from_dict(action_payload.tracker_state(tracker))
        assert asked_just_now(whole) is asked_just_now(window) is expected
        assert (
            whole.slots_to_validate()
            == window.slots_to_validate()
            == {"language": "nl"}
        )
        assert window.latest_message == whole.latest_message
        assert window.get_latest_input_channel() == whole.get_latest_input_channel()


def test_the_installed_call_format_keeps_rasas_body():
    tracker = _long_conversation(20, ASK_ERASE_ACTION)
    stock, ours = _bodies(tracker)
    assert {k: v for k, v in ours.items() if k != "tracker"} == {
        k: v for k, v in stock.items() if k != "tracker"
    }
    assert ours["tracker"] == action_payload.tracker_state(tracker)
