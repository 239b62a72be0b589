"""The team view's texts (content/team.yml), and the names of what it counts.

The names of concerns, offers and rubric items are the chat's own
(objections.yml, rehearsal.yml): one place to edit each.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping

from overstag.coaching import content as coaching
from overstag.content_files import (
    CONTENT_DIR,
    bilingual_gaps,
    missing_texts,
    placeholders,
    read_yaml,
    refuse_gaps,
)
from overstag.facts import CATEGORIES, LANGUAGES, OFFER_MOVES
from overstag.payloads import RUBRIC_ITEMS
from overstag.rehearsal import content as rehearsal

CONTENT_FILE = "team.yml"
# every label the page and the server ask for, with the placeholders each needs
NEEDED: Dict[str, set] = {
    "title": set(),
    "heading": set(),
    "intro": set(),
    "privacy_note": {"min"},
    "objections_title": set(),
    "objections_note": set(),
    "concessions_title": set(),
    "concessions_note": set(),
    "concession_value": {"agreed", "offered", "percent"},
    "legend_offered": set(),
    "legend_agreed": set(),
    "scores_title": set(),
    "scores_note": set(),
    "week": set(),
    "hidden": set(),
    "empty": set(),
    "download_csv": set(),
    "switch_language": set(),
    "loading": set(),
    "failed": set(),
    "back_to_chat": set(),
    "forbidden_title": set(),
    "forbidden_text": set(),
}


def read(directory: Path = CONTENT_DIR) -> Mapping[str, Any]:
    return read_yaml(directory / CONTENT_FILE)


def problems(raw: Mapping[str, Any]) -> List[str]:
    labels = raw.get("labels")
    if not isinstance(labels, dict) or not labels:
        return [f"{CONTENT_FILE} labels: missing"]
    found = [f"{CONTENT_FILE} {gap}" for gap in bilingual_gaps({"labels": labels})]
    gaps = missing_texts(labels, NEEDED)
    found += [f"{CONTENT_FILE} labels.{gap}" for gap in gaps]
    for key, needed in NEEDED.items():
        node = labels.get(key)
        if not isinstance(node, dict):
            continue
        for lang in LANGUAGES:
            text = node.get(lang)
            if isinstance(text, str) and placeholders(text) != needed:
                names = ", ".join("{" + n + "}" for n in sorted(needed)) or "none"
                found.append(
                    f"{CONTENT_FILE} labels.{key}.{lang}: placeholders must be {names}"
                )
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> Dict[str, Any]:
    """Everything the page shows, per language: its own texts and the names of
    the concerns, offers and rubric items, as {"en": {...}, "nl": {...}}."""
    raw = read(directory)
    refuse_gaps("team", problems(raw))
    chat = coaching.load(directory)
    practice = rehearsal.load(directory)
    rubric = practice.texts["scorecard"]["rubric"]
    return {
        lang: {
            "texts": {key: raw["labels"][key][lang] for key in NEEDED},
            "categories": {c: chat.label(c, lang) for c in CATEGORIES},
            "offers": {m: practice.text("offers", m, lang) for m in OFFER_MOVES},
            "rubric": {item: rubric[item][lang] for item in RUBRIC_ITEMS},
        }
        for lang in LANGUAGES
    }
