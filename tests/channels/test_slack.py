"""Slack end to end: signed Events API requests and button clicks posted to the
real server, replies read at a local fake of Slack's Web API."""

import itertools
import json
import time
import urllib.parse

import pytest

from overstag.coaching import content
from overstag.rehearsal import content as rehearsal_content
from overstag.storage import storage
from support.channel_fakes import SLACK_BOT_USER, http, slack_signature

_ts = itertools.count(1)


def next_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


@pytest.fixture(scope="module")
def slack(channel_stack):
    return channel_stack


def webhook(stack) -> str:
    return stack.servers.base + "/webhooks/slack/webhook"


def post_raw(
    stack,
    raw: bytes,
    content_type="application/json",
    signed=True,
    timestamp=None,
    extra=None,
):
    headers = {
        "Content-Type": content_type,
        **(slack_signature(raw, timestamp) if signed else {}),
        **(extra or {}),
    }
    return http("POST", webhook(stack), raw, headers)


def event_body(event, event_id=None):
    return {
        "token": "unused",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ts)}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": SLACK_BOT_USER, "is_bot": True}],
        "event": event,
    }


def send_event(stack, event, event_id=None, extra=None):
    return post_raw(
        stack, json.dumps(event_body(event, event_id)).encode(), extra=extra
    )


def dm(user, channel, text, ts=None, **more):
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts or next_ts(),
        **more,
    }


def click(stack, user, channel, value, message_ts, thread_ts=None):
    message = {
        "type": "message",
        "ts": message_ts,
        **({"thread_ts": thread_ts} if thread_ts else {}),
    }
    payload = {
        "type": "block_actions",
        # as Slack sends it: the workspace twice
        "team": {"id": "T0TEAM", "domain": "overstag-test"},
        "user": {"id": user, "team_id": "T0TEAM"},
        "channel": {"id": channel},
        "trigger_id": f"trigger-{next(_ts)}",
        "message": message,
        "actions": [{"type": "button", "value": value, "action_ts": next_ts()}],
    }
    raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return post_raw(stack, raw, content_type="application/x-www-form-urlencoded")


def settled(fake, channel, thread=None, after=0, quiet=1.0, timeout=30):
    """The messages in channel/thread once more than `after` arrived and none came
    for `quiet` s."""
    fake.wait_for(lambda _: len(fake.messages(channel, thread)) > after, timeout)
    count = -1
    while count != len(fake.messages(channel, thread)):
        count = len(fake.messages(channel, thread))
        time.sleep(quiet)
    return fake.messages(channel, thread)


