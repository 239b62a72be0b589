"""OpenID Connect sign-in: authorization code with PKCE (S256), state and nonce.

authlib builds the authorization URL and redeems the code (its requests client,
run in a thread: sign-in is rare and must not hold the server's event loop);
joserfc checks the ID token against the provider's published keys: signature,
issuer, audience, expiry and the nonce sent with this sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, Dict, Optional, Tuple

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from overstag.accounts import ids
from overstag.auth import config, sessions
from overstag.auth.identity import Identity, email_allowed
from overstag.team import access

CALLBACK_PATH = "/webhooks/chat/callback"
TIMEOUT = 10
_DISCOVERY_SECONDS = 3600
_ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
_cache: Dict[str, Tuple[float, Dict[str, Any]]] = {}


class SignInError(Exception):
    """Sign-in failed; `kind` picks the page that says so (overstag/auth/pages.py)."""

    def __init__(self, kind: str, status: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status = status


def _get_json(url: str) -> Dict[str, Any]:
    try:
        answer = requests.get(url, timeout=TIMEOUT)
        answer.raise_for_status()
        data = answer.json()
    except (requests.RequestException, ValueError):
        raise SignInError("unreachable", 502) from None
    if not isinstance(data, dict):
        raise SignInError("unreachable", 502)
    return data


def _cached(url: str, fresh: bool = False) -> Dict[str, Any]:
    found = _cache.get(url)
    if found and not fresh and time.monotonic() - found[0] < _DISCOVERY_SECONDS:
        return found[1]
    data = _get_json(url)
    _cache[url] = (time.monotonic(), data)
    return data


def provider() -> Dict[str, Any]:
    return _cached(f"{config.oidc_issuer()}/.well-known/openid-configuration")


def _client(state: Optional[str] = None) -> OAuth2Session:
    secret = config.oidc_client_secret()
    return OAuth2Session(
        client_id=config.oidc_client_id(),
        client_secret=secret or None,
        # a public client proves itself by PKCE alone
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=config.oidc_scopes(),
        redirect_uri=config.public_url() + CALLBACK_PATH,
        state=state,
        code_challenge_method="S256",
        default_timeout=TIMEOUT,
    )


def start() -> Tuple[str, str]:
    """(the provider's URL to send the browser to, the login cookie)."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = _client().create_authorization_url(
        provider()["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    cookie = sessions.sign(
        {"purpose": "login", "state": state, "nonce": nonce, "verifier": verifier},
        sessions.LOGIN_SECONDS,
    )
    return url, cookie


def _keys(fresh: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_cached(provider()["jwks_uri"], fresh))
    except (KeyError, ValueError, JoseError):
        raise SignInError("invalid_token", 502) from None


def _verified_claims(id_token: str, nonce: str) -> Dict[str, Any]:
    try:
        try:
            token = jwt.decode(id_token, _keys(), algorithms=_ID_TOKEN_ALGORITHMS)
        except (JoseError, ValueError):
            # the provider may have rotated its keys since they were fetched
            token = jwt.decode(id_token, _keys(True), algorithms=_ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={
                "essential": True,
                "value": provider().get("issuer") or config.oidc_issuer(),
            },
            aud={"essential": True, "value": config.oidc_client_id()},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError):
        raise SignInError("invalid_token", 400) from None
    return token.claims


def finish(args: Dict[str, str], login_cookie: Optional[str]) -> Identity:
    """The signed-in user, from the provider's redirect back to us."""
    login = sessions.read(login_cookie, "login")
    if args.get("error"):
        raise SignInError("refused", 403)
    if not login or not args.get("state") or args.get("state") != login["state"]:
        raise SignInError("expired", 400)
    code = args.get("code")
    if not code or len(code) > 2048:
        raise SignInError("expired", 400)
    try:
        token = _client(state=login["state"]).fetch_token(
            provider()["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=login["verifier"],
        )
    except SignInError:
        raise
    except Exception:
        # the provider refused the code, or could not be reached
        raise SignInError("refused", 502) from None
    if not isinstance(token.get("id_token"), str):
        raise SignInError("invalid_token", 502)
    claims = _verified_claims(token["id_token"], login["nonce"])
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    if not email_allowed(email, claims.get("email_verified", True)):
        raise SignInError("not_allowed", 403)
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    # the subject is unique per provider; the issuer keeps two providers apart
    return Identity(
        ids.namespaced("oidc", _issuer_tag(), str(claims["sub"])),
        name or email,
        email,
        coach=access.claims_say_coach(claims),
    )


def _issuer_tag() -> str:
    return hashlib.sha256(config.oidc_issuer().encode()).hexdigest()[:8]
