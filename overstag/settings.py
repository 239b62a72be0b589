"""Run-time settings, read from the environment with defaults that need nothing set."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("OVERSTAG_DATA_DIR") or ROOT / "var").resolve()


def database_url() -> str:
    """One URL for Rasa's tracker store and the action server's own tables."""
    return os.environ.get("OVERSTAG_DATABASE_URL") or f"sqlite:///{data_dir() / 'overstag.db'}"


def ensure_database_dir(url: str) -> None:
    """SQLite creates the file but not its folder."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def server_port() -> int:
    return int(os.environ.get("OVERSTAG_PORT") or 5005)


def actions_port() -> int:
    return int(os.environ.get("OVERSTAG_ACTIONS_PORT") or 5055)


def bind_host() -> str:
    # loopback unless the operator deliberately opens it up
    return os.environ.get("OVERSTAG_HOST") or "127.0.0.1"


def api_token() -> str:
    """The token guarding Rasa's HTTP API; made once and kept in the data dir."""
    token = os.environ.get("OVERSTAG_API_TOKEN")
    if token:
        return token
    path = data_dir() / "api-token"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()
