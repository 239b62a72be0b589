"""The JSON Schema of the team's figures (GET /webhooks/team/figures and
/api/v1/team/figures), in the OpenAPI document as `TeamFigures`."""

from __future__ import annotations

from typing import Any, Dict

from overstag.facts import CATEGORIES, OFFER_MOVES
from overstag.payloads import RUBRIC_ITEMS

_WEEK = {"type": "string", "pattern": r"^\d{4}-W\d{2}$"}
_COUNT = {"type": ["integer", "null"], "minimum": 0}
# every cell: its numbers are null when fewer than min_users made it
_HIDDEN = {"users": _COUNT, "suppressed": {"type": "boolean"}}


def _cells(properties: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": [*properties, *_HIDDEN],
            "additionalProperties": False,
            "properties": {**properties, **_HIDDEN},
        },
    }


TEAM_FIGURES: Dict[str, Any] = {
    "type": "object",
    "description": (
        "Aggregated figures over every user, per completed ISO week from `since` "
        "to `until` (excluded); a cell made by fewer than `min_users` distinct "
        "users has null numbers and `suppressed` true."
    ),
    "required": [
        "min_users",
        "since",
        "until",
        "weeks",
        "objections",
        "concessions",
        "scores",
    ],
    "additionalProperties": False,
    "properties": {
        "min_users": {"type": "integer", "minimum": 2},
        "since": {"type": "string", "format": "date"},
        "until": {"type": "string", "format": "date"},
        "weeks": {"type": "array", "items": _WEEK},
        "objections": _cells(
            {
                "week": _WEEK,
                "category": {"enum": list(CATEGORIES)},
                "count": _COUNT,
            }
        ),
        "concessions": _cells(
            {
                "week": _WEEK,
                "offer": {"enum": list(OFFER_MOVES)},
                "rehearsals": _COUNT,
                "agreed": _COUNT,
            }
        ),
        "scores": _cells(
            {
                "week": _WEEK,
                "item": {"enum": list(RUBRIC_ITEMS)},
                "mean": {"type": ["number", "null"], "minimum": 0, "maximum": 2},
                "sessions": _COUNT,
            }
        ),
    },
}
