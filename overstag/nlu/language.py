"""Tells Dutch from English in short chat messages.

Chat messages are often a handful of words ("nee joh", "no time"), too short for
character statistics, so the detector counts function words, which every
sentence has. spaCy's stop-word lists supply them; words the two languages share
("in", "is", "we") are ignored. A message with no evidence either way gets no
language, and callers keep the conversation's current one.

The lists are read straight from spaCy's `lang/<code>/stop_words.py` files,
without importing the `spacy` package: importing it pulls in thinc and, on this
stack, TensorFlow (seconds and hundreds of MB), which the action server must not
pay for. Call `warm_up()` at start so the first message is as fast as the rest.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
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
        "goedemorgen",
        "goeiemorgen",
        "goedemiddag",
        "goedenavond",
        "hoihoi",
        "dankjewel",
        "dankuwel",
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
# "hallo" is Dutch (and German); an English speaker writes "hello"
_AMBIGUOUS = {"interview", "ok", "okay", "hi", "dag"}
# what a candidate said, quoted: "...", “...”, „...”, «...», or '...' around words
_QUOTED = re.compile(
    r"\"[^\"]*\"|“[^”]*”|„[^”“]*[”“]|«[^»]*»|(?<![\w])'[^']{3,}'(?![\w])"
)
_WORD = re.compile(r"[a-zà-ÿ']+")


def _spacy_dir() -> Path:
    # find_spec of a top-level package locates it without running its __init__
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Language detection reads spaCy's stop-word lists, but spaCy is not "
            "installed; install the project's requirements."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _spacy_stop_words(code: str) -> FrozenSet[str]:
    """spaCy's STOP_WORDS for `code`, read from its file without importing spaCy.

    The file only builds a set from literals, so it runs on its own; it gets a
    private module name and stays out of sys.modules, so a later real
    `import spacy` is unaffected."""
    path = _spacy_dir() / "lang" / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"overstag_stop_words_{code}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(
            f"spaCy's stop-word list for {code!r} is not at {path}; has spaCy's "
            "layout changed?"
        )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=1)
def _lexicons() -> Dict[str, FrozenSet[str]]:
    words = {code: _spacy_stop_words(code) | _EXTRA[code] for code in ("en", "nl")}
    shared = (words["en"] & words["nl"]) | _AMBIGUOUS
    return {code: frozenset(w - shared) for code, w in words.items()}


def warm_up() -> None:
    """Load the word lists now rather than on the first message that needs them.

    Meant for process start (the action server's): the first message is then as
    fast as the tenth, and a missing or changed spaCy install fails at start
    rather than in the middle of a conversation."""
    _lexicons()


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


def own_words(text: str) -> str:
    """The message without what it quotes: the interviewer's own words."""
    return _QUOTED.sub(" ", text or "")


def reply_language(
    message: Mapping[str, Any], current: Optional[str], chosen: Optional[str] = None
) -> str:
    """The language to answer in.

    A language the user asked for holds until they ask for another. Otherwise the
    interviewer's own words decide, not the candidate's words they quote ("Ze
    zei: 'I have no time'" is answered in Dutch); then the whole message; then
    the conversation's language."""
    text = message.get("text") or ""
    if (message.get("intent") or {}).get("name") == SWITCH_LANGUAGE:
        requested = requested_language(text)
        if requested:
            return requested
    if chosen in SUPPORTED:
        return chosen
    own = own_words(text)
    if own != text:
        spoken, _ = detect(own)
        if spoken in SUPPORTED:
            return spoken
    parsed: Optional[str] = (message.get("language") or {}).get("code")
    if parsed is None and text:
        # messages that bypass NLU parsing (tests, some channels) still count
        parsed, _ = detect(text)
    if parsed in SUPPORTED:
        return parsed
    return current if current in SUPPORTED else DEFAULT_LANGUAGE
