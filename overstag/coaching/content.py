"""The coaching material: objections, concessions and replies in content/*.yml.

Editors change these files, not code. `load()` reads and validates them once per
process, on first use; `problems()` lists what is missing so that start-up and
`make check-content` can refuse incomplete content with a clear message.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from overstag.content_files import (
    CONTENT_DIR,
    is_text,
    placeholders,
    read_yaml,
    refuse_gaps,
)
from overstag.facts import CATEGORIES, LANGUAGES, REFUSAL, SMALL_TALK_INTENTS

ARTICLE_TIPS = {1, 2, 3, 4, 5, 6}
# how much of each a category needs so that "another suggestion" has something new
MINIMUM = {"acknowledgements": 3, "concessions": 4, "avoid": 2, "if_still_no": 2}
REPLY_KEYS = (
    *SMALL_TALK_INTENTS,
    "affirm_no_context",
    "ask_objection",
    "start_over",
    "no_more_suggestions",
    "language_switched",
    "clarify",
    "clarify_single",
    "clarify_open",
    "not_understood",
    "coach_intro",
    "coach_intro_multi",
    "heading_say",
    "heading_offer",
    "heading_avoid",
    "heading_still_no",
    "another_intro",
    "next_step",
    "move_outside_rehearsal",
    "action_server_unavailable",
)
BUTTON_KEYS = (
    "another_suggestion",
    "different_objection",
    "start_over",
    "still_no",
    "other",
    "both",
    "practise",
    "practise_again",
    "hint",
    "retry",
    "stop",
    "progress",
)


@dataclass(frozen=True)
class Content:
    objections: Mapping[str, Dict[str, Any]]
    concessions: Mapping[str, Dict[str, Any]]
    replies: Mapping[str, Dict[str, List[str]]]
    buttons: Mapping[str, Dict[str, str]]

    def label(self, category: str, lang: str) -> str:
        return self.objections[category]["label"][lang]

    def concession(self, concession_id: str, lang: str) -> Dict[str, str]:
        return self.concessions[concession_id][lang]

    def reply(
        self, key: str, lang: str, rng: Optional[random.Random] = None, **values: str
    ) -> str:
        variants = self.replies[key][lang]
        text = (rng or random).choice(variants)
        return text.format(**values) if values else text

    def button(self, key: str, lang: str) -> str:
        return self.buttons[key][lang]


def _section(data: Dict[str, Any], key: str) -> Dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def read(directory: Path = CONTENT_DIR) -> Content:
    replies = read_yaml(directory / "replies.yml")
    return Content(
        objections=_section(read_yaml(directory / "objections.yml"), "objections"),
        concessions=_section(read_yaml(directory / "concessions.yml"), "concessions"),
        replies=_section(replies, "replies"),
        buttons=_section(replies, "buttons"),
    )


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _texts(node: Any, lang: str) -> Tuple[List[str], bool]:
    """(the texts of a list in `lang`, whether it held anything else)."""
    listed = _get(node, lang)
    if not isinstance(listed, list):
        return [], listed is not None
    texts = [item for item in listed if is_text(item)]
    return texts, len(texts) < len(listed)


def _concession_problems(content: Content) -> List[str]:
    found: List[str] = []
    for cid, concession in content.concessions.items():
        for lang in LANGUAGES:
            for field in ("title", "say", "how"):
                if not is_text(_get(_get(concession, lang), field)):
                    found.append(f"concession {cid}: no {lang} {field}")
        tips = _get(concession, "tips")
        whole = isinstance(tips, list) and all(type(t) is int for t in tips)
        if not tips or not whole or not set(tips) <= ARTICLE_TIPS:
            found.append(f"concession {cid}: tips must list article tips 1 to 6")
    used_tips = {
        tip
        for c in content.concessions.values()
        if isinstance(_get(c, "tips"), list)
        for tip in c["tips"]
        if type(tip) is int and tip in ARTICLE_TIPS
    }
    if not ARTICLE_TIPS <= used_tips:
        found.append(f"article tips never used: {sorted(ARTICLE_TIPS - used_tips)}")
    return found


def _refusal_concession_problems(content: Content, ids: List[str]) -> List[str]:
    """A firm no gets no persuasion: only concessions marked `door_opener`."""
    persuading = [
        cid
        for cid in ids
        if cid in content.concessions
        and _get(content.concessions[cid], "door_opener") is not True
    ]
    found = [f"{REFUSAL}: offers persuasion {persuading}"] if persuading else []
    if not ids:
        found.append(f"{REFUSAL}: needs a door-opener among its concessions")
    return found


def _objection_problems(content: Content) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        entry = content.objections.get(category)
        if not isinstance(entry, dict) or not entry:
            found.append(f"{category}: missing")
            continue
        ids = entry.get("concessions")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            found.append(f"{category}: concessions must be a list of ids")
            ids = (
                [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
            )
        unknown = [cid for cid in ids if cid not in content.concessions]
        if unknown:
            found.append(f"{category}: unknown concessions {unknown}")
        if category == REFUSAL:
            found += _refusal_concession_problems(content, ids)
        elif len(set(ids)) < MINIMUM["concessions"]:
            needed = MINIMUM["concessions"]
            found.append(f"{category}: needs {needed} concessions, has {len(set(ids))}")
        for lang in LANGUAGES:
            if not is_text(_get(entry.get("label"), lang)):
                found.append(f"{category}: no {lang} label")
            if category == REFUSAL and not is_text(
                _get(entry.get("respect_note"), lang)
            ):
                found.append(f"{category}: no {lang} respect_note")
            for field in ("acknowledgements", "avoid", "if_still_no"):
                items, other = _texts(entry.get(field), lang)
                if other:
                    found.append(
                        f"{category}: {field} in {lang} has an item with no text"
                    )
                if len(items) < MINIMUM[field]:
                    found.append(
                        f"{category}: {field} in {lang} has {len(items)}, "
                        f"needs {MINIMUM[field]}"
                    )
    return found


def _reply_problems(content: Content) -> List[str]:
    found: List[str] = []
    for key in REPLY_KEYS:
        variants = content.replies.get(key)
        expected = None
        for lang in LANGUAGES:
            texts, other = _texts(variants, lang)
            if not texts:
                found.append(f"reply {key}: no {lang} text")
            elif other:
                found.append(f"reply {key}: a {lang} variant has no text")
            for text in texts:
                names = placeholders(text)
                expected = names if expected is None else expected
                if names != expected:
                    found.append(f"reply {key}: placeholders differ in {text!r}")
    for key in BUTTON_KEYS:
        for lang in LANGUAGES:
            if not is_text(_get(content.buttons.get(key), lang)):
                found.append(f"button {key}: no {lang} label")
    return found


def problems(content: Content) -> List[str]:
    """Everything that keeps the content from serving both languages fully."""
    return (
        _concession_problems(content)
        + _objection_problems(content)
        + _reply_problems(content)
    )


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> Content:
    """The validated content; raises ContentError listing every gap."""
    content = read(directory)
    refuse_gaps("coaching", problems(content))
    return content
