"""Delivers due follow-up reminders from inside the Rasa server.

Reminders live in the database (actions/interview_storage.py), not in Rasa's
in-memory scheduler: Rasa's own `ReminderScheduled` jobs are lost when the
server restarts, and Rasa drops them anyway once the conversation's session has
expired, which is always the case days after an interview. A small loop claims
due reminders (each exactly once, even with several servers) and runs
`action_follow_up_reminder` in the reminder's conversation through Rasa's
execute-action path, so the message lands in the conversation like any other.
The web page picks such messages up with `pushed_messages`.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from typing import Any, Dict, List, Optional

logger = logging.getLogger(__name__)
ACTION = "action_follow_up_reminder"
SLOT = "due_reminder"


def poll_seconds() -> float:
    return float(os.environ.get("OVERSTAG_REMINDER_POLL_SECONDS") or 30)


async def deliver_due(agent: Any, now: Optional[dt.datetime] = None) -> int:
    """Runs the reminder action for every due reminder; returns how many went out."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, SlotSet

    from actions.interview_storage import interviews

    store = interviews()
    now = now or dt.datetime.now(dt.timezone.utc)
    delivered = 0
    for reminder in await asyncio.to_thread(store.claim_due, now):
        done = False
        conversation = reminder["conversation_id"]
        try:
            async with agent.lock_store.lock(conversation):
                output = CollectingOutputChannel()
                tracker = await agent.processor.fetch_tracker_and_update_session(conversation, output)
                tracker.update(SlotSet(SLOT, str(reminder["id"])))
                await agent.processor.save_tracker(tracker)
                prediction = PolicyPrediction.for_action_name(agent.domain, ACTION)
                tracker = await agent.processor.execute_action(conversation, ACTION, output, agent.nlg, prediction)
                if tracker is not None:
                    # back to listening, so that the next message meets the rules as usual
                    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                    await agent.processor.save_tracker(tracker)
            done = True
            delivered += 1
        except Exception:
            logger.exception("Reminder %s could not be delivered; it stays due.", reminder["id"])
        finally:
            await asyncio.to_thread(store.finish_delivery, reminder["id"], done, now)
    return delivered


async def run_forever(app: Any) -> None:
    from actions.interview_storage import interviews

    released = await asyncio.to_thread(interviews().release_interrupted)
    if released:
        logger.info("%s reminder(s) interrupted by a restart are due again.", released)
    while True:
        agent = getattr(app.ctx, "agent", None)
        if agent is not None and agent.is_ready():
            try:
                await deliver_due(agent)
            except Exception:
                # a database hiccup must not end the loop
                logger.exception("Reminder delivery failed; trying again later.")
        await asyncio.sleep(poll_seconds())


def register(blueprint: Any) -> None:
    """Starts the delivery loop with the server and stops it with the server."""

    async def start(app: Any, _loop: Any) -> None:
        app.ctx.overstag_reminders = asyncio.create_task(run_forever(app))

    async def stop(app: Any, _loop: Any) -> None:
        task = getattr(app.ctx, "overstag_reminders", None)
        if task:
            task.cancel()

    blueprint.listener("after_server_start")(start)
    blueprint.listener("before_server_stop")(stop)


async def pushed_messages(agent: Any, sender_id: str, after: float) -> List[Dict[str, Any]]:
    """Bot messages after `after` that no request asked for (the reminders)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered

    store = agent.tracker_store
    read = getattr(store, "retrieve_for_reading", store.retrieve)
    tracker = await read(sender_id)
    if tracker is None:
        return []
    messages, pushed = [], False
    for event in tracker.events:
        if isinstance(event, ActionExecuted):
            pushed = event.action_name == ACTION
        elif pushed and isinstance(event, BotUttered) and event.timestamp > after:
            messages.append({"text": event.text or "", "buttons": event.data.get("buttons") or [],
                             "timestamp": event.timestamp})
    return messages
