"""What every HTTP route checks before a value can reach Rasa or a database.

A lone surrogate in a sender id made SQLite raise inside Rasa's tracker store,
and a NUL did the same on PostgreSQL; Rasa answers that with `sys.exit`. So text
that cannot be stored is refused here with a 400, and bodies are read by one
function that bounds their size, type and nesting before anything looks inside.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from sanic.request import Request

MAX_BODY_BYTES = 64 * 1024
MAX_METADATA_BYTES = 2048
MAX_METADATA_DEPTH = 4
MAX_MESSAGE_ID_CHARS = 64

# NUL and the other C0 controls (tab and line breaks are text), DEL, and any
# surrogate: in a str from json.loads a surrogate is always a lone one, which
# neither UTF-8 nor a database can hold
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# an id also has no line breaks, tabs or Unicode format characters (RTL marks)
_UNSTORABLE_ID = re.compile(
    r"[\x00-\x1f\x7f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_MESSAGE_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_MESSAGE_ID_CHARS}}}")


class BadInputError(ValueError):
    """Input refused with `status`; the message says what to send instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def _not_json(literal: str) -> None:
    # Python's parser takes NaN and Infinity; JSON has neither
    raise ValueError(f"{literal} is not JSON")


def json_body(request: Request, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """The parsed JSON body, or BadInputError (415, 413 or 400).

    Only application/json is read: a cross-site form or `text/plain` post (which
    a browser sends without asking) is refused before it can act on anyone's
    behalf.
    """
    if media_type(request) != "application/json":
        raise BadInputError(415, "Send the body as application/json.")
    body = request.body or b""
    if len(body) > max_bytes:
        raise BadInputError(413, f"The body may be at most {max_bytes} bytes.")
    try:
        return json.loads(body, parse_constant=_not_json)
    except RecursionError:
        raise BadInputError(400, "The body is nested too deeply.") from None
    except ValueError:  # includes invalid UTF-8
        raise BadInputError(400, "The body is not valid JSON (UTF-8).") from None


def checked_text(
    value: Any, field: str, max_chars: int, *, identifier: bool = False
) -> str:
    """`value` stripped, if it is a non-blank storable string of at most
    `max_chars`; identifiers (sender ids) also refuse invisible characters."""
    if not isinstance(value, str) or not value.strip():
        raise BadInputError(400, f"'{field}' must be a non-empty string.")
    if len(value) > max_chars:
        raise BadInputError(
            400,
            f"'{field}' is {len(value)} characters long; the limit is {max_chars}.",
        )
    if (_UNSTORABLE_ID if identifier else _UNSTORABLE).search(value):
        raise BadInputError(
            400,
            f"'{field}' contains control characters or invalid Unicode "
            "(such as a lone surrogate).",
        )
    return value.strip()


def sanitized(value: str) -> str:
    """`value` with what cannot be stored or encoded replaced by a space, for
    text that is only read (the advice API stores nothing, so it need not
    refuse)."""
    return _UNSTORABLE.sub(" ", value)


def checked_message_id(value: Any) -> Optional[str]:
    """The client's idempotency key: a retry with the same key is answered from
    what was stored the first time."""
    if value is None:
        return None
    if not isinstance(value, str) or not _MESSAGE_ID.fullmatch(value):
        raise BadInputError(
            400,
            f"'message_id' must be 1 to {MAX_MESSAGE_ID_CHARS} letters, digits, "
            "'-' or '_'.",
        )
    return value


def depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (iteratively: no recursion limit)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in node)
    return deepest


def check_metadata(value: Any) -> None:
    """Metadata is accepted for Rasa REST clients' sake, within bounds, and not
    passed on: Overstag reads none of it, and Rasa would store it four times."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise BadInputError(400, "'metadata' must be a JSON object when given.")
    if depth(value) > MAX_METADATA_DEPTH:
        raise BadInputError(
            400, f"'metadata' may nest at most {MAX_METADATA_DEPTH} levels deep."
        )
    size = len(json.dumps(value, ensure_ascii=False).encode("utf-8", "replace"))
    if size > MAX_METADATA_BYTES:
        raise BadInputError(
            400, f"'metadata' is {size} bytes; the limit is {MAX_METADATA_BYTES}."
        )
