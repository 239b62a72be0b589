"""SQLite settings for servers that commit after every message.

SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool); a
small pool keeps them. Write-ahead logging lets readers go on while a message is
written, and with `synchronous=NORMAL` a commit no longer waits for the disk: a
power cut can lose the last commits, a crashed process cannot. Other databases
are left as they are.
"""
from __future__ import annotations

from typing import Any, Dict

import sqlalchemy as sa


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_options(url: str) -> Dict[str, Any]:
    if not str(url).startswith("sqlite"):
        return {}
    # a pooled connection may serve another thread later; the pool hands it to one at a time
    return {"poolclass": sa.pool.QueuePool, "pool_size": 4,
            "connect_args": {"timeout": 15, "check_same_thread": False}}


def create_engine(url: Any, **kwargs: Any) -> Any:
    engine = sa.create_engine(url, **{**engine_options(str(url)), **kwargs})
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _pragmas)
    return engine
