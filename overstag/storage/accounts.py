"""The users and the conversations each one owns.

A conversation belongs to exactly one user, for good: `claim` refuses one that is
already someone else's. Rows in the other tables keep their conversation id and
find their user through `overstag_conversations`, so "my interviews" and "my
progress" cover every conversation of the user, on every device.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from overstag import clock
from overstag.accounts import ids
from overstag.facts import LANGUAGES, MAX_SENDER_CHARS
from overstag.storage import tables

users, conversations = tables.users, tables.conversations


def _first(table: sa.Table, column: sa.Column) -> Any:
    """The column's value in the conversation's first row of the table."""
    return (
        sa.select(column)
        .where(table.c.conversation_id == conversations.c.conversation_id)
        .order_by(table.c.id)
        .limit(1)
        .scalar_subquery()
    )


def adopt_orphans(connection: sa.engine.Connection) -> None:
    """Rows written before users existed belong to a user of their own: the
    conversation id (as Rasa's HTTP API conversations do). Runs with create_all;
    a database that has no such rows is left as it is."""
    now = clock.now()
    for table in (
        tables.interviews,
        tables.coached_objections,
        tables.rehearsal_sessions,
    ):
        known = sa.select(conversations.c.conversation_id)
        orphans = (
            sa.select(table.c.conversation_id)
            .where(table.c.conversation_id.not_in(known))
            .distinct()
        )
        found = [row[0] for row in connection.execute(orphans)]
        if found:
            connection.execute(
                conversations.insert(),
                [
                    {
                        "conversation_id": orphan,
                        "user_id": orphan,
                        "channel": "api",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for orphan in found
                ],
            )


class NotYoursError(LookupError):
    """The conversation exists and belongs to another user."""


def owned_by(user_id: str) -> Any:
    """The user's conversation ids, as a subquery for `conversation_id.in_(...)`."""
    return sa.select(conversations.c.conversation_id).where(
        conversations.c.user_id == user_id
    )


def _clip(value: Optional[str]) -> Optional[str]:
    return value[:MAX_SENDER_CHARS] if value else None


class Directory:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def ensure_user(
        self,
        user_id: str,
        display_name: Optional[str] = None,
        email: Optional[str] = None,
        now: Optional[dt.datetime] = None,
    ) -> None:
        """Creates the user on first sight; later sign-ins refresh name and e-mail."""
        now = now or clock.now()
        with self.engine.begin() as connection:
            found = connection.execute(
                sa.select(users.c.user_id).where(users.c.user_id == user_id)
            ).first()
            fields: Dict[str, Any] = {"seen_at": now}
            if display_name is not None:
                fields["display_name"] = _clip(display_name)
            if email is not None:
                fields["email"] = _clip(email)
            if found:
                connection.execute(
                    users.update().where(users.c.user_id == user_id).values(**fields)
                )
                return
            try:
                with connection.begin_nested():
                    connection.execute(
                        users.insert().values(user_id=user_id, created_at=now, **fields)
                    )
            except sa.exc.IntegrityError:
                pass  # another server created the same user a moment ago

    def user(self, user_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as connection:
            row = (
                connection.execute(users.select().where(users.c.user_id == user_id))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def with_email(self, email: str) -> List[str]:
        """The users who signed in with this address (any case)."""
        query = sa.select(users.c.user_id).where(
            sa.func.lower(users.c.email) == email.strip().lower()
        )
        with self.engine.connect() as connection:
            return [row[0] for row in connection.execute(query)]

    def language(self, user_id: str) -> Optional[str]:
        found = self.user(user_id)
        return found["language"] if found else None

    def set_language(self, user_id: str, language: str) -> None:
        if language not in LANGUAGES:
            return
        self.ensure_user(user_id)
        with self.engine.begin() as connection:
            connection.execute(
                users.update()
                .where(users.c.user_id == user_id)
                .values(language=language)
            )

    def owner(self, conversation_id: str) -> Optional[str]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(conversations.c.user_id).where(
                    conversations.c.conversation_id == conversation_id
                )
            ).first()
        return row[0] if row else None

    def claim(
        self,
        conversation_id: str,
        user_id: str,
        channel: str,
        now: Optional[dt.datetime] = None,
    ) -> None:
        """Makes the conversation the user's; NotYoursError if it is another's."""
        owner = self.owner(conversation_id)
        if owner == user_id:
            return
        if owner is not None:
            raise NotYoursError(conversation_id)
        now = now or clock.now()
        self.ensure_user(user_id, now=now)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    conversations.insert().values(
                        conversation_id=conversation_id,
                        user_id=user_id,
                        channel=channel[:16],
                        created_at=now,
                        updated_at=now,
                    )
                )
        except sa.exc.IntegrityError:
            # claimed by a parallel request: fine if by the same user
            if self.owner(conversation_id) != user_id:
                raise NotYoursError(conversation_id) from None

    def user_of(self, conversation_id: str) -> str:
        """The conversation's user. One nobody claimed (started through Rasa's own
        HTTP API, with the administrator's token) is a user of its own."""
        owner = self.owner(conversation_id)
        if owner is not None:
            return owner
        self.claim(conversation_id, conversation_id, "api")
        return conversation_id

    def touch(self, conversation_id: str) -> None:
        """Marks the conversation as active now (the page lists the latest first)."""
        with self.engine.begin() as connection:
            connection.execute(
                conversations.update()
                .where(conversations.c.conversation_id == conversation_id)
                .values(updated_at=clock.now())
            )

    def conversations_of(self, user_id: str) -> List[Dict[str, Any]]:
        """The user's conversations, the latest active first, each with its topic:
        the category of the first objection coached in it, or of the first
        rehearsal (a category, never the user's words)."""
        coached, rehearsed = tables.coached_objections, tables.rehearsal_sessions
        query = (
            sa.select(
                conversations,
                _first(coached, coached.c.category).label("objection"),
                _first(rehearsed, rehearsed.c.category).label("rehearsal"),
            )
            .where(conversations.c.user_id == user_id)
            .order_by(
                conversations.c.updated_at.desc(), conversations.c.created_at.desc()
            )
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            {
                "conversation_id": row["conversation_id"],
                "channel": row["channel"],
                "topic": row["objection"] or row["rehearsal"],
                "rehearsal": row["objection"] is None and row["rehearsal"] is not None,
                "created_at": clock.as_utc(row["created_at"]),
                "updated_at": clock.as_utc(row["updated_at"]),
            }
            for row in rows
        ]

    def latest_web_conversation(self, conversation_id: str) -> str:
        """Where a message for this web conversation's user is seen soonest: the
        user's web conversation active last (the page shows one at a time)."""
        if not ids.is_web_conversation(conversation_id):
            return conversation_id
        owner = self.owner(conversation_id)
        query = (
            sa.select(conversations.c.conversation_id)
            .where(
                conversations.c.user_id == owner,
                conversations.c.conversation_id.startswith(ids.WEB_PREFIX),
            )
            .order_by(conversations.c.updated_at.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
        return found[0] if found else conversation_id