def text_of(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def buttons_of(messages):
    return [
        e
        for m in messages
        for b in m.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_url_verification_challenge(slack):
    status, _, body = post_raw(
        slack, json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    )
    assert (status, body) == (200, {"challenge": "c-123"})


@pytest.mark.parametrize(
    "how", ["unsigned", "wrong secret", "stale", "from the future", "other body"]
)
def test_unsigned_forged_or_stale_requests_are_refused(slack, how):
    channel = f"DREFUSED{how.replace(' ', '')}"
    raw = json.dumps(event_body(dm("UMALLORY", channel, "I have no time"))).encode()
    if how == "unsigned":
        status, _, body = post_raw(slack, raw, signed=False)
    elif how == "wrong secret":
        headers = {
            "Content-Type": "application/json",
            **slack_signature(raw, secret="not-the-secret"),
        }
        status, _, body = http("POST", webhook(slack), raw, headers)
    elif how == "other body":
        headers = {"Content-Type": "application/json", **slack_signature(b"{}")}
        status, _, body = http("POST", webhook(slack), raw, headers)
    else:
        shift = -6 * 60 if how == "stale" else 6 * 60  # Slack's window is five minutes
        status, _, body = post_raw(slack, raw, timestamp=int(time.time()) + shift)
    assert status == 401 and "signed" in body["error"]
    time.sleep(0.5)
    assert slack.slack.messages(channel) == []


def test_direct_message_gets_advice_with_slack_buttons_and_a_click_continues(slack):
    material = content.load()
    status, _, _ = send_event(
        slack,
        dm(
            "UANNA",
            "DANNA",
            "He says his manager has to approve it before he can say yes",
        ),
    )
    assert status == 200
    first = settled(slack.slack, "DANNA")  # answered in the DM itself, not in a thread
    assert material.label("objection_approval", "en") in text_of(first)
    # Markdown bold became Slack's *bold*
    assert "**" not in text_of(first) and "*" in text_of(first)
    [with_buttons] = [m for m in first if m.get("blocks")]
    section, actions = with_buttons["blocks"]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    payloads = [e["value"] for e in actions["elements"]]
    assert "/ask_another_suggestion" in payloads and all(
        e["type"] == "button" for e in actions["elements"]
    )
    assert [e["text"]["text"] for e in actions["elements"]][0] == material.button(
        "another_suggestion", "en"
    )
    assert "as_user" not in with_buttons

    click(slack, "UANNA", "DANNA", "/ask_another_suggestion", with_buttons["ts"])
    more = settled(slack.slack, "DANNA", after=len(first))[len(first) :]

    def offered(ms):
        return {line for line in text_of(ms).splitlines() if line.startswith("• *")}

    # same conversation: nothing repeated
    assert offered(more) and not offered(more) & offered(first)
    # one conversation per person in DMs
    assert storage(slack.servers.database_url).coaching.records("slack:T0TEAM:UANNA")
    # and no REST sender reaches it, not even with the Slack ids typed in
    anna = "slack:T0TEAM:UANNA"
    before = len(storage(slack.servers.database_url).coaching.records(anna))
    for sender in (anna, "UANNA"):
        slack.servers.say(sender, "/ask_another_suggestion")
        assert storage(slack.servers.database_url).accounts.owner(anna) == anna
    assert len(storage(slack.servers.database_url).coaching.records(anna)) == before


def test_retries_and_double_deliveries_are_answered_once(slack):
    material = content.load()
    event = dm("UBOB", "DBOB", "She's swamped this month, she really has no time")
    body = event_body(event)
    raw = json.dumps(body).encode()
    assert post_raw(slack, raw)[0] == 200
    first = settled(slack.slack, "DBOB")
    assert len(buttons_of(first)) > 0
    # Slack's retries (any reason; Rasa only drops "http_timeout") ...
    for reason in ("http_error", "http_timeout", "unknown_error"):
        status, headers, _ = post_raw(
            slack, raw, extra={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason}
        )
        assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    # ... and the same message delivered again under a new event id
    # (app_mention + message)
    assert (
        send_event(slack, dict(event, type="app_mention"), event_id="EvSecondCopy")[0]
        == 200
    )
    # a later message in the same conversation is handled after any wrongly accepted
    # copy would be
    send_event(slack, dm("UBOB", "DBOB", "thanks!"))
    after = settled(slack.slack, "DBOB", after=len(first))
    assert text_of(after[len(first) :]) in material.replies["thank"]["en"]
    assert sum(1 for m in after if m.get("blocks")) == 1  # the advice went out once


def test_mention_in_a_channel_starts_a_threaded_rehearsal(slack):
    personas = rehearsal_content.load().personas
    root = next_ts()
    mention = {
        "type": "app_mention",
        "channel": "CTEAM",
        "user": "UCARA",
        "ts": root,
        "text": f"<@{SLACK_BOT_USER}> let's practise a control objection, easy",
    }
    assert send_event(slack, mention)[0] == 200
    started = settled(slack.slack, "CTEAM", thread=root)
    assert slack.slack.messages("CTEAM") == []  # nothing at the top of the channel
    persona = next(
        p for p in personas.values() if f"*{p['en']['name']}*" in text_of(started)
    )
    assert persona["category"] == "objection_control"

    # the interviewer answers in the thread without mentioning the bot
    turn = {
        "type": "message",
        "channel_type": "channel",
        "channel": "CTEAM",
        "user": "UCARA",
        "ts": next_ts(),
        "thread_ts": root,
        "text": "I completely understand, that sounds really uncomfortable.",
    }
    assert send_event(slack, turn)[0] == 200
    answered = settled(slack.slack, "CTEAM", thread=root, after=len(started))
    assert len(answered) > len(started)

    # a stop button clicked in the thread ends that rehearsal, in that thread
    last = answered[-1]
    click(slack, "UCARA", "CTEAM", "/stop_rehearsal", last["ts"], thread_ts=root)
    ended = settled(slack.slack, "CTEAM", thread=root, after=len(answered))
    # the scorecard reaches Slack as text; its data payload is for the page and tools
    assert ended and all(m.get("text") for m in ended)
    assert not any("overstag_scorecard" in str(m) for m in ended)
    stored = storage(slack.servers.database_url)
    conversation = f"slack:T0TEAM:UCARA_CTEAM_{root}"
    assert stored.accounts.owner(conversation) == "slack:T0TEAM:UCARA"
    [session] = stored.rehearsals.of("slack:T0TEAM:UCARA")
    assert session["conversation_id"] == conversation
    assert session["outcome"] == "stopped" and session["turns"] == 1


def test_channel_chatter_without_a_mention_is_ignored(slack):
    top_level = {
        "type": "message",
        "channel_type": "channel",
        "channel": "CQUIET",
        "user": "UDAN",
        "ts": next_ts(),
        "text": "I have no time for interviews",
    }
    other_thread = dict(top_level, ts=next_ts(), thread_ts=next_ts())
    from_a_bot = dm("UBOTTY", "DQUIET", "I have no time", bot_id="B123")
    edited = dm("UDAN", "DQUIET", "I have no time", subtype="message_changed")
    for event in (top_level, other_thread, from_a_bot, edited):
        status, _, body = send_event(slack, event)
        assert status == 200 and body == "ignored"
    send_event(slack, dm("UDAN", "DQUIET", "hello"))
    replies = settled(slack.slack, "DQUIET")
    assert text_of(replies) in content.load().replies["greet"]["en"]
    assert (
        slack.slack.messages("CQUIET") == []
        and slack.slack.messages("CQUIET", other_thread["thread_ts"]) == []
    )


@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        (b'{"type": "event_callback", "event": ', "application/json", 400),
        (b'["not", "an", "object"]', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded", 400),
        (b"nothing=here", "application/x-www-form-urlencoded", 400),
        (
            urllib.parse.urlencode(
                {"payload": json.dumps({"type": "block_actions", "actions": "x"})}
            ).encode(),
            "application/x-www-form-urlencoded",
            400,
        ),
        (b"<xml/>", "text/xml", 415),
    ],
)
def test_signed_but_malformed_requests_get_a_clean_4xx(
    slack, raw, content_type, status
):
    got, _, body = post_raw(slack, raw, content_type=content_type)
    assert got == status and body["error"]


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "message",
            "channel_type": "im",
            "channel": "DODD",
            "user": "UODD",
            "ts": "1.1",
            "text": 42,
        },
        {
            "type": "message",
            "channel_type": "im",
            "channel": ["DODD"],
            "user": "UODD",
            "ts": "1.2",
            "text": "hi",
        },
        {"type": "message", "channel_type": "im", "user": "UODD", "text": "hi"},
        "not an event",
    ],
)
def test_odd_events_are_ignored_without_crashing(slack, event):
    body = event_body(event)
    status, _, reply = post_raw(slack, json.dumps(body).encode())
    assert status == 200 and reply == "ignored"
    assert http("GET", slack.servers.base + "/webhooks/slack/")[0] == 200
