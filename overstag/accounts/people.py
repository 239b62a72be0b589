"""A turn as its user sees it: their conversations, their language.

The action server builds every Turn here, so the features read "my interviews"
and "my progress" by the user, not by the conversation they happen to be in.
"""

from __future__ import annotations

from typing import Any, Mapping

from overstag.facts import LANGUAGE_CHOICE_SLOT, LANGUAGE_SLOT, SWITCH_LANGUAGE
from overstag.storage import storage
from overstag.turn import Reply, Turn


def turn_for(
    sender_id: str, message: Mapping[str, Any], slots: Mapping[str, Any]
) -> Turn:
    accounts = storage().accounts
    user_id = accounts.user_of(sender_id)
    slots = dict(slots)
    if not slots.get(LANGUAGE_CHOICE_SLOT):
        # a language the user asked for holds in their next conversations too
        chosen = accounts.language(user_id)
        if chosen:
            slots[LANGUAGE_CHOICE_SLOT] = chosen
            slots[LANGUAGE_SLOT] = slots.get(LANGUAGE_SLOT) or chosen
    return Turn(sender_id=sender_id, message=message, slots=slots, user_id=user_id)


def remember(turn: Turn, reply: Reply) -> None:
    """Keeps a language the user asked for, for their next conversations."""
    chosen = reply.slots.get(LANGUAGE_CHOICE_SLOT)
    if turn.intent == SWITCH_LANGUAGE and chosen:
        storage().accounts.set_language(turn.owner, chosen)
