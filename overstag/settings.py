"""Run-time settings, read from the environment with defaults that need nothing set."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("OVERSTAG_DATA_DIR") or ROOT / "var").resolve()


def ensure_data_dir() -> Path:
    """The data dir, made owner-only: it holds the conversations and the tokens."""
    path = data_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def database_url() -> str:
    """One URL for Rasa's tracker store and the action server's own tables."""
    return (
        os.environ.get("OVERSTAG_DATABASE_URL")
        or f"sqlite:///{data_dir() / 'overstag.db'}"
    )


def ensure_database_dir(url: str) -> None:
    """SQLite creates the file but not its folder, and creates it as the umask
    says: the file is made here, owner-only, before SQLite opens it."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = Path(url[len("sqlite:///") :])
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def server_port() -> int:
    return int(os.environ.get("OVERSTAG_PORT") or 5005)


def actions_port() -> int:
    return int(os.environ.get("OVERSTAG_ACTIONS_PORT") or 5055)


def actions_host() -> str:
    """Where the action server listens: loopback, or an address of a private
    network when it runs on another host (it must never face the internet)."""
    return _env("OVERSTAG_ACTIONS_HOST") or "127.0.0.1"


def actions_url() -> str:
    """How the Rasa server reaches the action server."""
    host = actions_host()
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return _env("OVERSTAG_ACTIONS_URL") or f"http://{host}:{actions_port()}/webhook"


def actions_token() -> str:
    """The shared secret the Rasa server sends the action server with every call."""
    return _env("OVERSTAG_ACTIONS_TOKEN") or _kept_token("actions-token")


def bind_host() -> str:
    # loopback unless the operator deliberately opens it up
    return os.environ.get("OVERSTAG_HOST") or "127.0.0.1"


def stock_rasa() -> bool:
    """OVERSTAG_STOCK_RASA=1 runs plain Rasa, without Overstag's runtime fixes (the
    benchmark's baseline)."""
    return _env("OVERSTAG_STOCK_RASA").lower() in {"1", "true", "yes"}


def day_length() -> dt.timedelta:
    """One day of the reminder schedule; OVERSTAG_DAY_SECONDS shortens it for demos
    and tests."""
    return dt.timedelta(seconds=float(_env("OVERSTAG_DAY_SECONDS") or 86400))


def history_retention() -> dt.timedelta:
    """How long a conversation nobody writes in is kept (docs/privacy.md)."""
    return dt.timedelta(days=float(_env("OVERSTAG_HISTORY_RETENTION_DAYS") or 90))


def interview_retention() -> dt.timedelta:
    """How long an interview is kept once its aftercare is done."""
    return dt.timedelta(days=float(_env("OVERSTAG_INTERVIEW_RETENTION_DAYS") or 30))


def reminder_poll_seconds() -> float:
    return float(_env("OVERSTAG_REMINDER_POLL_SECONDS") or 30)


def reminder_lease() -> dt.timedelta:
    """How long a server's claim on a reminder lasts unless renewed."""
    return dt.timedelta(seconds=float(_env("OVERSTAG_REMINDER_LEASE_SECONDS") or 120))


def api_token() -> str:
    """The token guarding Rasa's HTTP API; made once and kept in the data dir."""
    return os.environ.get("OVERSTAG_API_TOKEN") or _kept_token("api-token")


def _kept_token(filename: str) -> str:
    """A random token made on first use and kept, readable by the owner only, in the
    data dir."""
    path = ensure_data_dir() / filename
    if not path.exists():
        import secrets
        import tempfile

        # written owner-only (mkstemp) and then linked in, which fails if another
        # process got there first: never readable by others, never seen half-written
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".token-")
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(24))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


# --- Channels and the advice API (docs/channels.md) --------------------------
# Slack and Teams are switched on by their secrets alone; the URLs default to the
# real services and exist so that tests can point them at local fakes.


def _env(name: str) -> str:
    return (os.environ.get(name) or "").strip()


def slack_bot_token() -> str:
    return _env("OVERSTAG_SLACK_BOT_TOKEN")


def slack_signing_secret() -> str:
    return _env("OVERSTAG_SLACK_SIGNING_SECRET")


def slack_api_url() -> str:
    """Base URL of Slack's Web API (chat.postMessage is appended)."""
    url = _env("OVERSTAG_SLACK_API_URL") or "https://slack.com/api/"
    return url if url.endswith("/") else url + "/"


