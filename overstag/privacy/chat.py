"""The user's own data in the chat ("export my data", "forget me";
data/rules/privacy.yml): what is stored about them with a link to download it,
and erasing all of it after a confirmation.

The erasure is `records.erase_user`: every conversation of the user, this one
included, with Rasa's events. The Rasa server does not save this conversation
again after `action_confirm_erase` (overstag/rasa_patches/tracker_store.py), so
the next message starts afresh. The texts are content/privacy.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping

from overstag import conversation
from overstag.content_files import (
    CONTENT_DIR,
    bilingual_gaps,
    missing_texts,
    placeholders,
    read_yaml,
    refuse_gaps,
)
from overstag.facts import LANGUAGE_SLOT, LANGUAGES, PENDING_ERASE_SLOT
from overstag.privacy import links, records
from overstag.storage import storage, tables
from overstag.turn import Reply, Turn

CONTENT_FILE = "privacy.yml"
CONFIRM_ERASE = "/confirm_erase"
DENY = "/deny"
ASK_ERASE = "/erase_my_data"

# what the user hears counted, in this order, and the table each count is of
COUNTED = (
    ("conversations", tables.conversations.name),
    ("advice", tables.coached_objections.name),
    ("rehearsals", tables.rehearsal_sessions.name),
    ("interviews", tables.interviews.name),
    ("reminders", tables.reminders.name),
)
SECTIONS = ("replies", "counts", "buttons")
# every text the code asks for, and the placeholders each one must keep
NEEDED = {
    "replies.export": {"stored", "link"},
    "replies.erase_confirm": set(),
    "replies.erased": {"removed"},
    "replies.nothing_to_confirm": set(),
    "replies.kept": set(),
    "counts.and": set(),
    **{f"counts.{what}.none": set() for what, _ in COUNTED},
    **{f"counts.{what}.one": set() for what, _ in COUNTED},
    **{f"counts.{what}.other": {"n"} for what, _ in COUNTED},
    "buttons.confirm": set(),
    "buttons.keep": set(),
    "buttons.erase": set(),
}


@dataclass(frozen=True)
class Privacy:
    raw: Mapping[str, Any]

    def text(self, path: str, lang: str, **values: Any) -> str:
        node: Any = self.raw
        for part in path.split("."):
            node = node[part]
        return node[lang].format(**values) if values else node[lang]

    def count(self, what: str, n: int, lang: str) -> str:
        """A count in words: "no interviews", "1 interview", "3 interviews"."""
        form = "none" if n == 0 else "one" if n == 1 else "other"
        return self.text(f"counts.{what}.{form}", lang, n=n)

    def listing(self, counts: Mapping[str, int], lang: str, zeros: bool) -> str:
        """The counts in words, "3 conversations, 1 interview and 2 rehearsals";
        without `zeros` only what there was (the conversations at least)."""
        parts = [
            self.count(what, counts.get(what, 0), lang)
            for what, _ in COUNTED
            if zeros or counts.get(what, 0) or what == "conversations"
        ]
        if len(parts) == 1:
            return parts[0]
        return f"{', '.join(parts[:-1])} {self.text('counts.and', lang)} {parts[-1]}"


def problems(raw: Mapping[str, Any]) -> List[str]:
    """Gaps in privacy.yml: every text in both languages, with its placeholders."""
    found = [f"{key}: missing" for key in SECTIONS if not raw.get(key)]
    if found:
        return found
    found += bilingual_gaps(raw)
    gaps = missing_texts(raw, NEEDED)
    found += gaps
    for path, needed in NEEDED.items():
        if not needed or any(gap.startswith(f"{path}:") for gap in gaps):
            continue
        node: Any = raw
        for part in path.split("."):
            node = node[part]
        for lang in LANGUAGES:
            if isinstance(node.get(lang), str):
                lost = needed - placeholders(node[lang])
                if lost:
                    names = ", ".join("{" + name + "}" for name in sorted(lost))
                    found.append(f"{path}.{lang}: needs {names}")
    return found


def read(directory: Path = CONTENT_DIR) -> Mapping[str, Any]:
    return read_yaml(directory / CONTENT_FILE)


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> Privacy:
    raw = read(directory)
    refuse_gaps("privacy", problems(raw))
    return Privacy(raw)


def _counts(table_counts: Mapping[str, int]) -> Dict[str, int]:
    return {what: int(table_counts.get(table, 0)) for what, table in COUNTED}


def export(turn: Turn) -> Reply:
    """What is stored about the user, and a signed link to download all of it."""
    lang = turn.language
    material = load()
    document = records.export_user(storage().engine, turn.owner)
    # the document's lists of rows are named by their tables
    stored = _counts({k: len(v) for k, v in document.items() if isinstance(v, list)})
    text = material.text(
        "replies.export",
        lang,
        stored=material.listing(stored, lang, zeros=True),
        link=links.export_link(turn.owner),
    )
    return Reply().say(text).set(LANGUAGE_SLOT, lang)


def ask_erase(turn: Turn) -> Reply:
    """Says what erasing removes, and asks first."""
    lang = turn.language
    material = load()
    buttons = [
        {"title": material.text("buttons.confirm", lang), "payload": CONFIRM_ERASE},
        {"title": material.text("buttons.keep", lang), "payload": DENY},
    ]
    reply = Reply().say(material.text("replies.erase_confirm", lang), buttons)
    return reply.set(LANGUAGE_SLOT, lang).set(PENDING_ERASE_SLOT, True)


def confirm_erase(turn: Turn) -> Reply:
    """Erases everything about the user, if they were asked and said yes."""
    lang = turn.language
    material = load()
    reply = Reply().set(LANGUAGE_SLOT, lang).set(PENDING_ERASE_SLOT, None)
    if not turn.slot(PENDING_ERASE_SLOT):
        button = {"title": material.text("buttons.erase", lang), "payload": ASK_ERASE}
        return reply.say(material.text("replies.nothing_to_confirm", lang), [button])
    removed = _counts(records.erase_user(storage().engine, turn.owner))
    listing = material.listing(removed, lang, zeros=False)
    return reply.say(material.text("replies.erased", lang, removed=listing))


def keep(turn: Turn) -> Reply:
    """A "no" to the erase question: nothing is erased. A "no" to anything else
    is ordinary small talk."""
    if not turn.slot(PENDING_ERASE_SLOT):
        return conversation.small_talk(turn)
    lang = turn.language
    reply = Reply().say(load().text("replies.kept", lang))
    return reply.set(LANGUAGE_SLOT, lang).set(PENDING_ERASE_SLOT, None)
