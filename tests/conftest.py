"""The fixtures every test folder shares: a real Domain, a temporary database,
and Overstag's servers started the way `make run` starts them (support/).

A test that uses a server, a browser or the trained model is marked
`integration` here; `make test-fast` runs the rest."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict

import pytest

from support.servers import MODEL, ROOT, Servers

# fixtures that start processes or load the model; modules that start their own
# servers mark themselves with `pytestmark = pytest.mark.integration`
INTEGRATION_FIXTURES = {
    "servers",
    "channel_stack",
    "agent",
    "page",
    "postgres_url",
    "redis_url",
}


def pytest_collection_modifyitems(items: list) -> None:
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database that the actions write to."""
    from overstag.storage import database

    url = f"sqlite:///{tmp_path / 'actions.db'}"
    monkeypatch.setenv("OVERSTAG_DATABASE_URL", url)
    yield url
    database.dispose_all()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    servers = Servers(tmp_path_factory.mktemp("overstag-data"))
    servers.start()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory):
    """One server with Slack, Teams and the advice API on, wired to local fakes
    (support/channel_fakes.py); shared by the channel and API tests."""
    from support.channel_fakes import ChannelStack

    with ChannelStack(tmp_path_factory.mktemp("overstag-channels")) as stack:
        yield stack


@pytest.fixture(scope="session")
def agent():
    """The trained model, loaded in this process."""
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL cluster on loopback, as Debian installs it."""
    from scripts.local_services import Postgres, postgres_binary

    if not postgres_binary("initdb"):
        pytest.skip(
            "PostgreSQL is not installed (make test installs it when run as root)"
        )
    # not under pytest's tmp dir: the postgres user must be able to reach it
    server = Postgres(Path(tempfile.mkdtemp(prefix="overstag-pg-"))).start()
    yield server.url
    server.stop()
    shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throw-away Redis on loopback (Debian's redis-server)."""
    from scripts.local_services import Redis

    if not shutil.which("redis-server"):
        pytest.skip("Redis is not installed (make test installs it when run as root)")
    server = Redis(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()
