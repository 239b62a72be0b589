"""The supervisor with real child processes: tiny Python programs that sleep, exit
or ignore SIGTERM, restarted, backed off, given up on and stopped."""

from __future__ import annotations

import os
import re
import signal
import sys
import time

import pytest

from overstag.supervisor import Supervisor, describe_exit

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
EXITS_3 = [sys.executable, "-c", "raise SystemExit(3)"]


class Log:
    """The supervisor's log lines, each with the moment it was written."""

    def __init__(self):
        self.entries = []

    def __call__(self, line):
        self.entries.append((time.monotonic(), line))

    @property
    def lines(self):
        return [line for _, line in self.entries]

    def delays(self):
        return [
            float(m.group(1))
            for line in self.lines
            if (m := re.search(r"restarting it in ([\d.]+) s", line))
        ]


@pytest.fixture
def make(tmp_path):
    made = []

    def make(commands, **options):
        log = Log()
        supervisor = Supervisor(
            commands, cwd=tmp_path, env=dict(os.environ), log=log, **options
        )
        supervisor.log = log
        made.append(supervisor)
        supervisor.start()
        return supervisor

    yield make
    for supervisor in made:
        supervisor.stop(timeout=2)


def until(supervisor, condition, timeout=5.0):
    """Calls check() the way the launcher's loop does until the condition holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor.check()
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s; log: {supervisor.log.lines}")


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_killed_child_is_restarted_and_the_other_left_alone(make):
    supervisor = make({"actions": SLEEPER, "rasa": SLEEPER}, backoff=(0.1,))
    rasa, actions = supervisor.pid("rasa"), supervisor.pid("actions")
    assert rasa and actions and rasa != actions

    os.kill(rasa, signal.SIGKILL)
    until(
        supervisor, lambda: supervisor.running("rasa") and supervisor.restarts["rasa"]
    )

    assert supervisor.pid("rasa") not in (None, rasa)
    assert supervisor.pid("actions") == actions
    assert supervisor.restarts == {"actions": 0, "rasa": 1}
    assert supervisor.failed is None
    assert supervisor.log.lines == [
        "overstag: the rasa server exited (killed by SIGKILL); "
        "restarting it in 0.1 s (restart 1)",
        f"overstag: restarted the rasa server (pid {supervisor.pid('rasa')})",
    ]


def test_a_child_that_keeps_exiting_backs_off_and_is_given_up_on(make):
    secret = ["--auth-token", "s3cret-value"]
    supervisor = make(
        {"actions": EXITS_3 + secret, "rasa": SLEEPER},
        backoff=(0.1, 0.2, 0.4),
        give_up_after=3,
    )
    rasa = supervisor.pid("rasa")
    until(supervisor, lambda: supervisor.failed)

    assert "actions" in supervisor.failed and "exit code 3" in supervisor.failed
    assert supervisor.restarts == {"actions": 2, "rasa": 0}
    assert supervisor.log.delays() == [0.1, 0.2]
    died = [t for t, line in supervisor.log.entries if "exited" in line]
    restarted = [t for t, line in supervisor.log.entries if "restarted" in line]
    assert restarted[0] - died[0] >= 0.1 and restarted[1] - died[1] >= 0.2
    assert (
        supervisor.log.lines[-1] == f"overstag: {supervisor.failed}; not restarting it"
    )

    logged = len(supervisor.log.lines)
    deadline = time.monotonic() + 0.6  # longer than any backoff left
    while time.monotonic() < deadline:
        supervisor.check()
        time.sleep(0.02)
    assert supervisor.restarts["actions"] == 2 and not supervisor.running("actions")
    assert len(supervisor.log.lines) == logged
    assert supervisor.pid("rasa") == rasa, "the other child is left to the launcher"

    text = "\n".join(supervisor.log.lines + [supervisor.failed])
    assert "s3cret" not in text and sys.executable not in text


def test_the_last_backoff_repeats(make):
    supervisor = make({"actions": EXITS_3}, backoff=(0.05, 0.1), give_up_after=5)
    until(supervisor, lambda: supervisor.failed)
    assert supervisor.log.delays() == [0.05, 0.1, 0.1, 0.1]
    assert "5 times in a row" in supervisor.failed


def test_a_run_longer_than_healthy_after_resets_the_backoff(make, tmp_path):
    # runs 0 and 1 exit at once, run 2 lives past healthy_after, the rest exit at once
    script = (
        "import pathlib, sys, time\n"
        "counter = pathlib.Path('runs')\n"
        "run = int(counter.read_text()) if counter.exists() else 0\n"
        "counter.write_text(str(run + 1))\n"
        "if run == 2: time.sleep(1.0)\n"
        "sys.exit(1)\n"
    )
    supervisor = make(
        {"actions": [sys.executable, "-c", script]},
        backoff=(0.1, 0.2, 0.4),
        healthy_after=0.5,
        give_up_after=3,
    )
    until(supervisor, lambda: supervisor.failed, timeout=8)

    # without the reset the third exit would have been the third quick one
    assert supervisor.restarts["actions"] == 5
    assert supervisor.log.delays() == [0.1, 0.2, 0.1, 0.1, 0.2]
    assert (tmp_path / "runs").read_text() == "6"
    assert "exit code 1" in supervisor.failed


def test_stop_ends_every_child_and_cancels_a_pending_restart(make):
    supervisor = make({"actions": EXITS_3, "rasa": SLEEPER}, backoff=(30,))
    rasa = supervisor.pid("rasa")
    until(supervisor, lambda: supervisor.log.delays() == [30])
    assert supervisor.pid("actions") is None and not supervisor.running("actions")

    supervisor.stop()
    assert gone(rasa) and not supervisor.running("rasa")
    supervisor.stop()  # a second stop, as from a `finally`, is harmless
    supervisor.check()
    assert supervisor.restarts == {"actions": 0, "rasa": 0}
    assert not supervisor.running("actions") and not supervisor.running("rasa")


def test_stop_kills_a_child_that_ignores_sigterm(make, tmp_path):
    stubborn = (
        "import pathlib, signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "pathlib.Path('ignoring').touch()\n"
        "time.sleep(60)\n"
    )
    supervisor = make({"rasa": [sys.executable, "-c", stubborn]})
    until(supervisor, (tmp_path / "ignoring").exists)
    pid = supervisor.pid("rasa")

    started = time.monotonic()
    supervisor.stop(timeout=0.5)
    assert 0.4 < time.monotonic() - started < 5
    assert gone(pid)
    assert supervisor._processes["rasa"].returncode == -signal.SIGKILL


def test_children_get_the_working_directory_and_environment(make, tmp_path):
    script = (
        "import os, pathlib\n"
        "pathlib.Path('seen').write_text(os.getcwd() + '|' + os.environ['PROBE'])\n"
        "import time; time.sleep(60)\n"
    )
    os.environ["PROBE"] = "probe-value"
    try:
        supervisor = make({"actions": [sys.executable, "-c", script]})
    finally:
        del os.environ["PROBE"]
    until(supervisor, (tmp_path / "seen").exists)
    until(supervisor, lambda: "|" in (tmp_path / "seen").read_text())
    assert (tmp_path / "seen").read_text() == f"{tmp_path}|probe-value"


def test_a_child_that_can_no_longer_be_started_is_given_up_on(make, tmp_path):
    program = tmp_path / "server"
    program.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(60)\n")
    program.chmod(0o700)
    supervisor = make({"actions": [str(program)]}, backoff=(0.05,))
    pid = supervisor.pid("actions")
    program.unlink()

    os.kill(pid, signal.SIGKILL)
    until(supervisor, lambda: supervisor.failed)
    assert supervisor.failed.startswith("the actions server could not be restarted")
    assert str(program) not in "\n".join(supervisor.log.lines)
    assert supervisor.restarts["actions"] == 0


def test_exits_are_described_with_signal_names():
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe_exit(-signal.SIGTERM) == "killed by SIGTERM"
    assert describe_exit(-200) == "killed by signal 200"
