"""Reading the interviewer's answers while preparing a request: pure functions,
tolerant of both languages in any conversation (people mix them)."""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Sequence, Tuple

from actions.follow_up_content import FollowUp

LANGS = ("en", "nl")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "a": 1, "an": 1,
}
# phrases people put before a name ("her name is Sanne", "ze heet Sanne")
NAME_LEAD = re.compile(
    r"^(?:(?:her|his|their|the)\s+(?:first\s+)?name\s+is|(?:she|he|they)\s+(?:is\s+)?called|it'?s|it\s+is|"
    r"(?:ze|hij|zij)\s+heet|(?:haar|zijn)\s+(?:voor)?naam\s+is|de\s+naam\s+is|dat\s+is|het\s+is)\s+",
    re.IGNORECASE,
)
NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")
MIN_MINUTES, MAX_MINUTES = 5, 240
MIN_DAYS, MAX_DAYS = 1, 15


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).strip(" .!?")


def _has_phrase(text: str, phrases: Iterable[str]) -> bool:
    lowered = f" {_clean(text).lower()} "
    return any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", lowered) for p in phrases if p)


def _both(material: FollowUp, path: str) -> List[str]:
    return [w for lang in LANGS for w in material.words(path, lang)]


def is_stop(text: str, material: FollowUp) -> bool:
    cleaned = _clean(text).lower()
    return cleaned in _both(material, "form.stop_words")


def candidate_name(text: str) -> Optional[str]:
    """A single first name or pseudonym, capitalised; None for full names or sentences."""
    cleaned = NAME_LEAD.sub("", _clean(text))
    if not NAME.match(cleaned) or len(cleaned) > 30:
        return None
    return cleaned[:1].upper() + cleaned[1:]


def sentence(text: str, min_words: int, min_chars: int, max_chars: int = 500) -> Optional[str]:
    cleaned = re.sub(r"\s+", " ", (text or "").strip())
    if cleaned.startswith("/") or len(cleaned.split()) < min_words or not min_chars <= len(cleaned) <= max_chars:
        return None
    return cleaned


def _number(token: str) -> Optional[float]:
    token = token.lower().replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else None


def duration_minutes(text: str) -> Optional[int]:
    """Minutes from "45 minutes", "an hour", "anderhalf uur", "1,5 uur", "half an hour"."""
    t = " " + _clean(text).lower().replace("uurtje", "uur") + " "
    fixed = (
        (r"\b(?:an? )?hour and a half\b|\banderhalf uur\b|\banderhalf\b", 90),
        (r"\bhalf an hour\b|\ba half hour\b|\bhalf uur\b|\bhalfuur\b|\bhalf hour\b", 30),
        (r"\b(?:drie )?kwartier\b", None),
        (r"\bquarter of an hour\b", 15),
    )
    for pattern, minutes in fixed:
        match = re.search(pattern, t)
        if match:
            if minutes is None:
                minutes = 45 if match.group(0).startswith("drie") else 15
            return minutes
    match = re.search(r"(\d+(?:[.,]\d+)?|[a-zé]+)\s*(minutes|minute|minuten|minuut|mins|min|m|hours|hour|hrs|hr|h|uur|u)\b", t)
    if match:
        number = _number(match.group(1))
        if number is None:
            return None
        unit = match.group(2)
        minutes = number * 60 if unit in ("hours", "hour", "hrs", "hr", "h", "uur", "u") else number
    else:
        bare = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*", t)
        if not bare:
            return None
        number = _number(bare.group(1))
        minutes = number * 60 if number <= 4 else number  # "1.5" means hours, "45" minutes
    minutes = int(round(minutes))
    return minutes if MIN_MINUTES <= minutes <= MAX_MINUTES else None


def describe_minutes(minutes: int, lang: str) -> str:
    hours, rest = divmod(int(minutes), 60)
    if lang == "nl":
        if minutes == 90:
            return "anderhalf uur"
        if rest == 0:
            return "een uur" if hours == 1 else f"{hours} uur"
        return f"{minutes} minuten" if hours == 0 else f"{hours} uur en {rest} minuten"
    if minutes == 90:
        return "an hour and a half"
    if rest == 0:
        return "an hour" if hours == 1 else f"{hours} hours"
    if hours == 0:
        return f"{minutes} minutes"
    return f"{hours} hour{'s' if hours > 1 else ''} and {rest} minutes"


def choice(text: str, options: dict) -> Optional[str]:
    """The option whose words (either language) the answer contains; the longest word wins."""
    cleaned = _clean(text).lower()
    best: Tuple[int, Optional[str]] = (0, None)
    for key, option in options.items():
        for lang in LANGS:
            labels = [option[lang]["label"].lower()] + [str(w).lower() for w in option[lang]["words"]]
            for word in labels:
                if cleaned == word or _has_phrase(cleaned, [word]):
                    if len(word) > best[0]:
                        best = (len(word), key)
    return best[1]


def working_days(text: str) -> Optional[int]:
    for token in re.findall(r"[\wé]+", _clean(text).lower()):
        number = _number(token)
        if number is not None and token not in ("a", "an", "een"):
            return int(number) if MIN_DAYS <= number <= MAX_DAYS and number == int(number) else None
    return None


def yes_no(text: str, material: FollowUp) -> Optional[bool]:
    cleaned = _clean(text).lower()
    if cleaned in ("/affirm",) or cleaned in _both(material, "form.yes_words"):
        return True
    if cleaned in ("/deny",) or cleaned in _both(material, "form.no_words"):
        return False
    if _has_phrase(cleaned, ["yes", "ja", "klopt", "correct"]) and not _has_phrase(cleaned, ["no", "nee", "niet", "not"]):
        return True
    if _has_phrase(cleaned, ["no", "nee", "not", "niet"]):
        return False
    return None


def agreed(text: str, offered: Sequence[str], material: FollowUp) -> Optional[Tuple[List[str], Optional[str]]]:
    """(chosen concession ids, an agreement in the interviewer's own words), or None."""
    cleaned = _clean(text).lower()
    if cleaned in _both(material, "form.none_words"):
        return [], None
    if offered and cleaned in _both(material, "form.all_words"):
        return list(offered), None
    numbers = re.findall(r"\d+", cleaned)
    rest = re.sub(r"\d+|\b(?:and|en|&|nr|nummer|number)\b|[,;.+]", " ", cleaned).strip()
    if numbers and not rest:
        picked = [int(n) for n in numbers]
        if offered and all(1 <= n <= len(offered) for n in picked):
            return [offered[n - 1] for n in dict.fromkeys(picked)], None
        return None
    own = sentence(text, min_words=3, min_chars=10, max_chars=300)
    return ([], own) if own else None


def correction(text: str, material: FollowUp) -> Optional[Tuple[str, Optional[str]]]:
    """(field, new value or None) from "duration: 30 minutes", "change the subject", "naam is Eva"."""
    cleaned = _clean(text)
    lowered = cleaned.lower()
    for field, spec in material.fields.items():
        for lang in LANGS:
            for word in spec["words"][lang]:
                label = spec["label"][lang].lower()
                for name in dict.fromkeys([label, str(word).lower()]):
                    value = re.match(rf"^{re.escape(name)}\s*(?::|=|\bis\b|\bshould be\b|\bmoet\b|\bwordt\b)\s*(.+)$", lowered)
                    if value:
                        return field, cleaned[len(cleaned) - len(value.group(1)):].strip()
                    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered) and re.search(
                            r"\b(change|edit|correct|fix|wrong|wijzig\w*|aanpass\w*|verander\w*|verbeter\w*|fout|anders)\b",
                            lowered):
                        return field, None
    return None
