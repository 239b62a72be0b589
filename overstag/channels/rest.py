"""Rasa's REST channel with input checks.

Same URL and JSON as Rasa's `rest` channel, but bad input gets a JSON 400 that
says what is wrong instead of an exception deep inside Rasa, and an answer that
came back empty (Rasa's way of hiding an internal error) becomes a 503.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag.facts import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS

logger = logging.getLogger(__name__)


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def parse_request(request: Request) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """The validated fields of a chat request, or an error message."""
    try:
        body = request.json
    except Exception:  # sanic raises its own InvalidUsage subclasses
        return None, "The body is not valid JSON."
    if not isinstance(body, dict):
        return None, 'Send a JSON object: {"sender": "...", "message": "..."}.'
    sender = body.get("sender", "default")
    message = body.get("message")
    metadata = body.get("metadata")
    if (
        not isinstance(sender, str)
        or not sender.strip()
        or len(sender) > MAX_SENDER_CHARS
    ):
        return None, (
            f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} "
            "characters."
        )
    if not isinstance(message, str) or not message.strip():
        return None, "'message' must be a non-empty string."
    if len(message) > MAX_MESSAGE_CHARS:
        return None, (
            f"'message' is {len(message)} characters long; the limit is "
            f"{MAX_MESSAGE_CHARS}. Please send the candidate's words in shorter parts."
        )
    if metadata is not None and not isinstance(metadata, dict):
        return None, "'metadata' must be a JSON object when given."
    return {"sender": sender, "message": message.strip(), "metadata": metadata}, None


class CheckedRestInput(InputChannel):
    """POST {"sender", "message"} to /webhooks/<name>/webhook, get the replies."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def add_routes(self, blueprint: Blueprint) -> None:
        """Extra routes of a subclass."""

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        module = inspect.getmodule(self)
        blueprint = Blueprint(
            f"checked_webhook_{type(self).__name__}",
            module.__name__ if module else None,
        )
        self.add_routes(blueprint)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            fields, problem = parse_request(request)
            if problem:
                return _error(400, problem)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        fields["message"],
                        collector,
                        fields["sender"],
                        input_channel=self.name(),
                        metadata=fields["metadata"],
                    )
                )
            except CancelledError:
                logger.error("Timed out handling a message from %r", fields["sender"])
            except Exception:
                logger.exception("Failed to handle a message from %r", fields["sender"])
            if not collector.messages:
                return _error(503, "The assistant did not answer; please try again.")
            return response.json(collector.messages)

        return blueprint
