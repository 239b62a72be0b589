"""A team's stored advice and rehearsals over three weeks, written by the real
stores (overstag/storage/) with the clock set, for the team view's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional
from unittest import mock

import sqlalchemy as sa

from overstag import clock
from overstag.storage import storage, tables
from overstag.team.figures import week_of

ANN, BAS, COR, DIRK, ERIN = (
    f"proxy:{name}" for name in ("ann", "bas", "cor", "dirk", "erin")
)
COACH = "proxy:carla"
OUTSIDER = "proxy:olaf"
FULL = {
    "acknowledged": 2,
    "explored": 2,
    "fitting_offer": 2,
    "confirmed": 2,
    "no_pressure": 2,
}


def weeks(now: dt.datetime) -> Dict[str, dt.datetime]:
    """Moments in the three completed weeks before `now`'s, and in its own."""
    monday = (now - dt.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    this_week = monday + (now - monday) / 2
    return {
        "w1": this_week - dt.timedelta(weeks=3),
        "w2": this_week - dt.timedelta(weeks=2),
        "w3": this_week - dt.timedelta(weeks=1),
        "running": this_week,
    }


# (week, user, kind, category)
ADVICE = [
    ("w1", ANN, "coach", "objection_privacy"),
    ("w1", BAS, "coach", "objection_privacy"),
    ("w1", COR, "coach", "objection_privacy"),
    ("w1", ANN, "coach", "objection_privacy"),
    ("w1", ANN, "coach", "objection_time"),
    ("w1", BAS, "coach", "objection_time"),
    ("w2", ANN, "coach", "objection_privacy"),
    ("w2", BAS, "coach", "objection_privacy"),
    ("w2", COR, "coach", "objection_privacy"),
    ("w2", DIRK, "coach", "objection_privacy"),
    ("w2", ANN, "another", "objection_privacy"),  # a follow-up: not counted
    ("w2", BAS, "coach", "objection_modesty"),
    ("w2", COR, "coach", "objection_modesty"),
    ("w2", DIRK, "coach", "objection_modesty"),
    # the running week is never shown, however many took part
    *(("running", user, "coach", "objection_format") for user in (ANN, BAS, COR, DIRK)),
]

# (week, user, outcome, offers made, scores)
REHEARSALS: List[Any] = [
    (
        "w1",
        ANN,
        "agreed",
        ["move_offer_review"],
        {
            "acknowledged": 2,
            "explored": 1,
            "fitting_offer": 2,
            "confirmed": 0,
            "no_pressure": 2,
        },
    ),
    (
        "w1",
        BAS,
        "walked_away",
        ["move_offer_review"],
        {
            "acknowledged": 1,
            "explored": 0,
            "fitting_offer": 1,
            "confirmed": 0,
            "no_pressure": 1,
        },
    ),
    ("w1", COR, "agreed", ["move_offer_review", "move_offer_time"], FULL),
    ("w2", ANN, "agreed", ["move_offer_time"], FULL),
    ("w2", BAS, "agreed", ["move_offer_questions_in_advance"], FULL),
    (
        "w2",
        DIRK,
        "agreed",
        ["move_offer_review"],
        {
            "acknowledged": 1,
            "explored": None,
            "fitting_offer": None,
            "confirmed": None,
            "no_pressure": 0,
        },
    ),
    (
        "w2",
        COR,
        "stopped",
        ["move_offer_review"],
        {
            "acknowledged": 1,
            "explored": 1,
            "fitting_offer": 0,
            "confirmed": 0,
            "no_pressure": 2,
        },
    ),
    ("w2", BAS, None, ["move_offer_review"], {}),  # still running: not counted
    *(
        ("running", user, "agreed", ["move_offer_company"], FULL)
        for user in (ANN, BAS, COR)
    ),
    (
        "w3",
        ERIN,
        "stopped",
        [],
        {
            "acknowledged": 0,
            "explored": 0,
            "fitting_offer": 0,
            "confirmed": 0,
            "no_pressure": 2,
        },
    ),
]


def seed(url: str, now: Optional[dt.datetime] = None) -> Dict[str, str]:
    """Writes the team's rows into `url`; the ISO week of each of w1..w3."""
    moments = weeks(now or clock.now())
    stored = storage(url)
    conversations: Dict[str, str] = {}

    def conversation(user: str) -> str:
        if user not in conversations:
            conversations[user] = f"web:{user.split(':')[1]}-laptop"
            stored.accounts.claim(conversations[user], user, "web")
        return conversations[user]

    for week, user, kind, category in ADVICE:
        with mock.patch.object(clock, "now", return_value=moments[week]):
            stored.coaching.record(conversation(user), kind, category, "en", [], 0.9)
    for week, user, outcome, offers, scores in REHEARSALS:
        with mock.patch.object(clock, "now", return_value=moments[week]):
            session = stored.rehearsals.start(
                conversation(user), "persona", "objection_privacy", "normal", "en"
            )
            if outcome is None:
                continue
            turns = [
                {
                    "moves": ["move_empathize"],
                    "effects": ["empathize"],
                    "stage": "hesitant",
                },
                {
                    "moves": list(offers),
                    "effects": ["fit"] * len(offers),
                    "stage": "open",
                },
            ]
            stored.rehearsals.finish(session, outcome, scores, [], turns)
    return {key: week_of(moment) for key, moment in moments.items()}


def raw_rows(url: str) -> Dict[str, List[Dict[str, Any]]]:
    """The seeded tables as they are, read with plain SQL: what a CSV must match."""
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        found = {
            name: [
                dict(r._mapping)
                for r in connection.execute(sa.text(f"SELECT * FROM {name}"))
            ]
            for name in (
                tables.coached_objections.name,
                tables.rehearsal_sessions.name,
                tables.rehearsal_turns.name,
                tables.conversations.name,
            )
        }
    engine.dispose()
    return found
