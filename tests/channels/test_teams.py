"""Teams end to end: activities signed with a locally generated key (published by
a fake Bot Framework login service) posted to the real server; the bot's token
comes from the fake tenant token endpoint, and replies are read at a fake Bot
Connector."""

import asyncio
import itertools
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from overstag.channels.teams import BotTokenProvider, OpenIdKeySource, TeamsInput
from overstag.coaching import content
from overstag.rehearsal import content as rehearsal_content
from overstag.storage import storage
from support.channel_fakes import (
    ISSUER,
    TEAMS_APP_ID,
    TEAMS_PASSWORD,
    TEAMS_TENANT,
    FakeBotFramework,
    http,
)

_ids = itertools.count(1)
BOT = {"id": f"28:{TEAMS_APP_ID}", "name": "Overstag"}


@pytest.fixture(scope="module")
def teams(channel_stack):
    return channel_stack


def activity(
    fake,
    text,
    conversation="a:personal-dana",
    kind="personal",
    user="29:dana",
    tenant=TEAMS_TENANT,
    **more,
):
    body = {
        "type": "message",
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": fake.service_url,
        "from": {"id": user, "name": "Dana"},
        "conversation": {
            "id": conversation,
            "conversationType": kind,
            "tenantId": tenant,
        },
        "recipient": BOT,
        "text": text,
        "textFormat": "plain",
        "locale": "en-US",
        "channelData": {"tenant": {"id": tenant}},
    }
    body.update(more)
    return body


def post(stack, body, token=None, raw=None, authorization=None):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    elif token is not False:
        headers["Authorization"] = f"Bearer {token or stack.teams.sign()}"
    data = raw if raw is not None else json.dumps(body).encode()
    return http(
        "POST", stack.servers.base + "/webhooks/botframework/webhook", data, headers
    )


def settled(fake, conversation, after=0, quiet=1.0, timeout=30):
    fake.wait_for(lambda _: len(fake.replies(conversation)) > after, timeout)
    count = -1
    while count != len(fake.replies(conversation)):
        count = len(fake.replies(conversation))
        time.sleep(quiet)
    return fake.replies(conversation)


def text_of(replies):
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts += [
            a["content"].get("text") or "" for a in reply.get("attachments") or []
        ]
    return "\n".join(parts)


def flat(text):
    # replies put a blank line between lines so that Teams keeps them apart
    return text.replace("\n\n", "\n")


def cards(replies):
    return [
        a["content"]
        for r in replies
        for a in r.get("attachments") or []
        if a["contentType"] == "application/vnd.microsoft.card.hero"
    ]


def test_personal_chat_gets_advice_with_card_buttons(teams):
    material = content.load()
    fake = teams.teams
    first_activity = activity(
        fake, "He says his manager has to approve it before he can say yes"
    )
    status, _, _ = post(teams, first_activity)
    assert status == 200
    first = settled(fake, "a:personal-dana")
    assert material.label("objection_approval", "en") in text_of(first)
    assert all(
        r["replyToId"] == first_activity["id"] and r["from"] == BOT for r in first
    )
    [card] = cards(first)
    back = {b["text"]: b for b in card["buttons"]}
    assert back["/ask_another_suggestion"]["type"] == "messageBack"
    assert back["/ask_another_suggestion"]["displayText"] == material.button(
        "another_suggestion", "en"
    )
    # the bot asked the single-tenant endpoint for its own token, with its credentials
    token_request = fake.token_requests[-1]
    assert token_request["path"] == f"/{TEAMS_TENANT}/oauth2/v2.0/token"
    assert token_request["scope"] == "https://api.botframework.com/.default"

    # pressing the button sends its payload as the message text (messageBack)
    post(
        teams,
        activity(
            fake,
            "/ask_another_suggestion",
            value={"payload": "/ask_another_suggestion"},
        ),
    )
    more = settled(fake, "a:personal-dana", after=len(first))[len(first) :]

    def offered(rs):
        return {line for line in text_of(rs).splitlines() if line.startswith("• **")}

    assert offered(more) and not offered(more) & offered(first)


