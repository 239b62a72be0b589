"""Keeps Overstag's servers running: a server that dies is started again after a
pause that grows while it keeps dying soon after starting, until it is given up on.
The launcher calls check() in its loop and stop() on the way out; nothing here
blocks, and the commands never reach the log (an argument may hold a token).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def describe_exit(code: int) -> str:
    """'exit code 3' or 'killed by SIGKILL' (Popen reports a signal as -number)."""
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


class Supervisor:
    """Runs one child process per command and restarts any that exits.

    A child's quick failures (exits within `healthy_after` seconds of starting) are
    counted in a row; the first waits backoff[0] seconds, the next backoff[1] (the
    last entry repeats), and the `give_up_after`-th sets `failed` instead. An exit
    after a longer run resets the count, so a server that crashes once a day always
    comes back quickly.
    """

    def __init__(
        self,
        commands: Dict[str, List[str]],
        *,
        cwd: Path,
        env: Dict[str, str],
        log: Callable[[str], None] = _to_stderr,
        backoff: Sequence[float] = (1, 2, 4, 8, 16, 30),
        healthy_after: float = 60.0,
        give_up_after: int = 8,
    ) -> None:
        if not commands or not backoff or give_up_after < 1:
            raise ValueError("need commands, a backoff and give_up_after >= 1")
        self._commands = {name: list(command) for name, command in commands.items()}
        self._cwd, self._env, self._log = cwd, dict(env), log
        self._backoff = tuple(float(delay) for delay in backoff)
        self._healthy_after, self._give_up_after = healthy_after, give_up_after
        self._processes: Dict[str, subprocess.Popen] = {}
        self._started_at: Dict[str, float] = {}
        self._restart_at: Dict[str, float] = {}
        self._quick_failures = {name: 0 for name in self._commands}
        self._given_up: Set[str] = set()
        self._stopped = False
        self.restarts: Dict[str, int] = {name: 0 for name in self._commands}
        self.failed: Optional[str] = None

    def start(self) -> None:
        for name in self._commands:
            if name not in self._processes:
                self._spawn(name)

    def pid(self, name: str) -> Optional[int]:
        """The running child's pid; None while it is down or waiting to restart."""
        return self._processes[name].pid if self.running(name) else None

    def running(self, name: str) -> bool:
        process = self._processes.get(name)
        return process is not None and process.poll() is None

    def check(self) -> None:
        """Notices exits and makes due restarts; never waits, so the caller's loop
        stays responsive to Ctrl-C."""
        if self._stopped:
            return
        now = time.monotonic()
        for name, process in self._processes.items():
            waiting = name in self._restart_at or name in self._given_up
            if not waiting and process.poll() is not None:
                self._exited(name, process.returncode, now)
        for name, due in list(self._restart_at.items()):
            if now >= due:
                del self._restart_at[name]
                self._restart(name)

    def stop(self, timeout: float = 15) -> None:
        """Terminates every child, killing those still there after `timeout`."""
        self._stopped = True
        self._restart_at.clear()
        alive = [p for p in self._processes.values() if p.poll() is None]
        for process in alive:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in alive:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, name: str) -> None:
        # same session and process group as the launcher, so Ctrl-C reaches the
        # servers directly, as it did before there was a supervisor
        self._processes[name] = subprocess.Popen(
            self._commands[name],
            cwd=self._cwd,
            env=self._env,
            start_new_session=False,
        )
        self._started_at[name] = time.monotonic()

    def _exited(self, name: str, code: int, now: float) -> None:
        how = describe_exit(code)
        if now - self._started_at[name] >= self._healthy_after:
            self._quick_failures[name] = 0
            delay = self._backoff[0]
        else:
            failures = self._quick_failures[name] = self._quick_failures[name] + 1
            if failures >= self._give_up_after:
                signalled = f", {how}" if code < 0 else ""
                self._give_up(
                    name,
                    f"keeps exiting ({failures} times in a row within "
                    f"{self._healthy_after:g} s of starting; "
                    f"last exit code {code}{signalled})",
                )
                return
            delay = self._backoff[min(failures - 1, len(self._backoff) - 1)]
        self._restart_at[name] = now + delay
        self._log(
            f"overstag: the {name} server exited ({how}); "
            f"restarting it in {delay:g} s (restart {self.restarts[name] + 1})"
        )

    def _restart(self, name: str) -> None:
        try:
            self._spawn(name)
        except OSError as error:
            # strerror only: the exception's text would carry the command's path
            self._give_up(name, f"could not be restarted ({error.strerror})")
            return
        self.restarts[name] += 1
        pid = self._processes[name].pid
        self._log(f"overstag: restarted the {name} server (pid {pid})")

    def _give_up(self, name: str, why: str) -> None:
        self._given_up.add(name)
        # the first child given up on is the one the launcher reports
        self.failed = self.failed or f"the {name} server {why}"
        self._log(f"overstag: the {name} server {why}; not restarting it")
