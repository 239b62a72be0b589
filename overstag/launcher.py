"""Starts the action server and the Rasa server, waits until both answer,
prints where to open the chat, and stops both on Ctrl-C.

    python -m overstag.launcher [--model models/] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from overstag import content_check, rasa_patches, settings

READY_LINE = "Overstag is ready"


def runtime_endpoints() -> Path:
    """endpoints.yml with the action server's port from the settings."""
    endpoints = yaml.safe_load((settings.ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = (
        f"http://127.0.0.1:{settings.actions_port()}/webhook"
    )
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
    return env


def commands(model: str, log_level: str) -> Dict[str, List[str]]:
    python = sys.executable
    return {
        "actions": [
            python,
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(settings.actions_port()),
            log_level,
        ],
        # overstag.serve is Rasa with Overstag's runtime fixes; the stock entry point on
        # request
        "rasa": [
            python,
            "-m",
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
            "--auth-token",
            settings.api_token(),
            log_level,
        ],
    }


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def wait_until_ready(
    processes: Dict[str, subprocess.Popen], timeout: float
) -> Optional[str]:
    """None when both servers answer, else what went wrong."""
    base = f"http://127.0.0.1:{settings.server_port()}"
    checks = {
        "actions": f"http://127.0.0.1:{settings.actions_port()}/health",
        "rasa": f"{base}/status?token={settings.api_token()}",
    }
    deadline = time.monotonic() + timeout
    pending = dict(checks)
    while pending and time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                return f"the {name} server exited with code {process.returncode}"
        for name, url in list(pending.items()):
            if _answers(url):
                del pending[name]
        time.sleep(0.3)
    return f"not ready after {timeout:.0f} s: {', '.join(pending)}" if pending else None


def stop(processes: Dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(*_: object) -> None:
    # SIGTERM (from a supervisor or a test) stops the servers the same way Ctrl-C does
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(settings.ROOT / "models"))
    parser.add_argument(
        "--quiet", action="store_true", help="servers log warnings only"
    )
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)

    # refuse to start with any content missing in either language (make check-content)
    gaps = content_check.gaps()
    if gaps:
        print("Overstag did not start; the content has gaps:", file=sys.stderr)
        print("\n".join(f"- {gap}" for gap in gaps), file=sys.stderr)
        return 2
    problems = settings.channel_problems()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    settings.data_dir().mkdir(parents=True, exist_ok=True)
    settings.ensure_database_dir(settings.database_url())
    settings.advice_api_tokens()  # made here, before the Rasa server reads it
    log_level = "--quiet" if args.quiet else "-v"
    processes: Dict[str, subprocess.Popen] = {}
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name, command in commands(args.model, log_level).items():
            processes[name] = subprocess.Popen(
                command, cwd=settings.ROOT, env=child_env()
            )
        problem = wait_until_ready(processes, args.timeout)
        if problem:
            print(f"Overstag did not start: {problem}.", file=sys.stderr)
            return 1
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
        print(
            f"\n{READY_LINE}. Open {base}/webhooks/chat/ in your browser "
            f"(REST: {base}/webhooks/rest/webhook; "
            f"advice API: {base}/api/v1/openapi.json{extra}; "
            f"Ctrl-C stops everything).\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        print("A server stopped; shutting down the other.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
