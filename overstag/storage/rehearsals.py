"""Rehearsal sessions and their turns: moves, effects and stages, never the
interviewer's words."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from overstag import clock
from overstag.facts import MAX_SENDER_CHARS
from overstag.storage.accounts import owned_by
from overstag.storage.tables import rehearsal_sessions, rehearsal_turns

# scores stored before the rubric's item was renamed
RENAMED = {"fitting_concession": "fitting_offer"}


def _scores(stored: Any) -> Dict[str, Any]:
    scores = json.loads(stored or "{}")
    return {RENAMED.get(key, key): value for key, value in scores.items()}


class Rehearsals:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def start(
        self,
        conversation_id: str,
        persona: str,
        category: str,
        difficulty: str,
        language: str,
    ) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                rehearsal_sessions.insert().values(
                    conversation_id=conversation_id[:MAX_SENDER_CHARS],
                    persona=persona,
                    category=category,
                    difficulty=difficulty,
                    language=language,
                    turns=0,
                    started_at=clock.now(),
                )
            )
            return int(result.inserted_primary_key[0])

    def finish(
        self,
        session_id: int,
        outcome: str,
        scores: Dict[str, Optional[int]],
        agreements: List[str],
        turns: List[Dict[str, Any]],
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                rehearsal_sessions.update()
                .where(rehearsal_sessions.c.id == session_id)
                .values(
                    outcome=outcome,
                    turns=len(turns),
                    scores=json.dumps(scores),
                    agreements=json.dumps(agreements),
                    ended_at=clock.now(),
                )
            )
            if turns:
                rows = [
                    {
                        "session_id": session_id,
                        "number": number,
                        "moves": json.dumps(turn["moves"]),
                        "effects": json.dumps(turn["effects"]),
                        "stage": turn["stage"],
                    }
                    for number, turn in enumerate(turns, start=1)
                ]
                connection.execute(rehearsal_turns.insert(), rows)

    def discard(self, session_id: int) -> None:
        """A session stopped before its first turn: not a rehearsal at all."""
        with self.engine.begin() as connection:
            connection.execute(
                rehearsal_sessions.delete().where(rehearsal_sessions.c.id == session_id)
            )

    def of(self, user_id: str, finished: bool = True) -> List[Dict[str, Any]]:
        """The user's rehearsals in all their conversations, oldest first; by
        default finished ones."""
        query = (
            sa.select(rehearsal_sessions)
            .where(rehearsal_sessions.c.conversation_id.in_(owned_by(user_id)))
            .order_by(rehearsal_sessions.c.id)
        )
        if finished:
            query = query.where(rehearsal_sessions.c.outcome.is_not(None))
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            {
                **row,
                "started_at": clock.as_utc(row["started_at"]),
                "ended_at": clock.as_utc(row["ended_at"]),
                "scores": _scores(row["scores"]),
                "agreements": json.loads(row["agreements"] or "[]"),
            }
            for row in rows
        ]

    def turns(self, session_id: int) -> List[Dict[str, Any]]:
        query = (
            sa.select(rehearsal_turns)
            .where(rehearsal_turns.c.session_id == session_id)
            .order_by(rehearsal_turns.c.number)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            {
                **row,
                "moves": json.loads(row["moves"]),
                "effects": json.loads(row["effects"]),
            }
            for row in rows
        ]
