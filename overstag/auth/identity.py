"""Who a request comes from, by the configured mode (overstag/auth/config.py).

local: everybody is the one local user (make run on loopback).
oidc:  the user in the signed session cookie, made at sign-in.
proxy: the user a trusted reverse proxy names in its header; the header is
       ignored from any other address, so nobody can send it themselves.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Optional

from overstag.accounts import ids
from overstag.auth import config, sessions


@dataclass(frozen=True)
class Identity:
    user_id: str
    display_name: Optional[str] = None
    email: Optional[str] = None
    # the sign-in's claims made this user a coach (overstag/team/access.py)
    coach: bool = False


class NotAllowedError(PermissionError):
    """Signed in, but not someone this deployment lets in."""


def email_allowed(email: Optional[str], verified: Any = True) -> bool:
    domains = config.allowed_email_domains()
    if not domains:
        return True
    if not email or "@" not in email or verified is False:
        return False
    return email.rsplit("@", 1)[1].lower() in domains


def _peer_trusted(request: Any) -> bool:
    # the socket's peer, never a forwarded-for header
    try:
        peer = ipaddress.ip_address(request.conn_info.client_ip)
    except (AttributeError, ValueError):
        return False
    return any(peer in network for network in config.trusted_proxies())


def _from_proxy(request: Any) -> Optional[Identity]:
    if not _peer_trusted(request):
        return None
    name = (request.headers.get(config.proxy_user_header()) or "").strip()
    if not name or len(name) > 256 or not name.isprintable():
        return None
    email = (request.headers.get(config.proxy_email_header()) or "").strip() or None
    if not email_allowed(email):
        raise NotAllowedError(email or "")
    return Identity(ids.namespaced("proxy", name), name, email)


def of_request(request: Any) -> Optional[Identity]:
    """The request's user, or None when nobody is signed in."""
    mode = config.mode()
    if mode == "local":
        return Identity(ids.LOCAL_USER)
    if mode == "proxy":
        return _from_proxy(request)
    claims = sessions.read(request.cookies.get(sessions.SESSION_COOKIE), "session")
    if not claims or not isinstance(claims.get("sub"), str):
        return None
    return Identity(
        claims["sub"],
        claims.get("name"),
        claims.get("email"),
        claims.get("coach") is True,
    )


def session_cookie(identity: Identity) -> str:
    claims = {"purpose": "session", "sub": identity.user_id}
    if identity.display_name:
        claims["name"] = identity.display_name[:128]
    if identity.email:
        claims["email"] = identity.email[:128]
    if identity.coach:
        claims["coach"] = True
    return sessions.sign(claims, config.session_hours() * 3600)
