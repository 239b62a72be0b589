"""Running an action in a conversation from outside a request, and reading what
the bot said on its own: what reminder delivery needs of the Rasa server.

Rasa 3.6 has no public API for either; this uses the message processor the way
its own `/conversations/<id>/execute` route does, under the conversation's lock.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from overstag.facts import LANGUAGE_SLOT, LANGUAGES
from overstag.payloads import pushed_message
from overstag.rasa_patches import turn_guard


def _already_ran(tracker: Any, action: str, slot: str, value: str) -> bool:
    """Whether the conversation shows `action` run after `slot` was set to `value`."""
    from rasa.shared.core.events import ActionExecuted, SlotSet

    armed = False
    for event in tracker.events:
        if isinstance(event, SlotSet) and event.key == slot:
            armed = event.value == value
        elif armed and isinstance(event, ActionExecuted):
            if event.action_name == action:
                return True
    return False


async def run_action(
    agent: Any, conversation_id: str, action: str, slot: str, value: str
) -> bool:
    """Sets `slot`, runs `action` in the conversation, then listens again; False
    when the conversation shows it ran for this value already (a run whose server
    died before it could say so)."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, SlotSet

    processor = agent.processor
    async with agent.lock_store.lock(conversation_id):
        output = CollectingOutputChannel()
        tracker = await processor.fetch_tracker_and_update_session(
            conversation_id, output
        )
        if _already_ran(tracker, action, slot, value):
            return False
        tracker.update(SlotSet(slot, value))
        await processor.save_tracker(tracker)
        prediction = PolicyPrediction.for_action_name(agent.domain, action)
        with turn_guard.watch() as outcome:
            tracker = await processor.execute_action(
                conversation_id, action, output, agent.nlg, prediction
            )
        if outcome.unavailable:
            # the caller keeps the reminder due and tries again later
            raise RuntimeError(f"the action server did not run {action}")
        if tracker is not None:
            # back to listening, so that the next message meets the rules as usual
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await processor.save_tracker(tracker)
        return True


async def messages_of_run(
    agent: Any, conversation_id: str, action: str, slot: str, value: str
) -> List[Dict[str, Any]]:
    """What the bot said in the run of `action` after `slot` was set to `value`:
    the same texts whichever server ran it, for passing on to a chat platform."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet

    store = agent.tracker_store
    read = getattr(store, "retrieve_for_reading", store.retrieve)
    tracker = await read(conversation_id)
    if tracker is None:
        return []
    found: List[Dict[str, Any]] = []
    armed = inside = False
    for event in tracker.events:
        if isinstance(event, SlotSet) and event.key == slot:
            armed = event.value == value or (armed and inside)
        elif isinstance(event, ActionExecuted):
            if inside:
                break  # the run is over
            inside = armed and event.action_name == action
        elif inside and isinstance(event, BotUttered) and event.text:
            buttons = event.data.get("buttons") or []
            found.append(pushed_message(event.text, buttons, event.timestamp))
    return found


async def messages_after(
    agent: Any, conversation_id: str, action: str, after: float
) -> List[Dict[str, Any]]:
    """What the bot said in runs of `action` after the timestamp `after`."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    store = agent.tracker_store
    read = getattr(store, "retrieve_for_reading", store.retrieve)
    tracker = await read(conversation_id)
    if tracker is None:
        return []
    found, inside = [], False
    for event in tracker.events:
        if isinstance(event, ActionExecuted):
            inside = event.action_name == action
        elif inside and isinstance(event, BotUttered) and event.timestamp > after:
            buttons = event.data.get("buttons") or []
            found.append(pushed_message(event.text or "", buttons, event.timestamp))
    return found


async def language(agent: Any, conversation_id: str) -> Optional[str]:
    """The conversation's language slot, as last stored."""
    store = agent.tracker_store
    read = getattr(store, "retrieve_for_reading", store.retrieve)
    tracker = await read(conversation_id)
    return tracker.get_slot(LANGUAGE_SLOT) if tracker is not None else None


def language_header(lang: Optional[str]) -> Dict[str, str]:
    """`Content-Language`, which the page's own texts follow."""
    return {"Content-Language": lang} if lang in LANGUAGES else {}


TRANSCRIPT_LIMIT = 400


async def transcript(agent: Any, conversation_id: str) -> List[Dict[str, Any]]:
    """The conversation as the page shows it: the user's messages (a button's
    title for a click) and the bot's, the latest TRANSCRIPT_LIMIT of them."""
    from rasa.shared.core.events import BotUttered, UserUttered

    store = agent.tracker_store
    read = getattr(store, "retrieve_for_reading", store.retrieve)
    tracker = await read(conversation_id)
    if tracker is None:
        return []
    shown: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text:
            text = titles.get(event.text, event.text)
            shown.append({"role": "user", "text": text, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered):
            data = event.data or {}
            buttons = [
                {"title": str(b.get("title")), "payload": str(b.get("payload"))}
                for b in data.get("buttons") or []
                if isinstance(b, dict)
            ]
            titles = {b["payload"]: b["title"] for b in buttons} or titles
            message: Dict[str, Any] = {
                "role": "bot",
                "text": event.text or "",
                "timestamp": event.timestamp,
            }
            if buttons:
                message["buttons"] = buttons
            if data.get("custom"):
                message["custom"] = data["custom"]
            shown.append(message)
    return shown[-TRANSCRIPT_LIMIT:]
