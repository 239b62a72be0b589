"""Tells Dutch from English in short chat messages.

Chat messages are often a handful of words ("nee joh", "no time"), too short for
character statistics, so the detector counts function words, which every
sentence has. spaCy's stop-word lists supply them; words the two languages share
("in", "is", "we") are ignored. A message with no evidence either way gets no
language, and callers keep the conversation's current one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from overstag.facts import DEFAULT_LANGUAGE, LANGUAGES, SWITCH_LANGUAGE

SUPPORTED = LANGUAGES

# Frequent chat words that spaCy's stop-word lists lack.
_EXTRA = {
    "en": {
        "yes",
        "yeah",
        "yep",
        "nope",
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "bye",
        "sorry",
        "please",
        "ok",
        "okay",
        "sure",
        "she's",
        "he's",
        "i'm",
        "don't",
        "doesn't",
        "can't",
        "won't",
        "isn't",
        "it's",
        "they're",
        "busy",
        "time",
        "want",
        "wants",
        "afraid",
        "says",
        "said",
        "rather",
        "boss",
        "manager",
        "interview",
        "english",
        "dutch",
        "what",
        "another",
    },
    "nl": {
        "nee",
        "ja",
        "joh",
        "hoor",
        "graag",
        "bedankt",
        "dank",
        "hoi",
        "hallo",
        "doei",
        "dag",
        "oke",
        "oké",
        "liever",
        "niet",
        "geen",
        "wil",
        "wilt",
        "zegt",
        "heeft",
        "tijd",
        "bang",
        "druk",
        "baas",
        "leidinggevende",
        "gesprek",
        "interview",
        "engels",
        "nederlands",
        "vindt",
        "eigenlijk",
        "bezwaar",
        "andere",
        "suggestie",
        "wat",
        "kun",
        "kan",
        "ze",
        "zij",
    },
}
_AMBIGUOUS = {"interview", "ok", "okay", "hallo", "hi", "dag"}
_WORD = re.compile(r"[a-zà-ÿ']+")


@lru_cache(maxsize=1)
def _lexicons() -> Dict[str, FrozenSet[str]]:
    from spacy.lang.en import stop_words as english
    from spacy.lang.nl import stop_words as dutch

    words = {
        "en": set(english.STOP_WORDS) | _EXTRA["en"],
        "nl": set(dutch.STOP_WORDS) | _EXTRA["nl"],
    }
    shared = (words["en"] & words["nl"]) | _AMBIGUOUS
    return {code: frozenset(w - shared) for code, w in words.items()}


def scores(text: str) -> Dict[str, int]:
    """Number of words in `text` that are typical of each language."""
    lexicons = _lexicons()
    tokens = _WORD.findall(text.lower().replace("’", "'"))
    return {
        code: sum(token in lexicon for token in tokens)
        for code, lexicon in lexicons.items()
    }


def detect(text: str) -> Tuple[Optional[str], float]:
    """The language of `text` and how sure we are (0..1); None when undecided."""
    if not text or text.startswith("/"):
        return None, 0.0
    counts = scores(text)
    best = max(counts, key=counts.get)
    other = sum(counts.values()) - counts[best]
    if counts[best] == 0 or counts[best] == other:
        return None, 0.0
    return best, round(counts[best] / (counts[best] + other), 3)


_SWITCH = {
    "en": re.compile(r"\b(english|engels)\b", re.IGNORECASE),
    "nl": re.compile(r"\b(dutch|nederlands|vlaams|flemish)\b", re.IGNORECASE),
}


def requested_language(text: str) -> Optional[str]:
    """The language a "switch language" request names ("in English please")."""
    named = [code for code, pattern in _SWITCH.items() if pattern.search(text or "")]
    return named[0] if len(named) == 1 else None


def reply_language(message: Mapping[str, Any], current: Optional[str]) -> str:
    """The language to answer in: the latest message decides, else the
    conversation's."""
    text = message.get("text") or ""
    if (message.get("intent") or {}).get("name") == SWITCH_LANGUAGE:
        requested = requested_language(text)
        if requested:
            return requested
    parsed: Optional[str] = (message.get("language") or {}).get("code")
    if parsed is None and text:
        # messages that bypass NLU parsing (tests, some channels) still count
        parsed, _ = detect(text)
    if parsed in SUPPORTED:
        return parsed
    return current if current in SUPPORTED else DEFAULT_LANGUAGE
