"""GET /api/v1/me/export and DELETE /api/v1/me: a user's data, out or gone.

Who "me" is, first match wins:
- the administrator's token (OVERSTAG_API_TOKEN) with `?user=<user id>`: anyone;
- a REST tool's token (OVERSTAG_REST_TOKENS) with `?sender=`: that tool's user;
- a signed export link from the chat (`?link=`, export only, 15 minutes);
- the web page's session (its cookie; the local user when sign-in is off).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any, Callable, Optional, Tuple
from urllib.parse import urlsplit

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import settings
from overstag.accounts import ids
from overstag.auth.identity import NotAllowedError
from overstag.channels import input_checks, sign_in, tools
from overstag.channels.input_checks import BadInputError
from overstag.facts import MAX_SENDER_CHARS
from overstag.privacy import links, records
from overstag.storage import storage

Failure = Tuple[int, str, str]
NO_STORE = {"Cache-Control": "no-store"}


def _is_admin(request: Request) -> bool:
    given = tools.bearer(request)
    return bool(given) and hmac.compare_digest(
        given.encode(), settings.api_token().encode()
    )


def _same_origin(request: Request) -> bool:
    """A browser's request from this page, not from another site's."""
    origin = request.headers.get("Origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == (request.headers.get("Host") or "")


def whose(request: Request, exporting: bool) -> str:
    """The user the request is about; BadInputError says why there is none."""
    if _is_admin(request):
        user = request.args.get("user")
        if (
            not isinstance(user, str)
            or not user.strip()
            or len(user) > MAX_SENDER_CHARS
        ):
            raise BadInputError(400, "With the administrator's token, name ?user=<id>.")
        return user.strip()
    if tools.bearer(request):
        tool = tools.tool_of(request)
        sender = input_checks.checked_text(
            request.args.get("sender"), "sender", MAX_SENDER_CHARS, identifier=True
        )
        return ids.namespaced("rest", tool, sender)
    if exporting and request.args.get("link") is not None:
        user = links.user_of_link(request.args.get("link"))
        if user is None:
            raise BadInputError(403, "This link has expired; ask for a new one.")
        return user
    if not _same_origin(request):
        raise BadInputError(403, "Requests from other sites are refused.")
    try:
        found = sign_in.who(request)
    except NotAllowedError:
        raise BadInputError(403, "Your e-mail domain is not allowed here.") from None
    if found is None:
        raise BadInputError(401, "Sign in, or send a token.")
    return found.user_id


def add_routes(api: Blueprint, error: Callable[..., HTTPResponse]) -> None:
    def refused(problem: BadInputError) -> HTTPResponse:
        code = {401: "unauthorized", 403: "forbidden"}.get(
            problem.status, "bad_request"
        )
        return error(problem.status, code, problem.message)

    @api.route("/me/export", methods=["GET"])
    async def export(request: Request) -> HTTPResponse:
        try:
            user = whose(request, exporting=True)
        except BadInputError as problem:
            return refused(problem)
        engine = storage().engine
        document = await asyncio.to_thread(records.export_user, engine, user)
        return response.text(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
            headers={
                **NO_STORE,
                "Content-Disposition": 'attachment; filename="overstag-export.json"',
            },
        )

    @api.route("/me", methods=["DELETE"])
    async def erase(request: Request) -> HTTPResponse:
        try:
            user = whose(request, exporting=False)
        except BadInputError as problem:
            return refused(problem)
        removed = await asyncio.to_thread(records.erase_user, storage().engine, user)
        forget(request)
        return response.json({"erased": True, "removed": removed}, headers=NO_STORE)


def forget(request: Request) -> None:
    """This server's cached conversations are read afresh: some are gone."""
    agent: Optional[Any] = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if hasattr(store, "forget_all"):
        store.forget_all()
