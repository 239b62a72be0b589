"""The conversation lock's background work, on a thread of its own per process.

- Leases: every ticket this process holds or waits with is renewed every third of
  a lease. A task on the event loop would not do: a loaded server predicts inside
  its loop, and a renewal queued behind a few seconds of that let the next
  message's server take the lock from a live holder (seen in CI).
- Lateness: how long messages now take from the balancer's stamp to Redis. Each
  server reports the worst it saw in the last moment to a per-second key, and
  reads the worst of all servers over the last `WINDOW_S` seconds; a stamped
  ticket waits that long (`hold_ms`) after its stamp before it is served, so a
  message that a busy replica is slow to read keeps its place.

One keeper per process and lease (Sanic's worker processes each need their own
thread and connection), made on first use.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from overstag.cluster import redis_client

logger = logging.getLogger(__name__)
KEEP_MS = 24 * 3600 * 1000
TICK_S = 0.25  # how often lateness is reported and read
WINDOW_S = 10  # lateness seen this recently counts
HOLD_CAP_MS = 3000  # a stamped message never waits longer than this for others
# lateness grows in steps between two looks at it (seen: 70 ms at the median, up to
# 1.5 s while a replica restarts)
MARGIN, SLACK_MS = 1.5, 10
LATENESS_PREFIX = "overstag:lock-lateness:"

RENEW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ms + tonumber(ARGV[2]))
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV]) end
return 1
"""
# KEYS: this second's key; ARGV: lateness (ms), time to live (ms)
REPORT = """
local seen = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > seen then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
"""


class LeaseKeeper:
    def __init__(self, url: str, lease_ms: int) -> None:
        self.url, self.lease_ms = url, lease_ms
        self._tickets: Dict[Tuple[str, int], List[str]] = {}
        self._guard = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._late_ms = -1  # the worst lateness seen since the last report
        self._hold_ms = 0

    def add(self, keys: List[str], ticket: int) -> None:
        with self._guard:
            self._tickets[(keys[0], ticket)] = keys
            self._start()

    def discard(self, keys: List[str], ticket: int) -> None:
        with self._guard:
            self._tickets.pop((keys[0], ticket), None)

    def held(self) -> int:
        with self._guard:
            return len(self._tickets)

    def note_lateness(self, late_ms: int) -> None:
        with self._guard:
            self._late_ms = max(self._late_ms, late_ms)
            # a message much later than the hold allows for widens it at once
            self._hold_ms = max(self._hold_ms, _hold(late_ms))
            self._start()

    def hold_ms(self) -> int:
        return self._hold_ms

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="overstag-lock-leases", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        import redis

        connection = redis.Redis.from_url(
            self.url,
            socket_timeout=redis_client.TIMEOUT,
            socket_connect_timeout=redis_client.TIMEOUT,
        )
        renew = connection.register_script(RENEW)
        report = connection.register_script(REPORT)
        renewed_at = time.monotonic()
        stop, failing = threading.Event(), False
        while not stop.wait(TICK_S):
            try:
                self._lateness(connection, report)
                if time.monotonic() - renewed_at >= self.lease_ms / 3000:
                    renewed_at = time.monotonic()
                    self._renew(connection, renew)
                failing = False
            except Exception as error:  # the thread must outlive any failure
                # the turns go on; the next round may get through. Once per outage.
                if not failing:
                    logger.error(
                        "Renewing the conversation locks failed (%s)",
                        type(error).__name__,
                    )
                failing = True

    def _renew(self, connection: Any, renew: Any) -> None:
        with self._guard:
            tickets = list(self._tickets.items())
        if not tickets:
            return
        pipe = connection.pipeline(transaction=False)
        for (_, ticket), keys in tickets:
            renew(keys=keys, args=[ticket, self.lease_ms, KEEP_MS], client=pipe)
        for ((_, ticket), keys), kept in zip(tickets, pipe.execute(), strict=True):
            if not kept:
                logger.error("A conversation's lock expired while it was held")
                self.discard(keys, ticket)

    def _lateness(self, connection: Any, report: Any) -> None:
        with self._guard:
            late, self._late_ms = self._late_ms, -1
            if late < 0 and self._hold_ms == 0:
                return  # no stamped message seen lately: nothing to tell or wait for
        second = int(time.time())
        if late >= 0:
            report(
                keys=[f"{LATENESS_PREFIX}{second}"],
                args=[late, (WINDOW_S + 2) * 1000],
            )
        seen = connection.mget(
            [f"{LATENESS_PREFIX}{s}" for s in range(second - WINDOW_S, second + 1)]
        )
        worst = max((int(v) for v in seen if v is not None), default=0)
        with self._guard:
            self._hold_ms = _hold(worst)


def _hold(late_ms: int) -> int:
    return min(HOLD_CAP_MS, int(late_ms * MARGIN) + SLACK_MS) if late_ms > 0 else 0


_KEEPERS: Dict[Tuple[int, str, int], LeaseKeeper] = {}
_KEEPERS_GUARD = threading.Lock()


def lease_keeper(url: str, lease_ms: int) -> LeaseKeeper:
    key = (os.getpid(), url, lease_ms)
    with _KEEPERS_GUARD:
        if key not in _KEEPERS:
            _KEEPERS[key] = LeaseKeeper(url, lease_ms)
        return _KEEPERS[key]
