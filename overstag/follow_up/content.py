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
    is_text,
    missing_texts,
    pair_gaps,
    read_yaml,
    refuse_gaps,
    word_gaps,
)
from overstag.facts import FORM_SLOTS, LANGUAGES, STATUSES
from overstag.follow_up import reading
from overstag.follow_up.reading import Reading

SECTIONS = ("form", "agreements", "email", "statuses", "reminders", "replies")
WORD_LISTS = ("yes_words", "no_words", "none_words", "all_words", "stop_words")
CHOICE_SLOTS = ("interview_form", "review_scope")
# every text the code asks for by name; bilingual_gaps checks what each one says
FORM_TEXTS = (
    "form.start",
    "form.cancelled",
    "form.corrected",
    "form.days_text",
    "form.duration_text",
    "form.questions.agreed_concessions_open",
    *(f"form.questions.{slot}" for slot in FORM_SLOTS),
    *(f"form.reasks.{slot}" for slot in FORM_SLOTS),
    *(f"form.fields.{slot}.label" for slot in FORM_SLOTS if slot != "confirmed"),
    *(
        f"form.buttons.{key}"
        for key in ("yes", "no", "all", "none", "duration", "review_days")
    ),
    *(
        f"form.duration_names.{key}"
        for key in (
            "one_and_a_half_hours",
            "one_hour",
            "hours",
            "minutes",
            "one_hour_and_minutes",
            "hours_and_minutes",
        )
    ),
)
OTHER_TEXTS = (
    *(f"email.{key}" for key in ("subject", "greeting", "opening", "agreed_heading")),
    *(f"email.{key}" for key in ("closing", "sign_off", "ready")),
    *(f"email.lines.{key}" for key in ("subject", "outlet", "form", "review", "days")),
    "email.lines.sensitive",
    *(f"statuses.{status}.label" for status in STATUSES),
    *(
        f"replies.{key}"
        for key in (
            "status_updated",
            "reminders_planned",
            "reminder_item",
            "status_which_interview",
            "status_which_status",
            "status_unchanged",
            "no_interviews",
            "my_interviews_heading",
            "interview_line",
            "due_line",
            "nothing_due",
            "overdue",
            "delete_which",
            "delete_confirm",
            "deleted",
            "nothing_to_delete",
            "calendar_name",
            "calendar_summary",
        )
    ),
    *(f"replies.buttons.{key}" for key in ("delete_yes", "delete_no", "my_interviews")),
)


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


def _mapping(node: Any, key: str) -> Mapping[str, Any]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _choice_problems(form: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    for slot in CHOICE_SLOTS:
        options = _mapping(_mapping(form, "choices"), slot)
        if not options:
            found.append(f"form.choices.{slot}: needs options")
        for key, choice in options.items():
            for lang in LANGUAGES:
                where = f"form.choices.{slot}.{key}.{lang}"
                entry = _mapping(choice, lang)
                if not (is_text(entry.get("label")) and is_text(entry.get("text"))):
                    found.append(f"{where}: needs a label and a text")
                found += word_gaps(entry.get("words"), f"{where}.words")
    return found


def _form_problems(form: Mapping[str, Any]) -> List[str]:
    buttons = [f"form.buttons.{key}" for key in ("duration", "review_days")]
    found = missing_texts({"form": form}, FORM_TEXTS, lists=buttons)
    for slot in FORM_SLOTS:
        if slot == "confirmed":
            continue
        for lang in LANGUAGES:
            words = _mapping(_mapping(_mapping(form, "fields"), slot), "words").get(
                lang
            )
            found += word_gaps(words, f"form.fields.{slot}.words.{lang}")
    for key in WORD_LISTS:
        for lang in LANGUAGES:
            found += word_gaps(_mapping(form, key).get(lang), f"form.{key}.{lang}")
    return found + _choice_problems(form) + reading.problems(form.get("reading"))


# what second_person.rewrite reads per language: word lists and word-for-word tables
SECOND_PERSON = {
    "en": {"lists": ("subjects", "object_before"), "tables": ("words", "verbs")},
    "nl": {
        "lists": ("subjects", "plural_before"),
        "tables": ("words", "verbs", "inverted"),
    },
}


def _second_person_problems(email: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    rules = _mapping(email, "second_person")
    for lang, parts in SECOND_PERSON.items():
        where = f"email.second_person.{lang}"
        for key in parts["lists"]:
            found += word_gaps(_mapping(rules, lang).get(key), f"{where}.{key}")
        for key in parts["tables"]:
            found += pair_gaps(_mapping(rules, lang).get(key), f"{where}.{key}")
    return found


def _reminder_problems(raw: Mapping[str, Any]) -> List[str]:
    found: List[str] = []
    for status in STATUSES:
        if status not in raw["statuses"]:
            found.append(f"statuses.{status}: missing")
            continue
        for lang in LANGUAGES:
            words = _mapping(_mapping(raw["statuses"], status), "words").get(lang)
            found += word_gaps(words, f"statuses.{status}.words.{lang}")
    names = _mapping(raw["replies"], "reminder_names")
    found += missing_texts(raw, [f"replies.reminder_names.{kind}" for kind in names])
    for kind, reminder in raw["reminders"].items():
        reminder = reminder if isinstance(reminder, Mapping) else {}
        found += missing_texts(raw, [f"reminders.{kind}.text"])
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
    found += missing_texts(raw, OTHER_TEXTS)
    found += _second_person_problems(raw["email"])
    missing = sorted(set(concessions) - set(raw["agreements"]))
    if missing:
        found.append(f"agreements: no e-mail line for concessions {missing}")
    found += missing_texts(raw, [f"agreements.{cid}" for cid in raw["agreements"]])
    return found + _reminder_problems(raw)


def build(raw: Mapping[str, Any]) -> FollowUp:
    return FollowUp(raw, Reading.from_content(raw["form"]["reading"]))


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> FollowUp:
    raw = read_yaml(directory / "follow_up.yml")
    concessions = coaching_content.load(directory).concessions
    refuse_gaps("follow-up", problems(raw, concessions))
    return build(raw)
