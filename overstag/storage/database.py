"""One engine per database per process, and the one place the tables are created.

SQLite is tuned for servers that commit after every message. SQLAlchemy 1.4 opens
a new SQLite connection for every session (NullPool); a small pool keeps them.
Write-ahead logging lets readers go on while a message is written, and with
`synchronous=NORMAL` a commit no longer waits for the disk: a power cut can lose
the last commits, a crashed process cannot. Other databases are left as they are.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

import sqlalchemy as sa

from overstag import settings
from overstag.storage import accounts
from overstag.storage.tables import metadata


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_options(url: str) -> Dict[str, Any]:
    if not str(url).startswith("sqlite"):
        return {}
    # a pooled connection may serve another thread later; the pool hands it to one
    # thread at a time
    return {
        "poolclass": sa.pool.QueuePool,
        "pool_size": 4,
        "connect_args": {"timeout": 15, "check_same_thread": False},
    }


def create_engine(url: Any, **kwargs: Any) -> sa.engine.Engine:
    created = sa.create_engine(url, **{**engine_options(str(url)), **kwargs})
    if created.dialect.name == "sqlite":
        sa.event.listen(created, "connect", _pragmas)
    return created


_ENGINES: Dict[str, sa.engine.Engine] = {}
_LOCK = threading.Lock()


def engine(url: Optional[str] = None) -> sa.engine.Engine:
    """The engine of `url` (default: the configured database), its tables created."""
    url = url or settings.database_url()
    with _LOCK:
        if url not in _ENGINES:
            settings.ensure_database_dir(url)
            created = create_engine(url, future=True, pool_pre_ping=True)
            # the only create_all: tables that exist are left as they are
            metadata.create_all(created)
            with created.begin() as connection:
                accounts.adopt_orphans(connection)
            _ENGINES[url] = created
        return _ENGINES[url]


def dispose_all() -> None:
    """Closes every pool; the next `engine()` starts afresh (tests switch databases)."""
    with _LOCK:
        for created in _ENGINES.values():
            created.dispose()
        _ENGINES.clear()
