"""The web page's sign-in and the user's conversations.

    GET  /webhooks/chat/login           to the organisation's sign-in (oidc mode)
    GET  /webhooks/chat/callback        back from it: the session cookie is set
    POST /webhooks/chat/logout          the session cookie is cleared
    GET  /webhooks/chat/session         who is signed in, language, conversations
    POST /webhooks/chat/conversations   a new conversation for the signed-in user
    GET  /webhooks/chat/conversations/<id>  one of their conversations, to show again

Every conversation id the page uses was issued here, to this user; any other
gets a 404, whether it exists or not.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional
from urllib.parse import unquote

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import payloads
from overstag.accounts import ids
from overstag.auth import config, identity, oidc, pages, sessions
from overstag.auth.identity import Identity, NotAllowedError
from overstag.channels import page_content
from overstag.channels.input_checks import BadInputError
from overstag.coaching import content
from overstag.facts import LANGUAGES
from overstag.rasa_patches import conversations
from overstag.storage import storage

PAGE_PATH = "/webhooks/chat/"
NO_STORE = {"Cache-Control": "no-store"}


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, headers=NO_STORE)


def who(request: Request) -> Optional[Identity]:
    """The request's user; None when nobody is signed in (NotAllowedError passes)."""
    return identity.of_request(request)


def signed_in(request: Request) -> Identity:
    """The request's user, or BadInputError 401/403 to send back."""
    try:
        found = who(request)
    except NotAllowedError:
        raise BadInputError(403, "Your e-mail domain is not allowed here.") from None
    if found is None:
        raise BadInputError(401, "Sign in first: /webhooks/chat/login.")
    return found


async def owned_conversation(request: Request, conversation_id: Any) -> str:
    """The conversation id if the signed-in user owns it; BadInputError otherwise."""
    user = signed_in(request)
    if not isinstance(conversation_id, str) or not ids.is_web_conversation(
        conversation_id
    ):
        raise BadInputError(404, "No such conversation.")
    owner = await asyncio.to_thread(storage().accounts.owner, conversation_id)
    if owner != user.user_id:
        raise BadInputError(404, "No such conversation.")
    return conversation_id


def _listed(row: dict) -> dict:
    objections = content.load().objections
    topic = row["topic"]
    label = dict(objections[topic]["label"]) if topic in objections else None
    return {
        "conversation_id": row["conversation_id"],
        "topic": topic,
        "topic_label": label,
        "rehearsal": row["rehearsal"],
        "created_at": row["created_at"].isoformat() if row["created_at"] else None,
        "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None,
    }


async def page_language(request: Request) -> str:
    """The page's language: the user's chosen one, else what the browser asks for."""
    try:
        user = signed_in(request)
        stored = await asyncio.to_thread(storage().accounts.language, user.user_id)
    except BadInputError:
        stored = None
    if stored in LANGUAGES:
        return stored
    return page_content.preferred(request.headers.get("accept-language") or "")


def page_gate(request: Request) -> Optional[HTTPResponse]:
    """What to answer instead of the page when nobody is signed in."""
    try:
        if who(request) is not None:
            return None
    except NotAllowedError:
        return pages.failure("not_allowed", 403)
    if config.mode() == "oidc":
        return response.redirect("/webhooks/chat/login", headers=NO_STORE)
    return pages.failure("no_proxy_user", 401)


def add_routes(blueprint: Blueprint) -> None:
    @blueprint.route("/login", methods=["GET"])
    async def login(request: Request) -> HTTPResponse:
        if config.mode() != "oidc":
            return response.redirect(PAGE_PATH)
        try:
            url, cookie = await asyncio.to_thread(oidc.start)
        except oidc.SignInError as failed:
            return pages.failure(failed.kind, failed.status)
        answer = response.redirect(url, headers=NO_STORE)
        sessions.set_cookie(
            answer, sessions.LOGIN_COOKIE, cookie, sessions.LOGIN_SECONDS
        )
        return answer

    @blueprint.route("/callback", methods=["GET"])
    async def callback(request: Request) -> HTTPResponse:
        if config.mode() != "oidc":
            return response.redirect(PAGE_PATH)
        args = {key: request.args.get(key) or "" for key in ("state", "code", "error")}
        try:
            user = await asyncio.to_thread(
                oidc.finish, args, request.cookies.get(sessions.LOGIN_COOKIE)
            )
        except oidc.SignInError as failed:
            answer = pages.failure(failed.kind, failed.status)
            sessions.clear_cookie(answer, sessions.LOGIN_COOKIE)
            return answer
        await asyncio.to_thread(
            storage().accounts.ensure_user, user.user_id, user.display_name, user.email
        )
        answer = response.redirect(PAGE_PATH, headers=NO_STORE)
        sessions.clear_cookie(answer, sessions.LOGIN_COOKIE)
        sessions.set_cookie(
            answer,
            sessions.SESSION_COOKIE,
            identity.session_cookie(user),
            config.session_hours() * 3600,
        )
        return answer

    @blueprint.route("/logout", methods=["POST"])
    async def logout(request: Request) -> HTTPResponse:
        answer = _json({"signed_out": True, "login": "/webhooks/chat/login"})
        sessions.clear_cookie(answer, sessions.SESSION_COOKIE)
        return answer

    @blueprint.route("/session", methods=["GET"])
    async def session(request: Request) -> HTTPResponse:
        try:
            user = signed_in(request)
        except BadInputError as problem:
            return _json({"error": problem.message}, problem.status)
        accounts = storage().accounts
        await asyncio.to_thread(
            accounts.ensure_user, user.user_id, user.display_name, user.email
        )
        stored = await asyncio.to_thread(accounts.user, user.user_id)
        rows = await asyncio.to_thread(accounts.conversations_of, user.user_id)
        return _json(
            {
                "user": {
                    "name": user.display_name,
                    "email": user.email,
                    "signed_in": config.mode() != "local",
                    "language": (stored or {}).get("language"),
                },
                "can_sign_out": config.mode() == "oidc",
                "conversations": [
                    _listed(row)
                    for row in rows
                    if ids.is_web_conversation(row["conversation_id"])
                ],
            }
        )

    @blueprint.route("/conversations", methods=["POST"])
    async def new_conversation(request: Request) -> HTTPResponse:
        try:
            user = signed_in(request)
        except BadInputError as problem:
            return _json({"error": problem.message}, problem.status)
        conversation_id = ids.new_web_conversation()
        await asyncio.to_thread(
            storage().accounts.claim, conversation_id, user.user_id, "web"
        )
        return _json({"conversation_id": conversation_id}, 201)

    @blueprint.route("/conversations/<conversation_id>", methods=["GET"])
    async def shown_conversation(
        request: Request, conversation_id: str
    ) -> HTTPResponse:
        # sanic hands the path parameter over still percent-encoded
        conversation_id = unquote(conversation_id)
        try:
            await owned_conversation(request, conversation_id)
        except BadInputError as problem:
            return _json({"error": problem.message}, problem.status)
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return _json({"error": "the model is still loading"}, 503)
        messages = await conversations.transcript(agent, conversation_id)
        lang = await conversations.language(agent, conversation_id)
        answer = _json(payloads.history(conversation_id, messages))
        answer.headers.update(conversations.language_header(lang))
        return answer
