"""The name an interviewer signs confirmation e-mails with, remembered per user so
the next request form only asks to confirm it. Always read and written by the
user's own id: no call reaches another user's row."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from overstag import clock
from overstag.facts import MAX_INTERVIEWER_NAME_CHARS, MAX_USER_ID_CHARS
from overstag.storage.tables import interviewer_names


class InterviewerNames:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def of(self, user_id: str) -> Optional[str]:
        if not user_id:
            return None
        query = sa.select(interviewer_names.c.name).where(
            interviewer_names.c.user_id == user_id[:MAX_USER_ID_CHARS]
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def remember(self, user_id: str, name: str) -> None:
        if not user_id:
            return
        key = user_id[:MAX_USER_ID_CHARS]
        values = {"name": name[:MAX_INTERVIEWER_NAME_CHARS], "updated_at": clock.now()}
        table = interviewer_names
        with self.engine.begin() as connection:
            changed = connection.execute(
                table.update().where(table.c.user_id == key).values(**values)
            ).rowcount
            if not changed:
                connection.execute(table.insert().values(user_id=key, **values))
