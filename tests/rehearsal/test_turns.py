"""Rehearsal turns as plain data: a Turn in, a Reply out, no Rasa SDK involved."""

from overstag.facts import MODE_SLOT, REHEARSAL_SLOT
from overstag.rehearsal import content as rehearsal_content
from overstag.rehearsal import turns
from overstag.turn import Turn


def _turn(text, slots=None, intent="start_rehearsal", lang="en"):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "language": {"code": lang},
        "entities": [],
    }
    return Turn("turns-test", message, slots or {})


def test_start_then_switch_feedback_off_and_on_with_words_from_the_content(database):
    started = turns.start(_turn("let's practise a hard one about time"))
    assert started.slots[MODE_SLOT] == "rehearse"
    slots = dict(started.slots)
    texts = rehearsal_content.load()
    for said, expected in (
        ("feedback off please", False),
        ("zet de feedback weer aan", True),
        ("no more feedback", False),
        ("feedback", True),
    ):
        current = turns.running(_turn(said, slots, "toggle_feedback"))
        reply = turns.toggle_feedback(_turn(said, slots, "toggle_feedback"), *current)
        slots.update(reply.slots)
        assert slots[REHEARSAL_SLOT]["state"]["feedback"] is expected, said
        key = "feedback_on" if expected else "feedback_off"
        assert reply.messages[0]["text"] == texts.text("texts", key, slots["language"])


def test_the_switch_words_are_content():
    texts = rehearsal_content.load()
    assert texts.feedback_switch("turn the feedback off") == "disable"
    assert texts.feedback_switch("feedback uit") == "disable"
    assert texts.feedback_switch("feedback weer aan") == "enable"
    assert texts.feedback_switch("feedback") is None
    changed = rehearsal_content.RehearsalContent(
        texts.personas,
        {
            **texts.texts,
            "keywords": {
                **texts.texts["keywords"],
                "feedback": {"disable": ["stil"], "enable": ["praat"]},
            },
        },
    )
    assert changed.feedback_switch("wees even stil") == "disable"
    assert changed.feedback_switch("turn the feedback off") is None


def test_a_command_without_a_running_rehearsal_says_how_to_start(database):
    reply = turns.not_running(_turn("hint", intent="hint", lang="nl"))
    assert reply.messages[0]["text"] == rehearsal_content.load().text(
        "texts", "no_rehearsal", "nl"
    )
    assert reply.slots[MODE_SLOT] == "coach"
