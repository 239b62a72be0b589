"""The interview's date and time: read from an answer in either language
("dinsdag 15 december om 14.00", "next Tuesday at 2 pm", "morgen om half tien",
"15/12 10:30") and written back in the conversation's language.

Month and day names come from Babel's locale data; the relative words (today,
tomorrow, in the afternoon) are content (`form.reading.dates`). The time is the
interviewer's local time, stored without a zone.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Tuple

from babel import Locale
from babel.dates import format_date, format_time

from overstag.facts import LANGUAGES
from overstag.follow_up.content import FollowUp
from overstag.follow_up.reading import phrase

# how far ahead an interview is planned; a date further off is a typing slip
MAX_DAYS_AHEAD = 400
# "15-12", "15/12/2026", "15.12.2026"; "14.00" alone is a time, not a date
NUMERIC_DATE = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[-/](\d{1,2})(?:[-/](\d{2,4}))?|\.(\d{1,2})\.(\d{2,4}))(?![\d:.])"
)
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
CLOCK = re.compile(r"(?<![\d/-])([01]?\d|2[0-3])[:.h]([0-5]\d)(?!\d)")
HOUR = re.compile(
    r"(?<![\d/-])([01]?\d|2[0-3])\s*(?:uur|u|h|o'clock|am|pm|a\.m\.|p\.m\.)(?![\w])"
)
AT_HOUR = re.compile(r"\b(?:at|om)\s+([01]?\d|2[0-3])(?![\d:.])")


@lru_cache(maxsize=1)
def _names() -> Tuple[Mapping[str, int], Mapping[str, int]]:
    """(month name -> month, day name -> weekday) in both languages, with the
    abbreviations ("dec", "mrt", "tue"), lower case."""
    months: Dict[str, int] = {}
    days: Dict[str, int] = {}
    for lang in LANGUAGES:
        locale = Locale(lang)
        for width in ("wide", "abbreviated"):
            for number, name in locale.months["format"][width].items():
                months[name.lower().rstrip(".")] = number
            for number, name in locale.days["format"][width].items():
                days[name.lower().rstrip(".")] = number
    return months, days


def _words(material: FollowUp, key: str) -> List[str]:
    node = material.raw["form"]["reading"]["dates"][key]
    return [str(w).lower() for lang in LANGUAGES for w in node[lang] or []]


def _date(text: str, today: dt.date, material: FollowUp) -> Optional[dt.date]:
    months, days = _names()
    iso = ISO_DATE.search(text)
    if iso:
        return _make(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    month_names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    named = re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th|e)?\s+({month_names})\b\.?(?:\s+(\d{{4}}))?",
        text,
    )
    if not named:
        flipped = re.search(
            rf"\b({month_names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?",
            text,
        )
        if flipped:
            return _in_future(
                int(flipped.group(2)), months[flipped.group(1)], flipped.group(3), today
            )
    if named:
        return _in_future(
            int(named.group(1)), months[named.group(2)], named.group(3), today
        )
    numeric = NUMERIC_DATE.search(text)
    if numeric:
        day, month, year = numeric.group(1), numeric.group(2), numeric.group(3)
        if month is None:
            month, year = numeric.group(4), numeric.group(5)
        return _in_future(int(day), int(month), year, today)
    for key, offset in (("day_after_tomorrow", 2), ("tomorrow", 1), ("today", 0)):
        if phrase(_words(material, key)).search(text):
            return today + dt.timedelta(days=offset)
    day_names = "|".join(sorted(map(re.escape, days), key=len, reverse=True))
    weekday = re.search(rf"\b({day_names})\b", text)
    if weekday:
        ahead = (days[weekday.group(1)] - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead)
    return None


def _make(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _in_future(
    day: int, month: int, year: Optional[str], today: dt.date
) -> Optional[dt.date]:
    if year:
        number = int(year)
        return _make(number + 2000 if number < 100 else number, month, day)
    found = _make(today.year, month, day)
    if found is not None and found < today:
        found = _make(today.year + 1, month, day)
    return found


def _time(text: str, material: FollowUp) -> Optional[dt.time]:
    hour: Optional[int] = None
    minute = 0
    halves = []
    for key, shift in (("half_past", 0), ("half_to", -1)):
        found = re.search(
            rf"(?:{phrase(_words(material, key)).pattern})\s+(\d{{1,2}}|\w+)", text
        )
        halves.append((found, shift))
    clock = CLOCK.search(text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
    elif halves[0][0] or halves[1][0]:
        found, shift = halves[0] if halves[0][0] else halves[1]
        number = _hour_number(found.group(1), material)
        if number is not None:
            hour, minute = (number + shift) % 24, 30
    else:
        single = HOUR.search(text) or AT_HOUR.search(text)
        if single:
            hour = int(single.group(1))
    if hour is None:
        return None
    afternoon = phrase(_words(material, "afternoon")).search(text)
    morning = phrase(_words(material, "morning")).search(text)
    if hour < 12 and (afternoon or (not morning and 1 <= hour <= 7)):
        hour += 12  # nobody plans an interview at 2 at night: "om 2 uur" is 14:00
    return dt.time(hour, minute) if hour < 24 else None


def _hour_number(token: str, material: FollowUp) -> Optional[int]:
    if token.isdigit():
        return int(token)
    number = material.reading.numbers.get(token)
    return int(number) if number else None


def read(text: str, now: dt.datetime, material: FollowUp) -> Optional[dt.datetime]:
    """The date and time in the answer, or None without both (or in the past)."""
    cleaned = " " + re.sub(r"\s+", " ", (text or "").lower()) + " "
    day = _date(cleaned, now.date(), material)
    # a numeric date must not be read as a time as well: "15-12 om 14.00"
    rest = ISO_DATE.sub(" ", NUMERIC_DATE.sub(" ", cleaned))
    moment = _time(rest, material)
    if day is None or moment is None:
        return None
    found = dt.datetime.combine(day, moment)
    naive_now = now.replace(tzinfo=None)
    if found < naive_now or (found - naive_now).days > MAX_DAYS_AHEAD:
        return None
    return found


def stored(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def parsed(value: Optional[str]) -> Optional[dt.datetime]:
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M") if value else None
    except ValueError:
        return None


def date_text(
    moment: dt.datetime, lang: str, material: FollowUp, key: str = "date_format"
) -> str:
    return format_date(moment.date(), material.text(f"email.{key}", lang), locale=lang)


def time_text(moment: dt.datetime, lang: str, material: FollowUp) -> str:
    return format_time(
        moment.time(), material.text("email.time_format", lang), locale=lang
    )


def describe(moment: dt.datetime, lang: str, material: FollowUp) -> str:
    """ "dinsdag 15 december 2026 om 14:00" """
    return material.text(
        "form.when_text",
        lang,
        date=date_text(moment, lang, material),
        time=time_text(moment, lang, material),
    )
