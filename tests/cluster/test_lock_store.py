"""The conversation lock on a real Redis: one holder at a time, served in arrival
order across several lock stores (servers), a dead holder's lease expiring, a long
turn's lease renewed, and a clear error when Redis is gone."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from overstag.cluster import lock_store as locks
from overstag.cluster import redis_client
from overstag.rasa_patches.tracker_store import StorageUnavailableError
from support.servers import ROOT

pytestmark = pytest.mark.integration


def stores(count, lease=2.0, prefix="test:"):
    return [
        locks.FifoRedisLockStore(lease_seconds=lease, prefix=prefix)
        for _ in range(count)
    ]


def test_one_holder_at_a_time_in_arrival_order_across_servers(redis_env):
    servers = stores(3, prefix="order:")

    async def scenario():
        entered, inside = [], []

        # connections opened beforehand: opening one takes longer than the gaps
        await asyncio.gather(*(_enter(s, "warm-up") for s in servers * 4))

        async def message(number):
            # message n reaches the lock n * 15 ms after the first, on server n % 3
            await asyncio.sleep(number * 0.015)
            async with servers[number % 3].lock("conversation-a"):
                inside.append(number)
                assert len(inside) == 1, "two holders at once"
                entered.append(number)
                await asyncio.sleep(0.002)
                inside.remove(number)

        await asyncio.gather(*(message(n) for n in range(60)))
        return entered

    entered = asyncio.run(scenario())
    assert entered == list(range(60))


def test_conversations_do_not_wait_for_each_other(redis_env):
    [server] = stores(1, prefix="apart:")

    async def scenario():
        order = []

        async def hold(conversation, seconds):
            async with server.lock(conversation):
                await asyncio.sleep(seconds)
                order.append(conversation)

        await asyncio.gather(hold("slow", 0.5), hold("quick", 0.0))
        return order

    assert asyncio.run(scenario()) == ["quick", "slow"]


HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from overstag.cluster.lock_store import FifoRedisLockStore

    async def main():
        store = FifoRedisLockStore(lease_seconds=1.0, prefix="dead:")
        async with store.lock("conversation-b"):
            print("holding", flush=True)
            await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def test_a_killed_holder_gives_the_lock_up_when_its_lease_ends(redis_env):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        [server] = stores(1, lease=1.0, prefix="dead:")

        async def scenario():
            waiting = asyncio.ensure_future(_enter(server, "conversation-b"))
            await asyncio.sleep(1.5)  # beyond the lease, but the holder renews it
            assert not waiting.done(), "entered while the holder was alive"
            os.kill(holder.pid, signal.SIGKILL)
            return await asyncio.wait_for(waiting, 30)

        assert asyncio.run(scenario()) == "entered"
    finally:
        holder.kill()
        holder.wait()


async def _enter(server, conversation):
    async with server.lock(conversation):
        return "entered"


def test_a_long_turn_keeps_its_lock_and_the_next_one_waits_for_it(redis_env):
    first, second = stores(2, lease=0.6, prefix="long:")

    async def scenario():
        events = []

        async def long_turn():
            async with first.lock("conversation-c"):
                events.append("first in")
                await asyncio.sleep(2.0)  # more than three leases
                events.append("first out")

        async def next_turn():
            await asyncio.sleep(0.1)
            async with second.lock("conversation-c"):
                events.append("second in")

        await asyncio.gather(long_turn(), next_turn())
        return events

    assert asyncio.run(scenario()) == ["first in", "first out", "second in"]


BUSY_HOLDER = textwrap.dedent(
    """
    import asyncio, time
    from overstag.cluster.lock_store import FifoRedisLockStore

    async def main():
        store = FifoRedisLockStore(lease_seconds=0.6, prefix="busy:")
        async with store.lock("conversation-busy"):
            print("holding", flush=True)
            time.sleep(2.5)  # a turn computing in the event loop: no task runs
            print("done", flush=True)
            await asyncio.sleep(0.5)

    asyncio.run(main())
    """
)


def test_a_turn_that_keeps_the_event_loop_busy_keeps_its_lock(redis_env):
    holder = subprocess.Popen(
        [sys.executable, "-c", BUSY_HOLDER],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        [server] = stores(1, lease=0.6, prefix="busy:")

        async def scenario():
            waiting = asyncio.ensure_future(_enter(server, "conversation-busy"))
            done = await asyncio.to_thread(holder.stdout.readline)
            # four leases went by with the holder's loop blocked; it still held
            assert done.strip() == "done"
            assert not waiting.done(), "entered while the holder was computing"
            return await asyncio.wait_for(waiting, 10)

        assert asyncio.run(scenario()) == "entered"
    finally:
        holder.kill()
        holder.wait()


def test_a_waiter_that_gives_up_leaves_the_queue(redis_env):
    first, second, third = stores(3, prefix="cancel:")

    async def scenario():
        order = []

        async def hold():
            async with first.lock("conversation-d"):
                await asyncio.sleep(0.4)
                order.append("first")

        async def impatient():
            await asyncio.sleep(0.05)
            async with second.lock("conversation-d"):
                order.append("never")

        async def patient():
            await asyncio.sleep(0.1)
            async with third.lock("conversation-d"):
                order.append("third")

        held = asyncio.ensure_future(hold())
        gone = asyncio.ensure_future(impatient())
        last = asyncio.ensure_future(patient())
        await asyncio.sleep(0.2)
        gone.cancel()  # e.g. the client hung up
        await asyncio.gather(held, last)
        return order

    assert asyncio.run(scenario()) == ["first", "third"]


def test_without_redis_the_lock_holds_within_the_process(monkeypatch):
    monkeypatch.delenv("OVERSTAG_REDIS_URL", raising=False)
    [server] = stores(1)

    async def scenario():
        entered, inside = [], []

        async def message(number):
            await asyncio.sleep(number * 0.001)
            async with server.lock("conversation-e"):
                inside.append(number)
                assert len(inside) == 1
                entered.append(number)
                await asyncio.sleep(0.001)
                inside.remove(number)

        await asyncio.gather(*(message(n) for n in range(30)))
        return entered

    assert asyncio.run(scenario()) == list(range(30))
    assert server.local._locks == {}


def test_redis_gone_is_a_storage_outage_not_a_hang(monkeypatch):
    from support.servers import free_port

    monkeypatch.setenv("OVERSTAG_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    redis_client._CLIENTS.clear()
    [server] = stores(1)

    async def scenario():
        async with server.lock("conversation-f"):
            pass

    with pytest.raises(StorageUnavailableError):
        asyncio.run(scenario())
    redis_client._CLIENTS.clear()


WAITER = textwrap.dedent(
    """
    import asyncio
    from overstag.cluster.lock_store import FifoRedisLockStore
    from overstag.rasa_patches import turn_guard

    async def main():
        store = FifoRedisLockStore(lease_seconds=1.0, prefix="retry:")
        with turn_guard.watch("message-4"):
            print("queueing", flush=True)
            async with store.lock("conversation-g"):
                print("never", flush=True)

    asyncio.run(main())
    """
)


def test_a_retry_keeps_its_first_attempts_place_when_that_server_died(redis_env):
    from overstag.rasa_patches import turn_guard

    [server] = stores(1, lease=1.0, prefix="retry:")

    async def scenario():
        order = []
        holding, release = asyncio.Event(), asyncio.Event()

        async def holder():
            async with server.lock("conversation-g"):
                holding.set()
                await release.wait()

        async def message(key, name):
            with turn_guard.watch(key):
                async with server.lock("conversation-g"):
                    order.append(name)

        first = asyncio.ensure_future(holder())
        await holding.wait()
        # message 4 reaches another server, which dies while it waits its turn
        dying = subprocess.Popen(
            [sys.executable, "-c", WAITER],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert await asyncio.to_thread(dying.stdout.readline) == "queueing\n"
        await asyncio.sleep(0.5)
        os.kill(dying.pid, signal.SIGKILL)
        dying.wait()
        # message 5 is sent after it, then the client resends message 4
        fifth = asyncio.ensure_future(message("message-5", "5"))
        await asyncio.sleep(0.1)
        fourth = asyncio.ensure_future(message("message-4", "4 (retried)"))
        await asyncio.sleep(0.1)
        release.set()
        await asyncio.gather(first, fifth, fourth)
        return order

    assert asyncio.run(scenario()) == ["4 (retried)", "5"]


def test_a_message_a_busy_server_reads_late_keeps_the_place_the_balancer_gave_it(
    redis_env,
):
    slow, quick = stores(2, prefix="stamped:")

    async def scenario():
        order = []
        # messages have lately taken up to 400 ms from the balancer to Redis
        slow._keeper().note_lateness(400)
        sent = int(time.time() * 1000)

        async def message(server, name, stamp, reaches_redis_after):
            await asyncio.sleep(reaches_redis_after)
            await server.reserve("conversation-s", None, stamp)
            try:
                async with server.lock("conversation-s"):
                    order.append(name)
            finally:
                await server.release_reserved()

        await asyncio.gather(
            # sent first, but its server is busy: it reaches Redis 0.35 s later
            message(slow, "first", sent, 0.35),
            # sent 150 ms later to the idle server, which reads it at once
            message(quick, "second", sent + 150, 0.15),
        )
        return order

    assert asyncio.run(scenario()) == ["first", "second"]


def test_a_stamp_far_off_the_clock_is_not_believed(redis_env):
    [server] = stores(1, prefix="forged:")

    async def scenario():
        started = time.monotonic()
        await server.reserve("conversation-f", None, int(time.time() * 1000) + 10**9)
        try:
            async with server.lock("conversation-f"):
                return time.monotonic() - started
        finally:
            await server.release_reserved()

    assert asyncio.run(scenario()) < 2.5  # not held until the forged moment
    for good in ("1796296071719", "1796296071.719"):
        assert locks.stamp_of({"X-Overstag-Received": good}) == 1796296071719
    for bad in (
        "",
        "-5",
        "12a",
        "9" * 16,
        "1e3",
        "1796296071.7",
        "1.2.3",
        "1796.x19",
        "²",
        "17962960717.1²9",
    ):
        assert locks.stamp_of({"X-Overstag-Received": bad}) is None
