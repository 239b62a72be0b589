"""Reading the interviewer's answers while preparing a request: pure functions,
tolerant of both languages in any conversation (people mix them). The words they
read with are content (`form.reading` in content/follow_up.yml)."""

from __future__ import annotations

import re
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from overstag.facts import LANGUAGES
from overstag.follow_up.content import FollowUp
from overstag.follow_up.reading import phrase

NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")
MAX_NAME_CHARS = 30
MIN_MINUTES, MAX_MINUTES = 5, 240
MIN_DAYS, MAX_DAYS = 1, 15


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).strip(" .!?")


def _both(material: FollowUp, path: str) -> List[str]:
    return [w for lang in LANGUAGES for w in material.words(path, lang)]


def is_stop(text: str, material: FollowUp) -> bool:
    return _clean(text).lower() in _both(material, "form.stop_words")


def candidate_name(text: str, material: FollowUp) -> Optional[str]:
    """A single first name or pseudonym, capitalised; None for a full name or a
    sentence."""
    cleaned = material.reading.name_lead.sub("", _clean(text))
    if not NAME.match(cleaned) or len(cleaned) > MAX_NAME_CHARS:
        return None
    return cleaned[:1].upper() + cleaned[1:]


def sentence(
    text: str, min_words: int, min_chars: int, max_chars: int = 500
) -> Optional[str]:
    cleaned = re.sub(r"\s+", " ", (text or "").strip())
    if cleaned.startswith("/") or len(cleaned.split()) < min_words:
        return None
    return cleaned if min_chars <= len(cleaned) <= max_chars else None


def _number(token: str, numbers: Mapping[str, int]) -> Optional[float]:
    token = token.lower().replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return float(numbers[token]) if token in numbers else None


def duration_minutes(text: str, material: FollowUp) -> Optional[int]:
    """Minutes from "45 minutes", "an hour", "anderhalf uur", "1,5 uur", "half an
    hour"."""
    reading = material.reading
    t = " " + _clean(text).lower() + " "
    for small, plain in reading.diminutives.items():
        t = t.replace(small, plain)
    for pattern, fixed in reading.phrases:
        if pattern.search(t):
            return fixed
    # a number word that is also an article counts as one: "an hour", "een uur"
    numbers: Dict[str, int] = {**reading.numbers, **{a: 1 for a in reading.articles}}
    match = reading.amount.search(t)
    if match:
        number = _number(match.group(1), numbers)
        if number is None:
            return None
        minutes = number * 60 if match.group(2) in reading.hour_units else number
    else:
        bare = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*", t)
        if not bare:
            return None
        number = _number(bare.group(1), numbers) or 0.0
        minutes = (
            number * 60 if number <= 4 else number
        )  # "1.5" means hours, "45" minutes
    minutes = int(round(minutes))
    return minutes if MIN_MINUTES <= minutes <= MAX_MINUTES else None


def describe_minutes(minutes: int, lang: str, material: FollowUp) -> str:
    hours, rest = divmod(int(minutes), 60)

    def name(key: str, **values: int) -> str:
        return material.text(f"form.duration_names.{key}", lang, **values)

    if minutes == 90:
        return name("one_and_a_half_hours")
    if rest == 0:
        return name("one_hour") if hours == 1 else name("hours", hours=hours)
    if hours == 0:
        return name("minutes", minutes=minutes)
    if hours == 1:
        return name("one_hour_and_minutes", minutes=rest)
    return name("hours_and_minutes", hours=hours, minutes=rest)


def choice(text: str, options: dict) -> Optional[str]:
    """The option whose words (either language) the answer contains; the longest word
    wins."""
    cleaned = _clean(text).lower()
    best: Tuple[int, Optional[str]] = (0, None)
    for key, option in options.items():
        for lang in LANGUAGES:
            words = [str(w).lower() for w in option[lang]["words"]]
            for word in [option[lang]["label"].lower(), *words]:
                found = cleaned == word or bool(phrase([word]).search(cleaned))
                if found and len(word) > best[0]:
                    best = (len(word), key)
    return best[1]


