"""Prepared interviews and their reminders, in the action server's own tables.

Only what the interviewer typed into the request form is kept (a first name or
pseudonym, never a surname or contact details); deleting an interview deletes
its reminders with it. The Rasa server reads due reminders from the same tables
(overstag/reminder_delivery.py), so reminders survive a restart.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from actions.storage import metadata, store

interviews_table = sa.Table(
    "overstag_interviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("candidate_name", sa.String(40), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("outlet", sa.String(200), nullable=False),
    sa.Column("duration", sa.Integer, nullable=False),  # minutes
    sa.Column("interview_form", sa.String(16), nullable=False),
    sa.Column("review_scope", sa.String(16), nullable=False),
    sa.Column("review_days", sa.Integer),
    sa.Column("sensitive", sa.Boolean, nullable=False),
    sa.Column("concessions", sa.Text, nullable=False),  # JSON list of concession ids
    sa.Column("own_agreements", sa.Text, nullable=False),  # JSON list of the interviewer's own lines
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

reminders_table = sa.Table(
    "overstag_reminders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.Integer, sa.ForeignKey("overstag_interviews.id"), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # pending -> delivering -> sent; cancelled when the interview moves on first
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)


def _utc(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    # SQLite hands back naive datetimes; everything here is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _interview(row: Any) -> Dict[str, Any]:
    item = dict(row)
    item["concessions"] = json.loads(item["concessions"])
    item["own_agreements"] = json.loads(item["own_agreements"])
    item["created_at"], item["updated_at"] = _utc(item["created_at"]), _utc(item["updated_at"])
    return item


def _reminder(row: Any) -> Dict[str, Any]:
    item = dict(row)
    item["due_at"], item["sent_at"] = _utc(item["due_at"]), _utc(item["sent_at"])
    return item


class Interviews:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        metadata.create_all(self.engine)

    def create(self, conversation_id: str, answers: Dict[str, Any], language: str, now: dt.datetime) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(interviews_table.insert().values(
                conversation_id=conversation_id[:128], candidate_name=answers["candidate_name"][:40],
                subject=answers["subject"], outlet=answers["outlet"][:200], duration=int(answers["duration"]),
                interview_form=answers["interview_form"], review_scope=answers["review_scope"],
                review_days=int(answers["review_days"]) if answers.get("review_days") else None,
                sensitive=bool(answers.get("sensitive")),
                concessions=json.dumps(list(answers.get("concessions") or [])),
                own_agreements=json.dumps(list(answers.get("own_agreements") or [])),
                language=language, status="requested", created_at=now, updated_at=now))
            return int(result.inserted_primary_key[0])

    def get(self, interview_id: int) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(interviews_table).where(
                interviews_table.c.id == interview_id)).mappings().first()
        return _interview(row) if row else None

    def of(self, conversation_id: str) -> List[Dict[str, Any]]:
        query = (sa.select(interviews_table).where(interviews_table.c.conversation_id == conversation_id)
                 .order_by(interviews_table.c.id))
        with self.engine.connect() as connection:
            return [_interview(row) for row in connection.execute(query).mappings().all()]

    def set_status(self, interview_id: int, status: str, plan: Sequence[Tuple[str, dt.datetime]],
                   now: dt.datetime) -> None:
        """New status; reminders still pending from earlier stages are cancelled, the plan's added."""
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(interviews_table.c.conversation_id).where(
                interviews_table.c.id == interview_id)).first()
            if row is None:
                return
            connection.execute(interviews_table.update().where(interviews_table.c.id == interview_id)
                               .values(status=status, updated_at=now))
            connection.execute(reminders_table.update().where(
                reminders_table.c.interview_id == interview_id, reminders_table.c.state == "pending",
            ).values(state="cancelled"))
            if plan:
                connection.execute(reminders_table.insert(), [
                    {"interview_id": interview_id, "conversation_id": row[0], "kind": kind,
                     "due_at": due, "state": "pending"} for kind, due in plan])

    def reminders(self, interview_id: int, states: Sequence[str] = ("pending",)) -> List[Dict[str, Any]]:
        query = (sa.select(reminders_table).where(reminders_table.c.interview_id == interview_id,
                                                  reminders_table.c.state.in_(list(states)))
                 .order_by(reminders_table.c.due_at))
        with self.engine.connect() as connection:
            return [_reminder(row) for row in connection.execute(query).mappings().all()]

    def reminder(self, reminder_id: int) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(reminders_table).where(
                reminders_table.c.id == reminder_id)).mappings().first()
        return _reminder(row) if row else None

    def delete(self, interview_id: int) -> bool:
        with self.engine.begin() as connection:
            connection.execute(reminders_table.delete().where(reminders_table.c.interview_id == interview_id))
            return connection.execute(interviews_table.delete().where(
                interviews_table.c.id == interview_id)).rowcount > 0

    # -- delivery (called from the Rasa server) ----------------------------------
    def claim_due(self, now: dt.datetime, limit: int = 50) -> List[Dict[str, Any]]:
        """Due reminders, each handed to exactly one caller even with several servers."""
        with self.engine.connect() as connection:
            due = connection.execute(sa.select(reminders_table).where(
                reminders_table.c.state == "pending", reminders_table.c.due_at <= now,
            ).order_by(reminders_table.c.due_at).limit(limit)).mappings().all()
        claimed = []
        for row in due:
            with self.engine.begin() as connection:
                taken = connection.execute(reminders_table.update().where(
                    reminders_table.c.id == row["id"], reminders_table.c.state == "pending",
                ).values(state="delivering")).rowcount
            if taken:
                claimed.append(_reminder(row))
        return claimed

    def finish_delivery(self, reminder_id: int, delivered: bool, now: dt.datetime) -> None:
        values = {"state": "sent", "sent_at": now} if delivered else {"state": "pending"}
        with self.engine.begin() as connection:
            connection.execute(reminders_table.update().where(
                reminders_table.c.id == reminder_id, reminders_table.c.state == "delivering").values(**values))

    def release_interrupted(self) -> int:
        """Reminders a stopped server was delivering go back in the queue."""
        with self.engine.begin() as connection:
            return connection.execute(reminders_table.update().where(
                reminders_table.c.state == "delivering").values(state="pending")).rowcount


@lru_cache(maxsize=4)
def interviews(url: Optional[str] = None) -> Interviews:
    # one engine (and connection pool) per database for all of the action server's tables
    return Interviews(store(url).engine)
