"""Rasa's REST channel with input checks.

Same URL and JSON as Rasa's `rest` channel, but bad input gets a JSON 4xx that
says what is wrong (overstag/channels/input_checks.py) instead of an exception
deep inside Rasa, and an answer that came back empty (Rasa's way of hiding an
internal error) becomes a 503. `message_id` is the client's idempotency key:
the same message sent again with it is answered from what was stored, not
stored twice (overstag/rasa_patches/turn_guard.py).

A REST client is a tool: its `sender` is one of its own users, kept in its own
namespace ("rest:<tool>:<sender>"), so it can never name a Slack, Teams or web
conversation. Without a tool token the tool is "local", accepted only while
sign-in is off (make run on loopback).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag.accounts import ids
from overstag.channels import input_checks, tools
from overstag.channels.input_checks import BadInputError
from overstag.cluster.lock_store import stamp_of
from overstag.facts import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS
from overstag.rasa_patches import turn_guard
from overstag.rasa_patches.tracker_store import StorageUnavailableError
from overstag.storage import storage

logger = logging.getLogger(__name__)


def _error(status: int, message: str, **extra: Any) -> HTTPResponse:
    return response.json({"error": message, **extra}, status=status)


def parse_request(request: Request) -> Dict[str, Any]:
    """The validated fields of a chat request; BadInputError says what is wrong."""
    body = input_checks.json_body(request)
    if not isinstance(body, dict):
        raise BadInputError(
            400, 'Send a JSON object: {"sender": "...", "message": "..."}.'
        )
    # no default sender: a shared "default" conversation would mix strangers' texts
    sender = input_checks.checked_text(
        body.get("sender"), "sender", MAX_SENDER_CHARS, identifier=True
    )
    message = input_checks.checked_text(
        body.get("message"), "message", MAX_MESSAGE_CHARS
    )
    input_checks.check_metadata(body.get("metadata"))
    message_id = input_checks.checked_message_id(body.get("message_id"))
    return {"sender": sender, "message": message, "message_id": message_id}


def http_error(request: Request, error: SanicException) -> HTTPResponse:
    """Sanic's own refusals (404, 405, 413, ...) as JSON, like every other error."""
    status = getattr(error, "status_code", 500) or 500
    return _error(status, str(error) or "The request was refused.")


def malformed_url(request: Request, error: Exception) -> HTTPResponse:
    return _error(400, "The URL is malformed.")


def internal_error(request: Request, error: Exception) -> HTTPResponse:
    # the kind only: an exception's text can quote the conversation
    logger.error("A request failed (%s)", type(error).__name__)
    return _error(500, "Something went wrong on our side.")


def storage_unavailable(request: Request, error: Exception) -> HTTPResponse:
    return _error(503, "The conversation store is unavailable; please try again.")


class CheckedRestInput(InputChannel):
    """POST {"sender", "message"} to /webhooks/<name>/webhook, get the replies."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def conversation_key(self, request: Request, sender: str) -> Optional[str]:
        """The conversation `sender` names, before the owner check, for its place in
        the queue; None: take the place only at the lock."""
        return ids.namespaced("rest", tools.tool_of(request), sender)

    async def conversation_for(self, request: Request, sender: str) -> str:
        """The conversation a request's `sender` names, for the caller: here the
        sender in the namespace of the calling tool (overstag/channels/tools.py);
        BadInputError (401) for a tool that did not prove who it is."""
        conversation_id = self.conversation_key(request, sender)
        await asyncio.to_thread(
            storage().accounts.claim, conversation_id, conversation_id, "rest"
        )
        return conversation_id

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

        @blueprint.listener("before_server_start")
        async def answer_errors_in_json(app: Any, _: Any) -> None:
            # for every route, Rasa's own API included; once, though every
            # channel built on this one asks
            if getattr(app.ctx, "overstag_error_handlers", False):
                return
            app.ctx.overstag_error_handlers = True
            app.error_handler.add(StorageUnavailableError, storage_unavailable)
            # sanic would pick text or HTML from the request's headers
            app.error_handler.add(SanicException, http_error)
            # sanic's router recurses once per trailing slash of a URL
            app.error_handler.add(RecursionError, malformed_url)
            app.error_handler.add(Exception, internal_error)

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            locks = getattr(getattr(request.app.ctx, "agent", None), "lock_store", None)
            reserve = getattr(locks, "reserve", None)
            try:
                fields = parse_request(request)
                key = self.conversation_key(request, fields["sender"])
                if reserve is not None and key is not None:
                    # the message's place in its conversation's queue: when the
                    # balancer got it, else now
                    await reserve(key, fields["message_id"], stamp_of(request.headers))
                conversation_id = await self.conversation_for(request, fields["sender"])
            except BadInputError as problem:
                if reserve is not None:
                    await locks.release_reserved()
                return _error(problem.status, problem.message)
            try:
                return await self._answer(
                    request, fields, conversation_id, on_new_message
                )
            finally:
                if reserve is not None:
                    await locks.release_reserved()

        return blueprint

    async def _answer(
        self,
        request: Request,
        fields: Dict[str, Any],
        conversation_id: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        collector = CollectingOutputChannel()
        extra = {"message_id": fields["message_id"]} if fields["message_id"] else {}
        try:
            with turn_guard.watch(fields["message_id"]) as outcome:
                await on_new_message(
                    UserMessage(
                        fields["message"],
                        collector,
                        conversation_id,
                        input_channel=self.name(),
                        **extra,
                    )
                )
        except StorageUnavailableError as error:
            return storage_unavailable(request, error)
        except CancelledError:
            logger.error("Timed out handling a message")
        except Exception as error:
            # the type only: an exception's text can quote the conversation
            logger.error("Failed to handle a message (%s)", type(error).__name__)
        if outcome.unavailable:
            return response.json(
                {"error": outcome.reply, "reason": "action_server_unavailable"},
                status=503,
                headers={"Retry-After": "5"},
            )
        if not collector.messages:
            return _error(503, "The assistant did not answer; please try again.")
        headers = await self.reply_headers(request, conversation_id)
        return response.json(collector.messages, headers=headers)

    async def reply_headers(
        self, request: Request, conversation_id: str
    ) -> Dict[str, str]:
        """Extra headers of an answer; a subclass may tell its page more."""
        return {}
