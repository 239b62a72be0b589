"""Other tools that talk to Overstag over REST, each with its own token.

    OVERSTAG_REST_TOKENS=crm:<token>,intranet:<token>

A tool's conversations live in its namespace ("rest:crm:..."). Without a token
the caller is the tool "local", which only a deployment without sign-in accepts
(make run on loopback): once a team signs in, every REST call needs a token.
"""

from __future__ import annotations

import hmac
import os
import re
from typing import Any, Dict

from overstag.auth import config
from overstag.channels.input_checks import BadInputError

LOCAL_TOOL = "local"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def tokens() -> Dict[str, str]:
    """Tool name by token; malformed entries are refused at start-up (problems)."""
    found: Dict[str, str] = {}
    for entry in (os.environ.get("OVERSTAG_REST_TOKENS") or "").split(","):
        name, _, token = entry.strip().partition(":")
        if _NAME.match(name) and len(token.strip()) >= 16:
            found[token.strip()] = name
    return found


def problems() -> list:
    entries = [
        e
        for e in (os.environ.get("OVERSTAG_REST_TOKENS") or "").split(",")
        if e.strip()
    ]
    if len(entries) != len(tokens()):
        return [
            "OVERSTAG_REST_TOKENS must be name:token pairs (a name of letters, digits, "
            "- or _; a token of at least 16 characters), separated by commas."
        ]
    return []


def bearer(request: Any) -> str:
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def tool_of(request: Any) -> str:
    """The calling tool's name; BadInputError(401) when it has no valid token."""
    given = bearer(request)
    if given:
        for token, name in tokens().items():
            if hmac.compare_digest(given.encode(), token.encode()):
                return name
        raise BadInputError(401, "The token is not one this server accepts.")
    if config.mode() == "local":
        return LOCAL_TOOL
    raise BadInputError(
        401, "Send a tool token: Authorization: Bearer <token> (OVERSTAG_REST_TOKENS)."
    )
