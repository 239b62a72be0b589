"""The time as Overstag stores it: aware datetimes in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Optional


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value