def _reading_words(material: FollowUp, key: str) -> List[str]:
    node = material.raw["form"]["reading"][key]
    return [str(w).lower() for lang in LANGUAGES for w in node[lang] or []]


def _period(cleaned: str, material: FollowUp) -> Optional[int]:
    """Working days in a period such as "een week of zo", "a fortnight", "2 weeks"."""
    reading = material.raw["form"]["reading"]
    hedges = phrase(_reading_words(material, "period_hedges"))
    bare = re.sub(r"\s+", " ", hedges.sub(" ", cleaned)).strip(" ,.-")
    for lang in LANGUAGES:
        for words, days in reading["periods"][lang].items():
            if bare == str(words).lower():
                return int(days)
    units = "|".join(map(re.escape, _reading_words(material, "week_units")))
    weeks = re.fullmatch(rf"(\S+)\s+(?:{units})", bare)
    if weeks:
        number = _number(weeks.group(1), material.reading.numbers)
        if number is not None:
            return int(round(number * int(reading["week_days"])))
    return None


def working_days(text: str, material: FollowUp) -> Optional[int]:
    reading = material.reading
    cleaned = _clean(text).lower()
    period = _period(cleaned, material)
    if period is not None:
        return period if MIN_DAYS <= period <= MAX_DAYS else None
    for token in re.findall(r"[\wé]+", cleaned):
        number = _number(token, reading.numbers)
        if number is not None and token not in reading.articles:
            whole = number == int(number)
            return int(number) if MIN_DAYS <= number <= MAX_DAYS and whole else None
    return None


def is_period_in_words(text: str, material: FollowUp) -> bool:
    """True when the days were read from words such as "a week", so the reply says
    how it read them."""
    return _period(_clean(text).lower(), material) is not None


def outlet_in(text: str, material: FollowUp) -> Optional[str]:
    """An outlet named in any answer ("over het wijkteam, voor het personeelsblad"),
    with its article: "het personeelsblad"."""
    articles = "|".join(map(re.escape, _reading_words(material, "outlet_articles")))
    names = phrase(_reading_words(material, "outlets")).pattern
    found = re.search(rf"(?<![\w-])(?:(?:{articles})\s+)?(?:{names})", text.lower())
    if not found:
        return None
    return re.sub(r"\s+", " ", text[found.start() : found.end()]).strip()


def outlet_name(outlet: str, material: FollowUp) -> str:
    """The outlet without the preposition it was typed with ("voor het
    personeelsblad" -> "het personeelsblad"), for the e-mail's subject line."""
    leads = "|".join(map(re.escape, _reading_words(material, "outlet_leads")))
    return re.sub(rf"^(?:{leads})\s+", "", outlet.strip(), flags=re.IGNORECASE)


def interviewer_name(text: str) -> Optional[str]:
    """The name the interviewer signs with: one to four words of letters."""
    cleaned = _clean(text)
    words = cleaned.split()
    if not 1 <= len(words) <= 4 or len(cleaned) > 60:
        return None
    if not all(
        NAME.match(word) or word.lower() in ("van", "de", "der", "den")
        for word in words
    ):
        return None
    return " ".join(w[:1].upper() + w[1:] if i == 0 else w for i, w in enumerate(words))


def place(text: str) -> Optional[str]:
    return sentence(text, min_words=1, min_chars=2, max_chars=200)


def remark_cue(text: str, material: FollowUp) -> bool:
    """A cue that the answer is a remark, not an answer: "wait", "ze wil niet"."""
    words = _reading_words(material, "remark_cues") + _reading_words(
        material, "remark_leads"
    )
    return bool(phrase(words).search(_clean(text).lower()))


def strip_remark_lead(text: str, material: FollowUp) -> str:
    """The remark without its lead-in: "wait, he just told me he doesn't want ..." ->
    "he doesn't want ..."."""
    cleaned = _clean(text)
    leads = phrase(_reading_words(material, "remark_leads")).pattern
    for _ in range(3):
        match = re.match(
            rf"^(?:{leads})[\s,:;!.-]*(?:that\s+|dat\s+)?",
            cleaned,
            flags=re.IGNORECASE,
        )
        if not match or not match.group(0).strip():
            break
        rest = cleaned[match.end() :].strip()
        if len(rest.split()) < 3:
            break
        cleaned = rest
    return cleaned


