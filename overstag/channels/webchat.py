"""The web chat page, served by the Rasa server itself.

Page and API share one origin, so no CORS setting is needed, and the page's
assets are files in `web/`: nothing is fetched from elsewhere.
"""

from __future__ import annotations

import asyncio
import functools
import math
from pathlib import Path
from typing import Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import payloads
from overstag.channels import input_checks, page_content, sign_in
from overstag.channels.input_checks import BadInputError
from overstag.channels.rest import CheckedRestInput
from overstag.facts import MAX_SENDER_CHARS
from overstag.follow_up import calendar as follow_up_calendar
from overstag.follow_up import delivery
from overstag.rasa_patches import conversations
from overstag.storage import storage

WEB_DIR = page_content.WEB_DIR
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@functools.lru_cache(maxsize=1)
def assets() -> Dict[str, Path]:
    """The page's own files by name: a requested name is looked up, never
    resolved as a path."""
    return {p.name: p for p in WEB_DIR.iterdir() if p.suffix in _TYPES and p.is_file()}


class WebChatInput(CheckedRestInput):
    """Serves the page at /webhooks/chat/ and its messages at /webhooks/chat/webhook."""

    @classmethod
    def name(cls) -> Text:
        return "chat"

    def conversation_key(self, request: Request, sender: str) -> Optional[str]:
        # no queue place before the owner check: another user could otherwise hold
        # up this conversation's queue; the page sends one message at a time
        return None

    async def reply_headers(
        self, request: Request, conversation_id: str
    ) -> Dict[str, str]:
        """The conversation's language after this turn, for the page's own labels."""
        lang = await conversations.language(request.app.ctx.agent, conversation_id)
        return conversations.language_header(lang)

    async def conversation_for(self, request: Request, sender: str) -> str:
        """Only a conversation the server issued to the signed-in user."""
        conversation_id = await sign_in.owned_conversation(request, sender)
        await asyncio.to_thread(storage().accounts.touch, conversation_id)
        return conversation_id

    def add_routes(self, blueprint: Blueprint) -> None:
        # the delivery loop needs a hook into the server's start and stop; this
        # channel is in every configuration (the committed credentials.yml), so it
        # provides one
        delivery.register(blueprint)
        sign_in.add_routes(blueprint)

        @blueprint.route("/updates", methods=["GET"])
        async def updates(request: Request) -> HTTPResponse:
            """Messages the server sent on its own (reminders) after `after`
            (a timestamp)."""
            try:
                sender = input_checks.checked_text(
                    request.args.get("sender"),
                    "sender",
                    MAX_SENDER_CHARS,
                    identifier=True,
                )
                after = float(request.args.get("after") or 0)
                if not math.isfinite(after):
                    raise BadInputError(400, "after must be a finite number")
                await sign_in.owned_conversation(request, sender)
            except BadInputError as problem:
                return response.json({"error": problem.message}, status=problem.status)
            except ValueError:
                return response.json(
                    {"error": "after must be a number (a timestamp)"}, status=400
                )
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json(
                    {"error": "the model is still loading"}, status=503
                )
            messages = await delivery.pushed_messages(agent, sender, after)
            return response.json(payloads.pushed(messages))

        @blueprint.route("/interviews/<interview_id>/tasks.ics", methods=["GET"])
        async def interview_tasks(request: Request, interview_id: str) -> HTTPResponse:
            """The interview's pending reminders as an .ics; only its owner's."""
            try:
                user = sign_in.signed_in(request)
            except BadInputError as problem:
                return response.json({"error": problem.message}, status=problem.status)
            found = await asyncio.to_thread(
                follow_up_calendar.owned_tasks, interview_id, user.user_id
            )
            if found is None:
                # another user's interview is as unknown as one that never was
                return response.json({"error": "No such interview."}, status=404)
            name, data = found
            return response.raw(
                data,
                content_type="text/calendar; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    **sign_in.NO_STORE,
                },
            )

        @blueprint.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            gate = sign_in.page_gate(request)
            if gate is not None:
                return gate
            lang = await sign_in.page_language(request)
            return response.html(page_content.page(lang), headers=sign_in.NO_STORE)

        @blueprint.route("/static/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            path = assets().get(name)
            if path is None:
                return response.json({"error": "not found"}, status=404)
            return await response.file(path, mime_type=_TYPES[path.suffix])
