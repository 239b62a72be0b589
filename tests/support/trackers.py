"""Real rasa_sdk Trackers and an action runner for tests of the actions."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    intent: str,
    text: str = "",
    confidence: float = 0.95,
    slots: Optional[Dict[str, Any]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    language: Optional[str] = None,
    sender: str = "test-user",
    objections: Optional[List[str]] = None,
):
    from rasa_sdk import Tracker

    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    if language is not None:
        message["language"] = {"code": language, "confidence": 1.0}
    if objections is not None:
        message["objections"] = objections
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": message,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )


async def run(action, tracker, domain):
    """(messages, slots set) of one run of an action."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]
