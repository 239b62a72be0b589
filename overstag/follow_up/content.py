"""The material for preparing a request and following it through: content/follow_up.yml.

Every text exists in both languages with the same placeholders; every concession
has a line for the confirmation e-mail; reminders name known statuses; the words
answers are read with (`form.reading`) are complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Dict, List, Mapping

from overstag.coaching import content as coaching_content
from overstag.content_files import (
    CONTENT_DIR,
    bilingual_gaps,
    read_yaml,
    refuse_gaps,
    word_gaps,
)
from overstag.facts import FORM_SLOTS, LANGUAGES, STATUSES
from overstag.follow_up import reading
from overstag.follow_up.reading import Reading

SECTIONS = ("form", "agreements", "email", "statuses", "reminders", "replies")
WORD_LISTS = ("yes_words", "no_words", "none_words", "all_words", "stop_words")


@dataclass(frozen=True)
class FollowUp:
    raw: Mapping[str, Any]
    reading: Reading

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

    def button_labels(self, lang: str, *keys: str) -> List[str]:
        """Labels from form.buttons; an entry is one label or a list of them."""
        labels: List[str] = []
        for key in keys:
            value = self.raw["form"]["buttons"][key][lang]
            labels += [value] if isinstance(value, str) else list(value)
        return labels


def _form_problems(form: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    for slot in FORM_SLOTS:
        if slot not in (form.get("questions") or {}):
            found.append(f"form.questions.{slot}: missing")
        if slot != "confirmed" and slot not in (form.get("fields") or {}):
            found.append(f"form.fields.{slot}: missing")
        if slot not in (form.get("reasks") or {}):
            found.append(f"form.reasks.{slot}: missing")
    for slot in ("interview_form", "review_scope"):
        for key, choice in ((form.get("choices") or {}).get(slot) or {}).items():
            for lang in LANGUAGES:
                entry = (choice or {}).get(lang) or {}
                if not (
                    entry.get("label") and entry.get("text") and entry.get("words")
                ):
                    where = f"form.choices.{slot}.{key}.{lang}"
                    found.append(f"{where}: needs label, text and words")
    for key in WORD_LISTS:
        for lang in LANGUAGES:
            found += word_gaps((form.get(key) or {}).get(lang), f"form.{key}.{lang}")
    return found + reading.problems(form.get("reading"))


def _reminder_problems(raw: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    for status in STATUSES:
        if status not in raw["statuses"]:
            found.append(f"statuses.{status}: missing")
            continue
        for lang in LANGUAGES:
            words = ((raw["statuses"][status] or {}).get("words") or {}).get(lang)
            found += word_gaps(words, f"statuses.{status}.words.{lang}")
    names = (raw["replies"] or {}).get("reminder_names") or {}
    for kind, reminder in raw["reminders"].items():
        reminder = reminder or {}
        if reminder.get("after_status") not in STATUSES:
            status = reminder.get("after_status")
            found.append(f"reminders.{kind}: unknown status {status!r}")
        days = reminder.get("after_days")
        if not isinstance(days, (int, float)) or isinstance(days, bool) or days < 0:
            found.append(f"reminders.{kind}: after_days must be a number of days")
        if kind not in names:
            found.append(f"replies.reminder_names.{kind}: missing")
    return found


def problems(raw: Mapping[str, Any], concessions: Collection[str]) -> List[str]:
    """Gaps in follow_up.yml; `concessions` are the coaching content's ids, each of
    which needs a line in the confirmation e-mail."""
    found = [f"{key}: missing" for key in SECTIONS if not raw.get(key)]
    if found:
        return found
    found += bilingual_gaps(raw)
    found += _form_problems(raw["form"])
    missing = sorted(set(concessions) - set(raw["agreements"]))
    if missing:
        found.append(f"agreements: no e-mail line for concessions {missing}")
    return found + _reminder_problems(raw)


def build(raw: Mapping[str, Any]) -> FollowUp:
    return FollowUp(raw, Reading.from_content(raw["form"]["reading"]))


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> FollowUp:
    raw = read_yaml(directory / "follow_up.yml")
    concessions = coaching_content.load(directory).concessions
    refuse_gaps("follow-up", problems(raw, concessions))
    return build(raw)
