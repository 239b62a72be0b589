"""The trusted-proxy mode over real HTTP, the header refused from anyone else, and the
settings the launcher refuses to start with."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from overstag.auth import config, identity
from overstag.auth.identity import NotAllowedError
from support.servers import ROOT, Servers


def fake_request(peer: str, headers: dict) -> SimpleNamespace:
    # identity reads only the socket's peer and the headers
    return SimpleNamespace(
        conn_info=SimpleNamespace(client_ip=peer), headers=headers, cookies={}
    )


def test_the_proxy_header_counts_only_from_a_trusted_address(monkeypatch):
    monkeypatch.setenv("OVERSTAG_AUTH", "proxy")
    monkeypatch.setenv("OVERSTAG_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7")
    named = {"X-Forwarded-User": "alice", "X-Forwarded-For": "10.0.0.1"}
    assert identity.of_request(fake_request("10.1.2.3", named)).user_id == "proxy:alice"
    assert identity.of_request(fake_request("192.168.1.7", named)) is not None
    # the forwarded-for header is the caller's to write: it proves nothing
    assert identity.of_request(fake_request("192.168.1.8", named)) is None
    assert identity.of_request(fake_request("10.1.2.3", {})) is None
    assert identity.of_request(fake_request("not an address", named)) is None
    monkeypatch.setenv("OVERSTAG_ALLOWED_EMAIL_DOMAINS", "example.org")
    with pytest.raises(NotAllowedError):
        identity.of_request(fake_request("10.1.2.3", named))
    mailed = {**named, "X-Forwarded-Email": "alice@Example.org"}
    assert identity.of_request(fake_request("10.1.2.3", mailed)).email


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"OVERSTAG_AUTH": "ldap"}, "OVERSTAG_AUTH must be one of"),
        ({"OVERSTAG_AUTH": "oidc"}, "needs OVERSTAG_OIDC_ISSUER"),
        ({"OVERSTAG_AUTH": "proxy"}, "needs OVERSTAG_TRUSTED_PROXIES"),
        (
            {"OVERSTAG_AUTH": "proxy", "OVERSTAG_TRUSTED_PROXIES": "10.0.0.300"},
            "not one",
        ),
        ({"OVERSTAG_HOST": "0.0.0.0"}, "same user"),
        ({"OVERSTAG_AUTH": "proxy", "OVERSTAG_TRUSTED_PROXIES": "127.0.0.1"}, None),
    ],
)
def test_settings_that_cannot_work_are_refused(monkeypatch, env, problem):
    for name in ("OVERSTAG_AUTH", "OVERSTAG_HOST", "OVERSTAG_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = config.problems()
    if problem is None:
        assert found == []
    else:
        assert any(problem in line for line in found), found


@pytest.mark.integration
def test_the_launcher_will_not_open_up_a_server_without_sign_in(tmp_path):
    env = {
        "OVERSTAG_HOST": "0.0.0.0",
        "OVERSTAG_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "overstag.launcher", "--model", "none"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "OVERSTAG_AUTH=oidc or proxy" in done.stdout + done.stderr


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    servers = Servers(
        tmp_path_factory.mktemp("proxied"),
        extra_env={"OVERSTAG_AUTH": "proxy", "OVERSTAG_TRUSTED_PROXIES": "127.0.0.1"},
    )
    servers.start()
    yield servers
    servers.stop()


@pytest.mark.integration
def test_users_named_by_the_proxy_are_kept_apart(proxied):
    alice = {"X-Forwarded-User": "alice"}
    bob = {"X-Forwarded-User": "bob"}
    status, page = proxied.call("GET", "/webhooks/chat/")
    assert status == 401 and "no_proxy_user" in page
    conversation = proxied.web_conversation(alice)
    status, replies = proxied.call(
        "POST",
        "/webhooks/chat/webhook",
        {"sender": conversation, "message": "Ze is bang dat haar foto online komt"},
        alice,
    )
    assert status == 200 and replies
    status, session = proxied.call("GET", "/webhooks/chat/session", headers=alice)
    [listed] = session["conversations"]
    assert listed["conversation_id"] == conversation
    assert listed["topic"] == "objection_privacy"
    assert listed["topic_label"]["nl"]
    status, session = proxied.call("GET", "/webhooks/chat/session", headers=bob)
    assert status == 200 and session["conversations"] == []
    status, _ = proxied.call(
        "GET", f"/webhooks/chat/conversations/{conversation}", headers=bob
    )
    assert status == 404
    status, shown = proxied.call(
        "GET", f"/webhooks/chat/conversations/{conversation}", headers=alice
    )
    assert [m["role"] for m in shown["messages"]][:2] == ["user", "bot"]
    assert "foto" in shown["messages"][0]["text"]
