"""Deliveries already answered, remembered by every server: Slack and Teams send
one message again (a retry, or one event under two names) and a different
replica may receive the copy.

With OVERSTAG_REDIS_URL the keys live in Redis with a time to live; without it,
in this process.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

from overstag.cluster import redis_client

logger = logging.getLogger(__name__)
PREFIX = "overstag:seen:"
# all keys new: remember them all, in one step, so two servers cannot both see "new"
ADD_ALL = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do redis.call('SET', KEYS[i], 1, 'PX', ARGV[1]) end
return 1
"""


class RecentKeys:
    """Keys seen in the last `ttl` seconds in this process, bounded in size."""

    def __init__(self, ttl: float, size: int = 20_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    def add(self, *keys: str) -> bool:
        now = time.monotonic()
        while self._seen and (
            len(self._seen) > self.size
            or next(iter(self._seen.values())) < now - self.ttl
        ):
            self._seen.popitem(last=False)
        if any(k in self._seen for k in keys):
            return False
        for key in keys:
            self._seen[key] = now
        return True


class SharedRecentKeys:
    """`await add(*keys)`: True when none of the keys was seen within `ttl`."""

    def __init__(self, ttl: float, namespace: str) -> None:
        self.ttl, self.namespace = ttl, namespace
        self.local = RecentKeys(ttl)
        self._scripts: Dict[Tuple[int, str], Any] = {}

    async def add(self, *keys: Optional[str]) -> bool:
        named = tuple(k for k in keys if k)
        redis = redis_client.client()
        if redis is None or not named:
            return self.local.add(*named)
        from redis.exceptions import RedisError

        script = self._scripts.get((id(redis), ADD_ALL))
        if script is None:
            script = self._scripts[(id(redis), ADD_ALL)] = redis.register_script(
                ADD_ALL
            )
        try:
            stored = [f"{PREFIX}{self.namespace}:{key}" for key in named]
            return bool(await script(keys=stored, args=[int(self.ttl * 1000)]))
        except RedisError as error:
            # better to answer a rare copy twice than to drop a message
            logger.error("Shared delivery memory failed (%s)", type(error).__name__)
            return self.local.add(*named)