def slack_enabled() -> bool:
    return bool(slack_bot_token() and slack_signing_secret())


def teams_app_id() -> str:
    return _env("OVERSTAG_TEAMS_APP_ID")


def teams_app_password() -> str:
    return _env("OVERSTAG_TEAMS_APP_PASSWORD")


def teams_tenant_id() -> str:
    """Set for a single-tenant Azure bot; empty for a multi-tenant one."""
    return _env("OVERSTAG_TEAMS_TENANT_ID")


def teams_openid_url() -> str:
    """Where the Bot Framework publishes the keys that sign incoming activities."""
    return (
        _env("OVERSTAG_TEAMS_OPENID_URL")
        or "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )


def teams_login_url() -> str:
    """Microsoft's identity platform; the bot gets its own token here to reply."""
    return (
        _env("OVERSTAG_TEAMS_LOGIN_URL") or "https://login.microsoftonline.com"
    ).rstrip("/")


def teams_buttons() -> str:
    """'card' (hero card buttons, everywhere) or 'suggested' (chips, one-to-one chats
    only)."""
    return _env("OVERSTAG_TEAMS_BUTTONS").lower() or "card"


def teams_enabled() -> bool:
    return bool(teams_app_id() and teams_app_password())


def channel_problems() -> list:
    """Half-configured channels: better to refuse to start than to run without them."""
    problems = []
    slack = {
        "OVERSTAG_SLACK_BOT_TOKEN": slack_bot_token(),
        "OVERSTAG_SLACK_SIGNING_SECRET": slack_signing_secret(),
    }
    teams = {
        "OVERSTAG_TEAMS_APP_ID": teams_app_id(),
        "OVERSTAG_TEAMS_APP_PASSWORD": teams_app_password(),
    }
    for name, needed in (("Slack", slack), ("Teams", teams)):
        missing = [var for var, value in needed.items() if not value]
        if 0 < len(missing) < len(needed):
            problems.append(
                f"{name} is half configured: set {', '.join(missing)} as well "
                "(see docs/channels.md)."
            )
    if teams_tenant_id() and not teams_enabled():
        problems.append(
            "OVERSTAG_TEAMS_TENANT_ID is set but the Teams app id and password are not."
        )
    if teams_buttons() not in ("card", "suggested"):
        problems.append("OVERSTAG_TEAMS_BUTTONS must be 'card' or 'suggested'.")
    return problems


def advice_api_tokens() -> list:
    """Tokens accepted by /api/v1 (comma-separated, so a new one can be rolled out
    before the old one is withdrawn). Separate from Rasa's admin token on purpose:
    a CRM that may ask for advice must not be able to replace the model."""
    tokens = [
        t.strip() for t in _env("OVERSTAG_ADVICE_API_TOKEN").split(",") if t.strip()
    ]
    return tokens or [_kept_token("advice-api-token")]


# --- Several servers (docs/cluster.md) -----------------------------------------
# One Redis, shared by every Rasa server, turns on the conversation lock that holds
# across servers and workers, and the channels' shared memory of deliveries.


def redis_url() -> str:
    return _env("OVERSTAG_REDIS_URL")


def lock_lease_seconds() -> float:
    """How long a conversation's lock outlives a server that stopped renewing it."""
    return float(_env("OVERSTAG_LOCK_LEASE_SECONDS") or 10)


def sanic_workers() -> int:
    """Rasa's own variable: worker processes per Rasa server."""
    try:
        return int(_env("SANIC_WORKERS") or 1)
    except ValueError:
        return 0


def server_instance() -> str:
    """This process's name in shared claims: host, process and a random part, so a
    restarted server never mistakes an earlier one's claims for its own."""
    global _INSTANCE
    if not _INSTANCE:
        import secrets
        import socket

        _INSTANCE = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    return _INSTANCE


_INSTANCE = ""


def cluster_problems() -> list:
    problems = []
    workers = sanic_workers()
    if workers < 1:
        problems.append("SANIC_WORKERS must be a whole number of at least 1.")
    elif workers > 1 and not redis_url():
        problems.append(
            "SANIC_WORKERS above 1 needs OVERSTAG_REDIS_URL: without the shared lock "
            "two workers could answer one conversation at once."
        )
    url = redis_url()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        problems.append(
            "OVERSTAG_REDIS_URL must be a redis://, rediss:// or unix:// URL."
        )
    return problems
