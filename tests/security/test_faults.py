"""Faults and forgeries against a real launcher: the action server is private and
authenticated, files are owner-only, tokens stay off command lines, a killed
server comes back with the conversation intact and nothing stored twice, and the
logs of all that hold none of the user's words.

One launcher of its own (it is killed here), logging at INFO as `make run` does.
"""

import json
import os
import signal
import sqlite3
import stat
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

import pytest
import yaml

from support.servers import ROOT, Servers

# words only the user types; none may reach a log line
PRIVATE = ["Zwanenburg", "burn-outverhaal", "reorganisatieplan", "Quetzal"]
DUTCH = f"Mevrouw {PRIVATE[0]} heeft geen tijd, ze is bang voor haar {PRIVATE[1]}"


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    servers = Servers(tmp_path_factory.mktemp("overstag-faults"), quiet=False)
    servers.start()
    yield servers
    servers.stop()


def _call(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, Optional[Any]]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"null")
        except ValueError:
            return error.code, raw.decode(errors="replace")


def _actions_token(servers: Servers) -> str:
    return (servers.data_dir / "actions-token").read_text().strip()


def _user_texts(servers: Servers, sender: str) -> list:
    path = servers.database_url[len("sqlite:///") :]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
            (servers.rest_id(sender),),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def _wait_for(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _ready(servers: Servers) -> bool:
    try:
        url = f"{servers.base}/status?token={servers.token}"
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def _listening_addresses(port: int) -> set:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_action_server_listens_on_loopback_only(launched):
    # 0100007F is 127.0.0.1 in /proc's byte order; 0.0.0.0 would be 00000000
    assert _listening_addresses(launched.actions_port) == {"0100007F"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},
        {"Content-Type": "text/plain"},  # a cross-site "simple" request
        {"Content-Type": "application/json", "Authorization": "Bearer guessed"},
        {"Content-Type": "application/json", "Authorization": "Basic Z3Vlc3M6eA=="},
    ],
)
def test_forged_action_calls_are_refused(launched, headers):
    victim = f"victim-{uuid.uuid4().hex[:8]}"
    launched.say(victim, "hallo")
    call = {
        "next_action": "action_submit_interview",
        "sender_id": victim,
        "tracker": {"sender_id": victim, "slots": {}, "events": []},
        "domain": {},
        "version": "3.6.2",
    }
    status, body = _call(
        f"http://127.0.0.1:{launched.actions_port}/webhook",
        json.dumps(call).encode(),
        headers,
    )
    assert status == 401, body
    status, _ = _call(f"http://127.0.0.1:{launched.actions_port}/actions", None, {})
    assert status == 401


def test_even_with_the_token_only_json_is_read(launched):
    status, _ = _call(
        f"http://127.0.0.1:{launched.actions_port}/webhook",
        b"{}",
        {
            "Content-Type": "text/plain",
            "Authorization": f"Bearer {_actions_token(launched)}",
        },
    )
    assert status == 415


def test_a_failed_action_call_does_not_echo_the_conversation(launched):
    status, body = _call(
        f"http://127.0.0.1:{launched.actions_port}/webhook",
        json.dumps(
            {"next_action": "action_my_interviews", "tracker": PRIVATE[3]}
        ).encode(),
        {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {_actions_token(launched)}",
        },
    )
    assert 400 <= status < 600
    assert PRIVATE[3] not in json.dumps(body)