def test_mention_in_a_channel_thread_starts_a_rehearsal_there(teams):
    fake = teams.teams
    thread = "19:general@thread.tacv2;messageid=1700000000001"
    body = activity(
        fake,
        "<at>Overstag</at> let's practise a hard one about time",
        conversation=thread,
        kind="channel",
        user="29:erik",
        entities=[{"type": "mention", "text": "<at>Overstag</at>", "mentioned": BOT}],
    )
    assert post(teams, body)[0] == 200
    started = settled(fake, thread)
    personas = rehearsal_content.load().personas
    persona = next(
        p for p in personas.values() if f"**{p['en']['name']}**" in text_of(started)
    )
    assert persona["category"] == "objection_time"
    sender = TeamsInput.conversation_id(body)
    # its own conversation, per thread, in the tenant's namespace
    assert sender.startswith(f"teams:{TEAMS_TENANT}:29:erik_")
    assert sender != TeamsInput.user_of(body)
    # a rehearsal counts once there is a reply in it
    post(
        teams,
        activity(
            fake,
            "I can imagine you're very busy.",
            conversation=thread,
            kind="channel",
            user="29:erik",
        ),
    )
    answered = settled(fake, thread, after=len(started))
    post(
        teams,
        activity(
            fake, "/stop_rehearsal", conversation=thread, kind="channel", user="29:erik"
        ),
    )
    settled(fake, thread, after=len(answered))
    [session] = storage(teams.servers.database_url).rehearsals.of(
        TeamsInput.user_of(body)
    )
    assert session["outcome"] == "stopped"


