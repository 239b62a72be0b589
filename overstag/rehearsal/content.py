"""Personas (content/personas/*.yml) and rehearsal texts (content/rehearsal.yml).

Loaded once per process on first use and validated like the coaching content:
every objection category needs four personas with every stage's lines in both
languages, so that the candidate never has to repeat a line and a new session can
meet someone new. A line that asks for an arrangement says so (`asks`), so that it
is never said once that arrangement was offered.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

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
from overstag.rehearsal.candidate import (
    DIFFICULTIES,
    EFFECTS,
    OUTCOMES,
    line_asks,
    line_text,
)
from overstag.rehearsal.review import RUBRIC

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
# a line may ask for one arrangement ({text, asks}); it is not said once that is settled
CONFIRM_ASK = "confirm"
UNTAGGED_MINIMUM = 2
FEEDBACK_SWITCHES = ("disable", "enable")
PERSONAS_PER_CATEGORY = 4
REFUSAL_RUBRIC = ("acknowledged", "no_pressure")
CLOSING_LISTS = ("ask", "thanks", "goodbye")
WORD_LISTS = ("confirm_words", "affirm_words", "decline_words")
# every text the code asks for by name; bilingual_gaps checks what each one says
TEXTS = (
    *(
        f"texts.{key}"
        for key in ("start", "candidate", "no_rehearsal", "nothing_to_retry")
    ),
    *(f"texts.{key}" for key in ("retried", "feedback_off", "feedback_on")),
    *(f"feedback.{effect}" for effect in (*EFFECTS, "none", "agreed", "unconfirmed")),
    *(
        f"hints.{key}"
        for key in ("empathize", "explore", "confirm", "accept_no", "offer")
    ),
    *(f"offers.{move}" for move in (*OFFER_MOVES, "move_accept_no")),
    *(
        f"scorecard.{key}"
        for key in ("title", "turns", "agreements", "no_agreements", "total")
    ),
    "scorecard.stopped_early",
    *(f"scorecard.rubric_refusal.{item}" for item in REFUSAL_RUBRIC),
    *(f"closing.{key}" for key in ("conditions", "and")),
    "scorecard.tips_heading",
    "scorecard.helps",
    *(f"scorecard.outcome.{outcome}" for outcome in OUTCOMES),
    *(f"scorecard.rubric.{item}" for item in RUBRIC),
    *(
        f"tips.{key}"
        for key in (
            "pressure",
            "refusal_accepted",
            "refusal_not_accepted",
            "no_empathy",
            "empathy_late",
            "good_empathy",
            "missed_offer",
            "no_explore",
            "no_confirm",
            "good_fit",
        )
    ),
    *(
        f"progress.{key}"
        for key in ("none", "heading", "line", "trend_heading", "trend_later")
    ),
    *(f"progress.outcomes.{outcome}" for outcome in OUTCOMES),
)


@dataclass(frozen=True)
class RehearsalContent:
    personas: Dict[str, Dict[str, Any]]
    texts: Dict[str, Any]
    unnamed: Tuple[str, ...] = ()  # personas left out: no id, or one already taken
    concession_ids: Tuple[str, ...] = ()  # content/concessions.yml, for `agreements`

    def text(self, section: str, key: str, lang: str, **values: Any) -> str:
        entry = self.texts[section][key]
        template = entry[lang] if isinstance(entry, dict) else entry
        return template.format(**values) if values else template

    def for_category(self, category: str) -> List[Dict[str, Any]]:
        return [p for p in self.personas.values() if p.get("category") == category]

    def pick(
        self, category: Optional[str], seed: int, avoid: Sequence[str] = ()
    ) -> Dict[str, Any]:
        """A persona of `category` (any when None), never one of `avoid` while
        there is another: a new session does not replay the last one."""
        pool = self.for_category(category) if category else list(self.personas.values())
        fresh = [p for p in pool if p["id"] not in avoid] or pool
        return random.Random(seed).choice(sorted(fresh, key=lambda p: p["id"]))

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

    def _says(self, words: str, text: str, lang: str) -> bool:
        lowered = text.lower()
        return any(
            re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", lowered)
            for w in self.texts[words][lang]
        )

    def confirms(self, text: str, lang: str) -> bool:
        lowered = text.lower()
        return any(w in lowered for w in self.texts["confirm_words"][lang])

    def asks_openly(self, text: str, lang: str) -> bool:
        """Whether a sentence of `text` is an open question (`open_questions`)."""
        words = self.texts["open_questions"][lang]
        for sentence in re.findall(r"[^.!?]*\?", text.lower()):
            start = " ".join(re.findall(r"\w+", sentence))
            if any(_opens_with(start, w) for w in words["not_opens"]):
                continue
            if any(_opens_with(start, w) for w in words["opens"]):
                return True
        return False

    def confirms_when_asked(self, text: str, lang: str) -> bool:
        """After "will you confirm it?": a promise in writing, or a plain yes."""
        if self._says("decline_words", text, lang):
            return False
        return self.confirms(text, lang) or self._says("affirm_words", text, lang)

    def concessions_in(self, move: str, text: str) -> List[str]:
        """The concessions an offer in `text` amounts to (content `agreements`)."""
        entry = self.texts["agreements"][move]
        lowered = text.lower()
        found = [
            concession
            for concession, words in (entry.get("details") or {}).items()
            if any(re.search(rf"(?<!\w){re.escape(w.lower())}", lowered) for w in words)
        ]
        return found or list(entry["default"])

    def closing_line(self, kind: str, lang: str, rng: random.Random) -> str:
        return rng.choice(self.texts["closing"][kind][lang])


def _opens_with(sentence: str, words: str) -> bool:
    return sentence == words or sentence.startswith(words + " ")


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
    concessions = read_yaml(directory / "concessions.yml").get("concessions")
    return RehearsalContent(
        personas=personas,
        texts=texts,
        unnamed=tuple(unnamed),
        concession_ids=tuple(concessions if isinstance(concessions, dict) else ()),
    )


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
            found += _line_problems(f"persona {pid}: {lang} {stage}", listed, minimum)
    return found


def _line_problems(where: str, listed: List[Any], minimum: int) -> List[str]:
    found: List[str] = []
    texts = {line_text(line) for line in listed if is_text(line_text(line))}
    if len(texts) < minimum:
        found.append(f"{where} has {len(texts)} lines, needs {minimum}")
    if any(not is_text(line_text(line)) for line in listed):
        found.append(f"{where} has a line with no text")
    asks = [line_asks(line) for line in listed if isinstance(line, dict)]
    unknown = [a for a in asks if a not in (*MOVES, CONFIRM_ASK)]
    if unknown:
        found.append(f"{where}: a line asks for unknown {unknown}")
    if len(listed) - len(asks) < min(UNTAGGED_MINIMUM, minimum):
        found.append(f"{where} needs {UNTAGGED_MINIMUM} lines that ask for nothing")
    return found


def problems(content: RehearsalContent) -> List[str]:
    found: List[str] = []
    for category in CATEGORIES:
        count = len(content.for_category(category))
        if count < PERSONAS_PER_CATEGORY:
            found.append(
                f"{category}: needs {PERSONAS_PER_CATEGORY} personas, has {count}"
            )
    for where in content.unnamed:
        found.append(f"{where}: needs an id of its own")
    for pid, persona in content.personas.items():
        found += _persona_problems(pid, persona)
    texts = {k: v for k, v in content.texts.items() if k != "keywords"}
    found += [f"rehearsal.yml {gap}" for gap in missing_texts(texts, TEXTS)]
    found += [f"rehearsal.yml {gap}" for gap in bilingual_gaps(texts)]
    found += _agreement_problems(content.texts, content.concession_ids)
    found += _closing_problems(content.texts)
    return found + _difficulty_problems(texts) + _keyword_problems(content.texts)


def _agreement_problems(texts: Dict[str, Any], known: Tuple[str, ...]) -> List[str]:
    section = (
        texts.get("agreements") if isinstance(texts.get("agreements"), dict) else {}
    )
    found: List[str] = []
    for move in OFFER_MOVES:
        entry = section.get(move)
        if not isinstance(entry, dict) or not isinstance(entry.get("default"), list):
            found.append(f"rehearsal.yml agreements.{move}: needs a default list")
            continue
        details = entry.get("details") or {}
        named = [*entry["default"], *details]
        found += [
            f"rehearsal.yml agreements.{move}: unknown concession {c!r}"
            for c in named
            if c not in known
        ]
        for concession, words in details.items():
            found += word_gaps(words, f"rehearsal.yml agreements.{move}.{concession}")
    return found


def _closing_problems(texts: Dict[str, Any]) -> List[str]:
    closing = texts.get("closing") if isinstance(texts.get("closing"), dict) else {}
    found: List[str] = []
    for kind in CLOSING_LISTS:
        for lang in LANGUAGES:
            lines = (closing.get(kind) or {}).get(lang)
            if not isinstance(lines, list) or not lines:
                found.append(f"rehearsal.yml closing.{kind}.{lang}: needs lines")
            elif not all(is_text(line) for line in lines):
                found.append(f"rehearsal.yml closing.{kind}.{lang}: a line has no text")
    return found


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
    for kind in WORD_LISTS:
        for lang in LANGUAGES:
            words = (texts.get(kind) or {}).get(lang)
            found += word_gaps(words, f"rehearsal.yml {kind}.{lang}")
    for lang in LANGUAGES:
        questions = (texts.get("open_questions") or {}).get(lang) or {}
        for key in ("opens", "not_opens"):
            where = f"rehearsal.yml open_questions.{lang}.{key}"
            found += word_gaps(questions.get(key), where)
    return found


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> RehearsalContent:
    content = read(directory)
    refuse_gaps("rehearsal", problems(content))
    return content
