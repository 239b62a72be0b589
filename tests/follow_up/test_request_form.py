"""The request form's checks through the real validation action: every slot,
helpful re-asks in the conversation's language, corrections and stopping."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.request import AskAgreedConcessions, AskConfirmed, ValidateInterviewForm
from overstag.follow_up import content as follow_up_content
from overstag.storage import storage

FILLED = {
    "candidate_name": "Noor",
    "subject": "het nieuwe nachtrooster op de IC",
    "outlet": "het personeelsblad",
    "duration": 45.0,
    "interview_form": "phone",
    "review_scope": "full_text",
    "review_days": 3.0,
    "sensitive": True,
    "agreed_concessions": {"concessions": ["no_photo"], "own": []},
}


def form_tracker(
    requested: str, text: str, lang: str = "nl", slots=None, sender: str = "form-test"
) -> Tracker:
    all_slots = {"language": lang, "requested_slot": requested, **(slots or {})}
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": all_slots,
            "paused": False,
            "followup_action": None,
            "latest_message": {
                "text": text,
                "intent": {"name": "out_of_scope", "confidence": 0.5},
                "entities": [],
            },
            "events": [
                {"event": "action", "name": "action_listen"},
                {
                    "event": "user",
                    "text": text,
                    "parse_data": {"intent": {"name": "out_of_scope"}, "entities": []},
                },
                {"event": "slot", "name": requested, "value": text},
            ],
            "active_loop": {"name": "interview_form"},
            "latest_action_name": "action_listen",
        }
    )


async def validate(domain, requested, text, lang="nl", slots=None, sender="form-test"):
    dispatcher = CollectingDispatcher()
    events = await ValidateInterviewForm().run(
        dispatcher, form_tracker(requested, text, lang, slots, sender), domain
    )
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return values, [m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize(
    "slot, good, stored, bad",
    [
        ("candidate_name", "noor", "Noor", "Noor El Amrani"),
        (
            "subject",
            "het nieuwe nachtrooster op de IC",
            "het nieuwe nachtrooster op de IC",
            "IC",
        ),
        ("outlet", "het personeelsblad", "het personeelsblad", "/greet"),
        ("duration", "drie kwartier", 45, "straks"),
        ("interview_form", "telefonisch", "phone", "weet ik nog niet"),
        ("review_scope", "alleen de citaten", "quotes", "hmm"),
        ("review_days", "twee", 2, "twintig"),
        ("sensitive", "ja", True, "misschien"),
    ],
)
async def test_each_answer_is_checked_and_a_bad_one_asked_again_in_dutch(
    domain, database, slot, good, stored, bad
):
    material = follow_up_content.load()
    values, said = await validate(domain, slot, good)
    assert values[slot] == stored and said == []
    values, said = await validate(domain, slot, bad)
    assert values[slot] is None
    assert said == [material.text(f"form.reasks.{slot}", "nl")]


async def test_english_conversation_gets_english_reasks(domain, database):
    material = follow_up_content.load()
    _, said = await validate(domain, "duration", "later", lang="en")
    assert said == [material.text("form.reasks.duration", "en")]


async def test_concessions_from_the_coaching_are_offered_and_picked_by_number(
    domain, database
):
    storage().coaching.record(
        "coached-sender",
        "coach",
        "objection_privacy",
        "en",
        ["first_name_only", "no_photo"],
        0.9,
    )
    storage().coaching.record(
        "coached-sender",
        "another",
        "objection_privacy",
        "en",
        ["no_recording", "no_photo"],
    )
    dispatcher = CollectingDispatcher()
    await AskAgreedConcessions().run(
        dispatcher,
        form_tracker("agreed_concessions", "", "en", FILLED, sender="coached-sender"),
        domain,
    )
    question = dispatcher.messages[0]["text"]
    assert (
        "1. First name only" in question
        and "2. No photo" in question
        and "3. No recording" in question
    )
    values, _ = await validate(
        domain, "agreed_concessions", "1 and 3", "en", FILLED, sender="coached-sender"
    )
    assert values["agreed_concessions"] == {
        "concessions": ["first_name_only", "no_recording"],
        "own": [],
    }
    values, _ = await validate(
        domain,
        "agreed_concessions",
        "she may bring her manager",
        "en",
        FILLED,
        sender="coached-sender",
    )
    assert values["agreed_concessions"] == {
        "concessions": [],
        "own": ["she may bring her manager"],
    }


async def test_summary_lists_every_answer_and_corrections_change_one_line(
    domain, database
):
    material = follow_up_content.load()
    dispatcher = CollectingDispatcher()
    await AskConfirmed().run(
        dispatcher, form_tracker("confirmed", "", "nl", FILLED), domain
    )
    summary = dispatcher.messages[0]["text"]
    for part in (
        "Noor",
        "het personeelsblad",
        "45 minuten",
        "Telefoon",
        "De hele tekst",
        "3",
        material.agreement("no_photo", "nl"),
    ):
        assert part in summary

    values, said = await validate(domain, "confirmed", "duur: een uur", "nl", FILLED)
    assert values == {"duration": 60, "confirmed": None} and said == [
        material.text("form.corrected", "nl")
    ]
    values, said = await validate(domain, "confirmed", "duur: morgen", "nl", FILLED)
    # asked again, then the summary again
    assert values == {"duration": None, "confirmed": None}
    values, _ = await validate(domain, "confirmed", "naam wijzigen", "nl", FILLED)
    assert values == {"candidate_name": None, "confirmed": None}
    values, said = await validate(domain, "confirmed", "ja", "nl", FILLED)
    assert values == {"confirmed": True} and said == []
    values, said = await validate(domain, "confirmed", "ik twijfel", "nl", FILLED)
    assert values == {"confirmed": None} and said == [
        material.text("form.reasks.confirmed", "nl")
    ]


async def test_no_review_skips_the_days_question(domain, database):
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(
        "review_scope", "x", "en", {**FILLED, "review_scope": "none"}
    )
    slots = await ValidateInterviewForm().required_slots(
        list(domain["forms"]["interview_form"]["required_slots"]),
        dispatcher,
        tracker,
        domain,
    )
    assert "review_days" not in slots and "sensitive" in slots


async def test_stop_ends_the_form_without_keeping_answers(domain, database):
    material = follow_up_content.load()
    values, said = await validate(
        domain, "outlet", "laat maar", "nl", {"candidate_name": "Noor"}
    )
    assert values["requested_slot"] is None and values["candidate_name"] is None
    assert said == [material.text("form.cancelled", "nl")]
