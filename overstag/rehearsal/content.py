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
from typing import Any, Dict, List, Optional

from overstag.content_files import CONTENT_DIR, read_yaml, refuse_gaps, word_gaps
from overstag.facts import CATEGORIES, LANGUAGES, MOVES
from overstag.rehearsal.candidate import DIFFICULTIES

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


@dataclass(frozen=True)
class RehearsalContent:
    personas: Dict[str, Dict[str, Any]]
    texts: Dict[str, Any]

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
    for path in sorted((directory / "personas").glob("*.yml")):
        for persona in read_yaml(path).get("personas") or []:
            if isinstance(persona, dict):
                personas[str(persona.get("id", f"{path.stem}?"))] = persona
    return RehearsalContent(
        personas=personas, texts=read_yaml(directory / "rehearsal.yml")
    )


def _persona_problems(pid: str, persona: Dict[str, Any]) -> List[str]:
    found: List[str] = []
    fits = persona.get("fits") or []
    unknown = [
        m for m in list(fits) + list(persona.get("backfires") or []) if m not in MOVES
    ]
    if unknown:
        found.append(f"persona {pid}: unknown moves {unknown}")
    if not fits:
        found.append(f"persona {pid}: no fitting moves")
    for lang in LANGUAGES:
        side = persona.get(lang) or {}
        for field in PERSONA_FIELDS:
            if not str(side.get(field) or "").strip():
                found.append(f"persona {pid}: no {lang} {field}")
        for stage, minimum in LINE_MINIMUM.items():
            lines = set((side.get("lines") or {}).get(stage) or [])
            if len(lines) < minimum:
                found.append(
                    f"persona {pid}: {lang} {stage} has {len(lines)} lines, "
                    f"needs {minimum}"
                )
    return found


def problems(content: RehearsalContent) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        count = len(content.for_category(category))
        if count < 2:
            found.append(f"{category}: needs two personas, has {count}")
    for pid, persona in content.personas.items():
        found += _persona_problems(pid, persona)
    return found + _keyword_problems(content.texts)


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
