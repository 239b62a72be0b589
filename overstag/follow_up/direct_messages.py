"""A due reminder passed on to the user's Slack or Teams direct messages.

The reminder runs in its conversation first (overstag/follow_up/delivery.py);
these are the texts of that run, sent where the interviewer is: Slack's
`chat.postMessage` to the user's id (Slack posts that in the app's direct
messages with them), or a proactive Bot Framework message to the reference of
the user's personal chat with the bot, saved when they last wrote to it. Only
the user who owns the interview's conversation gets it: the owner comes from
`overstag_conversations`, the address from that user's own messages.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Tuple

from overstag import settings
from overstag.storage import storage

logger = logging.getLogger(__name__)
_TOKENS: Dict[Tuple[str, str], Any] = {}


class NotDeliveredError(Exception):
    """The platform did not take the message; the reminder stays due."""


def channel_of(user_id: str) -> Optional[str]:
    """The platform a user id belongs to, when that platform is switched on."""
    kind = user_id.split(":", 1)[0]
    if kind == "slack" and settings.slack_enabled():
        return "slack"
    if kind == "teams" and settings.teams_enabled():
        return "teams"
    return None


def slack_user(user_id: str) -> Optional[str]:
    """The Slack member id in "slack:<team>:<member>"; None for a hashed one."""
    parts = user_id.split(":")
    if len(parts) == 3 and parts[2].isalnum():
        return parts[2]
    return None


async def _to_slack(user_id: str, messages: List[Dict[str, Any]]) -> bool:
    from overstag.channels.slack import OverstagSlackBot

    member = slack_user(user_id)
    if member is None:
        return False
    bot = OverstagSlackBot(settings.slack_bot_token(), slack_channel=member)
    try:
        for message in messages:
            if message["buttons"]:
                await bot.send_text_with_buttons(
                    member, message["text"], message["buttons"]
                )
            else:
                await bot.send_text_message(member, message["text"])
    except Exception as error:
        raise NotDeliveredError(f"Slack: {type(error).__name__}") from None
    return True


def _tokens() -> Any:
    from overstag.channels.teams import BotTokenProvider

    key = (settings.teams_app_id(), settings.teams_tenant_id())
    if key not in _TOKENS:
        _TOKENS[key] = BotTokenProvider(
            settings.teams_app_id(),
            settings.teams_app_password(),
            settings.teams_tenant_id(),
        )
    return _TOKENS[key]


async def _to_teams(user_id: str, messages: List[Dict[str, Any]]) -> bool:
    from overstag.channels.teams import TeamsBot

    address = await asyncio.to_thread(storage().addresses.of, user_id, "teams")
    if not address:
        return False  # never wrote to the bot in a personal chat
    bot = TeamsBot(
        settings.teams_app_id(),
        settings.teams_app_password(),
        address["conversation"],
        address.get("bot") or {},
        address["serviceUrl"],
        _tokens(),
        settings.teams_buttons(),
    )
    recipient = address["user"]["id"]
    for message in messages:
        if message["buttons"]:
            await bot.send_text_with_buttons(
                recipient, message["text"], message["buttons"]
            )
        else:
            await bot.send_text_message(recipient, message["text"])
    if bot.failures:
        raise NotDeliveredError("Teams: the Bot Connector did not take it")
    return True


async def send(user_id: str, messages: List[Dict[str, Any]]) -> Optional[str]:
    """The channel the messages went out on, or None when the user has no
    direct-message address; NotDeliveredError when the platform refused them."""
    channel = channel_of(user_id)
    if channel is None or not messages:
        return None
    sender = _to_slack if channel == "slack" else _to_teams
    return channel if await sender(user_id, messages) else None
