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

from overstag import settings

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


class Store:
    def __init__(self, url: str) -> None:
        settings.ensure_database_dir(url)
        connect_args = {"timeout": 15} if url.startswith("sqlite") else {}
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
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
                    created_at=dt.datetime.now(dt.timezone.utc),
                )
            )

    def records(self, conversation_id: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(coached_objections).order_by(coached_objections.c.id)
        if conversation_id is not None:
            query = query.where(coached_objections.c.conversation_id == conversation_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [{**row, "suggestions": json.loads(row["suggestions"])} for row in rows]


@lru_cache(maxsize=4)
def store(url: Optional[str] = None) -> Store:
    return Store(url or settings.database_url())
