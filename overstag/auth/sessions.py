"""Signed cookies: the session (who is signed in) and the sign-in in progress.

Both are JWTs signed with HS256 (joserfc, the JOSE library of authlib's
authors), HttpOnly and SameSite=Lax: the page's scripts cannot read them, and
another site cannot send them along with its own requests.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from overstag.auth import config

SESSION_COOKIE = "overstag_session"
LOGIN_COOKIE = "overstag_login"
LOGIN_SECONDS = 600
_ALGORITHMS = ["HS256"]


def _key() -> OctKey:
    return OctKey.import_key(config.session_secret().encode())


def sign(claims: Dict[str, Any], seconds: float) -> str:
    now = int(time.time())
    body = {**claims, "iat": now, "exp": now + int(seconds)}
    return jwt.encode({"alg": "HS256"}, body, _key(), algorithms=_ALGORITHMS)


def read(value: Optional[str], purpose: str) -> Optional[Dict[str, Any]]:
    """The claims of a cookie we signed for `purpose`, if it is still valid."""
    if not value or len(value) > 4096:
        return None
    try:
        token = jwt.decode(value, _key(), algorithms=_ALGORITHMS)
    except (JoseError, ValueError):
        return None
    claims = token.claims
    if claims.get("purpose") != purpose or not isinstance(claims.get("exp"), int):
        return None
    if claims["exp"] < time.time():
        return None
    return claims


def set_cookie(response: Any, name: str, value: str, seconds: float) -> None:
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Lax"
    cookie["path"] = "/"
    cookie["max-age"] = int(seconds)
    if config.secure_cookies():
        cookie["secure"] = True


def clear_cookie(response: Any, name: str) -> None:
    set_cookie(response, name, "", 0)
