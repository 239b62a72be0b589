"""The coaching material: objections, concessions and replies in content/*.yml.

Editors change these files, not code. `load()` reads and validates them once per
process, on first use; `problems()` lists what is missing so that start-up and
tests can refuse incomplete content with a clear message.
"""
from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
LANGUAGES = ("en", "nl")
CATEGORIES = (
    "objection_privacy", "objection_modesty", "objection_sensitive_topic",
    "objection_culture", "objection_time", "objection_control",
    "objection_approval", "objection_format", "objection_refusal",
)
ARTICLE_TIPS = {1, 2, 3, 4, 5, 6}
# how much of each a category needs so that "another suggestion" has something new
MINIMUM = {"acknowledgements": 3, "concessions": 4, "avoid": 2, "if_still_no": 2}
REPLY_KEYS = (
    "greet", "goodbye", "thank", "help", "bot_challenge", "out_of_scope", "deny",
    "affirm_no_context", "ask_objection", "start_over", "no_more_suggestions",
    "language_switched", "clarify", "clarify_single", "not_understood", "coach_intro",
    "coach_intro_multi", "heading_say", "heading_offer", "heading_avoid",
    "heading_still_no", "another_intro", "next_step", "move_outside_rehearsal",
)
BUTTON_KEYS = ("another_suggestion", "different_objection", "start_over", "still_no", "other",
               "practise", "practise_again", "hint", "retry", "stop", "progress")


class ContentError(ValueError):
    """The content files are incomplete or inconsistent."""


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

    def reply(self, key: str, lang: str, rng: Optional[random.Random] = None, **values: str) -> str:
        variants = self.replies[key][lang]
        text = (rng or random).choice(variants)
        return text.format(**values) if values else text

    def button(self, key: str, lang: str) -> str:
        return self.buttons[key][lang]


def read_yaml(path: Path) -> Dict[str, Any]:
    """A content file as data, or a ContentError naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"Cannot read {path}: {error}") from error


def read(directory: Path = CONTENT_DIR) -> Content:
    replies = read_yaml(directory / "replies.yml")
    return Content(
        objections=read_yaml(directory / "objections.yml").get("objections", {}),
        concessions=read_yaml(directory / "concessions.yml").get("concessions", {}),
        replies=replies.get("replies", {}),
        buttons=replies.get("buttons", {}),
    )


def _placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(content: Content) -> List[str]:
    """Everything that keeps the content from serving both languages fully."""
    found: List[str] = []
    for cid, concession in content.concessions.items():
        for lang in LANGUAGES:
            entry = concession.get(lang) or {}
            for field in ("title", "say", "how"):
                if not str(entry.get(field) or "").strip():
                    found.append(f"concession {cid}: no {lang} {field}")
    used_tips = {tip for c in content.concessions.values() for tip in c.get("tips") or []}
    if not ARTICLE_TIPS <= used_tips:
        found.append(f"article tips never used: {sorted(ARTICLE_TIPS - used_tips)}")
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
            found.append(f"{category}: needs {MINIMUM['concessions']} concessions, has {len(set(ids))}")
        for lang in LANGUAGES:
            if not str((entry.get("label") or {}).get(lang) or "").strip():
                found.append(f"{category}: no {lang} label")
            for field in ("acknowledgements", "avoid", "if_still_no"):
                items = [i for i in (entry.get(field) or {}).get(lang) or [] if str(i).strip()]
                if len(items) < MINIMUM[field]:
                    found.append(f"{category}: {field} in {lang} has {len(items)}, needs {MINIMUM[field]}")
    for key in REPLY_KEYS:
        variants = content.replies.get(key) or {}
        expected = None
        for lang in LANGUAGES:
            texts = [t for t in variants.get(lang) or [] if str(t).strip()]
            if not texts:
                found.append(f"reply {key}: no {lang} text")
            for text in texts:
                names = _placeholders(text)
                expected = names if expected is None else expected
                if names != expected:
                    found.append(f"reply {key}: placeholders differ in {text!r}")
    for key in BUTTON_KEYS:
        for lang in LANGUAGES:
            if not str((content.buttons.get(key) or {}).get(lang) or "").strip():
                found.append(f"button {key}: no {lang} label")
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> Content:
    """The validated content; raises ContentError listing every gap."""
    content = read(directory)
    refuse_gaps("coaching", problems(content))
    return content


def refuse_gaps(kind: str, gaps: List[str]) -> None:
    if gaps:
        raise ContentError(f"Incomplete {kind} content:\n- " + "\n- ".join(gaps))


if __name__ == "__main__":
    import sys

    from actions import rehearsal_content

    try:
        loaded, personas = load(), rehearsal_content.load()
    except ContentError as error:
        sys.exit(str(error))
    print(f"Content OK: {len(loaded.objections)} objections, {len(loaded.concessions)} concessions, "
          f"{len(personas.personas)} personas.")
