"""Local stand-ins for Slack's Web API and Microsoft's Bot Framework services, on
loopback, plus the Overstag servers configured to use them.

The fakes check what the real services would check (the bot's token, the form
of a token request) and record what they receive, so tests can assert on the
replies exactly as Slack or Teams would get them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from support.servers import Servers

SLACK_TOKEN = "xoxb-test-bot-token"
SLACK_SECRET = "slack-signing-secret-for-tests"
SLACK_BOT_USER = "UOVERSTAG"
TEAMS_APP_ID = "00000000-aaaa-bbbb-cccc-000000000001"
TEAMS_PASSWORD = "teams-app-password-for-tests"
TEAMS_TENANT = "11111111-2222-3333-4444-555555555555"
API_TOKEN = "advice-token-for-tests"
ISSUER = "https://api.botframework.com"


class FakeService:
    """A tiny HTTP server on a free loopback port; subclasses define `route`."""

    def __init__(self) -> None:
        fake = self
        self.calls: List[Dict[str, Any]] = []
        self.changed = threading.Condition()

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, reply = fake.route(
                    self.command, self.path, dict(self.headers), body
                )
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            # the names http.server dispatches requests to
            do_GET = do_POST = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(
        self, method: str, path: str, headers: Dict[str, str], body: bytes
    ) -> Tuple[int, Any]:
        raise NotImplementedError

    def record(self, call: Dict[str, Any]) -> None:
        with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    def wait_for(
        self, predicate: Callable[[List[Dict[str, Any]]], bool], timeout: float = 30
    ) -> List[Dict[str, Any]]:
        """The calls once `predicate(calls)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self.calls):
                left = deadline - time.monotonic()
                assert left > 0, (
                    "timed out; calls so far: "
                    f"{json.dumps(self.calls, indent=1)[:3000]}"
                )
                self.changed.wait(left)
            return list(self.calls)

    def stop(self) -> None:
        self.server.shutdown()


class FakeSlack(FakeService):
    """chat.postMessage, as the Web API takes it (JSON body, bot token as Bearer)."""

    def __init__(self) -> None:
        self.posted: List[Dict[str, Any]] = []
        self.next_ts = 1700000000.0
        super().__init__()

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def route(self, method, path, headers, body):
        if method != "POST" or path != "/api/chat.postMessage":
            return 404, {"ok": False, "error": "unknown_method"}
        if headers.get("Authorization") != f"Bearer {SLACK_TOKEN}":
            return 200, {"ok": False, "error": "invalid_auth"}
        message = json.loads(body)
        if not message.get("channel") or not (
            message.get("text") or message.get("blocks")
        ):
            return 200, {"ok": False, "error": "no_text"}
        self.next_ts += 1
        message["ts"] = f"{self.next_ts:.6f}"
        self.record(message)
        return 200, {
            "ok": True,
            "channel": message["channel"],
            "ts": message["ts"],
            "message": message,
        }

    def messages(
        self, channel: str, thread_ts: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        with self.changed:
            return [
                m
                for m in self.calls
                if m["channel"] == channel and m.get("thread_ts") == thread_ts
            ]


class FakeBotFramework(FakeService):
    """Login (OpenID keys and the tenant's token endpoint) and the Bot Connector."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(
            {
                "kid": self.kid,
                "use": "sig",
                "alg": "RS256",
                "endorsements": ["msteams", "webchat"],
            }
        )
        self.jwks = {"keys": [jwk]}
        self.token_requests: List[Dict[str, Any]] = []
        self.bot_token = "bot-access-token-from-fake-login"
        super().__init__()

    @property
    def openid_url(self) -> str:
        return self.base + "/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        return self.base + "/connector/"

    def route(self, method, path, headers, body):
        if method == "GET" and path == "/v1/.well-known/openidconfiguration":
            return 200, {
                "issuer": ISSUER,
                "jwks_uri": self.base + "/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if method == "GET" and path == "/v1/.well-known/keys":
            return 200, self.jwks
        if method == "POST" and path.endswith("/oauth2/v2.0/token"):
            form = dict(urllib.parse.parse_qsl(body.decode()))
            self.token_requests.append({"path": path, **form})
            if (
                form.get("client_id") != TEAMS_APP_ID
                or form.get("client_secret") != TEAMS_PASSWORD
                or form.get("grant_type") != "client_credentials"
            ):
                return 401, {"error": "invalid_client"}
            return 200, {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": self.bot_token,
            }
        prefix = "/connector/v3/conversations/"
        if (
            method == "POST"
            and path.startswith(prefix)
            and path.endswith("/activities")
        ):
            if headers.get("Authorization") != f"Bearer {self.bot_token}":
                return 401, {"error": "unauthorized"}
            conversation = urllib.parse.unquote(path[len(prefix) : -len("/activities")])
            self.record({"conversation": conversation, **json.loads(body)})
            return 200, {"id": f"reply-{len(self.calls)}"}
        return 404, {"error": "not found"}

    def sign(
        self,
        claims: Optional[Dict[str, Any]] = None,
        key=None,
        kid: Optional[str] = None,
        service_url: Optional[str] = None,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": TEAMS_APP_ID,
            "iat": now,
            "nbf": now - 10,
            "exp": now + 3600,
            "serviceurl": service_url or self.service_url,
        }
        payload.update(claims or {})
        return jwt.encode(
            payload,
            key or self.key,
            algorithm="RS256",
            headers={"kid": kid or self.kid},
        )

    def replies(self, conversation: str) -> List[Dict[str, Any]]:
        with self.changed:
            return [c for c in self.calls if c["conversation"] == conversation]


class ChannelStack:
    """Fakes first, then the launcher with Slack, Teams and the advice API switched
    on."""

    def __init__(
        self, data_dir: Path, extra_env: Optional[Dict[str, str]] = None
    ) -> None:
        self.slack = FakeSlack()
        self.teams = FakeBotFramework()
        self.servers = Servers(
            data_dir,
            extra_env={
                "OVERSTAG_SLACK_BOT_TOKEN": SLACK_TOKEN,
                "OVERSTAG_SLACK_SIGNING_SECRET": SLACK_SECRET,
                "OVERSTAG_SLACK_API_URL": self.slack.api_url,
                "OVERSTAG_TEAMS_APP_ID": TEAMS_APP_ID,
                "OVERSTAG_TEAMS_APP_PASSWORD": TEAMS_PASSWORD,
                "OVERSTAG_TEAMS_TENANT_ID": TEAMS_TENANT,
                "OVERSTAG_TEAMS_OPENID_URL": self.teams.openid_url,
                "OVERSTAG_TEAMS_LOGIN_URL": self.teams.base,
                "OVERSTAG_ADVICE_API_TOKEN": f"old-rotated-token,{API_TOKEN}",
                **(extra_env or {}),
            },
        )

    def __enter__(self) -> "ChannelStack":
        try:
            self.servers.start()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self.servers.stop()
        self.slack.stop()
        self.teams.stop()


def http(
    method: str,
    url: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 60,
) -> Tuple[int, Any, Any]:
    """(status, headers (case-insensitive), parsed JSON or text) of one request;
    never raises on HTTP errors."""
    request = urllib.request.Request(
        url, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, reply_headers, raw = reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        status, reply_headers, raw = error.code, error.headers, error.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, reply_headers, parsed


def slack_signature(
    body: bytes, timestamp: Optional[int] = None, secret: str = SLACK_SECRET
) -> Dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256
    ).hexdigest()
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
    }
