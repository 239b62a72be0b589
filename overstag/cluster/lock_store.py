"""The conversation lock: one server at a time per conversation, in arrival order.

Named in endpoints.yml. With OVERSTAG_REDIS_URL it holds across servers and Sanic
workers; without it, across the requests of this one process.

Rasa's own `RedisLockStore` reads a ticket list, changes it and writes it back
(rasa issue 9213): two servers can draw the same ticket, and the order breaks
under load. Here every step is one Lua script, so Redis runs it atomically:

- a conversation's queue is a sorted set of ticket numbers drawn with INCR, so
  the first message to reach Redis is served first;
- each ticket carries a deadline (Redis's own clock) in a hash. The holder and
  the waiters renew theirs while their process lives, from a thread of its own
  (`LeaseKeeper`): a turn that keeps the event loop busy longer than a lease (a
  loaded server predicts in the loop) must not lose its lock to the next message.
  A ticket whose deadline passed at the head of the queue is dropped, so a killed
  server delays the others by one lease at most;
- releasing removes the ticket, whether it was served or gave up waiting;
- a retry of a message (the same idempotency key, `message_id`) queues right
  behind its first attempt, not at the back: when the first attempt's server died
  with it, the retry is still served before the messages sent after it, and when
  the first attempt lives, the retry finds its answer stored (turn_guard).

The client library's `Lock` is atomic too, but whoever polls first wins: no order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, AsyncGenerator, Dict, List, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from overstag import settings
from overstag.cluster import redis_client
from overstag.rasa_patches import turn_guard
from overstag.rasa_patches.tracker_store import StorageUnavailableError

logger = logging.getLogger(__name__)
PREFIX = "overstag:lock:"
KEEP_MS = 24 * 3600 * 1000  # an idle conversation's lock keys go after a day
FIRST_POLL, LAST_POLL = 0.004, 0.05  # seconds between attempts while waiting

_NOW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
"""
_KEEP = """
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV]) end
"""
# KEYS: queue (sorted set: ticket -> place), deadlines (hash), counter, retries
# (hash: idempotency key -> place of its last attempt); ARGV: lease, key, keep
ENQUEUE = (
    _NOW
    + """
local ticket = redis.call('INCR', KEYS[3])
local place = ticket
if ARGV[2] ~= '' then
  local earlier = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '')
  if earlier then
    place = earlier + (math.floor(earlier) + 1 - earlier) / 2
  end
  redis.call('HSET', KEYS[4], ARGV[2], place)
end
redis.call('ZADD', KEYS[1], place, ticket)
redis.call('HSET', KEYS[2], ticket, ms + tonumber(ARGV[1]))
"""
    + _KEEP
    + "return ticket"
)
# 1: yours; 0: wait; -1: the ticket is gone (it was let expire)
ACQUIRE = (
    _NOW
    + """
local ticket = ARGV[1]
if not redis.call('ZSCORE', KEYS[1], ticket) then return -1 end
redis.call('HSET', KEYS[2], ticket, ms + tonumber(ARGV[2]))
"""
    + _KEEP
    + """
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ticket then return 1 end
  local deadline = tonumber(redis.call('HGET', KEYS[2], head) or '0')
  if deadline >= ms then return 0 end
  redis.call('ZREM', KEYS[1], head)
  redis.call('HDEL', KEYS[2], head)
end
"""
)
RENEW = (
    _NOW
    + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ms + tonumber(ARGV[2]))
"""
    + _KEEP
    + "return 1"
)
# ARGV: ticket, the key of a message that was served (or ''), keep
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[4], ARGV[2]) end
return 1
"""


class LeaseKeeper:
    """Renews this process's tickets every third of a lease, from a daemon thread
    with its own (blocking) Redis connection, so renewals go on however long a
    turn holds the event loop. Made on first use; one per process, because
    Sanic's worker processes each need their own thread and connection."""

    def __init__(self, url: str, lease_ms: int) -> None:
        self.url, self.lease_ms = url, lease_ms
        self._tickets: Dict[Tuple[str, int], List[str]] = {}
        self._guard = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def add(self, keys: List[str], ticket: int) -> None:
        with self._guard:
            self._tickets[(keys[0], ticket)] = keys
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="overstag-lock-leases", daemon=True
                )
                self._thread.start()

    def discard(self, keys: List[str], ticket: int) -> None:
        with self._guard:
            self._tickets.pop((keys[0], ticket), None)

    def held(self) -> int:
        with self._guard:
            return len(self._tickets)

    def _run(self) -> None:
        import redis

        connection = redis.Redis.from_url(
            self.url,
            socket_timeout=redis_client.TIMEOUT,
            socket_connect_timeout=redis_client.TIMEOUT,
        )
        renew = connection.register_script(RENEW)
        stop = threading.Event()
        while not stop.wait(self.lease_ms / 3000):
            with self._guard:
                tickets = list(self._tickets.items())
            if not tickets:
                continue
            try:
                pipe = connection.pipeline(transaction=False)
                for (_, ticket), keys in tickets:
                    renew(keys=keys, args=[ticket, self.lease_ms, KEEP_MS], client=pipe)
                results = pipe.execute()
            except Exception as error:  # the thread must outlive any failure
                # the turns go on; the next round may get through
                logger.error(
                    "Renewing the conversation locks failed (%s)", type(error).__name__
                )
                continue
            for ((_, ticket), keys), kept in zip(tickets, results, strict=True):
                if not kept:
                    logger.error("A conversation's lock expired while it was held")
                    self.discard(keys, ticket)


