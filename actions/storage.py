"""The action server's own records, beside (never inside) Rasa's `events` table.

One row per piece of advice shown: category, confidence, language, the
suggestions given and when. The candidate's words are not stored, so no names
end up here. Tables are created on first use.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from overstag import settings, sqlite_tuning

metadata = sa.MetaData()

coached_objections = sa.Table(
    "overstag_coached_objections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # coach, another, still_no
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("confidence", sa.Float),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("suggestions", sa.Text, nullable=False),  # JSON list of concession ids
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


rehearsal_sessions = sa.Table(
    "overstag_rehearsal_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("persona", sa.String(64), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("difficulty", sa.String(16), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("outcome", sa.String(16)),  # empty while the rehearsal runs
    sa.Column("turns", sa.Integer, nullable=False, default=0),
    sa.Column("scores", sa.Text),  # JSON: rubric item -> 0..2
    sa.Column("agreements", sa.Text),  # JSON list of offer moves agreed
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
)

rehearsal_turns = sa.Table(
    "overstag_rehearsal_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("overstag_rehearsal_sessions.id"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("moves", sa.Text, nullable=False),  # JSON list; the interviewer's words are not kept
    sa.Column("effects", sa.Text, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    def __init__(self, url: str) -> None:
        settings.ensure_database_dir(url)
        self.engine = sqlite_tuning.create_engine(url, future=True, pool_pre_ping=True)
        metadata.create_all(self.engine)

    def record(
        self,
        conversation_id: str,
        kind: str,
        category: str,
        language: str,
        suggestions: List[str],
        confidence: Optional[float] = None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                coached_objections.insert().values(
                    conversation_id=conversation_id[:128],
                    kind=kind,
                    category=category,
                    confidence=confidence,
                    language=language,
                    suggestions=json.dumps(suggestions),
                    created_at=_now(),
                )
            )

    def records(self, conversation_id: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(coached_objections).order_by(coached_objections.c.id)
        if conversation_id is not None:
            query = query.where(coached_objections.c.conversation_id == conversation_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [{**row, "suggestions": json.loads(row["suggestions"])} for row in rows]


    def start_rehearsal(self, conversation_id: str, persona: str, category: str,
                        difficulty: str, language: str) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(rehearsal_sessions.insert().values(
                conversation_id=conversation_id[:128], persona=persona, category=category,
                difficulty=difficulty, language=language, turns=0, started_at=_now()))
            return int(result.inserted_primary_key[0])

    def finish_rehearsal(self, session_id: int, outcome: str, scores: Dict[str, int],
                         agreements: List[str], turns: List[Dict[str, Any]]) -> None:
        with self.engine.begin() as connection:
            connection.execute(rehearsal_sessions.update().where(rehearsal_sessions.c.id == session_id).values(
                outcome=outcome, turns=len(turns), scores=json.dumps(scores),
                agreements=json.dumps(agreements), ended_at=_now()))
            if turns:
                connection.execute(rehearsal_turns.insert(), [
                    {"session_id": session_id, "number": number, "moves": json.dumps(turn["moves"]),
                     "effects": json.dumps(turn["effects"]), "stage": turn["stage"]}
                    for number, turn in enumerate(turns, start=1)])

    def rehearsals(self, conversation_id: str, finished: bool = True) -> List[Dict[str, Any]]:
        query = (sa.select(rehearsal_sessions)
                 .where(rehearsal_sessions.c.conversation_id == conversation_id)
                 .order_by(rehearsal_sessions.c.id))
        if finished:
            query = query.where(rehearsal_sessions.c.outcome.is_not(None))
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [{**row, "scores": json.loads(row["scores"] or "{}"),
                 "agreements": json.loads(row["agreements"] or "[]")} for row in rows]

    def rehearsal_turns(self, session_id: int) -> List[Dict[str, Any]]:
        query = sa.select(rehearsal_turns).where(rehearsal_turns.c.session_id == session_id).order_by(
            rehearsal_turns.c.number)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [{**row, "moves": json.loads(row["moves"]), "effects": json.loads(row["effects"])} for row in rows]


@lru_cache(maxsize=4)
def store(url: Optional[str] = None) -> Store:
    return Store(url or settings.database_url())
