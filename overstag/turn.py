"""What a feature sees of a conversation turn and what it answers, as plain data.

A feature takes a `Turn` (who is talking, their latest message, the slots) and
gives back a `Reply` (messages, slot changes). `actions/` makes a Turn from a Rasa
tracker and turns a Reply into dispatcher calls and SlotSet events, so nothing
under `overstag/` needs Rasa's SDK to be used or tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from overstag.facts import (
    ALSO_OBJECTION,
    CATEGORIES,
    LANGUAGE_CHOICE_SLOT,
    LANGUAGE_SLOT,
    MAX_OBJECTIONS,
    MAX_SENDER_CHARS,
    OBJECTIONS_KEY,
    categories_of,
)
from overstag.nlu.language import reply_language

Message = Dict[str, Any]
Button = Dict[str, str]


@dataclass(frozen=True)
class Turn:
    sender_id: str
    message: Mapping[str, Any]  # Rasa's latest_message: text, intent, entities, ...
    slots: Mapping[str, Any] = field(default_factory=dict)
    # the user owning the conversation (overstag/storage/accounts.py)
    user_id: str = ""

    @property
    def owner(self) -> str:
        """Whose interviews and progress this turn sees."""
        return self.user_id or self.conversation_id

    @property
    def conversation_id(self) -> str:
        """The id Overstag's tables store (the channels refuse longer ones)."""
        return self.sender_id[:MAX_SENDER_CHARS]

    @property
    def text(self) -> str:
        return self.message.get("text") or ""

    @property
    def intent(self) -> Optional[str]:
        return (self.message.get("intent") or {}).get("name")

    @property
    def confidence(self) -> Optional[float]:
        return (self.message.get("intent") or {}).get("confidence")

    @property
    def ranking(self) -> List[Dict[str, Any]]:
        return list(self.message.get("intent_ranking") or [])

    @property
    def objections(self) -> List[str]:
        """Every objection the message voices, likeliest first: the intent's, the
        others the classifier heard, and those a "both" button names."""
        heard = self.message.get(OBJECTIONS_KEY)
        named = categories_of(self.intent)
        found = list(named)
        for category in heard if isinstance(heard, list) and named else []:
            if category in CATEGORIES and category not in found:
                found.append(category)
        for category in (self.entity(ALSO_OBJECTION) or "").split(","):
            if category.strip() in CATEGORIES and category.strip() not in found:
                found.append(category.strip())
        return found[:MAX_OBJECTIONS]

    def entity(self, name: str) -> Optional[str]:
        """The first value of an entity in the latest message."""
        for entity in self.message.get("entities") or []:
            if entity.get("entity") == name and entity.get("value") is not None:
                return str(entity["value"])
        return None

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def language(self) -> str:
        """The language to answer this turn in."""
        return reply_language(
            self.message, self.slot(LANGUAGE_SLOT), self.slot(LANGUAGE_CHOICE_SLOT)
        )


@dataclass
class Reply:
    messages: List[Message] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)

    def say(
        self,
        text: Optional[str] = None,
        buttons: Optional[List[Button]] = None,
        json_message: Optional[Dict[str, Any]] = None,
    ) -> "Reply":
        message: Message = {"text": text}
        if buttons:
            message["buttons"] = buttons
        if json_message is not None:
            message["json_message"] = json_message
        self.messages.append(message)
        return self

    def set(self, slot: str, value: Any) -> "Reply":
        self.slots[slot] = value
        return self

    def extend(self, other: "Reply") -> "Reply":
        """This reply followed by another; the other's slot values win."""
        self.messages += other.messages
        self.slots.update(other.slots)
        return self
