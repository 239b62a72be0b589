"""Both servers started as `make run` starts them; coaching conversations over
Rasa's REST channel in each language, then the records in the database."""

import re

import sqlalchemy as sa

from overstag.coaching import content
from overstag.storage import storage


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def offered(replies):
    """Titles of the concessions in the replies ("• **Title**: ...")."""
    return set(re.findall(r"• \*\*(.+?)\*\*:", texts(replies)))


def test_english_coaching_conversation(servers):
    material = content.load()
    greeting = servers.say("e2e-en", "Hello!")
    assert texts(greeting) in material.replies["greet"]["en"]

    replies = servers.say(
        "e2e-en", "He says his manager has to approve it before he can say yes"
    )
    approval = material.objections["objection_approval"]
    assert material.label("objection_approval", "en") in texts(replies)
    assert any(r.get("text") in approval["acknowledgements"]["en"] for r in replies)
    assert "/ask_another_suggestion" in [
        b["payload"] for r in replies for b in r.get("buttons") or []
    ]
    assert len(offered(replies)) >= 2

    more = servers.say("e2e-en", "/ask_another_suggestion")
    assert offered(more) and not offered(more) & offered(replies)

    refusal = servers.say("e2e-en", "what's the weather like in Paris tomorrow?")
    assert texts(refusal) in material.replies["out_of_scope"]["en"]


def test_dutch_coaching_conversation_with_two_objections(servers):
    material = content.load()
    replies = servers.say(
        "e2e-nl",
        "Ik heb het veel te druk deze maand en eerlijk gezegd ben ik ook"
        " niet zo interessant",
    )
    body = texts(replies)
    for category in ("objection_modesty", "objection_time"):
        assert material.label(category, "nl") in body
    assert material.button("another_suggestion", "nl") in [
        b["title"] for r in replies for b in r.get("buttons") or []
    ]
    still = servers.say("e2e-nl", "wat als ze nog steeds nee zegt?")
    assert material.objections["objection_time"]["if_still_no"]["nl"][0] in texts(still)


def test_switching_language_mid_conversation(servers):
    material = content.load()
    servers.say("e2e-switch", "Ze wil niet dat haar foto op intranet komt")
    switched = servers.say("e2e-switch", "in English please")
    assert texts(switched) in material.replies["language_switched"]["en"]
    after = servers.say("e2e-switch", "/ask_another_suggestion")
    assert material.label("objection_privacy", "en") in texts(after)


def test_records_in_the_database(servers):
    servers.say("e2e-db", "Sanne is afraid that her photo ends up online forever")
    rows = storage(servers.database_url).coaching.records(servers.rest_id("e2e-db"))
    assert [(r["kind"], r["category"], r["language"]) for r in rows] == [
        ("coach", "objection_privacy", "en")
    ]
    assert rows[0]["confidence"] > 0.3 and len(rows[0]["suggestions"]) == 3
    engine = sa.create_engine(servers.database_url, future=True)
    with engine.connect() as connection:
        events = (
            connection.execute(
                sa.text("select type_name from events where sender_id = :s"),
                {"s": servers.rest_id("e2e-db")},
            )
            .scalars()
            .all()
        )
    assert "user" in events and "bot" in events
    # the candidate's words (and name) stay in Rasa's conversation log only
    assert "Sanne" not in str(rows)


def test_conversation_survives_a_restart_of_both_servers(servers):
    material = content.load()
    servers.say(
        "e2e-restart", "Hij wil eerst de citaten zien voordat het gepubliceerd wordt"
    )
    servers.stop()
    servers.start()
    after = servers.say("e2e-restart", "/ask_another_suggestion")
    assert material.label("objection_control", "nl") in texts(after)
