"""The OpenAPI document of /api/v1, and the request schema the server checks
bodies against.

One document is the source of truth: the server validates requests with the
same schema it publishes, so the two cannot drift apart, and the property tests
generate requests from the served copy. OpenAPI 3.1 is used because its schemas
are plain JSON Schema (2020-12), which `jsonschema` checks directly.
"""

from __future__ import annotations

import copy
from typing import Any, Dict

from overstag.channels.input_checks import MAX_BODY_BYTES
from overstag.facts import CATEGORIES, LANGUAGES, MAX_MESSAGE_CHARS
from overstag.team.schema import TEAM_FIGURES

VERSION = "1.0.0"
MAX_TEXT = MAX_MESSAGE_CHARS
MAX_BODY = MAX_BODY_BYTES

SUGGEST_REQUEST: Dict[str, Any] = {
    "type": "object",
    "description": "What the candidate said, in Dutch or English.",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {
        "text": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_TEXT,
            "pattern": r"\S",
            "description": (
                "The candidate's words, as the interviewer heard or typed them."
            ),
            "examples": ["She's afraid her words end up online"],
        },
        "language": {
            "type": "string",
            "enum": list(LANGUAGES),
            "description": (
                "Language of the advice. "
                "Default: the language of `text` (English when unclear)."
            ),
        },
    },
}

_CONCESSION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "say", "how"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "say": {
            "type": "string",
            "description": "What to offer, in words you can use.",
        },
        "how": {"type": "string", "description": "A tip for making the offer work."},
    },
}

_OBJECTION = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "category",
        "label",
        "confidence",
        "acknowledgement",
        "concessions",
        "avoid",
        "note",
    ],
    "properties": {
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "label": {
            "type": "string",
            "description": "The category's name in the advice language.",
        },
        "confidence": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "The classifier's probability for this category.",
        },
        "acknowledgement": {
            "type": ["string", "null"],
            "description": "A sentence to acknowledge the concern.",
        },
        "concessions": {
            "type": "array",
            "items": _CONCESSION,
            "description": (
                "Two or three offers that fit "
                "(two each when there are several objections)."
            ),
        },
        "avoid": {
            "type": "array",
            "items": {"type": "string"},
            "description": "What not to do.",
        },
        "note": {
            "type": ["string", "null"],
            "description": "Extra advice, e.g. to respect a firm no.",
        },
    },
}

SUGGEST_RESPONSE: Dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["language", "detected_language", "intent", "uncertain", "objections"],
    "properties": {
        "language": {
            "type": "string",
            "enum": list(LANGUAGES),
            "description": "Language of the advice.",
        },
        "detected_language": {
            "type": ["string", "null"],
            "enum": [*LANGUAGES, None],
            "description": "Language recognised in `text`, null when unclear.",
        },
        "intent": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "confidence"],
            "properties": {
                "name": {"type": "string"},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "description": (
                "What the message is, e.g. `objection_time` (the likeliest "
                "objection when there are several), `greet`, `out_of_scope`."
            ),
        },
        "uncertain": {
            "type": "boolean",
            "description": (
                "True when the classifier was unsure; "
                "the chat would ask which concern is meant."
            ),
        },
        "objections": {
            "type": "array",
            "items": _OBJECTION,
            "description": (
                "Every objection heard, any combination of up to three, "
                "likeliest first: the NLU parse's `objections` list, each with "
                "advice (a concession fitting two is offered once); empty when "
                "the text is not an objection."
            ),
        },
    },
}

ERROR: Dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["error", "message"],
    "properties": {
        "error": {
            "type": "string",
            "description": "Machine-readable code.",
            "enum": [
                "unauthorized",
                "unsupported_media_type",
                "payload_too_large",
                "invalid_json",
                "invalid_request",
                "not_ready",
                "internal_error",
            ],
        },
        "message": {"type": "string", "description": "What is wrong, for people."},
        "details": {"type": "array", "items": {"type": "string"}},
    },
}

OBJECTIONS_RESPONSE: Dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["objections"],
    "properties": {
        "objections": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["category", "label"],
                "properties": {
                    "category": {"type": "string", "enum": list(CATEGORIES)},
                    "label": {
                        "type": "object",
                        "required": list(LANGUAGES),
                        "properties": {lang: {"type": "string"} for lang in LANGUAGES},
                    },
                },
            },
        }
    },
}


def _ref(schema: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema}"}


def _error(description: str) -> Dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


