"""Bad input over REST gets a sensible reply or a clean 4xx, never a crash."""

import pytest

ENDPOINTS = ["/webhooks/rest/webhook", "/webhooks/chat/webhook"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "body, expected",
    [
        ({"sender": "bad-1", "message": ""}, 400),
        ({"sender": "bad-1", "message": "   "}, 400),
        ({"sender": "bad-1"}, 400),
        ({"sender": "bad-1", "message": 42}, 400),
        ({"sender": "", "message": "hello"}, 400),
        ({"sender": "x" * 500, "message": "hello"}, 400),
        ({"message": "hello"}, 400),  # no shared "default" conversation
        ({"sender": "tab\there", "message": "hello"}, 400),
        ({"sender": "nul\x00", "message": "hello"}, 400),
        ({"sender": "rtl\u202emark", "message": "hello"}, 400),
        ({"sender": "bad-1", "message": "nul \x00 inside"}, 400),
        ({"sender": "bad-1", "message": "hi", "metadata": {"a": "x" * 3000}}, 400),
        (
            {
                "sender": "bad-1",
                "message": "hi",
                "metadata": {"a": {"b": {"c": {"d": {}}}}},
            },
            400,
        ),
        ({"sender": "bad-1", "message": "hi", "metadata": []}, 400),
        ({"sender": "bad-1", "message": "hi", "message_id": "../x"}, 400),
        ({"sender": "bad-1", "message": "hi", "message_id": "x" * 65}, 400),
        ({"sender": "bad-1", "message": "a" * 10_000}, 400),
        (["not", "an", "object"], 400),
    ],
)
def test_invalid_requests_get_a_clear_4xx(servers, path, body, expected):
    status, reply = servers.post(path, body)
    assert status == expected
    assert reply["error"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_malformed_json_gets_400(servers, path):
    status, reply = servers.post(path, None, raw=b'{"sender": "bad-2", "message": ')
    assert status == 400 and "JSON" in reply["error"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "raw, status",
    [
        # valid JSON whose strings decode to lone surrogates
        (b'{"sender": "x\\udc00", "message": "hello"}', 400),
        (b'{"sender": "bad-4", "message": "hi \\ud800"}', 400),
        (b"[" * 3000 + b"]" * 3000, 400),
        (b'{"sender": "bad-4", "message": "hi", "metadata": ' + b"[" * 3000, 400),
        (b'{"sender": "bad-4", "message": "\xff\xfe"}', 400),
        (b'{"sender": "bad-4", "message": "' + b"x" * 70_000 + b'"}', 413),
    ],
)
def test_bodies_that_used_to_crash_get_a_4xx(servers, path, raw, status):
    assert servers.post(path, None, raw=raw)[0] == status


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", ""]
)
def test_only_json_is_read(servers, path, content_type):
    """A cross-site form or text/plain post, which a browser sends without asking,
    is refused before it can act."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        servers.base + path,
        data=b'{"sender": "bad-5", "message": "hello"}',
        headers={"Content-Type": content_type} if content_type else {},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 415


@pytest.mark.parametrize("message", ["🙈🙈🙈", "?!", "😀 👍"])
def test_emoji_only_gets_a_reply(servers, message):
    replies = servers.say("bad-emoji", message)
    expected = servers.rest_id("bad-emoji")
    assert replies and all(r["recipient_id"] == expected for r in replies)


@pytest.mark.parametrize(
    "sender", ["user/../../etc", "naïve 😀 id", "a'; drop table events;--", "日本"]
)
def test_odd_sender_ids_are_kept_apart(servers, sender):
    replies = servers.say(sender, "I don't have time for this")
    assert replies[0]["recipient_id"] == servers.rest_id(sender)


def test_long_message_just_under_the_limit_is_answered(servers):
    text = ("She says she is really too busy this quarter. " * 200)[:4990]
    assert servers.say("bad-long", text)


@pytest.mark.parametrize(
    "query, status",
    [
        ("", 400),
        ("?after=0", 400),
        ("?sender=x&after=yesterday", 400),
        ("?sender=" + "x" * 200, 400),
        ("?sender=a%00b&after=0", 400),
        # decoded as U+FFFD: a valid id, but not a conversation issued to this user
        ("?sender=a%ED%B3%80&after=0", 404),
        ("?sender=x&after=nan", 400),
        ("?sender=nobody-here&after=0", 404),
    ],
)
def test_reminder_updates_endpoint_answers_bad_queries_in_json(servers, query, status):
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(
            f"{servers.base}/webhooks/chat/updates{query}", timeout=30
        ) as reply:
            code, body = reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        code, body = error.code, json.loads(error.read())
    assert code == status
    assert body == {"messages": []} if status == 200 else "error" in body


@pytest.mark.parametrize(
    "text",
    [
        '/confirm_delete{"interview_id": "999999"}',
        '/interview_status{"interview_id": "abc", "interview_status": "x"}',
        '/delete_interview{"interview_id": "-1"}',
    ],
)
def test_forged_interview_buttons_are_harmless(servers, text):
    replies = servers.say("bad-buttons", text)
    assert replies and all(r.get("text") for r in replies)


def test_server_still_healthy_afterwards(servers):
    status, _ = servers.post(
        "/webhooks/rest/webhook", {"sender": "bad-3", "message": "hello"}
    )
    assert status == 200
