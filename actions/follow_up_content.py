"""The material for preparing a request and following it through: content/follow_up.yml.

Every text exists in both languages with the same placeholders; every concession
has a line for the confirmation e-mail; reminders name known statuses.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping

from actions.content import CONTENT_DIR, LANGUAGES, read_yaml, refuse_gaps
from actions.content import load as load_coaching

STATUSES = ("requested", "agreed", "held", "published", "aftercare_done")
FORM_SLOTS = ("candidate_name", "subject", "outlet", "duration", "interview_form",
              "review_scope", "review_days", "sensitive", "agreed_concessions", "confirmed")


@dataclass(frozen=True)
class FollowUp:
    raw: Mapping[str, Any]

    def _at(self, path: str) -> Any:
        node: Any = self.raw
        for part in path.split("."):
            node = node[part]
        return node

    def text(self, path: str, lang: str, **values: Any) -> str:
        """The text at a dotted path, e.g. "form.questions.subject", filled in."""
        text = self._at(path)[lang]
        return text.format(**values) if values else text

    def words(self, path: str, lang: str) -> List[str]:
        return [str(w).lower() for w in self._at(path)[lang]]

    @property
    def fields(self) -> Mapping[str, Dict[str, Any]]:
        return self.raw["form"]["fields"]

    def choices(self, slot: str) -> Mapping[str, Dict[str, Any]]:
        return self.raw["form"]["choices"][slot]

    def choice(self, slot: str, key: str, lang: str) -> Dict[str, Any]:
        return self.raw["form"]["choices"][slot][key][lang]

    @property
    def reminders(self) -> Mapping[str, Dict[str, Any]]:
        return self.raw["reminders"]

    def status_label(self, status: str, lang: str) -> str:
        return self.raw["statuses"][status]["label"][lang]

    def agreement(self, concession_id: str, lang: str) -> str:
        return self.raw["agreements"][concession_id][lang]


def _names(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _bilingual_leaves(node: Any, path: str, found: List[str]) -> None:
    """Every {en, nl} pair must have both, with the same placeholders."""
    if isinstance(node, dict) and set(LANGUAGES) & set(node):
        values = [node.get(lang) for lang in LANGUAGES]
        if any(v in (None, "", []) for v in values):
            found.append(f"{path}: needs both {' and '.join(LANGUAGES)}")
        elif all(isinstance(v, str) for v in values) and len({frozenset(_names(v)) for v in values}) > 1:
            found.append(f"{path}: placeholders differ between languages")
        for lang in LANGUAGES:
            if isinstance(node.get(lang), dict):
                _bilingual_leaves(node[lang], f"{path}.{lang}", found)
        return
    if isinstance(node, dict):
        for key, value in node.items():
            _bilingual_leaves(value, f"{path}.{key}" if path else str(key), found)


def problems(raw: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    for key in ("form", "agreements", "email", "statuses", "reminders", "replies"):
        if not raw.get(key):
            found.append(f"{key}: missing")
    if found:
        return found
    _bilingual_leaves(raw, "", found)
    form = raw["form"]
    for slot in FORM_SLOTS:
        if slot not in form.get("questions", {}):
            found.append(f"form.questions.{slot}: missing")
        if slot != "confirmed" and slot not in form.get("fields", {}):
            found.append(f"form.fields.{slot}: missing")
    for slot in FORM_SLOTS:
        if slot not in form.get("reasks", {}):
            found.append(f"form.reasks.{slot}: missing")
    for slot in ("interview_form", "review_scope"):
        for key, choice in (form.get("choices", {}).get(slot) or {}).items():
            for lang in LANGUAGES:
                entry = choice.get(lang) or {}
                if not (entry.get("label") and entry.get("text") and entry.get("words")):
                    found.append(f"form.choices.{slot}.{key}.{lang}: needs label, text and words")
    missing = sorted(set(load_coaching().concessions) - set(raw["agreements"]))
    if missing:
        found.append(f"agreements: no e-mail line for concessions {missing}")
    for status in STATUSES:
        if status not in raw["statuses"]:
            found.append(f"statuses.{status}: missing")
    for kind, reminder in raw["reminders"].items():
        if reminder.get("after_status") not in STATUSES:
            found.append(f"reminders.{kind}: unknown status {reminder.get('after_status')!r}")
        if not isinstance(reminder.get("after_days"), (int, float)) or reminder["after_days"] < 0:
            found.append(f"reminders.{kind}: after_days must be a number of days")
        if kind not in raw["replies"].get("reminder_names", {}):
            found.append(f"replies.reminder_names.{kind}: missing")
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> FollowUp:
    raw = read_yaml(directory / "follow_up.yml")
    refuse_gaps("follow-up", problems(raw))
    return FollowUp(raw)
