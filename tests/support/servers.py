"""Overstag started by its launcher, as `make run` starts it, on free ports and a
private data directory."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "overstag.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    """The launcher in a subprocess, on free ports and a private data directory."""

    def __init__(
        self,
        data_dir: Path,
        extra_env: Optional[Dict[str, str]] = None,
        quiet: bool = True,
    ) -> None:
        self.extra_env = dict(extra_env or {})
        self.quiet = quiet
        self.port = free_port()
        self.actions_port = free_port()
        self.data_dir = data_dir
        self.token = "test-token"
        self.database_url = f"sqlite:///{data_dir / 'overstag.db'}"
        self.process: Optional[subprocess.Popen] = None
        self.output: List[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "OVERSTAG_PORT": str(self.port),
                "OVERSTAG_ACTIONS_PORT": str(self.actions_port),
                "OVERSTAG_DATA_DIR": str(self.data_dir),
                "OVERSTAG_API_TOKEN": self.token,
                "OVERSTAG_DATABASE_URL": self.database_url,
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 300) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "overstag.launcher",
                "--model",
                str(MODEL),
                *(["--quiet"] if self.quiet else []),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        ready = threading.Event()

        def pump() -> None:
            for line in self.process.stdout:
                self.output.append(line)
                if "Overstag is ready" in line:
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.is_set():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    "servers did not start:\n" + "".join(self.output[-60:])
                )
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def post(self, path: str, body: Any, raw: Optional[bytes] = None):
        """(status, parsed JSON body) of a POST; never raises on HTTP errors."""
        data = raw if raw is not None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Optional[Dict[str, str]] = None,
    ):
        """(status, parsed JSON body or text) of any request; never raises on HTTP
        errors."""
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(
            self.base + path, data=data, headers=sent, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                status, raw = reply.status, reply.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def web_conversation(self, headers: Optional[Dict[str, str]] = None) -> str:
        """A new conversation of the web page's user (the local user without
        sign-in)."""
        status, body = self.call(
            "POST", "/webhooks/chat/conversations", headers=headers
        )
        assert status == 201, (status, body)
        return body["conversation_id"]

    def chat(self, conversation: str, message: str) -> List[Dict[str, Any]]:
        """A message on the web chat, in a conversation from `web_conversation`."""
        return self.say(conversation, message, channel="chat")

    @staticmethod
    def rest_id(sender: str) -> str:
        """Rasa's sender id (and the user id) of a REST sender without a tool token."""
        from overstag.accounts import ids

        return ids.namespaced("rest", "local", sender)

    def say(
        self, sender: str, message: str, channel: str = "rest"
    ) -> List[Dict[str, Any]]:
        status, replies = self.post(
            f"/webhooks/{channel}/webhook", {"sender": sender, "message": message}
        )
        assert status == 200, (status, replies)
        return replies

    def child_pid(self, module: str) -> Optional[int]:
        """The pid of the launcher's child running `python -m <module>`."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and module.encode() in argv:
                return int(entry.name)
        return None
