"""A download link for a user's export, for the chat: signed, short-lived, theirs.

A Slack or Teams user has no cookie for the web server; "export my data" answers
with a link that names them, signed by the server and valid for 15 minutes.
"""

from __future__ import annotations

from typing import Optional

from overstag.auth import config, sessions

EXPORT_PATH = "/api/v1/me/export"
LINK_SECONDS = 900


def export_link(user_id: str) -> str:
    token = sessions.sign({"purpose": "export", "sub": user_id}, LINK_SECONDS)
    return f"{config.public_url()}{EXPORT_PATH}?link={token}"


def user_of_link(token: Optional[str]) -> Optional[str]:
    claims = sessions.read(token, "export")
    sub = claims.get("sub") if claims else None
    return sub if isinstance(sub, str) else None
