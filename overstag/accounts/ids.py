"""Namespaced ids: a channel can only ever name its own users and conversations.

Every id starts with the channel that issued it ("slack:T1:U2", "rest:tool:abc"),
so a sender typed into the REST channel can never be a colleague's Slack id, and
a web conversation id is random and issued by the server (never chosen by the
page). Ids longer than the columns are shortened to a hash of the long part.
"""

from __future__ import annotations

import hashlib
import secrets

from overstag.facts import MAX_SENDER_CHARS

LOCAL_USER = "local"
WEB_PREFIX = "web:"


def namespaced(*parts: str) -> str:
    """`a:b:c`, the last part hashed when the whole would not fit a column."""
    whole = ":".join(parts)
    if len(whole) <= MAX_SENDER_CHARS:
        return whole
    digest = hashlib.sha256(parts[-1].encode("utf-8", "surrogatepass")).hexdigest()
    head = ":".join(parts[:-1])
    if len(head) + 1 + len(digest) > MAX_SENDER_CHARS:
        head = hashlib.sha256(head.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{head}:{digest}"


def new_web_conversation() -> str:
    """A conversation id for the web page: random, so none can be guessed."""
    return WEB_PREFIX + secrets.token_urlsafe(18)


def is_web_conversation(conversation_id: str) -> bool:
    return conversation_id.startswith(WEB_PREFIX)
