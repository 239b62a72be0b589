"""The JSON the web page reads beyond Rasa's `text` and `buttons`, in one place.

Three shapes, each a JSON Schema here and one reader in `web/app.js` (its section
"payloads"); `tests/web/test_payloads.py` checks that the page reads exactly the
fields described here and that the server sends what the schemas allow.

- `overstag_email`, the `custom` part of the bot message that carries the
  confirmation e-mail (POST /webhooks/chat/webhook and /webhooks/rest/webhook).
- the answer of GET /webhooks/chat/updates: messages the server sent on its own.
- the answer of GET /webhooks/chat/conversations/<id>: a conversation to show again.
"""

from __future__ import annotations

from typing import Any, Dict, List

EMAIL_KEY = "overstag_email"
OWN_PREFIX = "overstag_"


def is_own(custom: Dict[str, Any]) -> bool:
    """One of Overstag's payloads: data for the page and REST tools, whose text
    went out with it. Chat platforms get the text only."""
    return any(str(key).startswith(OWN_PREFIX) for key in custom)


EMAIL_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": "The confirmation e-mail, ready to copy or download.",
    "required": [
        "subject",
        "body",
        "eml",
        "txt_filename",
        "eml_filename",
        "interview_id",
    ],
    "additionalProperties": False,
    "properties": {
        "subject": {"type": "string", "description": "Subject line."},
        "body": {"type": "string", "description": "Plain-text body, with blank lines."},
        "eml": {
            "type": "string",
            "description": "The same e-mail as a draft .eml file.",
        },
        "txt_filename": {"type": "string", "pattern": r"^[a-z0-9-]+\.txt$"},
        "eml_filename": {"type": "string", "pattern": r"^[a-z0-9-]+\.eml$"},
        "interview_id": {"type": "integer", "description": "The stored interview."},
        "ics": {
            "type": "string",
            "description": "The interview as a calendar file (.ics); empty if undated.",
        },
        "ics_filename": {"type": "string", "pattern": r"^[a-z0-9-]+\.ics$"},
    },
}

PUSHED_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": "Messages the server sent on its own (reminders) after `after`.",
    "required": ["messages"],
    "additionalProperties": False,
    "properties": {
        "messages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["text", "buttons", "timestamp"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string"},
                    "buttons": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["title", "payload"],
                            "properties": {
                                "title": {"type": "string"},
                                "payload": {"type": "string"},
                            },
                        },
                    },
                    "timestamp": {"type": "number", "description": "Unix time."},
                },
            },
        }
    },
}


def email(
    subject: str,
    body: str,
    eml: str,
    txt_filename: str,
    eml_filename: str,
    interview_id: int,
    ics: str = "",
    ics_filename: str = "interview.ics",
) -> Dict[str, Any]:
    """The `custom` part of the message that carries the e-mail."""
    return {
        EMAIL_KEY: {
            "subject": subject,
            "body": body,
            "eml": eml,
            "txt_filename": txt_filename,
            "eml_filename": eml_filename,
            "interview_id": int(interview_id),
            "ics": ics,
            "ics_filename": ics_filename,
        }
    }


def pushed_message(
    text: str, buttons: List[Dict[str, Any]], timestamp: float
) -> Dict[str, Any]:
    """One entry of the /webhooks/chat/updates answer."""
    return {
        "text": text,
        "buttons": [
            {"title": str(b.get("title")), "payload": str(b.get("payload"))}
            for b in buttons
        ],
        "timestamp": float(timestamp),
    }


def pushed(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"messages": messages}


HISTORY_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": "One of the user's conversations, to show again (the latest 400).",
    "required": ["conversation_id", "messages"],
    "additionalProperties": False,
    "properties": {
        "conversation_id": {"type": "string"},
        "messages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role", "text", "timestamp"],
                "additionalProperties": False,
                "properties": {
                    "role": {"enum": ["user", "bot"]},
                    "text": {"type": "string"},
                    "buttons": PUSHED_SCHEMA["properties"]["messages"]["items"][
                        "properties"
                    ]["buttons"],
                    "custom": {"type": "object"},
                    "timestamp": {"type": "number", "description": "Unix time."},
                },
            },
        },
    },
}


def history(conversation_id: str, messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"conversation_id": conversation_id, "messages": messages}


MARKS_KEY = "overstag_marks"

MARKS_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": (
        "Which parts of a bot message's text are what: `say`, the sentences meant"
        " to be said or sent as they are (the page gives each a Copy button);"
        " `titles`, the concession titles (kept in compact mode). Each is a"
        " substring of the message's text, without its **bold** marks."
    ),
    "required": ["say", "titles"],
    "additionalProperties": False,
    "properties": {
        "say": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "titles": {"type": "array", "items": {"type": "string", "minLength": 1}},
    },
}


def marks(say: List[str], titles: List[str] = ()) -> Dict[str, Any]:
    """The `custom` part that marks a message's sayable sentences and titles."""
    return {MARKS_KEY: {"say": [str(s) for s in say], "titles": list(titles)}}


SCORECARD_KEY = "overstag_scorecard"
PROGRESS_KEY = "overstag_progress"
RUBRIC_ITEMS = ("acknowledged", "explored", "fitting_offer", "confirmed", "no_pressure")
_SCORE = {"type": ["integer", "null"], "minimum": 0, "maximum": 2}

SCORECARD_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": (
        "The scorecard of a finished rehearsal, in the `custom` part of its last"
        " message. A score that does not apply to the persona's kind is null."
    ),
    "required": [
        "outcome",
        "turns",
        "persona",
        "category",
        "scores",
        "agreements",
        "tips",
    ],
    "additionalProperties": False,
    "properties": {
        "outcome": {"enum": ["agreed", "walked_away", "stopped", "accepted_no"]},
        "turns": {"type": "integer", "minimum": 1},
        "persona": {"type": "string"},
        "category": {"type": "string", "pattern": "^objection_[a-z_]+$"},
        "scores": {
            "type": "object",
            "required": list(RUBRIC_ITEMS),
            "additionalProperties": False,
            "properties": {item: _SCORE for item in RUBRIC_ITEMS},
        },
        "agreements": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Concession ids (content/concessions.yml), accepted.",
        },
        "tips": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
}

PROGRESS_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "description": "The user's rehearsal scores over sessions, for the page's chart.",
    "required": ["items", "sessions"],
    "additionalProperties": False,
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "additionalProperties": False,
                "properties": {
                    "id": {"enum": list(RUBRIC_ITEMS)},
                    "label": {"type": "string"},
                },
            },
        },
        "sessions": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["date", "category", "label", "outcome", "scores"],
                "additionalProperties": False,
                "properties": {
                    "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    "category": {"type": "string"},
                    "label": {"type": "string"},
                    "outcome": {"type": "string"},
                    "scores": SCORECARD_SCHEMA["properties"]["scores"],
                },
            },
        },
    },
}
