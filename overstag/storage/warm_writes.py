"""The writes of a first turn, made at start and undone (issue 17).

The first insert of each kind compiles its statement and sets up the
connection's write path; timed, that was about 3 ms of the first answer that
no later turn pays. Done here in one transaction that is rolled back, so no
row of a conversation nobody has is ever stored: a server must stay erasable.
The statements have the shapes the real writes use (accounts.Directory.claim,
ensure_user and touch, coaching_records.CoachingRecords.record), because
SQLAlchemy caches a compiled statement per shape.
"""

from __future__ import annotations

import json
import secrets

import sqlalchemy as sa

from overstag import clock
from overstag.storage.tables import coached_objections, conversations, users


def made_and_undone(engine: sa.engine.Engine) -> None:
    nobody = f"overstag-warm-up-{secrets.token_hex(8)}"
    now = clock.now()
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            # no SAVEPOINT as ensure_user has: with SQLite's driver, one before the
            # first write opens no transaction and its release commits the row
            connection.execute(
                users.insert().values(user_id=nobody, created_at=now, seen_at=now)
            )
            connection.execute(
                conversations.insert().values(
                    conversation_id=nobody,
                    user_id=nobody,
                    channel="rest",
                    created_at=now,
                    updated_at=now,
                )
            )
            connection.execute(
                conversations.update()
                .where(conversations.c.conversation_id == nobody)
                .values(updated_at=now)
            )
            connection.execute(
                coached_objections.insert().values(
                    conversation_id=nobody,
                    kind="coach",
                    category="objection_time",
                    confidence=None,
                    language="en",
                    suggestions=json.dumps([]),
                    created_at=now,
                )
            )
        finally:
            transaction.rollback()