EXPORT = {
    "type": "object",
    "description": (
        "Everything stored about the user (docs/privacy.md): their row, their "
        "conversations with Rasa's events, advice shown, rehearsals and scores, "
        "interviews and reminders. One key per table."
    ),
    "required": ["format", "exported_at", "user", "conversations", "events"],
    "properties": {
        "format": {"const": "overstag-export/1"},
        "exported_at": {"type": "string", "format": "date-time"},
        "user": {"type": "object"},
        "conversations": {"type": "array", "items": {"type": "string"}},
        "overstag_conversations": {"type": "array", "items": {"type": "object"}},
        "overstag_coached_objections": {"type": "array", "items": {"type": "object"}},
        "overstag_rehearsal_sessions": {"type": "array", "items": {"type": "object"}},
        "overstag_rehearsal_turns": {"type": "array", "items": {"type": "object"}},
        "overstag_interviews": {"type": "array", "items": {"type": "object"}},
        "overstag_reminders": {"type": "array", "items": {"type": "object"}},
        "events": {"type": "array", "items": {"type": "object"}},
    },
}
ERASED = {
    "type": "object",
    "required": ["erased", "removed"],
    "properties": {
        "erased": {"const": True},
        "removed": {
            "type": "object",
            "description": "Rows deleted, per table.",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
    },
}
_WHO = [
    {
        "name": "user",
        "in": "query",
        "required": False,
        "description": "With the administrator's token: the user id to act on.",
        "schema": {"type": "string", "maxLength": 128},
    },
    {
        "name": "sender",
        "in": "query",
        "required": False,
        "description": "With a REST tool's token: the tool's user (its `sender`).",
        "schema": {"type": "string", "maxLength": 128},
    },
]
_ME_SECURITY = [{"adminToken": []}, {"toolToken": []}, {"session": []}]


def _my_data_paths(unauthorized: Dict[str, Any]) -> Dict[str, Any]:
    forbidden = _error("Another site's request, an expired link or a refused e-mail.")
    bad = _error("`user` or `sender` is missing or malformed.")
    return {
        "/api/v1/me/export": {
            "get": {
                "operationId": "exportMyData",
                "summary": "Everything stored about the user, as one JSON download",
                "security": [*_ME_SECURITY, {"exportLink": []}],
                "parameters": [
                    *_WHO,
                    {
                        "name": "link",
                        "in": "query",
                        "required": False,
                        "description": "The signed link the chat gives (15 minutes).",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The export (Content-Disposition: attachment).",
                        "content": {"application/json": {"schema": _ref("Export")}},
                    },
                    "400": bad,
                    "401": unauthorized,
                    "403": forbidden,
                },
            }
        },
        "/api/v1/me": {
            "delete": {
                "operationId": "eraseMyData",
                "summary": "Erase every row about the user, in one transaction",
                "security": _ME_SECURITY,
                "parameters": _WHO,
                "responses": {
                    "200": {
                        "description": "What was removed, per table.",
                        "content": {"application/json": {"schema": _ref("Erased")}},
                    },
                    "400": bad,
                    "401": unauthorized,
                    "403": forbidden,
                },
            }
        },
    }


def _team_paths(unauthorized: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "/api/v1/team/figures": {
            "get": {
                "operationId": "teamFigures",
                "summary": "The team's weekly figures, small groups hidden",
                "parameters": [
                    {
                        "name": "weeks",
                        "in": "query",
                        "required": False,
                        "description": "How many weeks back, this one included.",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 156},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Counts and means, never a person's.",
                        "content": {
                            "application/json": {"schema": _ref("TeamFigures")}
                        },
                    },
                    "400": _error("`weeks` is not a whole number from 1 to 156."),
                    "401": unauthorized,
                },
            }
        }
    }


def document() -> Dict[str, Any]:
    unauthorized = _error("Missing or wrong token (`Authorization: Bearer <token>`).")
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Overstag advice API",
                "version": VERSION,
                "description": (
                    "Advice for interviewers whose candidate hesitates: "
                    "which concern the candidate voices, "
                    "a sentence to acknowledge it, "
                    "concessions that fit and what to avoid. "
                    "Stateless: nothing is stored about the text."
                ),
            },
            "security": [{"bearerAuth": []}],
            "paths": {
                "/api/v1/suggest": {
                    "post": {
                        "operationId": "suggest",
                        "summary": "Advice for what a candidate said",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {"schema": _ref("SuggestRequest")}
                            },
                        },
                        "responses": {
                            "200": {
                                "description": "The recognised objections with advice.",
                                "content": {
                                    "application/json": {
                                        "schema": _ref("SuggestResponse")
                                    }
                                },
                            },
                            "400": _error(
                                "The body is not valid JSON, or nests too deeply."
                            ),
                            "401": unauthorized,
                            "413": _error(f"The body is larger than {MAX_BODY} bytes."),
                            "415": _error("The body is not sent as application/json."),
                            "422": _error("The JSON does not match SuggestRequest."),
                            "503": _error("The language model is not loaded yet."),
                        },
                    }
                },
                "/api/v1/objections": {
                    "get": {
                        "operationId": "listObjections",
                        "summary": "The objection categories Overstag recognises",
                        "responses": {
                            "200": {
                                "description": (
                                    "Every category with its name in each language."
                                ),
                                "content": {
                                    "application/json": {"schema": _ref("Objections")}
                                },
                            },
                            "401": unauthorized,
                        },
                    }
                },
                **_my_data_paths(unauthorized),
                **_team_paths(unauthorized),
                "/api/v1/openapi.json": {
                    "get": {
                        "operationId": "openapi",
                        "summary": "This document",
                        "security": [],
                        "responses": {
                            "200": {
                                "description": "OpenAPI 3.1 document.",
                                "content": {
                                    "application/json": {"schema": {"type": "object"}}
                                },
                            }
                        },
                    }
                },
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": (
                            "OVERSTAG_ADVICE_API_TOKEN, "
                            "or the token in var/advice-api-token."
                        ),
                    },
                    "adminToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "OVERSTAG_API_TOKEN, with ?user=<user id>.",
                    },
                    "toolToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An OVERSTAG_REST_TOKENS token, with ?sender=.",
                    },
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "overstag_session",
                        "description": "The web page's session (none needed when "
                        "sign-in is off: the local user).",
                    },
                    "exportLink": {
                        "type": "apiKey",
                        "in": "query",
                        "name": "link",
                        "description": "The signed download link the chat gives.",
                    },
                },
                "schemas": {
                    "SuggestRequest": SUGGEST_REQUEST,
                    "SuggestResponse": SUGGEST_RESPONSE,
                    "Objections": OBJECTIONS_RESPONSE,
                    "Error": ERROR,
                    "Export": EXPORT,
                    "Erased": ERASED,
                    "TeamFigures": TEAM_FIGURES,
                },
            },
        }
    )
