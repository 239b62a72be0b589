"""A user's own data in the chat: the feature (overstag/privacy/chat.py) on a
real SQLite database holding two users, the actions' guard against an old
question, the content check, and the whole conversation over REST with the
trained model."""

import datetime as dt
import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from actions import privacy as privacy_actions
from overstag.coaching import content as coaching_content
from overstag.privacy import chat, links, records
from overstag.rasa_patches.tracker_store import ConfiguredSQLTrackerStore
from overstag.storage import storage
from overstag.turn import Turn
from support.database import every_row
from support.interviews import interview
from support.servers import ROOT
from support.trackers import payloads, run, texts

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
ALICE, BOB = "rest:local:alice", "rest:local:bob"
# two conversations of Alice's (REST and the web page), one of Bob's
ALICE_CHATS = (ALICE, "web:alice-phone")
SECRET = "Noor is bang voor haar burnout"


@pytest.fixture(scope="module")
def rasa_domain():
    return Domain.load(str(ROOT / "domain.yml"))


async def _conversation(domain: Domain, user: str, sender: str, text: str) -> None:
    """A conversation as the servers leave it: claimed, events, advice shown."""
    stored = storage()
    stored.accounts.claim(sender, user, sender.split(":")[0])
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(UserUttered(text, {"name": "objection_privacy"}))
    await ConfiguredSQLTrackerStore(domain=domain).save(tracker)
    stored.coaching.record(sender, "coach", "privacy", "nl", ["no_photo"], 0.9)


@pytest.fixture
async def two_users(database, monkeypatch, rasa_domain):
    """Alice: 2 conversations, 2 pieces of advice, 1 rehearsal, 1 interview with
    1 reminder. Bob: 1 conversation with 1 piece of advice."""
    monkeypatch.setenv("OVERSTAG_SESSION_SECRET", "test-secret-for-links")
    monkeypatch.setenv("OVERSTAG_PUBLIC_URL", "https://overstag.example.org")
    for sender in ALICE_CHATS:
        await _conversation(rasa_domain, ALICE, sender, SECRET)
    await _conversation(rasa_domain, BOB, BOB, "Daan heeft geen tijd")
    stored = storage()
    interview_id = stored.interviews.create(ALICE, interview(), "nl", NOW)
    stored.interviews.set_status(
        interview_id, "agreed", [("confirm", NOW + dt.timedelta(days=1))], NOW
    )
    session = stored.rehearsals.start(ALICE, "modest_expert", "modesty", "easy", "en")
    stored.rehearsals.finish(session, "agreed", {"empathy": 2}, [], [])
    return database


_everything = every_row


def _rows_of(url: str, who: str) -> list:
    return sorted(row for row in _everything(url).splitlines() if who in row)


def _turn(intent: str, lang: str = "en", sender: str = ALICE, **slots) -> Turn:
    message = {"text": "...", "intent": {"name": intent, "confidence": 0.9}}
    user = ALICE if sender in ALICE_CHATS else BOB
    slots = {"language": lang, **slots}
    return Turn(sender_id=sender, message=message, slots=slots, user_id=user)


def _link(text: str) -> str:
    found = re.findall(r"https?://\S+", text)
    assert len(found) == 1, text
    return found[0]


# -- export ------------------------------------------------------------------------
def test_export_counts_what_is_stored_and_links_to_the_download(two_users):
    reply = chat.export(_turn("export_my_data"))
    [message] = reply.messages
    text = message["text"]
    for part in (
        "2 conversations",
        "2 pieces of coaching advice",
        "1 rehearsal",
        "1 interview",
        "1 reminder",
        "15 minutes",
    ):
        assert part in text, (part, text)
    link = _link(text)
    assert link.startswith("https://overstag.example.org" + links.EXPORT_PATH + "?")
    token = parse_qs(urlsplit(link).query)["link"][0]
    assert links.user_of_link(token) == ALICE
    # the counts are those of the download itself
    document = records.export_user(storage().engine, ALICE)
    assert len(document["overstag_conversations"]) == 2
    assert len(document["overstag_coached_objections"]) == 2
    assert reply.slots["language"] == "en"


def test_export_in_dutch_says_none_for_what_there_is_none_of(two_users):
    text = chat.export(_turn("export_my_data", "nl", sender=BOB)).messages[0]["text"]
    for part in ("1 gesprek", "1 coachingsadvies", "geen oefengesprekken"):
        assert part in text, (part, text)
    assert "geen interviews" in text and "geen herinneringen" in text
    assert links.user_of_link(parse_qs(urlsplit(_link(text)).query)["link"][0]) == BOB