def remark_agreement(text: str, material: FollowUp) -> Optional[str]:
    """The concession a remark names ("no photo"): form.reading.remark_agreements."""
    lowered = _clean(text).lower()
    for cid, words in material.raw["form"]["reading"]["remark_agreements"].items():
        if phrase([str(w).lower() for lang in LANGUAGES for w in words[lang]]).search(
            lowered
        ):
            return str(cid)
    return None


def yes_no(text: str, material: FollowUp) -> Optional[bool]:
    cleaned = _clean(text).lower()
    if cleaned == "/affirm" or cleaned in _both(material, "form.yes_words"):
        return True
    if cleaned == "/deny" or cleaned in _both(material, "form.no_words"):
        return False
    padded = f" {cleaned} "
    says_no = bool(material.reading.no_signals.search(padded))
    if material.reading.yes_signals.search(padded) and not says_no:
        return True
    return False if says_no else None


def agreed(
    text: str, offered: Sequence[str], material: FollowUp
) -> Optional[Tuple[List[str], Optional[str]]]:
    """(chosen concession ids, an agreement in the interviewer's own words), or None."""
    cleaned = _clean(text).lower()
    if cleaned in _both(material, "form.none_words"):
        return [], None
    if offered and cleaned in _both(material, "form.all_words"):
        return list(offered), None
    numbers = re.findall(r"\d+", cleaned)
    rest = material.reading.list_words.sub(" ", re.sub(r"\d+|[,;.+&]", " ", cleaned))
    if numbers and not rest.strip():
        picked = [int(n) for n in numbers]
        if offered and all(1 <= n <= len(offered) for n in picked):
            return [offered[n - 1] for n in dict.fromkeys(picked)], None
        return None
    mixed = _picked_then_own(text, offered, material)
    if mixed is not None:
        return mixed
    own = sentence(text, min_words=3, min_chars=10, max_chars=300)
    return ([], own) if own else None


def _picked_then_own(
    text: str, offered: Sequence[str], material: FollowUp
) -> Optional[Tuple[List[str], Optional[str]]]:
    """ "1 en 2, en ze wil dat haar teamleider meeleest": the numbers picked, and the
    rest as an agreement in the interviewer's own words."""
    joiners = material.reading.list_words.pattern
    lead = re.match(rf"^\s*((?:\d+|{joiners}|[\s,;+&])+)", text.lower())
    if not lead or not offered:
        return None
    picked = [int(n) for n in re.findall(r"\d+", lead.group(1))]
    if not picked or not all(1 <= n <= len(offered) for n in picked):
        return None
    rest = text[lead.end() :]
    rest = re.sub(
        rf"^(?:\s*(?:{joiners}|[,;:+&.-]))+\s*", "", rest, flags=re.IGNORECASE
    )
    own = sentence(rest, min_words=3, min_chars=10, max_chars=300)
    if own is None:
        return None
    return [offered[n - 1] for n in dict.fromkeys(picked)], own


def correction(text: str, material: FollowUp) -> Optional[Tuple[str, Optional[str]]]:
    """(field, new value or None) from "duration: 30 minutes", "change the subject",
    "naam is Eva"."""
    reading = material.reading
    cleaned = _clean(text)
    lowered = cleaned.lower()
    for field, spec in material.fields.items():
        for lang in LANGUAGES:
            label = spec["label"][lang].lower()
            for word in spec["words"][lang]:
                for name in dict.fromkeys([label, str(word).lower()]):
                    value = re.match(
                        rf"^{re.escape(name)}\s*(?::|=|\b(?:{reading.assign})\b)\s*(.+)$",
                        lowered,
                    )
                    if value:
                        return field, cleaned[
                            len(cleaned) - len(value.group(1)) :
                        ].strip()
                    named = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered)
                    if named and reading.change.search(lowered):
                        return field, None
    return None