def _other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    "case, status",
    [
        ("no header", 401),
        ("not bearer", 401),
        ("not a jwt", 401),
        ("other key, same kid", 401),
        ("unknown kid", 401),
        ("wrong audience", 401),
        ("wrong issuer", 401),
        ("expired", 401),
        ("hs256", 401),
        ("service url not in token", 401),
        ("other tenant", 403),
        ("key not endorsed", 401),
    ],
)
def test_unauthenticated_activities_are_refused(teams, case, status):
    fake = teams.teams
    conversation = f"a:refused-{case.replace(' ', '-')}"
    body = activity(fake, "I have no time", conversation=conversation)
    now = int(time.time())
    kwargs = {}
    if case == "no header":
        kwargs = {"token": False}
    elif case == "not bearer":
        kwargs = {"authorization": f"Basic {fake.sign()}"}
    elif case == "not a jwt":
        kwargs = {"token": "abc.def"}
    elif case == "other key, same kid":
        kwargs = {"token": fake.sign(key=_other_key())}
    elif case == "unknown kid":
        kwargs = {"token": fake.sign(key=_other_key(), kid="someone-elses-key")}
    elif case == "wrong audience":
        kwargs = {"token": fake.sign({"aud": "another-bot"})}
    elif case == "wrong issuer":
        kwargs = {"token": fake.sign({"iss": "https://evil.example"})}
    elif case == "expired":
        kwargs = {
            "token": fake.sign(
                {"iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}
            )
        }
    elif case == "hs256":
        kwargs = {
            "token": jwt.encode(
                {
                    "iss": ISSUER,
                    "aud": TEAMS_APP_ID,
                    "exp": now + 600,
                    "serviceurl": fake.service_url,
                },
                "a-shared-secret-that-is-long-enough-32b",
                algorithm="HS256",
                headers={"kid": fake.kid},
            )
        }
    elif case == "service url not in token":
        # a valid token must not send our bot's access token to another address
        body["serviceUrl"] = "http://127.0.0.1:9/somewhere-else/"
    elif case == "other tenant":
        body = activity(
            fake,
            "I have no time",
            conversation=conversation,
            tenant="99999999-0000-0000-0000-000000000000",
        )
    elif case == "key not endorsed":
        body["channelId"] = "skype"
    got, _, reply = post(teams, body, **kwargs)
    assert got == status and reply["error"], reply
    time.sleep(0.3)
    assert fake.replies(conversation) == []


def test_an_activity_delivered_twice_is_answered_once(teams):
    material = content.load()
    fake = teams.teams
    body = activity(
        fake,
        "She's swamped this month, she really has no time",
        conversation="a:twice",
        user="29:fay",
    )
    assert post(teams, body)[0] == 200
    first = settled(fake, "a:twice")
    assert post(teams, body)[0] == 200
    post(teams, activity(fake, "thanks!", conversation="a:twice", user="29:fay"))
    after = settled(fake, "a:twice", after=len(first))
    assert flat(text_of(after[len(first) :])) in [
        flat(t) for t in material.replies["thank"]["en"]
    ]
    assert len(cards(after)) == 1


@pytest.mark.parametrize(
    "raw, status",
    [
        (b'{"type": "message", ', 400),
        (b"[1, 2]", 400),
        (None, 400),  # a message without 'from'
    ],
)
def test_signed_but_malformed_activities_get_400(teams, raw, status):
    body = activity(teams.teams, "hi")
    del body["from"]
    got, _, reply = post(teams, body, raw=raw)
    assert got == status and reply["error"]


def test_other_activity_types_and_empty_messages_get_no_reply(teams):
    fake = teams.teams
    update = activity(
        fake, "", conversation="a:quiet", type="conversationUpdate", membersAdded=[BOT]
    )
    empty = activity(
        fake,
        "<at>Overstag</at>",
        conversation="a:quiet",
        entities=[{"type": "mention", "text": "<at>Overstag</at>", "mentioned": BOT}],
    )
    for body in (update, empty):
        assert post(teams, body)[0] == 200
    post(teams, activity(fake, "hello", conversation="a:quiet", user="29:gus"))
    replies = settled(fake, "a:quiet")
    assert flat(text_of(replies)) in [
        flat(t) for t in content.load().replies["greet"]["en"]
    ]


# -- in-process: key source and suggested actions, against the same kind of fake ------
async def test_openid_key_source_fetches_lazily_and_only_knows_published_keys():
    fake = FakeBotFramework()
    try:
        source = OpenIdKeySource(fake.openid_url)
        assert source.keys == {}  # nothing fetched before the first request
        assert (await source.key(fake.kid))["n"] == fake.jwks["keys"][0]["n"]
        assert await source.key("unknown") is None
    finally:
        fake.stop()


async def until(condition, seconds: float = 10) -> None:
    # the channel claims the conversation in a thread before handing it on
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the message never reached Rasa")


async def test_suggested_actions_map_titles_back_to_payloads(database):
    fake = FakeBotFramework()
    try:
        channel = TeamsInput(
            TEAMS_APP_ID,
            TEAMS_PASSWORD,
            TEAMS_TENANT,
            buttons="suggested",
            tokens=BotTokenProvider(
                TEAMS_APP_ID, TEAMS_PASSWORD, TEAMS_TENANT, login_url=fake.base
            ),
        )
        received = []

        async def on_new_message(message):
            received.append(message)

        first = activity(fake, "hello", conversation="a:chips")
        channel._handle(first, on_new_message)
        await until(lambda: received)
        buttons = [
            {"title": "Another suggestion", "payload": "/ask_another_suggestion"}
        ]
        await received[0].output_channel.send_text_with_buttons(
            "29:dana", "What next?", buttons
        )
        [reply] = fake.wait_for(lambda calls: len(calls) == 1)
        assert reply["suggestedActions"]["actions"] == [
            {
                "type": "imBack",
                "title": "Another suggestion",
                "value": "Another suggestion",
            }
        ]
        channel._handle(
            activity(fake, "another suggestion ", conversation="a:chips"),
            on_new_message,
        )
        await until(lambda: len(received) > 1)
        assert received[1].text == "/ask_another_suggestion"
    finally:
        fake.stop()


def test_odd_fields_in_an_authenticated_activity_do_not_crash(teams):
    fake = teams.teams
    body = activity(
        fake,
        "hello",
        conversation="a:odd",
        user="29:hal",
        entities=5,
        recipient="not-an-object",
        channelData="not-an-object",
    )
    status, _, _ = post(teams, body)
    assert status == 200
    assert flat(text_of(settled(fake, "a:odd"))) in [
        flat(t) for t in content.load().replies["greet"]["en"]
    ]
