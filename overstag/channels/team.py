"""The team view for coaches, served by the Rasa server beside the chat page.

    GET /webhooks/team/               the page (web/team.html), coaches only
    GET /webhooks/team/figures        the figures as JSON (overstag/team/figures.py)
    GET /webhooks/team/figures.csv    the same as CSV
    GET /webhooks/team/static/<name>  team.js, team.css

Who is signed in comes from the chat's sign-in (the cookie's path is /); who is
a coach from overstag/team/access.py. Nobody signed in: the chat's sign-in
answer (a redirect to the login in oidc mode, a 401 otherwise); signed in but
no coach: 403. The other tools get the figures through /api/v1/team/figures.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag.auth.identity import NotAllowedError
from overstag.channels import sign_in
from overstag.channels.input_checks import BadInputError
from overstag.settings import ROOT
from overstag.storage import storage
from overstag.team import access, export, figures, page

NO_STORE = {"Cache-Control": "no-store"}
_TYPES = {".js": "text/javascript", ".css": "text/css"}
_ASSETS = ("team.js", "team.css")


@functools.lru_cache(maxsize=1)
def _assets() -> Dict[str, Path]:
    return {name: ROOT / "web" / name for name in _ASSETS}


def weeks_asked(request: Request) -> int:
    """`?weeks=` (1 to MAX_WEEKS), or the default; BadInputError for anything else."""
    given = request.args.get("weeks")
    if given is None:
        return figures.DEFAULT_WEEKS
    # ASCII digits only: str.isdigit also takes "²" and "٣", which int() refuses
    # or reads; and no more of them than the largest value has
    if not (
        isinstance(given, str)
        and given.isascii()
        and given.isdigit()
        and len(given) <= len(str(figures.MAX_WEEKS))
        and 1 <= int(given) <= figures.MAX_WEEKS
    ):
        raise BadInputError(
            400, f"'weeks' must be a whole number, 1 to {figures.MAX_WEEKS}."
        )
    return int(given)


async def team_figures(weeks: int) -> Dict[str, Any]:
    return await asyncio.to_thread(
        figures.figures, storage().engine, access.min_users(), weeks
    )


def coach_weeks(request: Request) -> int:
    """The weeks a coach asked for; BadInputError (401/403/400) for anyone else or
    anything else, checked in that order."""
    problem = coach_check(request)
    if problem is not None:
        raise problem
    return weeks_asked(request)


def coach_check(request: Request) -> Optional[BadInputError]:
    """None for a coach; otherwise why not (401 nobody signed in, 403 no coach)."""
    try:
        user = sign_in.who(request)
    except NotAllowedError:
        return BadInputError(403, "Your e-mail domain is not allowed here.")
    if user is None:
        return BadInputError(401, "Sign in first: /webhooks/chat/login.")
    if not access.is_coach(user.user_id, user.coach):
        return BadInputError(403, "The team figures are for coaches only.")
    return None


class TeamViewInput(InputChannel):
    """Registered in credentials.yml; takes no messages, only serves the view."""

    @classmethod
    def name(cls) -> Text:
        return "team"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        view = Blueprint("overstag_team_view", __name__)

        def refused(problem: BadInputError) -> HTTPResponse:
            return response.json(
                {"error": problem.message}, status=problem.status, headers=NO_STORE
            )

        @view.route("/", methods=["GET"])
        async def team_page(request: Request) -> HTTPResponse:
            gate = sign_in.page_gate(request)
            if gate is not None:
                return gate
            lang = await sign_in.page_language(request)
            if coach_check(request) is not None:
                return response.html(page.forbidden(lang), status=403, headers=NO_STORE)
            return response.html(
                page.render(lang, access.min_users()), headers=NO_STORE
            )

        @view.route("/figures", methods=["GET"])
        async def figures_json(request: Request) -> HTTPResponse:
            try:
                weeks = coach_weeks(request)
            except BadInputError as refusal:
                return refused(refusal)
            return response.json(await team_figures(weeks), headers=NO_STORE)

        @view.route("/figures.csv", methods=["GET"])
        async def figures_csv(request: Request) -> HTTPResponse:
            try:
                weeks = coach_weeks(request)
            except BadInputError as refusal:
                return refused(refusal)
            return response.text(
                export.to_csv(await team_figures(weeks)),
                content_type="text/csv; charset=utf-8",
                headers={
                    **NO_STORE,
                    "Content-Disposition": 'attachment; filename="overstag-team.csv"',
                },
            )

        @view.route("/static/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            path = _assets().get(name)
            if path is None:
                return response.json({"error": "not found"}, status=404)
            return await response.file(path, mime_type=_TYPES[path.suffix])

        return view