# -- erase -------------------------------------------------------------------------
def test_the_question_erases_nothing_and_offers_confirm_and_keep(two_users):
    before = _everything(two_users)
    reply = chat.ask_erase(_turn("erase_my_data"))
    [message] = reply.messages
    assert [b["payload"] for b in message["buttons"]] == ["/confirm_erase", "/deny"]
    assert "cannot be undone" in message["text"]
    for part in ("conversations", "this one", "interviews", "reminders", "scores"):
        assert part in message["text"], part
    assert reply.slots[chat.PENDING_ERASE_SLOT] is True
    assert _everything(two_users) == before


def test_confirming_erases_every_row_of_the_user_and_says_what(two_users):
    bob_before = _rows_of(two_users, BOB)
    assert ALICE in _everything(two_users) and "web:alice-phone" in _everything(
        two_users
    )
    turn = _turn("confirm_erase", "nl", **{chat.PENDING_ERASE_SLOT: True})
    reply = chat.confirm_erase(turn)
    text = reply.messages[0]["text"]
    assert (
        "2 gesprekken, 2 coachingsadviezen, 1 oefengesprek, 1 interview en "
        "1 herinnering" in text
    ), text
    assert reply.slots[chat.PENDING_ERASE_SLOT] is None
    after = _everything(two_users)
    for trace in (ALICE, "web:alice-phone", "Noor", "burnout"):
        assert trace not in after, trace
    assert _rows_of(two_users, BOB) == bob_before and bob_before


def test_without_a_question_confirming_erases_nothing(two_users):
    before = _everything(two_users)
    reply = chat.confirm_erase(_turn("confirm_erase"))
    assert reply.messages[0]["text"] == chat.load().text(
        "replies.nothing_to_confirm", "en"
    )
    assert payloads(reply.messages) == ["/erase_my_data"]
    assert _everything(two_users) == before


def test_no_to_the_question_keeps_everything(two_users):
    before = _everything(two_users)
    reply = chat.keep(_turn("deny", "nl", **{chat.PENDING_ERASE_SLOT: True}))
    assert reply.messages[0]["text"] == chat.load().text("replies.kept", "nl")
    assert reply.slots[chat.PENDING_ERASE_SLOT] is None
    assert _everything(two_users) == before
    # a "no" without the question is the usual small talk
    plain = chat.keep(_turn("deny")).messages[0]["text"]
    assert plain in coaching_content.load().replies["deny"]["en"]


