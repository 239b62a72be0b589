"""The shared Redis switched on for one test, with this process's clients afresh."""

import pytest

from overstag.cluster import redis_client


@pytest.fixture
def redis_env(redis_url, monkeypatch):
    monkeypatch.setenv("OVERSTAG_REDIS_URL", redis_url)
    redis_client._CLIENTS.clear()
    yield redis_url
    redis_client._CLIENTS.clear()
