"""PostgreSQL, Redis and HAProxy from Debian's packages, on loopback, in a folder of
their own: for `make cluster` and the tests. Nothing here is for production."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import List, Optional


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def postgres_binary(name: str) -> Optional[str]:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class Postgres:
    """A throw-away cluster; as root it runs as Debian's `postgres` user."""

    def __init__(self, base: Path, port: Optional[int] = None) -> None:
        self.base, self.port = base, port or free_port()
        self.data = base / "data"
        self.as_owner: List[str] = []

    @property
    def url(self) -> str:
        return f"postgresql://overstag@127.0.0.1:{self.port}/overstag"

    def _run(self, *command: str) -> None:
        subprocess.run(
            self.as_owner + list(command), check=True, capture_output=True, text=True
        )

    def start(self) -> "Postgres":
        if not postgres_binary("initdb"):
            raise RuntimeError("PostgreSQL is not installed (make postgres)")
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.base, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
        self._run(initdb, "-D", str(self.data), "--auth=trust", "-U", "overstag")
        self._run(
            pg_ctl,
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.base / "log"),
            "-o",
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
            " -c max_connections=200",
            "start",
        )
        self._run(
            postgres_binary("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "overstag",
            "overstag",
        )
        return self

    def stop(self) -> None:
        if self.data.exists():
            self._run(
                postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"
            )


class Foreground:
    """A server run in the foreground as a child process, listening on `port`."""

    port: int
    process: Optional[subprocess.Popen] = None

    def _run(self, command: List[str]) -> None:
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Redis(Foreground):
    def __init__(self, base: Path, port: Optional[int] = None) -> None:
        self.base, self.port = base, port or free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "Redis":
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("Redis is not installed (make redis)")
        self.base.mkdir(parents=True, exist_ok=True)
        self._run(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.base), "--save", "", "--appendonly", "no"]
        )
        return self


HAPROXY = """global
    maxconn 4000

defaults
    mode http
    # loopback: a refused connection is known at once, and a request that never
    # reached its server goes to the other one straight away, keeping its place
    timeout connect 50ms
    timeout client 120s
    timeout server 120s
    timeout http-request 10s
    option redispatch 1
    retries 3

frontend overstag
    bind 127.0.0.1:{port}
    # when the message reached the cluster (epoch ms): its place in its
    # conversation's queue, however long a busy replica takes to read it
    http-request set-header X-Overstag-Received %[date(0,ms)]
    default_backend rasa

# round robin, no stickiness: any replica can answer any conversation
backend rasa
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
    default-server inter 250ms fall 1 rise 2
{servers}
"""


class Haproxy(Foreground):
    def __init__(self, base: Path, port: int, backends: List[int]) -> None:
        self.base, self.port, self.backends = base, port, backends

    def config(self) -> str:
        servers = "\n".join(
            f"    server rasa{n} 127.0.0.1:{port} check"
            for n, port in enumerate(self.backends, start=1)
        )
        return HAPROXY.format(port=self.port, servers=servers)

    def start(self) -> "Haproxy":
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(binary):
            raise RuntimeError("HAProxy is not installed (make haproxy)")
        self.base.mkdir(parents=True, exist_ok=True)
        path = self.base / "haproxy.cfg"
        path.write_text(self.config())
        subprocess.run([binary, "-c", "-q", "-f", str(path)], check=True)
        self._run([binary, "-db", "-f", str(path)])
        return self
