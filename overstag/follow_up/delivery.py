"""Delivers due follow-up reminders from inside the Rasa server.

Reminders live in the database (overstag/storage/interviews.py), not in Rasa's
in-memory scheduler: Rasa's own `ReminderScheduled` jobs are lost when the
server restarts, and Rasa drops them anyway once the conversation's session has
expired, which is always the case days after an interview. A small loop claims
due reminders (each by one server, for a lease it renews) and runs
`action_follow_up_reminder` in the reminder's conversation, so the message lands
in the conversation like any other. The web page picks such messages up with
`pushed_messages`. The same loop applies the retention periods once an hour
(overstag/privacy/retention.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any, Dict, List, Optional

from overstag import clock, settings
from overstag.facts import DUE_REMINDER_SLOT, REMINDER_ACTION
from overstag.follow_up import direct_messages
from overstag.privacy import retention
from overstag.rasa_patches import conversations
from overstag.storage import storage

logger = logging.getLogger(__name__)
RETENTION_EVERY = 3600  # seconds
# a platform that keeps refusing a reminder's direct message is tried this long
PUSH_FOR = dt.timedelta(days=1)


async def deliver_due(
    agent: Any, now: Optional[dt.datetime] = None, owner: Optional[str] = None
) -> int:
    """Runs the reminder action for every due reminder; returns how many went out.

    Each reminder is claimed by this server for a lease, renewed before it is
    delivered; a server that dies lets its claims expire and another takes them
    over. A reminder the conversation already shows as delivered (its server died
    after delivering, before marking it) is marked, not delivered again.
    """
    stored = storage().interviews
    accounts = storage().accounts
    now = now or clock.now()
    owner = owner or settings.server_instance()
    lease = settings.reminder_lease()
    delivered = 0
    for reminder in await asyncio.to_thread(stored.claim_due, now, owner, lease):
        renewed = await asyncio.to_thread(
            stored.renew_claim, reminder["id"], owner, clock.now() + lease
        )
        if not renewed:
            continue  # another server took it over
        done = False
        try:
            # on the web, in the conversation the user has open, not the old one
            target = await asyncio.to_thread(
                accounts.latest_web_conversation, reminder["conversation_id"]
            )
            ran = await conversations.run_action(
                agent,
                target,
                REMINDER_ACTION,
                DUE_REMINDER_SLOT,
                str(reminder["id"]),
            )
            await _push(agent, reminder, target, owner)
            done = True
            delivered += int(ran)
        except Exception as error:
            logger.error(
                "Reminder %s could not be delivered (%s); it stays due.",
                reminder["id"],
                type(error).__name__,
            )
        finally:
            await asyncio.to_thread(
                stored.finish_delivery, reminder["id"], done, now, owner
            )
    return delivered


async def _push(agent: Any, reminder: Dict[str, Any], target: str, owner: str) -> None:
    """The run's texts to the owner's Slack or Teams direct messages, once: a
    server taking over the claim sees the mark and does not post them again.
    A refused post keeps the reminder due (NotDeliveredError) for a day."""
    stored = storage().interviews
    if await asyncio.to_thread(stored.pushed, reminder["id"]):
        return
    user = await asyncio.to_thread(
        storage().accounts.owner, reminder["conversation_id"]
    )
    if not user or direct_messages.channel_of(user) is None:
        return
    messages = await conversations.messages_of_run(
        agent, target, REMINDER_ACTION, DUE_REMINDER_SLOT, str(reminder["id"])
    )
    try:
        channel = await direct_messages.send(user, messages)
    except direct_messages.NotDeliveredError:
        if clock.now() - reminder["due_at"] < PUSH_FOR:
            raise
        logger.error("Reminder %s: gave up its direct message.", reminder["id"])
        return
    if channel:
        await asyncio.to_thread(
            stored.mark_pushed, reminder["id"], channel, owner, clock.now()
        )


async def expire_old_data() -> None:
    """The retention periods of docs/privacy.md, applied by the server itself."""
    try:
        removed = await asyncio.to_thread(
            retention.expire,
            storage().engine,
            clock.now(),
            settings.history_retention(),
            settings.interview_retention(),
        )
    except Exception as error:
        logger.error("Retention failed (%s); trying again later.", type(error).__name__)
        return
    if any(removed.values()):
        logger.info("Retention removed %s.", removed)


async def run_forever(app: Any) -> None:
    # no release at start: another server may be delivering; expired claims are
    # taken over by the next pass of whichever server comes first
    # the first pass ten minutes after start, not during it: it reads every
    # conversation
    expired_at = time.monotonic() - RETENTION_EVERY + 600
    while True:
        if time.monotonic() - expired_at > RETENTION_EVERY:
            expired_at = time.monotonic()
            await expire_old_data()
        agent = getattr(app.ctx, "agent", None)
        if agent is not None and agent.is_ready():
            try:
                await deliver_due(agent)
            except Exception as error:
                # a database hiccup must not end the loop
                logger.error(
                    "Reminder delivery failed (%s); trying again later.",
                    type(error).__name__,
                )
        await asyncio.sleep(settings.reminder_poll_seconds())


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


async def pushed_messages(
    agent: Any, sender_id: str, after: float
) -> List[Dict[str, Any]]:
    """Bot messages after `after` that no request asked for (the reminders)."""
    return await conversations.messages_after(agent, sender_id, REMINDER_ACTION, after)
