"""Prepared interviews and their reminders.

Only what the interviewer typed into the request form is kept (a first name or
pseudonym, never a surname or contact details); deleting an interview deletes
its reminders with it. The Rasa server delivers due reminders from the same
tables (overstag/follow_up/delivery.py), so reminders survive a restart.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from overstag.clock import as_utc
from overstag.facts import MAX_CANDIDATE_NAME_CHARS, MAX_OUTLET_CHARS, MAX_SENDER_CHARS
from overstag.storage.accounts import owned_by
from overstag.storage.tables import interviews as interviews_table
from overstag.storage.tables import reminders as reminders_table


def _interview(row: Any) -> Dict[str, Any]:
    item = dict(row)
    item["concessions"] = json.loads(item["concessions"])
    item["own_agreements"] = json.loads(item["own_agreements"])
    item["created_at"], item["updated_at"] = (
        as_utc(item["created_at"]),
        as_utc(item["updated_at"]),
    )
    return item


def _reminder(row: Any) -> Dict[str, Any]:
    item = dict(row)
    item["due_at"], item["sent_at"] = as_utc(item["due_at"]), as_utc(item["sent_at"])
    return item


class Interviews:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def create(
        self,
        conversation_id: str,
        answers: Dict[str, Any],
        language: str,
        now: dt.datetime,
    ) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                interviews_table.insert().values(
                    conversation_id=conversation_id[:MAX_SENDER_CHARS],
                    candidate_name=answers["candidate_name"][:MAX_CANDIDATE_NAME_CHARS],
                    subject=answers["subject"],
                    outlet=answers["outlet"][:MAX_OUTLET_CHARS],
                    duration=int(answers["duration"]),
                    interview_form=answers["interview_form"],
                    review_scope=answers["review_scope"],
                    review_days=int(answers["review_days"])
                    if answers.get("review_days")
                    else None,
                    sensitive=bool(answers.get("sensitive")),
                    concessions=json.dumps(list(answers.get("concessions") or [])),
                    own_agreements=json.dumps(
                        list(answers.get("own_agreements") or [])
                    ),
                    language=language,
                    status="requested",
                    created_at=now,
                    updated_at=now,
                )
            )
            return int(result.inserted_primary_key[0])

    def _row(self, table: sa.Table, row_id: int) -> Optional[Any]:
        query = sa.select(table).where(table.c.id == row_id)
        with self.engine.connect() as connection:
            return connection.execute(query).mappings().first()

    def get(self, interview_id: int) -> Optional[Dict[str, Any]]:
        row = self._row(interviews_table, interview_id)
        return _interview(row) if row else None

    def of(self, user_id: str) -> List[Dict[str, Any]]:
        """The user's interviews, from every conversation of theirs."""
        query = (
            sa.select(interviews_table)
            .where(interviews_table.c.conversation_id.in_(owned_by(user_id)))
            .order_by(interviews_table.c.id)
        )
        with self.engine.connect() as connection:
            return [
                _interview(row) for row in connection.execute(query).mappings().all()
            ]

    def set_status(
        self,
        interview_id: int,
        status: str,
        plan: Sequence[Tuple[str, dt.datetime]],
        now: dt.datetime,
    ) -> None:
        """New status; reminders still pending from earlier stages are cancelled, the
        plan's added."""
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(interviews_table.c.conversation_id).where(
                    interviews_table.c.id == interview_id
                )
            ).first()
            if row is None:
                return
            connection.execute(
                interviews_table.update()
                .where(interviews_table.c.id == interview_id)
                .values(status=status, updated_at=now)
            )
            connection.execute(
                reminders_table.update()
                .where(
                    reminders_table.c.interview_id == interview_id,
                    reminders_table.c.state == "pending",
                )
                .values(state="cancelled")
            )
            if plan:
                connection.execute(
                    reminders_table.insert(),
                    [
                        {
                            "interview_id": interview_id,
                            "conversation_id": row[0],
                            "kind": kind,
                            "due_at": due,
                            "state": "pending",
                        }
                        for kind, due in plan
                    ],
                )

    def reminders(
        self, interview_id: int, states: Sequence[str] = ("pending",)
    ) -> List[Dict[str, Any]]:
        query = (
            sa.select(reminders_table)
            .where(
                reminders_table.c.interview_id == interview_id,
                reminders_table.c.state.in_(list(states)),
            )
            .order_by(reminders_table.c.due_at)
        )
        with self.engine.connect() as connection:
            return [
                _reminder(row) for row in connection.execute(query).mappings().all()
            ]

    def reminder(self, reminder_id: int) -> Optional[Dict[str, Any]]:
        row = self._row(reminders_table, reminder_id)
        return _reminder(row) if row else None

    def delete(self, interview_id: int) -> bool:
        with self.engine.begin() as connection:
            connection.execute(
                reminders_table.delete().where(
                    reminders_table.c.interview_id == interview_id
                )
            )
            return (
                connection.execute(
                    interviews_table.delete().where(
                        interviews_table.c.id == interview_id
                    )
                ).rowcount
                > 0
            )

    # -- delivery (called from the Rasa server) ----------------------------------
    def claim_due(self, now: dt.datetime, limit: int = 50) -> List[Dict[str, Any]]:
        """Due reminders, each handed to one caller only, even with several servers."""
        with self.engine.connect() as connection:
            due = (
                connection.execute(
                    sa.select(reminders_table)
                    .where(
                        reminders_table.c.state == "pending",
                        reminders_table.c.due_at <= now,
                    )
                    .order_by(reminders_table.c.due_at)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        claimed = []
        for row in due:
            with self.engine.begin() as connection:
                taken = connection.execute(
                    reminders_table.update()
                    .where(
                        reminders_table.c.id == row["id"],
                        reminders_table.c.state == "pending",
                    )
                    .values(state="delivering")
                ).rowcount
            if taken:
                claimed.append(_reminder(row))
        return claimed

    def finish_delivery(
        self, reminder_id: int, delivered: bool, now: dt.datetime
    ) -> None:
        values = (
            {"state": "sent", "sent_at": now} if delivered else {"state": "pending"}
        )
        with self.engine.begin() as connection:
            connection.execute(
                reminders_table.update()
                .where(
                    reminders_table.c.id == reminder_id,
                    reminders_table.c.state == "delivering",
                )
                .values(**values)
            )

    def release_interrupted(self) -> int:
        """Reminders a stopped server was delivering go back in the queue."""
        with self.engine.begin() as connection:
            return connection.execute(
                reminders_table.update()
                .where(reminders_table.c.state == "delivering")
                .values(state="pending")
            ).rowcount
