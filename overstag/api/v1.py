"""/api/v1: the advice API, served by the Rasa server as a custom input channel.

Being a channel puts it in the Rasa process, next to the loaded model: a request
is parsed by the same NLU as the chat (`agent.parse_message`) but never touches
a conversation or the tracker store. Every request except the OpenAPI document
needs `Authorization: Bearer <token>`; every error is JSON.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import settings
from overstag.api import advice, my_data, openapi, team
from overstag.channels import input_checks
from overstag.channels.input_checks import BadInputError
from overstag.coaching import content
from overstag.facts import CATEGORIES

logger = logging.getLogger(__name__)
PREFIX = "/api/v1"
BODY_ERRORS = {
    400: "invalid_json",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error(
    status: int,
    code: str,
    message: str,
    details: Optional[List[str]] = None,
    headers: Optional[Dict[str, str]] = None,
) -> HTTPResponse:
    body: Dict[str, Any] = {"error": code, "message": message}
    if details:
        body["details"] = details
    return response.json(body, status=status, headers=headers)


def _describe(problem: ValidationError) -> str:
    """A short sentence for one schema violation.

    jsonschema's own message repeats the whole value.
    """
    field = "/".join(str(p) for p in problem.absolute_path)
    kind = problem.validator
    if kind == "required":
        missing = [
            name
            for name in problem.validator_value
            if name not in (problem.instance or {})
        ]
        return f"'{missing[0] if missing else 'text'}' is required."
    if kind == "additionalProperties":
        known = set(openapi.SUGGEST_REQUEST["properties"])
        extra = sorted(str(k) for k in problem.instance if k not in known)
        return (
            f"Unknown field(s): {', '.join(extra)[:200]}. "
            f"Allowed: {', '.join(sorted(known))}."
        )
    if not field:
        return 'The body must be a JSON object such as {"text": "..."}.'
    if kind == "type":
        return f"'{field}' must be a {problem.validator_value}."
    if kind in ("minLength", "pattern"):
        return f"'{field}' must contain at least one character that is not a space."
    if kind == "maxLength":
        return (
            f"'{field}' has {len(problem.instance)} characters; "
            f"the limit is {problem.validator_value}."
        )
    if kind == "enum":
        return (
            f"'{field}' must be one of: {', '.join(map(str, problem.validator_value))}."
        )
    return f"'{field}' does not match the schema ({kind})."


class AdviceApiInput(InputChannel):
    """Registered in credentials.yml; answers under /api/v1, not /webhooks/."""

    @classmethod
    def name(cls) -> Text:
        return "api_v1"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(settings.advice_api_tokens())

    def __init__(self, tokens: List[str]) -> None:
        self.tokens = [t.encode() for t in tokens if t]
        self.validator = Draft202012Validator(openapi.SUGGEST_REQUEST)

    def url_prefix(self) -> Text:
        # Rasa joins this onto "/webhooks/"; an absolute path replaces it
        return PREFIX

    def authorized(self, request: Request) -> bool:
        header = request.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        given = token.strip().encode()
        # compare with every token, in constant time, so timing tells nothing
        return any([hmac.compare_digest(given, known) for known in self.tokens])

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        api = Blueprint("overstag_api_v1", __name__)
        unauthorized = (
            "unauthorized",
            "Send the API token as 'Authorization: Bearer <token>'.",
        )
        challenge = {"WWW-Authenticate": 'Bearer realm="overstag"'}

        @api.route("/openapi.json", methods=["GET"])
        async def document(_: Request) -> HTTPResponse:
            return response.json(openapi.document())

        @api.route("/objections", methods=["GET"])
        async def objections(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                return error(401, *unauthorized, headers=challenge)
            material = content.load()
            return response.json(
                {
                    "objections": [
                        {"category": c, "label": dict(material.objections[c]["label"])}
                        for c in CATEGORIES
                    ]
                }
            )

        @api.route("/suggest", methods=["POST"])
        async def suggest(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                return error(401, *unauthorized, headers=challenge)
            try:
                data = input_checks.json_body(request, openapi.MAX_BODY)
            except BadInputError as problem:
                return error(
                    problem.status, BODY_ERRORS[problem.status], problem.message
                )
            problems = sorted(
                self.validator.iter_errors(data), key=lambda e: list(e.absolute_path)
            )
            if problems:
                details = [_describe(p) for p in problems][:10]
                return error(422, "invalid_request", details[0], details)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return error(
                    503, "not_ready", "The model is not loaded yet; try again shortly."
                )
            # nothing is stored, so odd characters are dropped rather than refused;
            # a lone surrogate would not survive encoding to UTF-8
            text = input_checks.sanitized(data["text"]).strip()
            try:
                # a leading "/" would make Rasa read the text as an intent name,
                # not as words
                parse = await agent.parse_message(text.lstrip("/").strip() or "-")
                result = advice.suggest(
                    content.load(), parse, text, data.get("language")
                )
            except Exception as failure:
                logger.error(
                    "The advice API failed on a valid request (%s)",
                    type(failure).__name__,
                )
                return error(500, "internal_error", "Something went wrong on our side.")
            return response.json(result)

        my_data.add_routes(api, error)
        team.add_routes(api, error, self.authorized)
        return api
