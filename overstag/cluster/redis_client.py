"""The Redis connection of this process, made on first use in the running loop.

A connection pool belongs to one event loop, and Sanic starts a loop per worker
process, so the client is kept per loop.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from overstag import settings

_CLIENTS: Dict[int, Any] = {}
TIMEOUT = 5.0  # seconds; a Redis that does not answer is an outage, not a wait


def client() -> Optional[Any]:
    """The shared Redis, or None when OVERSTAG_REDIS_URL is not set."""
    url = settings.redis_url()
    if not url:
        return None
    loop = id(asyncio.get_running_loop())
    if loop not in _CLIENTS:
        import redis.asyncio as redis

        _CLIENTS[loop] = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            health_check_interval=30,
        )
    return _CLIENTS[loop]
