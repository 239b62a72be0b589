"""Deleting an interview also takes the candidate out of the conversation's history.

Rasa's `events` keep every message: the name in the form's answers, a surname
the form refused, the subject ("her burnout"), the summary and the e-mail, and
later status updates ("I spoke to Noor yesterday"). After the interview's rows
are deleted, the conversation's events are rewritten in place:

- every answer given while the form that made this interview ran is replaced
  whole (a refused surname is in no stored field, only in the answer);
- the form's slots (and what it remembered, `form_memory`) are emptied in every
  slot event;
- everywhere else, the candidate's name (as a word), the subject, the outlet and
  the agreements are replaced, and the e-mail's .eml draft and .ics invitation go
  whole.

Events keep their order and kind, so Rasa rebuilds the conversation as before.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from overstag.facts import FORM, FORM_MEMORY_SLOT, FORM_SLOTS
from overstag.payloads import EMAIL_KEY
from overstag.privacy.records import events_table

REDACTED = "[…]"
SUBMIT_ACTION = "action_submit_interview"


def _patterns(interview: Dict[str, Any]) -> List[re.Pattern]:
    name = str(interview.get("candidate_name") or "").strip()
    phrases = [interview.get("subject"), interview.get("outlet")]
    phrases += list(interview.get("own_agreements") or [])
    found = [re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)] if name else []
    found += [
        re.compile(re.escape(str(p).strip()), re.IGNORECASE)
        for p in phrases
        if p and len(str(p).strip()) >= 3
    ]
    return found


def _scrub(value: Any, patterns: List[re.Pattern]) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(REDACTED, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, patterns) for key, item in value.items()}
    return value


def _form_spans(
    events: List[Tuple[int, Dict[str, Any]]],
) -> List[Tuple[int, int, float]]:
    """(first id, last id, submit time) of every run of the form that submitted."""
    spans, start = [], None
    for row_id, data in events:
        kind = data.get("event")
        if kind == "active_loop":
            if data.get("name") == FORM:
                start = row_id if start is None else start
        elif kind == "action" and data.get("name") == SUBMIT_ACTION and start:
            spans.append((start, row_id, float(data.get("timestamp") or 0)))
            start = None
    return spans


def _span_of(
    spans: List[Tuple[int, int, float]], created: Optional[float]
) -> Optional[Tuple[int, int]]:
    """The run that made the interview: the submit nearest its creation."""
    if not spans:
        return None
    if created is None:
        return spans[-1][:2]
    nearest = min(spans, key=lambda span: abs(span[2] - created))
    return nearest[:2]


def _redacted(
    data: Dict[str, Any], inside_form: bool, patterns: List[re.Pattern]
) -> Dict[str, Any]:
    kind = data.get("event")
    if kind == "user" and inside_form:
        parse = data.get("parse_data") or {}
        return {
            **data,
            "text": REDACTED,
            "parse_data": {
                "text": REDACTED,
                "intent": parse.get("intent"),
                "entities": [],
            },
        }
    if kind == "slot" and data.get("name") in (*FORM_SLOTS, FORM_MEMORY_SLOT):
        return {**data, "value": None}
    scrubbed = _scrub(data, patterns)
    email = ((scrubbed.get("data") or {}).get("custom") or {}).get(EMAIL_KEY)
    if kind == "bot" and isinstance(email, dict):
        # the .eml is encoded (quoted-printable breaks words) and the .ics folds its
        # lines: no search finds all of the candidate in them, so they go whole
        for encoded in ("eml", "ics"):
            if email.get(encoded):
                email[encoded] = REDACTED
    return scrubbed


def redact_interview(
    engine: sa.engine.Engine, conversation_id: str, interview: Dict[str, Any]
) -> int:
    """Rewrites the conversation's events without the interview's candidate;
    returns how many events changed."""
    patterns = _patterns(interview)
    created = interview.get("created_at")
    created_at = created.timestamp() if hasattr(created, "timestamp") else None
    changed = 0
    with engine.begin() as connection:
        events = events_table(connection)
        if events is None:
            return 0
        rows = connection.execute(
            sa.select(events.c.id, events.c.data)
            .where(events.c.sender_id == conversation_id)
            .order_by(events.c.id)
        ).all()
        parsed = [(row_id, json.loads(data or "{}")) for row_id, data in rows]
        span = _span_of(_form_spans(parsed), created_at)
        for row_id, data in parsed:
            inside = span is not None and span[0] <= row_id <= span[1]
            new = _redacted(data, inside, patterns)
            if new != data:
                connection.execute(
                    events.update()
                    .where(events.c.id == row_id)
                    .values(data=json.dumps(new, ensure_ascii=False))
                )
                changed += 1
    return changed
