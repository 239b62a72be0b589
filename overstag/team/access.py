"""Who may see the team view, and the smallest group whose figures are shown.

OVERSTAG_COACHES          comma-separated user ids (`oidc:...`, `proxy:alice`, `local`)
OVERSTAG_COACH_CLAIM      an ID token claim that makes its holder a coach at sign-in
OVERSTAG_COACH_CLAIM_VALUE  the value that claim must hold or list (default `coach`)
OVERSTAG_TEAM_MIN_USERS   a figure needs this many distinct users (default 3)

A claim is read once, at sign-in, and kept in the signed session, so a role
taken away at the provider lasts until the session ends (OVERSTAG_SESSION_HOURS).
"""

from __future__ import annotations

import os
from typing import Any, FrozenSet, List, Mapping, Optional

DEFAULT_MIN_USERS = 3
# one or two people are recognisable in a small team whatever the setting says
LOWEST_MIN_USERS = 2


def _env(name: str) -> str:
    return (os.environ.get(name) or "").strip()


def coaches() -> FrozenSet[str]:
    return frozenset(
        p.strip() for p in _env("OVERSTAG_COACHES").split(",") if p.strip()
    )


def coach_claim() -> str:
    return _env("OVERSTAG_COACH_CLAIM")


def coach_claim_value() -> str:
    return _env("OVERSTAG_COACH_CLAIM_VALUE") or "coach"


def min_users() -> int:
    value = _env("OVERSTAG_TEAM_MIN_USERS")
    return int(value) if value else DEFAULT_MIN_USERS


def claims_say_coach(claims: Mapping[str, Any]) -> bool:
    """Whether an ID token's claims name a coach: the configured claim is true,
    equals the value, or lists it (as `roles` and `groups` claims do)."""
    name = coach_claim()
    if not name:
        return False
    held = claims.get(name)
    wanted = coach_claim_value()
    if held is True:
        return True
    if isinstance(held, str):
        return held == wanted or wanted in held.split()
    if isinstance(held, list):
        return wanted in [v for v in held if isinstance(v, str)]
    return False


def is_coach(user_id: Optional[str], coach_flag: bool = False) -> bool:
    """A user named in OVERSTAG_COACHES, or one whose sign-in said so."""
    return bool(user_id) and (coach_flag or user_id in coaches())


def problems() -> List[str]:
    try:
        lowest = min_users()
    except ValueError:
        return ["OVERSTAG_TEAM_MIN_USERS must be a whole number."]
    if lowest < LOWEST_MIN_USERS:
        return [
            f"OVERSTAG_TEAM_MIN_USERS must be at least {LOWEST_MIN_USERS}: a smaller "
            "group shows one person's figures."
        ]
    return []
