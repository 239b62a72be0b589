"""Starts the action server and the Rasa server, waits until both answer,
prints where to open the chat, restarts a server that dies, and stops both on
Ctrl-C.

    python -m overstag.launcher [--model models/] [--quiet]
    python -m overstag.launcher --only actions|rasa   (one server, for systemd)

The tokens reach the servers through their environment, never their command
lines, which any local user can read.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from overstag import content_check, rasa_patches, settings
from overstag.auth import config
from overstag.channels import tools
from overstag.supervisor import Supervisor
from overstag.team import access

READY_LINE = "Overstag is ready"
ACTIONS_TOKEN_VARIABLE = "OVERSTAG_ACTIONS_TOKEN"


def runtime_endpoints() -> Path:
    """endpoints.yml with the action server's address from the settings, and the
    header that authenticates every call to it. The file names the variable and
    Rasa reads its value from the environment: the secret is not written here."""
    endpoints = yaml.safe_load((settings.ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = settings.actions_url()
    endpoints["action_endpoint"]["headers"] = {
        "Authorization": f"Bearer ${{{ACTIONS_TOKEN_VARIABLE}}}"
    }
    path = settings.data_dir() / "endpoints.runtime.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


SLACK_CHANNEL = "overstag.channels.slack.OverstagSlackInput"
TEAMS_CHANNEL = "overstag.channels.teams.TeamsInput"


def runtime_credentials() -> Path:
    """credentials.yml plus Slack and Teams when their variables are set.

    The committed file must work with nothing set, and Rasa refuses a
    credentials file that names an unset variable, so the optional channels are
    added here. Only class names go into the file: the channels read their
    secrets from the environment, so none ends up on disk.
    """
    credentials = yaml.safe_load((settings.ROOT / "credentials.yml").read_text()) or {}
    if settings.slack_enabled():
        credentials[SLACK_CHANNEL] = None
    if settings.teams_enabled():
        credentials[TEAMS_CHANNEL] = None
    path = settings.data_dir() / "credentials.runtime.yml"
    path.write_text(yaml.safe_dump(credentials))
    return path


def child_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.ROOT), env.get("PYTHONPATH")])
    )
    env["OVERSTAG_API_TOKEN"] = settings.api_token()
    env[ACTIONS_TOKEN_VARIABLE] = settings.actions_token()
    return env


def commands(model: str, log_level: str) -> Dict[str, List[str]]:
    python = sys.executable
    rasa = [
        python,
        "-m",
        # Rasa with Overstag's runtime fixes; plain Rasa for the benchmark's baseline
        "overstag.serve" if rasa_patches.enabled() else "rasa",
        "run",
        "--model",
        model,
        "--endpoints",
        str(runtime_endpoints()),
        "--credentials",
        str(runtime_credentials()),
        "--interface",
        settings.bind_host(),
        "--port",
        str(settings.server_port()),
        "--enable-api",
        log_level,
    ]
    if not rasa_patches.enabled():
        # plain Rasa takes its token as an argument only
        rasa += [f"--auth-token={settings.api_token()}"]
    return {
        "actions": [
            python,
            "-m",
            "overstag.action_server",
            "--host",
            settings.actions_host(),
            "--port",
            str(settings.actions_port()),
            log_level,
        ],
        "rasa": rasa,
    }


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def wait_until_ready(supervisor: Supervisor, timeout: float) -> Optional[str]:
    """None when both servers answer, else what went wrong."""
    base = f"http://127.0.0.1:{settings.server_port()}"
    checks = {
        "actions": settings.actions_url().rsplit("/", 1)[0] + "/health",
        "rasa": f"{base}/status?token={settings.api_token()}",
    }
    deadline = time.monotonic() + timeout
    pending = dict(checks)
    while pending and time.monotonic() < deadline:
        supervisor.check()
        if supervisor.failed:
            return supervisor.failed
        for name, url in list(pending.items()):
            if _answers(url):
                del pending[name]
        time.sleep(0.1)
    return f"not ready after {timeout:.0f} s: {', '.join(pending)}" if pending else None


def _interrupt(*_: object) -> None:
    # SIGTERM (from a supervisor or a test) stops the servers the same way Ctrl-C does
    raise KeyboardInterrupt


def content_problem() -> Optional[str]:
    """Overstag refuses to start with any content missing in either language
    (make check-content)."""
    gaps = content_check.gaps()
    if gaps:
        return "Overstag did not start; the content has gaps:\n" + "\n".join(
            f"- {gap}" for gap in gaps
        )
    return None


def prepare() -> Optional[str]:
    """What keeps Overstag from starting, or None once everything is in place but
    the content, which `content_problem` checks while the servers load."""
    problems = (
        settings.channel_problems()
        + settings.cluster_problems()
        + config.problems()
        + tools.problems()
        + access.problems()
    )
    if problems:
        return "\n".join(problems)
    os.umask(0o077)  # everything under the data dir is the owner's alone
    settings.ensure_data_dir()
    settings.ensure_database_dir(settings.database_url())
    settings.advice_api_tokens()  # made here, before the Rasa server reads it
    config.session_secret()
    return None


def ready_message() -> str:
    base = f"http://127.0.0.1:{settings.server_port()}"
    channels = [
        name
        for name, on in (
            ("Slack", settings.slack_enabled()),
            ("Teams", settings.teams_enabled()),
        )
        if on
    ]
    extra = f"; also listening for {' and '.join(channels)}" if channels else ""
    return (
        f"\n{READY_LINE}. Open {base}/webhooks/chat/ in your browser "
        f"(REST: {base}/webhooks/rest/webhook; "
        f"advice API: {base}/api/v1/openapi.json{extra}; "
        f"Ctrl-C stops everything).\n"
    )


def _refuse(problem: str) -> int:
    print(problem, file=sys.stderr)
    return 2


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(settings.ROOT / "models"))
    parser.add_argument(
        "--quiet", action="store_true", help="servers log warnings only"
    )
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument(
        "--only",
        choices=("actions", "rasa"),
        help="become this one server (under systemd, which restarts it)",
    )
    args = parser.parse_args(argv)

    problem = prepare()
    if problem:
        return _refuse(problem)
    log_level = "--quiet" if args.quiet else "-v"
    if args.only:
        problem = content_problem()
        if problem:
            return _refuse(problem)
        command = commands(args.model, log_level)[args.only]
        os.chdir(settings.ROOT)
        os.execve(command[0], command, child_env())
    supervisor = Supervisor(
        commands(args.model, log_level), cwd=settings.ROOT, env=child_env()
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        supervisor.start()
        # on a second core while the Rasa server loads its model: about a second
        # of start-up (issue 17)
        problem = content_problem()
        if problem:
            return _refuse(problem)
        problem = wait_until_ready(supervisor, args.timeout)
        if problem:
            print(f"Overstag did not start: {problem}.", file=sys.stderr)
            return 1
        print(ready_message(), flush=True)
        while not supervisor.failed:
            supervisor.check()
            time.sleep(0.3)
        print(f"Overstag stopped: {supervisor.failed}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        supervisor.stop()


if __name__ == "__main__":
    sys.exit(main())
