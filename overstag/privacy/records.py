"""Everything stored about a set of conversations: read out whole, or erased whole.

The rows live in Overstag's tables (by `conversation_id`; rehearsal turns through
their session) and in Rasa's `events` (by `sender_id`), which holds every message
and every slot: the candidate's name, the refused surname, "burnout". Erasing
one without the other would not be erasing, so both go in one transaction.

A user's rows are those of every conversation they own (overstag_conversations),
plus their own rows in overstag_users, overstag_chat_addresses and
overstag_interviewer_names;
`export_user` and `erase_user` take them all.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Iterable, List, Sequence

import sqlalchemy as sa

from overstag import clock
from overstag.storage import tables
from overstag.storage.accounts import owned_by

EXPORT_FORMAT = "overstag-export/1"
EVENTS = "events"

# children first, so that a delete never leaves a row pointing at a gone parent
_BY_CONVERSATION = (
    tables.interviews,
    tables.coached_objections,
    tables.rehearsal_sessions,
)


def events_table(connection: sa.engine.Connection) -> Any:
    """Rasa's table, when Rasa has made it in this database."""
    if not sa.inspect(connection).has_table(EVENTS):
        return None
    return sa.Table(EVENTS, sa.MetaData(), autoload_with=connection)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _rows(connection: sa.engine.Connection, query: Any) -> List[Dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in row._mapping.items()}
        for row in connection.execute(query)
    ]


def _their_reminders(ids: Sequence[str]) -> Any:
    # by the conversation, and by the interview in case the two ever differ
    interviews = sa.select(tables.interviews.c.id).where(
        tables.interviews.c.conversation_id.in_(ids)
    )
    return sa.or_(
        tables.reminders.c.conversation_id.in_(ids),
        tables.reminders.c.interview_id.in_(interviews),
    )


def _session_turns(ids: Sequence[str]) -> Any:
    sessions = sa.select(tables.rehearsal_sessions.c.id).where(
        tables.rehearsal_sessions.c.conversation_id.in_(ids)
    )
    return tables.rehearsal_turns.c.session_id.in_(sessions)


def export(engine: sa.engine.Engine, conversation_ids: Iterable[str]) -> Dict[str, Any]:
    """Every stored row about the conversations, as one JSON-ready document."""
    ids = sorted(set(conversation_ids))
    with engine.connect() as connection:
        document: Dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "exported_at": clock.now().isoformat(),
            "conversations": ids,
        }
        for table in _BY_CONVERSATION:
            query = table.select().where(table.c.conversation_id.in_(ids))
            document[table.name] = _rows(connection, query.order_by(table.c.id))
        reminders = tables.reminders
        document[reminders.name] = _rows(
            connection,
            reminders.select().where(_their_reminders(ids)).order_by(reminders.c.id),
        )
        turns = tables.rehearsal_turns
        document[turns.name] = _rows(
            connection,
            turns.select().where(_session_turns(ids)).order_by(turns.c.id),
        )
        events = events_table(connection)
        document[EVENTS] = []
        if events is not None:
            query = events.select().where(events.c.sender_id.in_(ids))
            for row in _rows(connection, query.order_by(events.c.id)):
                # Rasa keeps each event as a JSON text; exported as JSON, not text
                row["data"] = json.loads(row["data"]) if row.get("data") else None
                document[EVENTS].append(row)
    return document


def _erase_in(connection: sa.engine.Connection, ids: Sequence[str]) -> Dict[str, int]:
    removed: Dict[str, int] = {}
    reminders, turns = tables.reminders, tables.rehearsal_turns
    removed[reminders.name] = connection.execute(
        reminders.delete().where(_their_reminders(ids))
    ).rowcount
    removed[turns.name] = connection.execute(
        turns.delete().where(_session_turns(ids))
    ).rowcount
    for table in _BY_CONVERSATION:
        removed[table.name] = connection.execute(
            table.delete().where(table.c.conversation_id.in_(ids))
        ).rowcount
    events = events_table(connection)
    removed[EVENTS] = (
        connection.execute(events.delete().where(events.c.sender_id.in_(ids))).rowcount
        if events is not None
        else 0
    )
    return removed


def _owned(connection: sa.engine.Connection, user_id: str) -> List[str]:
    return sorted(row[0] for row in connection.execute(owned_by(user_id)))


def export_user(engine: sa.engine.Engine, user_id: str) -> Dict[str, Any]:
    """Everything stored about the user: their row, their conversations (with
    Rasa's events), advice shown, rehearsals and scores, interviews, reminders."""
    with engine.connect() as connection:
        ids = _owned(connection, user_id)
        user = _rows(
            connection, tables.users.select().where(tables.users.c.user_id == user_id)
        )
        owned = _rows(
            connection,
            tables.conversations.select()
            .where(tables.conversations.c.user_id == user_id)
            .order_by(tables.conversations.c.created_at),
        )
        addresses = _rows(
            connection,
            tables.chat_addresses.select().where(
                tables.chat_addresses.c.user_id == user_id
            ),
        )
        signs = tables.interviewer_names
        signature = _rows(connection, signs.select().where(signs.c.user_id == user_id))
    document = export(engine, ids)
    return {
        "format": document.pop("format"),
        "exported_at": document.pop("exported_at"),
        "user": user[0] if user else {"user_id": user_id},
        tables.conversations.name: owned,
        tables.chat_addresses.name: addresses,
        signs.name: signature,
        **document,
    }


def erase_user(engine: sa.engine.Engine, user_id: str) -> Dict[str, int]:
    """Deletes every row about the user in one transaction; the count per table."""
    with engine.begin() as connection:
        ids = _owned(connection, user_id)
        removed = _erase_in(connection, ids)
        removed[tables.conversations.name] = connection.execute(
            tables.conversations.delete().where(
                tables.conversations.c.user_id == user_id
            )
        ).rowcount
        addresses = tables.chat_addresses
        removed[addresses.name] = connection.execute(
            addresses.delete().where(addresses.c.user_id == user_id)
        ).rowcount
        signs = tables.interviewer_names
        removed[signs.name] = connection.execute(
            signs.delete().where(signs.c.user_id == user_id)
        ).rowcount
        removed[tables.users.name] = connection.execute(
            tables.users.delete().where(tables.users.c.user_id == user_id)
        ).rowcount
    return removed
