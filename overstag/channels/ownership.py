"""A chat platform's message handed to Rasa once its conversation is its user's."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from overstag.storage import storage
from overstag.storage.accounts import NotYoursError

logger = logging.getLogger(__name__)


async def owned(
    on_new_message: Callable[[Any], Awaitable[Any]],
    message: Any,
    owner: str,
    channel: str,
) -> None:
    """Claims the conversation for `owner` (the platform's user, namespaced), then
    handles the message; a conversation already someone else's is not answered."""
    try:
        await asyncio.to_thread(
            storage().accounts.claim, message.sender_id, owner, channel
        )
    except NotYoursError:
        logger.error("A %s message named another user's conversation.", channel)
        return
    await on_new_message(message)
