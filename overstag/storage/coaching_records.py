"""One row per piece of advice shown: category, confidence, language, the
suggestions given and when. The candidate's words are not stored."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from overstag import clock
from overstag.facts import MAX_SENDER_CHARS
from overstag.storage.tables import coached_objections


class CoachingRecords:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

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
                    conversation_id=conversation_id[:MAX_SENDER_CHARS],
                    kind=kind,
                    category=category,
                    confidence=confidence,
                    language=language,
                    suggestions=json.dumps(suggestions),
                    created_at=clock.now(),
                )
            )

    def records(self, conversation_id: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(coached_objections).order_by(coached_objections.c.id)
        if conversation_id is not None:
            query = query.where(coached_objections.c.conversation_id == conversation_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [{**row, "suggestions": json.loads(row["suggestions"])} for row in rows]
