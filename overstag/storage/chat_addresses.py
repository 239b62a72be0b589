"""Where Overstag may write to a user first (a Teams personal chat), by user.

Saved from the user's own verified messages only, so a reminder can never be
sent to an address someone else named.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Optional

import sqlalchemy as sa

from overstag import clock
from overstag.storage.tables import chat_addresses as table


class ChatAddresses:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def save(
        self,
        user_id: str,
        channel: str,
        address: Dict[str, Any],
        now: Optional[dt.datetime] = None,
    ) -> None:
        now = now or clock.now()
        stored = json.dumps(address, sort_keys=True)
        with self.engine.begin() as connection:
            found = connection.execute(
                sa.select(table.c.address, table.c.channel).where(
                    table.c.user_id == user_id
                )
            ).first()
            if found is not None and tuple(found) == (stored, channel):
                return
            if found is not None:
                connection.execute(
                    table.update()
                    .where(table.c.user_id == user_id)
                    .values(channel=channel, address=stored, updated_at=now)
                )
                return
            try:
                with connection.begin_nested():
                    connection.execute(
                        table.insert().values(
                            user_id=user_id,
                            channel=channel,
                            address=stored,
                            updated_at=now,
                        )
                    )
            except sa.exc.IntegrityError:
                pass  # saved by a parallel message of the same user

    def of(self, user_id: str, channel: str) -> Optional[Dict[str, Any]]:
        query = sa.select(table.c.address).where(
            table.c.user_id == user_id, table.c.channel == channel
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return json.loads(row[0]) if row else None