# -- the action's guard: only an answer to the question just asked erases ---------
def _tracker(events, pending=True, intent="confirm_erase"):
    return Tracker.from_dict(
        {
            "sender_id": ALICE,
            "slots": {"language": "en", chat.PENDING_ERASE_SLOT: pending},
            "latest_message": {"text": "/confirm_erase", "intent": {"name": intent}},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )


def _action(name):
    return {"event": "action", "name": name}


USER = {"event": "user", "text": "/confirm_erase"}
ASKED = [_action("action_erase_my_data"), _action("action_listen"), USER]
# asked, then the user went on to something else first
MOVED_ON = [
    _action("action_erase_my_data"),
    _action("action_listen"),
    {"event": "user", "text": "she has no time"},
    _action("action_coach_objection"),
    _action("action_listen"),
    USER,
]


def test_asked_just_now_reads_the_last_action_before_the_message():
    assert privacy_actions.asked_just_now(_tracker(ASKED))
    assert not privacy_actions.asked_just_now(_tracker(MOVED_ON))
    assert not privacy_actions.asked_just_now(_tracker([USER]))


async def test_an_answer_to_an_old_question_erases_nothing(two_users, domain):
    before = _everything(two_users)
    action = privacy_actions.ActionConfirmErase()
    messages, slots = await run(action, _tracker(MOVED_ON), domain)
    assert texts(messages) == chat.load().text("replies.nothing_to_confirm", "en")
    assert slots[chat.PENDING_ERASE_SLOT] is None
    assert _everything(two_users) == before
    messages, _ = await run(action, _tracker(ASKED), domain)
    assert "1 interview" in texts(messages) and ALICE not in _everything(two_users)


# -- the content ---------------------------------------------------------------------
def test_counts_in_words():
    material = chat.load()
    assert material.count("interviews", 0, "en") == "no interviews"
    assert material.count("interviews", 1, "nl") == "1 interview"
    assert material.count("conversations", 3, "nl") == "3 gesprekken"
    counts = {"conversations": 3, "interviews": 1, "rehearsals": 2}
    assert (
        material.listing(counts, "en", zeros=False)
        == "3 conversations, 2 rehearsals and 1 interview"
    )
    assert material.listing({}, "nl", zeros=False) == "geen gesprekken"


def test_gaps_in_the_privacy_content_are_named():
    assert chat.problems(chat.read()) == []
    raw = json.loads(json.dumps(chat.read()))
    del raw["replies"]["erased"]["nl"]
    raw["replies"]["export"]["en"] = "Here: {stored}."
    raw["replies"]["export"]["nl"] = "Hier: {stored}."
    raw["counts"]["rehearsals"]["other"] = {"en": "rehearsals", "nl": "oefeningen"}
    found = chat.problems(raw)
    assert "replies.erased: needs both en and nl" in found
    assert "replies.export.en: needs {link}" in found
    assert "counts.rehearsals.other.nl: needs {n}" in found
    assert chat.problems({"replies": {}}) == [
        "replies: missing",
        "counts: missing",
        "buttons: missing",
    ]


# -- the whole conversation over REST, with the trained model -----------------------
def _rest_everything(servers) -> str:
    return _everything(servers.database_url)


def test_export_then_erase_over_rest(servers):
    material = chat.load()
    alice, bob = servers.rest_id("alice"), servers.rest_id("bob")
    coached = servers.say("alice", "She's afraid her words end up online")
    assert "privacy" in texts(coached).lower()

    exported = servers.say("alice", "export my data")
    text = texts(exported)
    assert "1 conversation" in text and "15 minutes" in text, text
    assert "Did you mean" not in text
    with urllib.request.urlopen(_link(text), timeout=30) as answer:
        assert answer.status == 200
        document = json.loads(answer.read())
    assert document["conversations"] == [alice]
    said = [e["data"].get("text") for e in document["events"] if e["data"]]
    assert "She's afraid her words end up online" in said
    assert {e["sender_id"] for e in document["events"]} == {alice}

    servers.say("bob", "Hij heeft geen tijd deze maand")
    bob_before = _rows_of(servers.database_url, bob)
    assert any(row.startswith("events ") for row in bob_before)

    asked = servers.say("alice", "forget me")
    assert texts(asked) == material.text("replies.erase_confirm", "en")
    assert payloads(asked) == ["/confirm_erase", "/deny"]
    assert alice in _rest_everything(servers)
    # one record per concern heard in the objection
    shown = records.export_user(storage(servers.database_url).engine, alice)
    advice = material.count("advice", len(shown["overstag_coached_objections"]), "en")
    assert advice in texts(exported) and not advice.startswith("no ")

    erased = servers.say("alice", "/confirm_erase")
    text = texts(erased)
    assert text.startswith("Done.") and "1 conversation" in text, text
    assert advice in text and "interview" not in text, text
    everything = _rest_everything(servers)
    assert alice not in everything
    assert "She's afraid her words end up online" not in everything
    assert _rows_of(servers.database_url, bob) == bob_before

    # a fresh start: answered as usual, a new history without the old one
    again = servers.say("alice", "Ze heeft het te druk")
    assert again and texts(again)
    assert alice in _rest_everything(servers)
    assert "She's afraid her words end up online" not in _rest_everything(servers)
    assert "Ze heeft het te druk" in _rest_everything(servers)


def test_no_after_the_question_erases_nothing_over_rest(servers):
    material = chat.load()
    carol = servers.rest_id("carol")
    servers.say("carol", "Ik ben helemaal niet interessant")

    def mine():
        document = records.export_user(storage(servers.database_url).engine, carol)
        return document["overstag_coached_objections"], document["conversations"]

    before = mine()
    assert before[0] and before[1] == [carol]
    asked = servers.say("carol", "verwijder al mijn gegevens")
    assert texts(asked) == material.text("replies.erase_confirm", "nl")
    kept = servers.say("carol", "/deny")
    assert texts(kept) == material.text("replies.kept", "nl")
    servers.say("carol", "vergeet mij")
    assert texts(servers.say("carol", "nee")) == material.text("replies.kept", "nl")
    # the question was answered: an old confirm button erases nothing
    late = servers.say("carol", "/confirm_erase")
    assert texts(late) == material.text("replies.nothing_to_confirm", "nl")
    assert mine() == before
    assert "Ik ben helemaal niet interessant" in _rest_everything(servers)
    # a plain "yes" right after the question is a yes
    servers.say("carol", "wis alles wat je over mij weet")
    assert texts(servers.say("carol", "ja")).startswith("Klaar.")
    assert carol not in _rest_everything(servers)
