"""Overstag as a cluster on this machine, no Docker: PostgreSQL and Redis, two Rasa
servers with an action server each, and HAProxy in front, round robin.

    make cluster        (python -m scripts.local_cluster [--replicas N])

It serves through the balancer on OVERSTAG_PORT (5005), prints the balancer's URL,
the replicas' ports and the database URL, and stops everything on Ctrl-C or
SIGTERM. Its data lives in var/cluster/ and is made afresh at each start. The
cluster test (tests/cluster/test_cluster.py) runs the same class.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from scripts.local_services import Haproxy, Postgres, Redis, free_port

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "overstag.tar.gz"


class Replica:
    """One Rasa server and its action server, each exec'd by the launcher."""

    def __init__(self, number: int, base: Path, env: Dict[str, str]) -> None:
        self.number, self.base, self.env = number, base, env
        self.port, self.actions_port = free_port(), free_port()
        self.rasa: Optional[subprocess.Popen] = None
        self.actions: Optional[subprocess.Popen] = None

    def _env(self) -> Dict[str, str]:
        return {
            **self.env,
            "OVERSTAG_PORT": str(self.port),
            "OVERSTAG_ACTIONS_PORT": str(self.actions_port),
            "OVERSTAG_ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "OVERSTAG_DATA_DIR": str(self.base),
        }

    def _start(self, only: str, model: Path) -> subprocess.Popen:
        self.base.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "overstag.launcher", "--only", only]
        with open(self.base / f"{only}.log", "ab") as log:
            return subprocess.Popen(
                command + ["--model", str(model), "--quiet"],
                cwd=ROOT,
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_actions(self, model: Path) -> None:
        self.actions = self._start("actions", model)

    def start_rasa(self, model: Path) -> None:
        self.rasa = self._start("rasa", model)

    def kill_rasa(self) -> None:
        """As a crash would: SIGKILL, no chance to clean up."""
        if self.rasa and self.rasa.poll() is None:
            os.kill(self.rasa.pid, signal.SIGKILL)
            self.rasa.wait()

    def ready(self) -> bool:
        urls = [
            f"http://127.0.0.1:{self.actions_port}/health",
            f"http://127.0.0.1:{self.port}/",
        ]
        for url in urls:
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    if reply.status != 200:
                        return False
            except (urllib.error.URLError, OSError):
                return False
        return True

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                process.terminate()
        for process in (self.rasa, self.actions):
            if process:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class LocalCluster:
    def __init__(
        self,
        base: Path,
        port: Optional[int] = None,
        replicas: int = 2,
        env: Optional[Dict[str, str]] = None,
        model: Path = MODEL,
    ) -> None:
        self.base, self.model = base, model
        self.port = port or free_port()
        # outside `base`: Debian's postgres user must reach its folder, and the data
        # dir (var/) is its owner's only
        self.postgres = Postgres(Path(tempfile.mkdtemp(prefix="overstag-pg-")))
        self.redis = Redis(base / "redis")
        self.token = secrets.token_urlsafe(16)
        self.extra_env = dict(env or {})
        self.replicas = [
            Replica(n, base / f"replica-{n}", {}) for n in range(1, replicas + 1)
        ]
        self.balancer: Optional[Haproxy] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def shared_env(self) -> Dict[str, str]:
        """What every replica must agree on: the stores and the secrets."""
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "OVERSTAG_DATABASE_URL": self.postgres.url,
            "OVERSTAG_REDIS_URL": self.redis.url,
            "OVERSTAG_API_TOKEN": self.token,
            "OVERSTAG_ACTIONS_TOKEN": secrets.token_urlsafe(16),
            "OVERSTAG_ADVICE_API_TOKEN": secrets.token_urlsafe(16),
            "OVERSTAG_SESSION_SECRET": secrets.token_urlsafe(32),
            **self.extra_env,
        }

    def start(self, timeout: float = 600) -> "LocalCluster":
        if self.base.exists():
            shutil.rmtree(self.base)
        self.base.mkdir(parents=True)
        self.postgres.start()
        self.redis.start()
        env = self.shared_env()
        for replica in self.replicas:
            replica.env = env
            replica.start_actions(self.model)
        # one at a time: two models loading at once fight over the two cores
        for replica in self.replicas:
            replica.start_rasa(self.model)
            self.wait_ready(replica, timeout)
        self.balancer = Haproxy(
            self.base / "haproxy", self.port, [r.port for r in self.replicas]
        ).start()
        return self

    def wait_ready(self, replica: Replica, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while not replica.ready():
            if replica.rasa and replica.rasa.poll() is not None:
                raise RuntimeError(f"replica {replica.number} exited; see its log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"replica {replica.number} did not start")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.balancer:
            self.balancer.stop()
        for replica in self.replicas:
            replica.stop()
        self.redis.stop()
        try:
            self.postgres.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.postgres.base, ignore_errors=True)

    def describe(self) -> str:
        lines = [
            f"Overstag cluster: open {self.url}/webhooks/chat/ (HAProxy, round robin)",
            *(
                f"  replica {r.number}: Rasa on port {r.port},"
                f" actions on port {r.actions_port}"
                for r in self.replicas
            ),
            f"  database: {self.postgres.url}",
            f"  redis:    {self.redis.url}",
            "Ctrl-C stops everything.",
        ]
        return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    from overstag import settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args(argv)
    cluster = LocalCluster(
        settings.data_dir() / "cluster", settings.server_port(), args.replicas
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        while not stopping.wait(0.5):
            pass
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
