"""The conversation lock: one server at a time per conversation, in arrival order.

Named in endpoints.yml. With OVERSTAG_REDIS_URL it holds across servers and Sanic
workers; without it, across the requests of this one process.

Rasa's own `RedisLockStore` reads a ticket list, changes it and writes it back
(rasa issue 9213): two servers can draw the same ticket, and the order breaks
under load. Here every step is one Lua script, so Redis runs it atomically:

- a conversation's queue is a sorted set of tickets (drawn with INCR) placed by
  when their message reached the cluster: the balancer's stamp
  (`X-Overstag-Received`, epoch ms, set by HAProxy in front of the replicas),
  else the moment it reached Redis. A busy replica can take longer to read a
  request than a second message of the same conversation takes to reach the other
  replica, so the later message can reach Redis first; a stamped ticket is
  therefore served only once every message stamped before it has had the time
  messages now take to get from the balancer to Redis (`lock_leases.hold_ms`,
  measured across the servers, near zero on an idle cluster);
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
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, AsyncGenerator, Dict, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from overstag import settings
from overstag.cluster import redis_client
from overstag.cluster.lock_leases import KEEP_MS, LeaseKeeper, lease_keeper
from overstag.rasa_patches import turn_guard
from overstag.rasa_patches.tracker_store import StorageUnavailableError

logger = logging.getLogger(__name__)
PREFIX = "overstag:lock:"
# set by the balancer in front of the replicas: when it got the message (epoch ms)
STAMP_HEADER = "X-Overstag-Received"
FIRST_POLL, LAST_POLL = 0.004, 0.05  # seconds between attempts while waiting

_NOW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
"""
_KEEP = """
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[#ARGV]) end
"""
# KEYS: queue (sorted set: ticket -> place), deadlines (hash), counter, retries
# (hash: idempotency key -> place of its last attempt); ARGV: lease, key, stamp
# (epoch ms or ''), keep. A place is stamp * 1000 + a sequence number, written
# with string.format: Lua's own number-to-string keeps 14 digits only.
# Returns the ticket and how late it reached Redis after its stamp (ms).
ENQUEUE = (
    _NOW
    + """
local ticket = redis.call('INCR', KEYS[3])
local stamp = tonumber(ARGV[3])
-- a stamp far off Redis's clock is not believed
if not stamp or stamp > ms + 1000 or stamp < ms - 60000 then stamp = ms end
local place = stamp * 1000 + ticket % 1000
if ARGV[2] ~= '' then
  local earlier = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '')
  if earlier then
    place = earlier + (math.floor(earlier) + 1 - earlier) / 2
  end
  redis.call('HSET', KEYS[4], ARGV[2], string.format('%.3f', place))
end
redis.call('ZADD', KEYS[1], string.format('%.3f', place), ticket)
redis.call('HSET', KEYS[2], ticket, ms + tonumber(ARGV[1]))
"""
    + _KEEP
    + "return {ticket, math.max(0, ms - stamp)}"
)
# ARGV: ticket, lease, hold (ms), keep
# 1: yours; 0: wait; -1: the ticket is gone (it was let expire)
ACQUIRE = (
    _NOW
    + """
local ticket = ARGV[1]
local place = redis.call('ZSCORE', KEYS[1], ticket)
if not place then return -1 end
redis.call('HSET', KEYS[2], ticket, ms + tonumber(ARGV[2]))
"""
    + _KEEP
    + """
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ticket then
    -- a message stamped before this one may still be on its way to Redis
    if math.floor(tonumber(place) / 1000) + tonumber(ARGV[3]) > ms then
      return 0
    end
    return 1
  end
  local deadline = tonumber(redis.call('HGET', KEYS[2], head) or '0')
  if deadline >= ms then return 0 end
  redis.call('ZREM', KEYS[1], head)
  redis.call('HDEL', KEYS[2], head)
end
"""
)
# ARGV: ticket, the key of a message that was served (or ''), keep
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[4], ARGV[2]) end
return 1
"""


def stamp_of(headers: Any) -> Optional[int]:
    """The balancer's stamp of a request in epoch ms, or None: HAProxy's
    `%[date(0,ms)]` ("1796296071719") or nginx's `$msec` ("1796296071.719")."""
    value = str(headers.get(STAMP_HEADER) or "")
    if not value.isascii():  # str.isdigit also takes "²", which int() refuses
        return None
    whole, dot, millis = value.partition(".")
    if not (whole.isdigit() and len(whole) <= 15):
        return None
    if not dot:
        return int(whole)
    if len(millis) == 3 and millis.isdigit() and len(whole) <= 12:
        return int(whole) * 1000 + int(millis)
    return None


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
    def __init__(self, conversation_id: str, ticket: int, stamped: bool) -> None:
        self.conversation_id, self.ticket, self.stamped = (
            conversation_id,
            ticket,
            stamped,
        )
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

    async def _run(self, redis: Any, source: str, keys: list, *args: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            script = self._script(redis, source)
            return await script(keys=keys, args=[*args, KEEP_MS])
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
            ticket, stamped = reserved.ticket, reserved.stamped
        else:
            ticket, stamped = await self._enqueue(redis, keys, key, None), False
        served = ""
        try:
            await self._wait(redis, keys, ticket, lock_lifetime, stamped)
            yield TicketLock(conversation_id)
            served = key
        finally:
            self._keeper().discard(keys, ticket)
            await self._run(redis, RELEASE, keys, ticket, served)

    def _keeper(self) -> LeaseKeeper:
        return lease_keeper(settings.redis_url() or "", self.lease_ms)

    async def _enqueue(
        self, redis: Any, keys: list, key: str, stamp: Optional[int]
    ) -> int:
        ticket, late = await self._run(
            redis, ENQUEUE, keys, self.lease_ms, key, "" if stamp is None else stamp
        )
        keeper = self._keeper()
        keeper.add(keys, int(ticket))
        if stamp is not None:
            keeper.note_lateness(int(late))
        return int(ticket)

    async def reserve(
        self, conversation_id: str, key: Optional[str], stamp: Optional[int] = None
    ) -> None:
        """Draws the conversation's ticket as the request arrives, before the checks
        and reads that come before Rasa takes the lock, placed by `stamp` (when
        the balancer got the message, epoch ms) or else by now. Used by the `lock`
        of the same request; `release_reserved` frees one never used."""
        redis = redis_client.client()
        if redis is None:
            return
        keys = self._keys(conversation_id)
        ticket = await self._enqueue(redis, keys, key or "", stamp)
        _RESERVED.set(Reservation(conversation_id, ticket, stamp is not None))

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

    async def _wait(
        self, redis: Any, keys: list, ticket: int, limit: float, stamped: bool
    ) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + limit
        pause = FIRST_POLL
        hold = self._keeper().hold_ms() if stamped else 0
        while True:
            state = int(
                await self._run(redis, ACQUIRE, keys, ticket, self.lease_ms, hold)
            )
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
