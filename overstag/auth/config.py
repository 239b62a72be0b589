"""Sign-in settings (docs/security.md, "Sign-in"), read from the environment.

OVERSTAG_AUTH                 local (default) | oidc | proxy
OVERSTAG_PUBLIC_URL           where users open Overstag (the OIDC redirect)
OVERSTAG_OIDC_ISSUER          the provider, e.g. https://login.microsoftonline.com/<tenant>/v2.0
OVERSTAG_OIDC_CLIENT_ID       the app registered there
OVERSTAG_OIDC_CLIENT_SECRET   empty for a public client (PKCE alone)
OVERSTAG_OIDC_SCOPES          default "openid email profile"
OVERSTAG_PROXY_USER_HEADER    default X-Forwarded-User
OVERSTAG_PROXY_EMAIL_HEADER   default X-Forwarded-Email
OVERSTAG_TRUSTED_PROXIES      addresses or networks the header is taken from
OVERSTAG_ALLOWED_EMAIL_DOMAINS  optional, comma-separated
OVERSTAG_SESSION_SECRET       signs the cookie; var/session-secret when unset
OVERSTAG_SESSION_HOURS        default 12
"""

from __future__ import annotations

import ipaddress
import os
from typing import List

from overstag import settings

MODES = ("local", "oidc", "proxy")


def _env(name: str) -> str:
    return (os.environ.get(name) or "").strip()


def _listed(name: str) -> List[str]:
    return [part.strip() for part in _env(name).split(",") if part.strip()]


def mode() -> str:
    return _env("OVERSTAG_AUTH").lower() or "local"


def public_url() -> str:
    url = _env("OVERSTAG_PUBLIC_URL") or f"http://127.0.0.1:{settings.server_port()}"
    return url.rstrip("/")


def secure_cookies() -> bool:
    # a Secure cookie is never sent over plain http, as on loopback in tests
    return public_url().startswith("https://")


def oidc_issuer() -> str:
    return _env("OVERSTAG_OIDC_ISSUER").rstrip("/")


def oidc_client_id() -> str:
    return _env("OVERSTAG_OIDC_CLIENT_ID")


def oidc_client_secret() -> str:
    return _env("OVERSTAG_OIDC_CLIENT_SECRET")


def oidc_scopes() -> str:
    return _env("OVERSTAG_OIDC_SCOPES") or "openid email profile"


def proxy_user_header() -> str:
    return _env("OVERSTAG_PROXY_USER_HEADER") or "X-Forwarded-User"


def proxy_email_header() -> str:
    return _env("OVERSTAG_PROXY_EMAIL_HEADER") or "X-Forwarded-Email"


def trusted_proxies() -> List[ipaddress._BaseNetwork]:
    return [
        ipaddress.ip_network(part, strict=False)
        for part in _listed("OVERSTAG_TRUSTED_PROXIES")
    ]


def allowed_email_domains() -> List[str]:
    return [
        domain.lower().lstrip("@")
        for domain in _listed("OVERSTAG_ALLOWED_EMAIL_DOMAINS")
    ]


def session_secret() -> str:
    # replicas must share it: set OVERSTAG_SESSION_SECRET for more than one server
    return _env("OVERSTAG_SESSION_SECRET") or settings._kept_token("session-secret")


def session_hours() -> float:
    return float(_env("OVERSTAG_SESSION_HOURS") or 12)


def problems() -> List[str]:
    """What keeps the configured sign-in from working; the launcher refuses to start."""
    found = []
    if mode() not in MODES:
        return [f"OVERSTAG_AUTH must be one of {', '.join(MODES)}."]
    if mode() == "oidc":
        for name, value in (
            ("OVERSTAG_OIDC_ISSUER", oidc_issuer()),
            ("OVERSTAG_OIDC_CLIENT_ID", oidc_client_id()),
            ("OVERSTAG_PUBLIC_URL", _env("OVERSTAG_PUBLIC_URL")),
        ):
            if not value:
                found.append(f"OVERSTAG_AUTH=oidc needs {name}.")
    if mode() == "proxy":
        try:
            if not trusted_proxies():
                found.append("OVERSTAG_AUTH=proxy needs OVERSTAG_TRUSTED_PROXIES.")
        except ValueError:
            found.append("OVERSTAG_TRUSTED_PROXIES holds an address that is not one.")
    if mode() == "local" and settings.bind_host() not in (
        "127.0.0.1",
        "::1",
        "localhost",
    ):
        found.append(
            "Without sign-in everybody who reaches the server is the same user: "
            "set OVERSTAG_AUTH=oidc or proxy before opening it up (OVERSTAG_HOST)."
        )
    try:
        session_hours()
    except ValueError:
        found.append("OVERSTAG_SESSION_HOURS must be a number.")
    return found
