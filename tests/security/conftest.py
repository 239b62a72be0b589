"""Shared by the security tests: the `events` rows a conversation left in the
tracker store, and a check after every test that the servers it used still
answer and that their launchers lost no child on the way."""

from __future__ import annotations

import sqlite3
import urllib.parse
import uuid
from contextlib import closing
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import pytest

from support.channel_fakes import http
from support.servers import Servers

Row = Tuple[str, str, str]  # sender_id, type_name, data


def event_rows(servers: Servers, sender: str, exact: bool = False) -> List[Row]:
    """The stored events of `sender` (or of every sender starting with it)."""
    path = Path(servers.database_url.removeprefix("sqlite:///"))
    if not path.exists():
        return []
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    where = "sender_id = ?" if exact else "substr(sender_id, 1, ?) = ?"
    params = (sender,) if exact else (len(sender), sender)
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        # a stored sender id that is not UTF-8 must be reported, not crash the test
        db.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            return db.execute(
                f"select sender_id, type_name, data from events where {where}"
                " order by id",
                params,
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []
            raise


@pytest.fixture(scope="session")
def stored() -> Callable[..., List[Row]]:
    return event_rows


def launcher_trouble(servers: Servers) -> List[str]:
    """Lines in which the launcher says that a server died (and is restarted)."""
    return [line for line in servers.output if "exited" in line or "restarting" in line]


def assert_healthy(servers: Servers) -> None:
    tail = "".join(servers.output[-40:])
    assert servers.process is not None and servers.process.poll() is None, (
        f"the launcher stopped:\n{tail}"
    )
    assert not launcher_trouble(servers), f"a server died:\n{tail}"
    status, _, body = http("GET", servers.base + "/webhooks/rest/", timeout=30)
    assert status == 200, (status, body)
    status, replies = servers.post(
        "/webhooks/rest/webhook",
        {"sender": f"health-{uuid.uuid4().hex}", "message": "hallo"},
    )
    assert status == 200 and isinstance(replies, list) and replies, (status, replies)


@pytest.fixture(autouse=True)
def servers_survive(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: every server it used answers a health check and a normal
    message, and its launcher is alive and reported no dead server."""
    yield
    used: List[Servers] = []
    if "servers" in request.fixturenames:
        used.append(request.getfixturevalue("servers"))
    if "channel_stack" in request.fixturenames:
        used.append(request.getfixturevalue("channel_stack").servers)
    for servers in used:
        assert_healthy(servers)
