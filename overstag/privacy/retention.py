"""Storage limitation: what is kept only for a while, deleted when its time is up.

- Conversation history (Rasa's `events`): a conversation nobody wrote in for
  OVERSTAG_HISTORY_RETENTION_DAYS (default 90) is deleted whole. Whole, because
  Rasa rebuilds a conversation from all its events: deleting only the old ones
  would leave a conversation that no longer adds up.
- Interviews whose aftercare is done: deleted with their reminders
  OVERSTAG_INTERVIEW_RETENTION_DAYS (default 30) after their last change.

Advice shown and rehearsal scores hold no one's words and stay, as the user's
progress, until the user erases them.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, List

import sqlalchemy as sa

from overstag.privacy.records import EVENTS, events_table
from overstag.storage import tables

FINISHED = "aftercare_done"


def stale_conversations(
    connection: sa.engine.Connection, cutoff: dt.datetime
) -> List[str]:
    events = events_table(connection)
    if events is None:
        return []
    newest = sa.func.max(events.c.timestamp)
    query = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(newest < cutoff.timestamp())
    )
    return [sender for (sender,) in connection.execute(query)]


def expire(
    engine: sa.engine.Engine,
    now: dt.datetime,
    history: dt.timedelta,
    interviews: dt.timedelta,
) -> Dict[str, int]:
    """Deletes what is older than its retention period; the count per table."""
    removed = {EVENTS: 0, tables.interviews.name: 0, tables.reminders.name: 0}
    with engine.begin() as connection:
        stale = stale_conversations(connection, now - history)
        events = events_table(connection)
        for start in range(0, len(stale), 500):
            removed[EVENTS] += connection.execute(
                events.delete().where(
                    events.c.sender_id.in_(stale[start : start + 500])
                )
            ).rowcount
        done = sa.select(tables.interviews.c.id).where(
            tables.interviews.c.status == FINISHED,
            tables.interviews.c.updated_at < now - interviews,
        )
        finished = [row_id for (row_id,) in connection.execute(done)]
        if finished:
            removed[tables.reminders.name] = connection.execute(
                tables.reminders.delete().where(
                    tables.reminders.c.interview_id.in_(finished)
                )
            ).rowcount
            removed[tables.interviews.name] = connection.execute(
                tables.interviews.delete().where(tables.interviews.c.id.in_(finished))
            ).rowcount
    return removed
