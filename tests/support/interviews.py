"""A prepared interview as the form stores it, for the follow-up tests."""

import datetime as dt

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


def interview(**changes):
    base = {
        "id": 1,
        "candidate_name": "Noor",
        "subject": "het nieuwe nachtrooster op de IC",
        "outlet": "het personeelsblad",
        "duration": 45,
        "interview_form": "phone",
        "review_scope": "full_text",
        "review_days": 3,
        "sensitive": True,
        "concessions": ["questions_in_advance", "no_photo"],
        "own_agreements": ["Her manager reads along."],
    }
    return {**base, **changes}


# the request form answered over a chat channel, in English, as short as it goes
ENGLISH_REQUEST = (
    "prepare an interview request",
    "Kim",
    "a portrait of the new facilities team",
    "the intranet",
    "30 minutes",
    "Face to face",
    "tomorrow at 10:00",
    "meeting room 2.14",
    "No review",
    "no",
    "none",
    "Joris",
    "yes",
)
