"""The Rasa server's first-use work done at start, not on the first message.

Once the agent is loaded, a conversation nobody has is read from the tracker
store: the first compilation of its reading queries (measured: the first
message's tracker read took 10 ms, a later one 4 ms) then waits for no user.
The first writes of a turn (the store's event insert, the REST channel's claim
of a new conversation) are made and rolled back, for the same reason
(overstag/storage/warm_writes.py).
Then one message goes through the turn in memory: the NLU pipeline (with its
clauses), the slot extraction and the policies' prediction, each of which was
slower the first time (timed per step: 4.5 against 3.6 ms, 0.7 against 0.2, and
about 3 ms more for the first prediction). Nothing is written and the action
server is not called: a turn that ran an action would claim an account and
store a record for a conversation nobody has. Last, the loaded model is moved out
of the garbage collector's sight (overstag.warm_up.freeze_heap).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
import time
from typing import Any

logger = logging.getLogger(__name__)

# a message with two clauses, so that the clause path is warm too
WARM_UP_TEXT = "He has no time this month, and he wants to read the text first"


def _nobody() -> str:
    return f"overstag-warm-up-{secrets.token_hex(8)}"


async def _store_warmed(agent: Any) -> None:
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from overstag.rasa_patches.tracker_store import StorageUnavailableError
    from overstag.storage import storage, warm_writes

    try:
        await store.retrieve(_nobody())
        if hasattr(store, "SQLEvent"):
            _event_written_and_undone(store)
        await asyncio.to_thread(warm_writes.made_and_undone, storage().engine)
    except (StorageUnavailableError, SQLAlchemyError) as error:
        # a database that is down at start is no reason not to serve: every turn
        # reads it again (and answers 503 while it is down)
        kind = type(error).__name__
        logger.warning("The tracker store could not be read yet (%s)", kind)


def _event_written_and_undone(store: Any) -> None:
    """The store's first insert, compiled and rolled back: nothing is kept."""
    with store.session_scope() as session:
        session.add(
            store.SQLEvent(
                sender_id=_nobody(),
                type_name="action",
                timestamp=time.time(),
                intent_name=None,
                action_name="action_listen",
                data="{}",
            )
        )
        session.flush()
        session.rollback()


async def _turn_in_memory(agent: Any) -> None:
    """Parse, slot extraction and prediction of one message on a tracker that
    lives only here."""
    processor = getattr(agent, "processor", None)
    if processor is None:
        return
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    sender = _nobody()
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted(ACTION_SESSION_START_NAME),
            SessionStarted(),
            ActionExecuted(ACTION_LISTEN_NAME),
        ],
        slots=processor.domain.slots,
    )
    output = CollectingOutputChannel()
    message = UserMessage(WARM_UP_TEXT, output, sender)
    await processor._handle_message_with_tracker(message, tracker)
    await processor.run_action_extract_slots(output, tracker)
    processor._predict_next_with_tracker(tracker)


async def warm(agent: Any) -> None:
    await _store_warmed(agent)
    try:
        await _turn_in_memory(agent)
    except Exception as error:
        # a warm-up never stops the server: the first message then pays for it
        logger.warning("The warm-up turn failed (%s)", type(error).__name__)
    from overstag import warm_up

    warm_up.freeze_heap()


def install() -> None:
    import rasa.core.run

    load = rasa.core.run.load_agent_on_start

    @functools.wraps(load)
    async def load_and_warm(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        await warm(agent)
        return agent

    rasa.core.run.load_agent_on_start = load_and_warm
