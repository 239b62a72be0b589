"""What replicas must share besides the lock: Slack and Teams deliveries already
answered (in Redis, with a time to live), and the settings that refuse a setup in
which two workers could answer one conversation at once."""

import asyncio
import time

import pytest

from overstag import settings
from overstag.cluster import recent


def test_a_delivery_answered_by_one_replica_is_known_to_the_other(redis_env):
    one, other = (recent.SharedRecentKeys(1.0, "slack-test") for _ in range(2))

    async def scenario():
        first = await one.add("msg:C1:1700.1", "event:Ev1")
        # the retry reaches the other replica, under either of its names
        again = await other.add("event:Ev1")
        different = await other.add("msg:C1:1700.2", "event:Ev2")
        await asyncio.sleep(1.2)  # past the time to live
        later = await other.add("event:Ev1")
        return first, again, different, later

    assert asyncio.run(scenario()) == (True, False, True, True)


def test_two_replicas_racing_for_one_delivery_answer_it_once(redis_env):
    replicas = [recent.SharedRecentKeys(60, "teams-test") for _ in range(8)]

    async def scenario():
        key = f"conversation:activity-{time.time()}"
        return await asyncio.gather(*(r.add(key) for r in replicas))

    assert sorted(asyncio.run(scenario())) == [False] * 7 + [True]


def test_without_redis_each_process_remembers_its_own(monkeypatch):
    monkeypatch.delenv("OVERSTAG_REDIS_URL", raising=False)
    one, other = (recent.SharedRecentKeys(60, "slack-test") for _ in range(2))

    async def scenario():
        return await one.add("k"), await one.add("k"), await other.add("k")

    assert asyncio.run(scenario()) == (True, False, True)


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"SANIC_WORKERS": "2"}, "SANIC_WORKERS above 1 needs OVERSTAG_REDIS_URL"),
        ({"SANIC_WORKERS": "two"}, "SANIC_WORKERS must be a whole number"),
        ({"OVERSTAG_REDIS_URL": "http://x"}, "must be a redis://"),
        ({"SANIC_WORKERS": "2", "OVERSTAG_REDIS_URL": "redis://127.0.0.1/0"}, None),
    ],
)
def test_settings_refuse_workers_without_a_shared_lock(monkeypatch, env, problem):
    for name in ("SANIC_WORKERS", "OVERSTAG_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = settings.cluster_problems()
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found
