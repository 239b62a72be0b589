"""Users apart from conversations, without sign-in (make run): the local user's many
conversations, the language that follows them, and namespaces no REST sender can
leave."""

from __future__ import annotations

import sqlalchemy as sa

from overstag.coaching import content
from overstag.storage import storage


def texts(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def say_web(servers, conversation: str, text: str):
    status, replies = servers.call(
        "POST", "/webhooks/chat/webhook", {"sender": conversation, "message": text}
    )
    assert status == 200, (status, replies)
    return replies


def event_count(servers, sender: str) -> int:
    engine = sa.create_engine(servers.database_url)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text("select count(*) from events where sender_id = :s"), {"s": sender}
        ).scalar()
    engine.dispose()
    return count


def test_a_language_chosen_once_starts_the_next_conversation(servers):
    material = content.load()
    first = servers.web_conversation()
    say_web(servers, first, "graag in het Nederlands")
    second = servers.web_conversation()
    # a button's payload says nothing about its language: the user's choice decides
    greeting = texts(say_web(servers, second, "/greet"))
    assert greeting in material.replies["greet"]["nl"]
    assert storage(servers.database_url).accounts.language("local") == "nl"
    say_web(servers, second, "in English please")
    third = servers.web_conversation()
    assert texts(say_web(servers, third, "/greet")) in material.replies["greet"]["en"]
    # a choice holds until changed, so other tests of the shared local user would
    # inherit it: the local user's data goes, and with it the choice
    status, erased = servers.call("DELETE", "/api/v1/me")
    assert status == 200 and erased["removed"]["overstag_users"] == 1
    assert storage(servers.database_url).accounts.language("local") is None


def test_the_page_lists_and_reopens_the_local_users_conversations(servers):
    conversation = servers.web_conversation()
    say_web(servers, conversation, "He says he has no time at all this month")
    status, session = servers.call("GET", "/webhooks/chat/session")
    assert status == 200 and session["user"]["signed_in"] is False
    listed = {c["conversation_id"]: c for c in session["conversations"]}
    assert listed[conversation]["topic"] == "objection_time"
    assert session["conversations"][0]["conversation_id"] == conversation  # latest
    status, shown = servers.call("GET", f"/webhooks/chat/conversations/{conversation}")
    assert status == 200
    assert shown["messages"][0] == {
        "role": "user",
        "text": "He says he has no time at all this month",
        "timestamp": shown["messages"][0]["timestamp"],
    }
    assert any(m["role"] == "bot" and m.get("buttons") for m in shown["messages"])


def test_conversation_ids_the_server_did_not_issue_are_refused(servers):
    for made_up in ("web:guessed-id", "rest:local:someone", "plain", "slack:T1:U1"):
        for method, path, body in (
            ("POST", "/webhooks/chat/webhook", {"sender": made_up, "message": "hoi"}),
            ("GET", f"/webhooks/chat/updates?sender={made_up}&after=0", None),
            ("GET", f"/webhooks/chat/conversations/{made_up}", None),
        ):
            status, _ = servers.call(method, path, body)
            assert status == 404, (made_up, method, path, status)
        assert event_count(servers, made_up) == 0


def test_a_rest_sender_stays_in_the_rest_namespace(servers):
    web = servers.web_conversation()
    say_web(servers, web, "prepare an interview request")
    before = event_count(servers, web)
    # the web conversation's id, and a Slack-looking id, typed in as REST senders
    for sender in (web, "slack:T0TEAM:UANNA"):
        replies = servers.say(sender, "my interviews")
        assert replies
        assert event_count(servers, servers.rest_id(sender)) > 0
        assert event_count(servers, sender) == (before if sender == web else 0)
    owner = storage(servers.database_url).accounts.owner
    assert owner(servers.rest_id(web)) == servers.rest_id(web)
    assert owner(web) == "local"
