"""Personas (content/personas/*.yml) and rehearsal texts (content/rehearsal.yml).

Loaded once per process on first use and validated like the coaching content:
every objection category needs two personas with every stage's lines in both
languages, so that the candidate never has to repeat a line.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from overstag.content_files import (
    CONTENT_DIR,
    bilingual_gaps,
    is_text,
    missing_texts,
    read_yaml,
    refuse_gaps,
    word_gaps,
)
from overstag.facts import CATEGORIES, LANGUAGES, MOVES, OFFER_MOVES
from overstag.rehearsal.candidate import DIFFICULTIES, EFFECTS, OUTCOMES, RUBRIC

LINE_MINIMUM = {
    "refusing": 4,
    "hesitant": 4,
    "open": 4,
    "agrees": 3,
    "walks_away": 2,
    "pressured": 3,
    "missed": 3,
    "accepts_no": 2,
}
PERSONA_FIELDS = ("name", "role", "subject", "concern", "helps", "backfires")
FEEDBACK_SWITCHES = ("disable", "enable")
# every text the code asks for by name; bilingual_gaps checks what each one says
TEXTS = (
    *(
        f"texts.{key}"
        for key in ("start", "candidate", "no_rehearsal", "nothing_to_retry")
    ),
    *(f"texts.{key}" for key in ("retried", "feedback_off", "feedback_on")),
    *(f"feedback.{effect}" for effect in (*EFFECTS, "none")),
    *(
        f"hints.{key}"
        for key in ("empathize", "explore", "confirm", "accept_no", "offer")
    ),
    *(f"offers.{move}" for move in (*OFFER_MOVES, "move_accept_no")),
    *(f"scorecard.{key}" for key in ("title", "turns", "agreements", "no_agreements")),
    "scorecard.tips_heading",
    "scorecard.helps",
    *(f"scorecard.outcome.{outcome}" for outcome in OUTCOMES),
    *(f"scorecard.rubric.{item}" for item in RUBRIC),
    *(
        f"tips.{key}"
        for key in (
            "pressure",
            "refusal_accepted",
            "no_empathy_first",
            "good_empathy",
            "missed_offer",
            "no_explore",
            "no_confirm",
            "good_fit",
        )
    ),
    *(f"progress.{key}" for key in ("none", "heading", "line", "trend_heading")),
    *(f"progress.outcomes.{outcome}" for outcome in OUTCOMES),
)


@dataclass(frozen=True)
class RehearsalContent:
    personas: Dict[str, Dict[str, Any]]
    texts: Dict[str, Any]
    unnamed: Tuple[str, ...] = ()  # personas left out: no id, or one already taken

    def text(self, section: str, key: str, lang: str, **values: Any) -> str:
        entry = self.texts[section][key]
        template = entry[lang] if isinstance(entry, dict) else entry
        return template.format(**values) if values else template

    def for_category(self, category: str) -> List[Dict[str, Any]]:
        return [p for p in self.personas.values() if p.get("category") == category]

    def pick(self, category: Optional[str], seed: int) -> Dict[str, Any]:
        pool = self.for_category(category) if category else list(self.personas.values())
        return random.Random(seed).choice(sorted(pool, key=lambda p: p["id"]))

    def _find(self, kind: str, text: str) -> Optional[str]:
        keywords = self.texts["keywords"]
        suffixes = "|".join(
            re.escape(s) for s in keywords.get("compound_suffixes") or []
        )
        glued = f"(?:{suffixes})?" if suffixes else ""
        lowered = text.lower()
        for name, words in keywords[kind].items():
            for word in words:
                if re.search(rf"\b{re.escape(word.lower())}s?{glued}\b", lowered):
                    return name
        return None

    def category_in(self, text: str) -> Optional[str]:
        return self._find("categories", text)

    def difficulty_in(self, text: str) -> Optional[str]:
        return self._find("difficulties", text)

    def feedback_switch(self, text: str) -> Optional[str]:
        """ "disable", "enable", or None when the message says neither."""
        return self._find("feedback", text)

    def confirms(self, text: str, lang: str) -> bool:
        lowered = text.lower()
        return any(w in lowered for w in self.texts["confirm_words"][lang])


def read(directory: Path = CONTENT_DIR) -> RehearsalContent:
    personas: Dict[str, Dict[str, Any]] = {}
    unnamed: List[str] = []
    for path in sorted((directory / "personas").glob("*.yml")):
        listed = read_yaml(path).get("personas")
        for number, persona in enumerate(listed if isinstance(listed, list) else []):
            pid = persona.get("id") if isinstance(persona, dict) else None
            if is_text(pid) and pid not in personas:
                personas[pid] = persona
            else:
                unnamed.append(f"personas/{path.name} #{number + 1}")
    texts = read_yaml(directory / "rehearsal.yml")
    return RehearsalContent(personas=personas, texts=texts, unnamed=tuple(unnamed))


def _persona_problems(pid: str, persona: Dict[str, Any]) -> List[str]:
    found: List[str] = []
    if persona.get("category") not in CATEGORIES:
        found.append(f"persona {pid}: unknown category {persona.get('category')!r}")
    moves = {"fits": persona.get("fits"), "backfires": persona.get("backfires") or []}
    for key, listed in moves.items():
        if not isinstance(listed, list):
            found.append(f"persona {pid}: {key} must be a list of moves")
            continue
        unknown = [m for m in listed if m not in MOVES]
        if unknown:
            found.append(f"persona {pid}: unknown moves {unknown}")
    if not persona.get("fits"):
        found.append(f"persona {pid}: no fitting moves")
    for lang in LANGUAGES:
        side = persona.get(lang) if isinstance(persona.get(lang), dict) else {}
        for field in PERSONA_FIELDS:
            if not is_text(side.get(field)):
                found.append(f"persona {pid}: no {lang} {field}")
        stages = side.get("lines") if isinstance(side.get("lines"), dict) else {}
        for stage, minimum in LINE_MINIMUM.items():
            listed = stages.get(stage) if isinstance(stages.get(stage), list) else []
            lines = {line for line in listed if is_text(line)}
            if len(lines) < minimum:
                found.append(
                    f"persona {pid}: {lang} {stage} has {len(lines)} lines, "
                    f"needs {minimum}"
                )
            if any(not is_text(line) for line in listed):
                found.append(f"persona {pid}: {lang} {stage} has a line with no text")
    return found


def problems(content: RehearsalContent) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        count = len(content.for_category(category))
        if count < 2:
            found.append(f"{category}: needs two personas, has {count}")
    for where in content.unnamed:
        found.append(f"{where}: needs an id of its own")
    for pid, persona in content.personas.items():
        found += _persona_problems(pid, persona)
    texts = {k: v for k, v in content.texts.items() if k != "keywords"}
    found += [f"rehearsal.yml {gap}" for gap in missing_texts(texts, TEXTS)]
    found += [f"rehearsal.yml {gap}" for gap in bilingual_gaps(texts)]
    return found + _difficulty_problems(texts) + _keyword_problems(content.texts)


def _difficulty_problems(texts: Dict[str, Any]) -> List[str]:
    def at(node: Any, key: str) -> Any:
        return node.get(key) if isinstance(node, dict) else None

    names = at(at(texts, "texts"), "difficulty_names")
    return [
        f"rehearsal.yml texts.difficulty_names.{lang}.{level}: needs a text"
        for lang in LANGUAGES
        for level in DIFFICULTIES
        if not is_text(at(at(names, lang), level))
    ]


def _keyword_problems(texts: Dict[str, Any]) -> List[str]:
    found: List[str] = []
    keywords = texts.get("keywords") or {}
    expected = {
        "categories": CATEGORIES,
        "difficulties": tuple(DIFFICULTIES),
        "feedback": FEEDBACK_SWITCHES,
    }
    for kind, names in expected.items():
        section = keywords.get(kind) or {}
        for name in names:
            if name not in section:
                found.append(f"rehearsal.yml: no keywords.{kind}.{name}")
            else:
                found += word_gaps(
                    section[name], f"rehearsal.yml keywords.{kind}.{name}"
                )
    suffixes = keywords.get("compound_suffixes")
    if suffixes is not None:
        found += word_gaps(suffixes, "rehearsal.yml keywords.compound_suffixes")
    for lang in LANGUAGES:
        words = (texts.get("confirm_words") or {}).get(lang)
        found += word_gaps(words, f"rehearsal.yml confirm_words.{lang}")
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> RehearsalContent:
    content = read(directory)
    refuse_gaps("rehearsal", problems(content))
    return content
