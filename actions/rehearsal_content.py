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

from actions.content import CATEGORIES, CONTENT_DIR, LANGUAGES, read_yaml, refuse_gaps
from actions.rehearsal import DIFFICULTIES, MOVES

LINE_MINIMUM = {"refusing": 4, "hesitant": 4, "open": 4, "agrees": 3, "walks_away": 2,
                "pressured": 3, "missed": 3, "accepts_no": 2}
PERSONA_FIELDS = ("name", "role", "subject", "concern", "helps", "backfires")


@dataclass(frozen=True)
class RehearsalContent:
    personas: Dict[str, Dict[str, Any]]
    texts: Dict[str, Any]

    def text(self, section: str, key: str, lang: str, **values: Any) -> str:
        entry = self.texts[section][key]
        template = entry[lang] if isinstance(entry, dict) else entry
        return template.format(**values) if values else template

    def for_category(self, category: str) -> List[Dict[str, Any]]:
        return [p for p in self.personas.values() if p["category"] == category]

    def pick(self, category: Optional[str], seed: int) -> Dict[str, Any]:
        pool = self.for_category(category) if category else list(self.personas.values())
        return random.Random(seed).choice(sorted(pool, key=lambda p: p["id"]))

    def _find(self, kind: str, text: str) -> Optional[str]:
        lowered = text.lower()
        for name, words in self.texts["keywords"][kind].items():
            # Dutch glues the word to "bezwaar": privacybezwaar, tijdsbezwaar
            if any(re.search(rf"\b{re.escape(w.lower())}s?(bezwaar|bezwaren)?\b", lowered) for w in words):
                return name
        return None

    def category_in(self, text: str) -> Optional[str]:
        return self._find("categories", text)

    def difficulty_in(self, text: str) -> Optional[str]:
        return self._find("difficulties", text)

    def confirms(self, text: str, lang: str) -> bool:
        lowered = text.lower()
        return any(w in lowered for w in self.texts["confirm_words"][lang])


def read(directory: Path = CONTENT_DIR) -> RehearsalContent:
    personas: Dict[str, Dict[str, Any]] = {}
    for path in sorted((directory / "personas").glob("*.yml")):
        for persona in read_yaml(path).get("personas") or []:
            personas[persona.get("id", f"{path.stem}?")] = persona
    return RehearsalContent(personas=personas, texts=read_yaml(directory / "rehearsal.yml"))


def problems(content: RehearsalContent) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        if len(content.for_category(category)) < 2:
            found.append(f"{category}: needs two personas, has {len(content.for_category(category))}")
    for pid, persona in content.personas.items():
        unknown = [m for m in persona.get("fits", []) + (persona.get("backfires") or []) if m not in MOVES]
        if unknown:
            found.append(f"persona {pid}: unknown moves {unknown}")
        if not persona.get("fits"):
            found.append(f"persona {pid}: no fitting moves")
        for lang in LANGUAGES:
            side = persona.get(lang) or {}
            for field in PERSONA_FIELDS:
                if not str(side.get(field) or "").strip():
                    found.append(f"persona {pid}: no {lang} {field}")
            for stage, minimum in LINE_MINIMUM.items():
                lines = set((side.get("lines") or {}).get(stage) or [])
                if len(lines) < minimum:
                    found.append(f"persona {pid}: {lang} {stage} has {len(lines)} lines, needs {minimum}")
    for category in CATEGORIES:
        if category not in (content.texts.get("keywords") or {}).get("categories", {}):
            found.append(f"rehearsal.yml: no keywords for {category}")
    for level in DIFFICULTIES:
        if level not in (content.texts.get("keywords") or {}).get("difficulties", {}):
            found.append(f"rehearsal.yml: no keywords for difficulty {level}")
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> RehearsalContent:
    content = read(directory)
    refuse_gaps("rehearsal", problems(content))
    return content
