"""GET /api/v1/team/figures: the team view's figures for other tools, behind the
advice API's token; the same document as /webhooks/team/figures, small groups
hidden the same way."""

from __future__ import annotations

from typing import Callable

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag.channels import team
from overstag.channels.input_checks import BadInputError


def add_routes(
    api: Blueprint,
    error: Callable[..., HTTPResponse],
    authorized: Callable[[Request], bool],
) -> None:
    @api.route("/team/figures", methods=["GET"])
    async def team_figures(request: Request) -> HTTPResponse:
        if not authorized(request):
            return error(
                401,
                "unauthorized",
                "Send the API token as 'Authorization: Bearer <token>'.",
                headers={"WWW-Authenticate": 'Bearer realm="overstag"'},
            )
        try:
            weeks = team.weeks_asked(request)
        except BadInputError as problem:
            return error(problem.status, "bad_request", problem.message)
        return response.json(
            await team.team_figures(weeks), headers={"Cache-Control": "no-store"}
        )
