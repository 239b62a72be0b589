"""`message_id`, the client's idempotency key, on both chat webhooks: a retry with
the same key is answered as the first time and stored once; another key (or
none) is a new message; a key that breaks the contract (1..64 of [A-Za-z0-9_-])
is a 400 and nothing is stored."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any, Callable, List, Tuple

import pytest

from support.servers import Servers

ENDPOINTS = ["/webhooks/rest/webhook", "/webhooks/chat/webhook"]
TEXT = "Ze heeft echt geen tijd voor een interview"


def fresh_sender(servers: Servers, path: str) -> str:
    """A new sender: any id over REST, a conversation the server issued on the web."""
    if path.startswith("/webhooks/chat/"):
        return servers.web_conversation()
    return f"idem-{uuid.uuid4().hex}"


def stored_as(servers: Servers, sender: str) -> str:
    """The conversation id the sender's messages are stored under."""
    return sender if sender.startswith("web:") else servers.rest_id(sender)


def user_texts(stored: Callable[..., list], servers: Servers, sender: str) -> List[str]:
    """The texts of the `user` events stored for exactly this sender."""
    return [
        json.loads(data).get("text")
        for _, kind, data in stored(servers, stored_as(servers, sender), exact=True)
        if kind == "user"
    ]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_retry_with_the_same_message_id_is_answered_and_stored_once(
    servers, stored, path
):
    sender = fresh_sender(servers, path)
    body = {"sender": sender, "message": TEXT, "message_id": "msg-0001"}
    first, second = servers.post(path, body), servers.post(path, body)
    assert first[0] == second[0] == 200, (first, second)
    assert first[1] and first[1] == second[1]
    assert all(
        reply["recipient_id"] == stored_as(servers, sender) for reply in first[1]
    )
    assert user_texts(stored, servers, sender) == [TEXT]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_another_message_id_with_the_same_text_is_a_new_message(servers, stored, path):
    sender = fresh_sender(servers, path)
    for message_id in ("msg-0001", "msg-0002"):
        status, replies = servers.post(
            path, {"sender": sender, "message": TEXT, "message_id": message_id}
        )
        assert status == 200 and replies, (status, replies)
    assert user_texts(stored, servers, sender) == [TEXT, TEXT]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_message_id_a_repeated_text_is_a_new_message(servers, stored, path):
    sender = fresh_sender(servers, path)
    for _ in range(2):
        status, _ = servers.post(path, {"sender": sender, "message": TEXT})
        assert status == 200
    assert user_texts(stored, servers, sender) == [TEXT, TEXT]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_message_id_belongs_to_its_sender(servers, stored, path):
    """Two people whose clients happen to pick the same key each get their own
    answer: a key never hands one conversation's reply to another."""
    message_id = f"shared-{uuid.uuid4().hex[:8]}"
    senders = [fresh_sender(servers, path), fresh_sender(servers, path)]
    for sender in senders:
        status, replies = servers.post(
            path, {"sender": sender, "message": TEXT, "message_id": message_id}
        )
        assert status == 200 and replies, (status, replies)
        assert all(
            reply["recipient_id"] == stored_as(servers, sender) for reply in replies
        ), replies
    for sender in senders:
        assert user_texts(stored, servers, sender) == [TEXT]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_concurrent_retries_are_stored_once(servers, stored, path):
    """A client that times out and retries while the first request still runs."""
    sender = fresh_sender(servers, path)
    body = {"sender": sender, "message": TEXT, "message_id": "retry-while-busy"}
    answers: List[Tuple[int, Any]] = []
    threads = [
        threading.Thread(target=lambda: answers.append(servers.post(path, body)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 3 and all(status == 200 for status, _ in answers), answers
    assert all(replies == answers[0][1] for _, replies in answers), answers
    assert user_texts(stored, servers, sender) == [TEXT]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "message_id",
    [
        "a" * 65,
        "../x",
        "b" * 1000,
        "",
        "a b",
        "naïve",
        "id/1",
        "id\n",
        "id\x00",
        "\udc00",
        42,
        1.5,
        True,
        ["msg-1"],
        {"id": "msg-1"},
    ],
    ids=repr,
)
def test_an_invalid_message_id_is_refused_and_nothing_stored(
    servers, stored, path, message_id
):
    sender = fresh_sender(servers, path)
    status, reply = servers.post(
        path,
        None,
        raw=json.dumps(
            {"sender": sender, "message": TEXT, "message_id": message_id}
        ).encode(),
    )
    assert status == 400 and reply["error"], (status, reply)
    assert not stored(servers, stored_as(servers, sender), exact=True)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("message_id", ["a" * 64, "A-z_09", "0"])
def test_a_message_id_at_the_limits_is_taken(servers, stored, path, message_id):
    sender = fresh_sender(servers, path)
    status, replies = servers.post(
        path, {"sender": sender, "message": TEXT, "message_id": message_id}
    )
    assert status == 200 and replies, (status, replies)
    assert user_texts(stored, servers, sender) == [TEXT]
