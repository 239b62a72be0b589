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
from typing import Any, Dict, List, Mapping, Optional

from overstag.content_files import CONTENT_DIR, placeholders, read_yaml, refuse_gaps
from overstag.facts import CATEGORIES, LANGUAGES, SMALL_TALK_INTENTS

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
)
BUTTON_KEYS = (
    "another_suggestion",
    "different_objection",
    "start_over",
    "still_no",
    "other",
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


def read(directory: Path = CONTENT_DIR) -> Content:
    replies = read_yaml(directory / "replies.yml")
    return Content(
        objections=read_yaml(directory / "objections.yml").get("objections") or {},
        concessions=read_yaml(directory / "concessions.yml").get("concessions") or {},
        replies=replies.get("replies") or {},
        buttons=replies.get("buttons") or {},
    )


def _text(value: Any) -> str:
    return str(value or "").strip()


def _concession_problems(content: Content) -> List[str]:
    found: List[str] = []
    for cid, concession in content.concessions.items():
        for lang in LANGUAGES:
            entry = concession.get(lang) or {}
            for field in ("title", "say", "how"):
                if not _text(entry.get(field)):
                    found.append(f"concession {cid}: no {lang} {field}")
    used_tips = {
        tip for c in content.concessions.values() for tip in c.get("tips") or []
    }
    if not ARTICLE_TIPS <= used_tips:
        found.append(f"article tips never used: {sorted(ARTICLE_TIPS - used_tips)}")
    return found


def _objection_problems(content: Content) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        entry = content.objections.get(category)
        if not entry:
            found.append(f"{category}: missing")
            continue
        ids = entry.get("concessions") or []
        unknown = [cid for cid in ids if cid not in content.concessions]
        if unknown:
            found.append(f"{category}: unknown concessions {unknown}")
        if len(set(ids)) < MINIMUM["concessions"]:
            needed = MINIMUM["concessions"]
            found.append(f"{category}: needs {needed} concessions, has {len(set(ids))}")
        for lang in LANGUAGES:
            if not _text((entry.get("label") or {}).get(lang)):
                found.append(f"{category}: no {lang} label")
            for field in ("acknowledgements", "avoid", "if_still_no"):
                items = [
                    i for i in (entry.get(field) or {}).get(lang) or [] if _text(i)
                ]
                if len(items) < MINIMUM[field]:
                    found.append(
                        f"{category}: {field} in {lang} has {len(items)}, "
                        f"needs {MINIMUM[field]}"
                    )
    return found


def _reply_problems(content: Content) -> List[str]:
    found: List[str] = []
    for key in REPLY_KEYS:
        variants = content.replies.get(key) or {}
        expected = None
        for lang in LANGUAGES:
            texts = [str(t) for t in variants.get(lang) or [] if _text(t)]
            if not texts:
                found.append(f"reply {key}: no {lang} text")
            for text in texts:
                names = placeholders(text)
                expected = names if expected is None else expected
                if names != expected:
                    found.append(f"reply {key}: placeholders differ in {text!r}")
    for key in BUTTON_KEYS:
        for lang in LANGUAGES:
            if not _text((content.buttons.get(key) or {}).get(lang)):
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
