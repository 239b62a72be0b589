"""The interviewer's notes, written about the candidate ("the team she set up",
"ze wil dat haar teamleider meeleest"), turned into words to the candidate ("the
team you set up", "je wilt dat je teamleider meeleest") for the e-mail.

A word-by-word rewrite with the tables of `email.second_person` in
content/follow_up.yml: pronouns, the verb after a subject pronoun (she wants ->
you want, ze heeft -> je hebt, heeft ze -> heb je), and the candidate's own name
used as a subject. It is deliberately small: the e-mail is editable before it is
sent, and a wrong guess there costs one edit.
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional

from overstag.follow_up.content import FollowUp

ADVERBS = frozenset(
    "always sometimes perhaps also just really only still never often usually "
    "actually rather even already".split()
)
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\s+|.", re.UNICODE)


def _case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _english_verb(verb: str, table: Mapping[str, str]) -> str:
    lowered = verb.lower()
    if lowered in table:
        return table[lowered]
    if re.fullmatch(r"\w+[^aeiou]ies", lowered):
        return lowered[:-3] + "y"  # tries -> try
    if re.fullmatch(r"\w+(?:sh|ch|x|ss|o)es", lowered):
        return lowered[:-2]  # goes -> go, watches -> watch
    if re.fullmatch(r"\w+[^su]s", lowered):
        return lowered[:-1]  # wants -> want
    return lowered


def _dutch_verb(verb: str, table: Mapping[str, str]) -> str:
    return table.get(verb.lower(), verb.lower())


def rewrite(
    text: str, lang: str, material: FollowUp, name: Optional[str] = None
) -> str:
    """`text` addressed to the candidate; `name` is the candidate's first name."""
    rules: Mapping[str, Any] = material.raw["email"]["second_person"][lang]
    words = {str(k).lower(): str(v) for k, v in rules["words"].items()}
    subjects = {str(w).lower() for w in rules["subjects"]}
    verbs = {str(k).lower(): str(v) for k, v in rules["verbs"].items()}
    tokens: List[str] = TOKEN.findall(text or "")
    indexes = [i for i, t in enumerate(tokens) if t.strip() and t[0].isalpha()]
    out = list(tokens)
    own = (name or "").lower()

    def word_at(position: int) -> str:
        return tokens[indexes[position]].lower() if 0 <= position < len(indexes) else ""

    for place, i in enumerate(indexes):
        token = tokens[i]
        lowered = token.lower()
        before, after = word_at(place - 1), word_at(place + 1)
        is_subject = lowered in subjects or (own and lowered == own)
        if lang == "nl" and lowered in ("ze", "zij") and after.endswith("en"):
            continue  # "ze willen": they, not she
        if (
            lang == "nl"
            and lowered == "zijn"
            and (before in {str(w) for w in rules["plural_before"]} or not after)
        ):
            continue  # "we zijn", "dat ze er klaar voor zijn": the verb
        if lang == "en" and lowered == "her":
            objects = {str(w) for w in rules["object_before"]}
            out[i] = _case("you" if (not after or after in objects) else "your", token)
            continue
        if own and lowered in (f"{own}'s", f"{own}’s"):
            out[i] = _case("your" if lang == "en" else "je", token)
            continue
        if own and lowered == own:
            out[i] = _case("you" if lang == "en" else "je", token)
        elif lowered in words:
            out[i] = _case(words[lowered], token)
        if is_subject:
            verb = place + 1
            while lang == "en" and word_at(verb) in ADVERBS:
                verb += 1  # "she always wants": the verb comes after the adverb
            if verb < len(indexes):
                j = indexes[verb]
                if lang == "en":
                    out[j] = _case(_english_verb(tokens[j], verbs), tokens[j])
                elif word_at(verb) in verbs:
                    out[j] = _case(verbs[word_at(verb)], tokens[j])
        if lang == "nl" and is_subject and place > 0:
            inverted = {str(k): str(v) for k, v in rules["inverted"].items()}
            if before in inverted:  # "heeft ze" -> "heb je"
                j = indexes[place - 1]
                out[j] = _case(inverted[before], tokens[j])
    return "".join(out)
