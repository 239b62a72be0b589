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
from overstag.storage.tables import reminder_claims as claims_table
from overstag.storage.tables import reminder_pushes as pushes_table
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
    def claim_due(
        self,
        now: dt.datetime,
        owner: str,
        lease: dt.timedelta,
        limit: int = 50,
    ) -> List[Dict[str, Any]]:
        """Due reminders, each claimed by one server until `now + lease`: pending
        ones, and those whose claim expired because its server stopped renewing it."""
        claimed_ids = sa.select(claims_table.c.reminder_id)
        expired = claimed_ids.where(claims_table.c.expires_at < now)
        due = sa.or_(
            sa.and_(
                reminders_table.c.state == "pending", reminders_table.c.due_at <= now
            ),
            sa.and_(
                reminders_table.c.state == "delivering",
                sa.or_(
                    reminders_table.c.id.in_(expired),
                    reminders_table.c.id.not_in(claimed_ids),
                ),
            ),
        )
        with self.engine.connect() as connection:
            rows = (
                connection.execute(
                    sa.select(reminders_table)
                    .where(due)
                    .order_by(reminders_table.c.due_at)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return [
            _reminder(row) for row in rows if self._claim(row, now, owner, now + lease)
        ]

    def _claim(
        self, row: Any, now: dt.datetime, owner: str, until: dt.datetime
    ) -> bool:
        with self.engine.begin() as connection:
            if row["state"] == "pending":
                taken = connection.execute(
                    reminders_table.update()
                    .where(
                        reminders_table.c.id == row["id"],
                        reminders_table.c.state == "pending",
                    )
                    .values(state="delivering")
                ).rowcount
                if taken:
                    # SQLite may give a deleted reminder's id to a new one
                    for stale in (claims_table, pushes_table):
                        connection.execute(
                            stale.delete().where(stale.c.reminder_id == row["id"])
                        )
                    connection.execute(
                        claims_table.insert().values(
                            reminder_id=row["id"], owner=owner, expires_at=until
                        )
                    )
                return bool(taken)
            # a dead server's claim: whoever updates it first takes it over
            taken = connection.execute(
                claims_table.update()
                .where(
                    claims_table.c.reminder_id == row["id"],
                    claims_table.c.expires_at < now,
                )
                .values(owner=owner, expires_at=until)
            ).rowcount
            if taken:
                return True
            try:
                with connection.begin_nested():
                    # delivering without a claim: claimed before claims were kept
                    connection.execute(
                        claims_table.insert().values(
                            reminder_id=row["id"], owner=owner, expires_at=until
                        )
                    )
                return True
            except sa.exc.IntegrityError:
                return False

    def renew_claim(self, reminder_id: int, owner: str, until: dt.datetime) -> bool:
        """False when the claim is no longer this server's (it let it expire)."""
        with self.engine.begin() as connection:
            return (
                connection.execute(
                    claims_table.update()
                    .where(
                        claims_table.c.reminder_id == reminder_id,
                        claims_table.c.owner == owner,
                    )
                    .values(expires_at=until)
                ).rowcount
                == 1
            )

    def finish_delivery(
        self, reminder_id: int, delivered: bool, now: dt.datetime, owner: str
    ) -> bool:
        """Sent, or due again; only by the server that holds the claim."""
        values = (
            {"state": "sent", "sent_at": now} if delivered else {"state": "pending"}
        )
        with self.engine.begin() as connection:
            ours = connection.execute(
                claims_table.delete().where(
                    claims_table.c.reminder_id == reminder_id,
                    claims_table.c.owner == owner,
                )
            ).rowcount
            if not ours:
                return False
            if delivered:
                connection.execute(
                    pushes_table.delete().where(
                        pushes_table.c.reminder_id == reminder_id
                    )
                )
            connection.execute(
                reminders_table.update()
                .where(
                    reminders_table.c.id == reminder_id,
                    reminders_table.c.state == "delivering",
                )
                .values(**values)
            )
            return True

    def pushed(self, reminder_id: int) -> bool:
        """Whether the reminder already went out as a direct message (by a server
        that died before marking it sent)."""
        query = sa.select(pushes_table.c.reminder_id).where(
            pushes_table.c.reminder_id == reminder_id
        )
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def mark_pushed(
        self, reminder_id: int, channel: str, owner: str, now: dt.datetime
    ) -> bool:
        """Records the direct message, only while `owner` holds the claim."""
        with self.engine.begin() as connection:
            ours = connection.execute(
                sa.select(claims_table.c.reminder_id).where(
                    claims_table.c.reminder_id == reminder_id,
                    claims_table.c.owner == owner,
                )
            ).first()
            if ours is None:
                return False
            try:
                with connection.begin_nested():
                    connection.execute(
                        pushes_table.insert().values(
                            reminder_id=reminder_id, channel=channel, pushed_at=now
                        )
                    )
            except sa.exc.IntegrityError:
                pass
            return True
