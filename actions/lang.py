"""Which language to answer in: the user's latest message decides, else the conversation's."""
from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from overstag.language import SUPPORTED, detect, requested_language

SLOT = "language"
DEFAULT = "en"


def reply_language(tracker: Tracker) -> str:
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if (message.get("intent") or {}).get("name") == "switch_language":
        requested = requested_language(text)
        if requested:
            return requested
    parsed: Optional[str] = (message.get("language") or {}).get("code")
    if parsed is None and text:
        # messages that bypass NLU parsing (tests, some channels) still count
        parsed, _ = detect(text)
    if parsed in SUPPORTED:
        return parsed
    current = tracker.get_slot(SLOT)
    return current if current in SUPPORTED else DEFAULT