_KEEPERS: Dict[Tuple[int, str, int], LeaseKeeper] = {}
_KEEPERS_GUARD = threading.Lock()


def lease_keeper(url: str, lease_ms: int) -> LeaseKeeper:
    key = (os.getpid(), url, lease_ms)
    with _KEEPERS_GUARD:
        if key not in _KEEPERS:
            _KEEPERS[key] = LeaseKeeper(url, lease_ms)
        return _KEEPERS[key]


class LocalLocks:
    """One process's conversation locks; asyncio's Lock serves waiters in order."""

    def __init__(self) -> None:
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(conversation_id) or (asyncio.Lock(), 0)
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)


# a ticket drawn as the request arrived (`reserve`), used by the `lock` that follows
_RESERVED: ContextVar[Optional["Reservation"]] = ContextVar(
    "overstag_reserved_ticket", default=None
)


class Reservation:
    def __init__(self, conversation_id: str, ticket: int) -> None:
        self.conversation_id, self.ticket = conversation_id, ticket
        self.used = False


class FifoRedisLockStore(LockStore):
    """Rasa's lock store interface (`lock`) on Redis, first come first served."""

    def __init__(
        self,
        endpoint_config: Optional[Any] = None,
        lease_seconds: Optional[float] = None,
        prefix: str = PREFIX,
    ) -> None:
        self.lease_ms = int(1000 * (lease_seconds or settings.lock_lease_seconds()))
        self.prefix = prefix
        self.local = LocalLocks()
        self._scripts: Dict[Tuple[int, str], Any] = {}

    def _keys(self, conversation_id: str) -> list:
        # one hash tag per conversation: the three keys live together in a cluster
        tag = f"{self.prefix}{{{conversation_id}}}"
        return [f"{tag}:queue", f"{tag}:deadlines", f"{tag}:next", f"{tag}:retries"]

    def _script(self, redis: Any, source: str) -> Any:
        key = (id(redis), source)
        if key not in self._scripts:
            self._scripts[key] = redis.register_script(source)
        return self._scripts[key]

    async def _run(self, redis: Any, source: str, keys: list, *args: Any) -> int:
        from redis.exceptions import RedisError

        try:
            script = self._script(redis, source)
            return int(await script(keys=keys, args=[*args, KEEP_MS]))
        except RedisError as error:
            logger.error("The lock store failed (%s)", type(error).__name__)
            raise StorageUnavailableError(type(error).__name__) from None

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        redis = redis_client.client()
        if redis is None:
            async with self.local.hold(conversation_id):
                yield TicketLock(conversation_id)
            return
        keys = self._keys(conversation_id)
        key = turn_guard.client_key() or ""
        reserved = _RESERVED.get()
        if (
            reserved
            and reserved.conversation_id == conversation_id
            and not reserved.used
        ):
            reserved.used = True
            ticket = reserved.ticket
        else:
            ticket = await self._enqueue(redis, keys, key)
        served = ""
        try:
            await self._wait(redis, keys, ticket, lock_lifetime)
            yield TicketLock(conversation_id)
            served = key
        finally:
            self._keeper().discard(keys, ticket)
            await self._run(redis, RELEASE, keys, ticket, served)

    def _keeper(self) -> LeaseKeeper:
        return lease_keeper(settings.redis_url() or "", self.lease_ms)

    async def _enqueue(self, redis: Any, keys: list, key: str) -> int:
        ticket = await self._run(redis, ENQUEUE, keys, self.lease_ms, key)
        self._keeper().add(keys, ticket)
        return ticket

    async def reserve(self, conversation_id: str, key: Optional[str]) -> None:
        """Draws the conversation's ticket as the request arrives, before the checks
        and reads that come before Rasa takes the lock: a message's place in the
        queue is when it reached a server, however busy that server is. Used by
        the `lock` of the same request; `release_reserved` frees one never used."""
        redis = redis_client.client()
        if redis is None:
            return
        keys = self._keys(conversation_id)
        ticket = await self._enqueue(redis, keys, key or "")
        _RESERVED.set(Reservation(conversation_id, ticket))

    async def release_reserved(self) -> None:
        reserved = _RESERVED.get()
        _RESERVED.set(None)
        if reserved is None or reserved.used:
            return
        redis = redis_client.client()
        if redis is not None:
            keys = self._keys(reserved.conversation_id)
            self._keeper().discard(keys, reserved.ticket)
            await self._run(redis, RELEASE, keys, reserved.ticket, "")

    async def _wait(self, redis: Any, keys: list, ticket: int, limit: float) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + limit
        pause = FIRST_POLL
        while True:
            state = await self._run(redis, ACQUIRE, keys, ticket, self.lease_ms)
            if state == 1:
                return
            if state == -1 or loop.time() > give_up:
                raise LockError("Could not acquire the conversation's lock.")
            await asyncio.sleep(pause)
            pause = min(LAST_POLL, pause * 1.5)

    # Rasa's ticket-list interface is not used with this store: `lock` is all
    # that Rasa and Overstag call.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
