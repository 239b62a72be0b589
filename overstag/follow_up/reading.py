"""The words that answers in the request form are read with (content/follow_up.yml,
`form.reading`), turned once into the patterns the readers use.

Both languages' words count in every conversation, because people mix them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Mapping, Pattern, Sequence, Tuple

from overstag.content_files import is_text, pair_gaps, word_gaps
from overstag.facts import LANGUAGES

# what each entry of form.reading must be: a list of words, or words with numbers
WORD_LISTS = (
    "name_leads",
    "articles",
    "yes_signals",
    "no_signals",
    "list_words",
    "assign_words",
    "change_words",
)
DURATION_WORD_LISTS = ("hour_units", "minute_units")


def _words(section: Mapping[str, Any], key: str) -> List[str]:
    return [str(w).lower() for lang in LANGUAGES for w in section[key][lang]]


def _alternation(words: Sequence[str]) -> str:
    """A regex alternative of the words, longest first; "word*" is a prefix."""
    ordered = sorted(set(words), key=len, reverse=True)
    parts = []
    for word in ordered:
        prefix = word.endswith("*")
        escaped = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(escaped + (r"\w*" if prefix else ""))
    return "|".join(parts)


def phrase(words: Sequence[str]) -> Pattern:
    """Any of the words or phrases, standing on their own in a text."""
    given = [word for word in words if word.strip()]
    if not given:
        return re.compile(r"(?!)")  # nothing to find: never matches
    return re.compile(rf"(?<![\w-])(?:{_alternation(given)})(?![\w-])")


@dataclass(frozen=True)
class Reading:
    name_lead: Pattern
    numbers: Mapping[str, int]
    articles: FrozenSet[str]
    phrases: Tuple[Tuple[Pattern, int], ...]  # longest first
    amount: Pattern  # a number and a unit: "45 min", "twee uur"
    hour_units: FrozenSet[str]
    diminutives: Mapping[str, str]
    yes_signals: Pattern
    no_signals: Pattern
    list_words: Pattern
    assign: str  # regex alternative of the words between a field and its value
    change: Pattern

    @classmethod
    def from_content(cls, section: Mapping[str, Any]) -> "Reading":
        duration = section["duration"]
        numbers: Dict[str, int] = {}
        for lang in LANGUAGES:
            numbers.update(
                {str(k).lower(): int(v) for k, v in section["numbers"][lang].items()}
            )
        phrases: List[Tuple[str, int]] = []
        for lang in LANGUAGES:
            phrases += [
                (str(k).lower(), int(v)) for k, v in duration["phrases"][lang].items()
            ]
        diminutives = {
            str(k): str(v) for k, v in (duration.get("diminutives") or {}).items()
        }
        hours = _words(duration, "hour_units")
        units = _alternation(hours + _words(duration, "minute_units"))
        return cls(
            name_lead=re.compile(
                rf"^(?:{_alternation(_words(section, 'name_leads'))})\s+", re.IGNORECASE
            ),
            numbers=numbers,
            articles=frozenset(_words(section, "articles")),
            phrases=tuple(
                (phrase([p]), minutes)
                for p, minutes in sorted(phrases, key=lambda x: -len(x[0]))
            ),
            amount=re.compile(rf"(\d+(?:[.,]\d+)?|[^\W\d_]+)\s*({units})\b"),
            hour_units=frozenset(hours),
            diminutives=diminutives,
            yes_signals=phrase(_words(section, "yes_signals")),
            no_signals=phrase(_words(section, "no_signals")),
            list_words=re.compile(
                rf"\b(?:{_alternation(_words(section, 'list_words'))})\b"
            ),
            assign=_alternation(_words(section, "assign_words")),
            change=re.compile(
                rf"\b(?:{_alternation(_words(section, 'change_words'))})\b"
            ),
        )


def _numbers(node: Any, path: str) -> List[str]:
    found = []
    for lang in LANGUAGES:
        value = node.get(lang) if isinstance(node, dict) else None
        whole = isinstance(value, dict) and all(
            is_text(w) and isinstance(n, int) and not isinstance(n, bool) and n > 0
            for w, n in value.items()
        )
        if not whole:
            found.append(f"{path}.{lang}: needs words with whole numbers above 0")
    return found


def problems(section: Any) -> List[str]:
    """What keeps form.reading from being read; empty when it can be."""
    if not isinstance(section, dict):
        return ["form.reading: missing"]
    duration = (
        section.get("duration") if isinstance(section.get("duration"), dict) else {}
    )
    found: List[str] = []
    for node, path, keys in (
        (section, "form.reading", WORD_LISTS),
        (duration, "form.reading.duration", DURATION_WORD_LISTS),
    ):
        for key in keys:
            for lang in LANGUAGES:
                words = (
                    (node.get(key) or {}).get(lang)
                    if isinstance(node.get(key), dict)
                    else None
                )
                found += word_gaps(words, f"{path}.{key}.{lang}")
    found += _numbers(section.get("numbers"), "form.reading.numbers")
    found += _numbers(duration.get("phrases"), "form.reading.duration.phrases")
    found += pair_gaps(
        duration.get("diminutives") or {},
        "form.reading.duration.diminutives",
        allow_empty=True,
    )
    return found
