"""A database error inside the tracker store is an exception for that request,
never `sys.exit` (which stock Rasa calls on any ValueError), on SQLite and on
PostgreSQL, and Rasa's wrapper no longer swallows it into an empty conversation."""

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from overstag.rasa_patches import tracker_store
from overstag.rasa_patches.tracker_store import (
    ConfiguredSQLTrackerStore,
    StorageUnavailableError,
)
from support.servers import ROOT

# what a SQLite and a PostgreSQL driver cannot bind
UNSTORABLE = {"sqlite": "x\udc00", "postgresql": "a\x00b"}


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


async def _assert_refused_cleanly(store, sender, domain) -> None:
    with pytest.raises(StorageUnavailableError) as refused:
        await store.retrieve(sender)
    # the driver's text can quote the parameters: it is not passed on
    assert sender not in str(refused.value)
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(UserUttered("private words", {"name": "greet"}))
    with pytest.raises(StorageUnavailableError):
        await store.save(tracker)
    # the store still works for everyone else
    assert await store.retrieve("someone-else") is None


async def test_sqlite_error_is_an_exception_not_an_exit(tmp_path, domain):
    store = ConfiguredSQLTrackerStore(
        domain=domain, host=f"sqlite:///{tmp_path / 'events.db'}"
    )
    await _assert_refused_cleanly(store, UNSTORABLE["sqlite"], domain)


async def test_postgresql_error_is_an_exception_not_an_exit(postgres_url, domain):
    store = ConfiguredSQLTrackerStore(domain=domain, host=postgres_url)
    await _assert_refused_cleanly(store, UNSTORABLE["postgresql"], domain)


def test_the_store_is_not_wrapped_in_rasas_silent_fallback(tmp_path, domain):
    original = Agent._create_tracker_store
    try:
        tracker_store.fail_loud()
        store = ConfiguredSQLTrackerStore(
            domain=domain, host=f"sqlite:///{tmp_path / 'events.db'}"
        )
        assert Agent._create_tracker_store(store, domain) is store
    finally:
        Agent._create_tracker_store = staticmethod(original)
