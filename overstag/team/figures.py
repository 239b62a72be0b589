"""Weekly figures over everyone's stored advice and rehearsals, small groups hidden.

Read from the rows the features keep (overstag_coached_objections,
overstag_rehearsal_sessions, overstag_rehearsal_turns), each found its user
through overstag_conversations, so a user erased by overstag/privacy/records.py
is gone from the figures at the next request: nothing is copied or cached.

Every number belongs to one cell of a fixed partition: a completed ISO week and
a category, an offer or a rubric item. A cell is only shown when at least
`min_users` distinct users made it; otherwise its numbers are None and
`suppressed` is true. Fixed, completed weeks are what keeps a hidden cell hidden:
no totals over cells (a total minus the shown cells would reveal a hidden one),
no sums over a window (two windows a week apart would differ by one week's
hidden figures), and not the running week (watched from day to day, its count
would grow by one person's rehearsal at a time). A cell changes only when a user
is erased.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import sqlalchemy as sa

from overstag import clock
from overstag.facts import CATEGORIES, OFFER_MOVES
from overstag.payloads import RUBRIC_ITEMS
from overstag.storage import tables

DEFAULT_WEEKS = 26
MAX_WEEKS = 156
# the coach's first answer to an objection; "another" and "still_no" follow it up
COACHED = "coach"
AGREED = "agreed"


def week_of(moment: dt.datetime) -> str:
    """The ISO week in UTC, `2026-W49`, whichever zone the server runs in."""
    year, week, _ = clock.as_utc(moment).astimezone(dt.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def window(now: dt.datetime, weeks: int) -> Tuple[dt.datetime, dt.datetime]:
    """(Monday 00:00 UTC of the first of the last `weeks` completed weeks, Monday
    00:00 UTC of the running week), the end excluded."""
    monday = (now - dt.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday - dt.timedelta(weeks=weeks), monday


def _with_owner(table: sa.Table, *columns: Any) -> Any:
    conversations = tables.conversations
    return sa.select(
        *columns,
        table.c.conversation_id,
        conversations.c.user_id,
    ).select_from(
        table.outerjoin(
            conversations,
            conversations.c.conversation_id == table.c.conversation_id,
        )
    )


def _user(row: Any) -> str:
    # a conversation without an owner row is its own user (accounts.adopt_orphans)
    return row.user_id or f"conversation:{row.conversation_id}"


def _cell(users: Set[str], min_users: int, **numbers: Any) -> Dict[str, Any]:
    shown = len(users) >= min_users
    return {
        **{key: (value if shown else None) for key, value in numbers.items()},
        "users": len(users) if shown else None,
        "suppressed": not shown,
    }


def _objections(
    connection: sa.engine.Connection,
    since: dt.datetime,
    until: dt.datetime,
    min_users: int,
) -> List[Dict[str, Any]]:
    table = tables.coached_objections
    query = _with_owner(table, table.c.category, table.c.created_at).where(
        table.c.kind == COACHED,
        table.c.created_at >= since,
        table.c.created_at < until,
    )
    counts: Dict[Tuple[str, str], int] = defaultdict(int)
    users: Dict[Tuple[str, str], Set[str]] = defaultdict(set)
    for row in connection.execute(query):
        if row.category not in CATEGORIES:
            continue
        key = (week_of(row.created_at), row.category)
        counts[key] += 1
        users[key].add(_user(row))
    ordered = sorted(counts, key=lambda key: (key[0], CATEGORIES.index(key[1])))
    return [
        {
            "week": week,
            "category": category,
            **_cell(users[key], min_users, count=counts[key]),
        }
        for key in ordered
        for week, category in [key]
    ]


def _sessions(
    connection: sa.engine.Connection, since: dt.datetime, until: dt.datetime
) -> List[Dict[str, Any]]:
    table = tables.rehearsal_sessions
    chosen = (
        table.c.outcome.is_not(None),
        table.c.started_at >= since,
        table.c.started_at < until,
    )
    query = _with_owner(
        table, table.c.id, table.c.outcome, table.c.scores, table.c.started_at
    ).where(*chosen)
    sessions = {
        row.id: {
            "user": _user(row),
            "week": week_of(row.started_at),
            "agreed": row.outcome == AGREED,
            "scores": _loaded(row.scores, {}),
            "offers": set(),
        }
        for row in connection.execute(query)
    }
    turns = tables.rehearsal_turns
    if sessions:
        # the sessions' turns, by the same conditions rather than a long IN list
        query = sa.select(turns.c.session_id, turns.c.moves).where(
            turns.c.session_id.in_(sa.select(table.c.id).where(*chosen))
        )
        for row in connection.execute(query):
            found = sessions.get(row.session_id)
            moves = _loaded(row.moves, [])
            if found is not None and isinstance(moves, list):
                found["offers"].update(m for m in moves if m in OFFER_MOVES)
    return list(sessions.values())


def _loaded(stored: Optional[str], default: Any) -> Any:
    try:
        value = json.loads(stored) if stored else default
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def _concessions(
    sessions: Iterable[Dict[str, Any]], min_users: int
) -> List[Dict[str, Any]]:
    offered: Dict[Tuple[str, str], int] = defaultdict(int)
    agreed: Dict[Tuple[str, str], int] = defaultdict(int)
    users: Dict[Tuple[str, str], Set[str]] = defaultdict(set)
    for session in sessions:
        for move in session["offers"]:
            key = (session["week"], move)
            offered[key] += 1
            agreed[key] += int(session["agreed"])
            users[key].add(session["user"])
    ordered = sorted(offered, key=lambda key: (key[0], OFFER_MOVES.index(key[1])))
    return [
        {
            "week": week,
            "offer": move,
            **_cell(users[key], min_users, rehearsals=offered[key], agreed=agreed[key]),
        }
        for key in ordered
        for week, move in [key]
    ]


def _scores(sessions: Iterable[Dict[str, Any]], min_users: int) -> List[Dict[str, Any]]:
    given: Dict[Tuple[str, str], List[int]] = defaultdict(list)
    users: Dict[Tuple[str, str], Set[str]] = defaultdict(set)
    for session in sessions:
        for item in RUBRIC_ITEMS:
            # the scorecard's older name of an item (overstag/storage/rehearsals.py)
            score = session["scores"].get(item)
            if item == "fitting_offer" and score is None:
                score = session["scores"].get("fitting_concession")
            if isinstance(score, int) and not isinstance(score, bool):
                key = (session["week"], item)
                given[key].append(score)
                users[key].add(session["user"])
    rows = []
    for week in sorted({week for week, _ in given}):
        for item in RUBRIC_ITEMS:
            scores = given.get((week, item))
            if scores:
                mean = round(sum(scores) / len(scores), 2)
                rows.append(
                    {
                        "week": week,
                        "item": item,
                        **_cell(
                            users[(week, item)],
                            min_users,
                            mean=mean,
                            sessions=len(scores),
                        ),
                    }
                )
    return rows


def figures(
    engine: sa.engine.Engine,
    min_users: int,
    weeks: int = DEFAULT_WEEKS,
    now: Optional[dt.datetime] = None,
) -> Dict[str, Any]:
    """The team's figures of the last `weeks` completed weeks."""
    moment = (clock.as_utc(now) if now else clock.now()).astimezone(dt.timezone.utc)
    since, until = window(moment, weeks)
    with engine.connect() as connection:
        objections = _objections(connection, since, until, min_users)
        sessions = _sessions(connection, since, until)
    every_week = sorted(
        {row["week"] for row in objections} | {s["week"] for s in sessions}
    )
    return {
        "min_users": min_users,
        "since": since.date().isoformat(),
        "until": until.date().isoformat(),
        "weeks": every_week,
        "objections": objections,
        "concessions": _concessions(sessions, min_users),
        "scores": _scores(sessions, min_users),
    }