def test_data_dir_is_owner_only(launched):
    launched.say(f"modes-{uuid.uuid4().hex[:6]}", "hallo")
    checked = 0
    for path in [launched.data_dir, *launched.data_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert not mode & 0o077, f"{path.name} is {oct(mode)}"
        checked += 1
    names = {p.name for p in launched.data_dir.iterdir()}
    assert {"overstag.db", "actions-token", "advice-api-token"} <= names
    assert checked >= 5


def test_tokens_are_not_on_any_command_line(launched):
    secrets = [launched.token, _actions_token(launched)]
    for module in ("overstag.serve", "overstag.action_server"):
        pid = launched.child_pid(module)
        assert pid, f"no {module} process"
        argv = open(f"/proc/{pid}/cmdline", "rb").read().decode()
        assert not [s for s in secrets if s in argv]
    endpoints = (launched.data_dir / "endpoints.runtime.yml").read_text()
    assert _actions_token(launched) not in endpoints
    assert "OVERSTAG_ACTIONS_TOKEN" in endpoints


def _kill(servers: Servers, module: str) -> int:
    pid = servers.child_pid(module)
    os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: servers.child_pid(module) not in (None, pid))
    return pid


def test_a_killed_rasa_server_comes_back_and_the_conversation_goes_on(launched):
    sender = f"kill-rasa-{uuid.uuid4().hex[:6]}"
    launched.say(sender, "hallo")
    launched.say(sender, DUTCH)
    _kill(launched, "overstag.serve")
    _wait_for(lambda: _ready(launched))
    replies = launched.say(sender, "nog een suggestie")
    assert replies and replies[0]["text"]
    assert _user_texts(launched, sender) == ["hallo", DUTCH, "nog een suggestie"]
    assert any("restarted the rasa server" in line for line in launched.output)


def test_without_the_action_server_a_message_is_answered_or_not_stored(launched):
    sender = f"kill-actions-{uuid.uuid4().hex[:6]}"
    launched.say(sender, "hallo")
    dead = launched.child_pid("overstag.action_server")
    os.kill(dead, signal.SIGKILL)
    _wait_for(
        lambda: (
            not os.path.exists(f"/proc/{dead}/cmdline")
            or launched.child_pid("overstag.action_server") != dead
        )
    )
    body = {"sender": sender, "message": DUTCH, "message_id": uuid.uuid4().hex}
    status, reply = launched.post("/webhooks/rest/webhook", body)
    replies = yaml.safe_load((ROOT / "content" / "replies.yml").read_text())
    dutch = replies["replies"]["action_server_unavailable"]["nl"]
    # the supervisor waits at least a second before restarting it
    assert status == 503, reply
    assert reply["error"] in dutch
    assert reply["reason"] == "action_server_unavailable"
    assert _user_texts(launched, sender) == ["hallo"]
    _wait_for(lambda: launched.child_pid("overstag.action_server") not in (None, dead))
    _wait_for(lambda: launched.post("/webhooks/rest/webhook", body)[0] == 200, 60)
    first = launched.post("/webhooks/rest/webhook", body)
    again = launched.post("/webhooks/rest/webhook", body)
    assert first == again and first[0] == 200 and first[1]
    assert _user_texts(launched, sender) == ["hallo", DUTCH]
    assert any("restarted the actions server" in line for line in launched.output)


def test_logs_hold_no_conversation_words_and_no_tokens(launched):
    """Run last in this module: it reads what everything above logged."""
    sender = f"logs-{uuid.uuid4().hex[:6]}"
    for text in (DUTCH, f"het {PRIVATE[2]} is geheim", "ik wil oefenen", PRIVATE[3]):
        launched.post("/webhooks/rest/webhook", {"sender": sender, "message": text})
    logged = "".join(launched.output)
    assert "INFO" in logged  # the servers did log at INFO
    assert [w for w in PRIVATE if w in logged] == []
    assert launched.token not in logged
    assert _actions_token(launched) not in logged


def test_urls_that_make_sanics_router_recurse_get_a_4xx(launched):
    """sanic's router recurses once per trailing slash: 3000 of them were a 500."""
    for base in (
        launched.base + "/webhooks/chat/static",
        f"http://127.0.0.1:{launched.actions_port}/webhook",
    ):
        status, body = _call(base + "/" * 3000, None, {})
        assert 400 <= status < 500, (base, status, body)
