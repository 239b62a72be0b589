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


def _rehearse(slots, text, intent):
    turn = _turn(text, slots, intent)
    reply = turns.answer(turn, *turns.running(turn))
    slots.update(reply.slots)
    return reply


def _scorecard(reply):
    from overstag.payloads import SCORECARD_KEY

    return next(
        (
            m["json_message"][SCORECARD_KEY]
            for m in reply.messages
            if m.get("json_message")
        ),
        None,
    )


def test_stopping_after_the_yes_keeps_the_yes_and_a_stop_before_any_turn_counts_nothing(
    database,
):
    from overstag.rehearsal import content as rehearsal_content
    from overstag.storage import storage

    storage().accounts.user_of("turns-test")  # the conversation's own user
    started = turns.start(_turn("let's practise a control objection, easy"))
    slots = dict(started.slots)
    fits = rehearsal_content.load().personas[slots[REHEARSAL_SLOT]["state"]["persona"]][
        "fits"
    ]
    _rehearse(slots, "I understand, that sounds stressful.", "move_empathize")
    _rehearse(slots, "What worries you most?", "move_explore")
    yes = _rehearse(slots, "Here is what I can offer.", fits[0])
    assert _scorecard(yes) is None and slots[MODE_SLOT] == "rehearse"
    assert slots[REHEARSAL_SLOT]["state"]["stage"] == "agrees"

    stop = _turn("stop", slots, "stop_rehearsal")
    card = _scorecard(turns.stop(stop, *turns.running(stop)))
    assert card["outcome"] == "agreed" and card["scores"]["confirmed"] == 0

    again = turns.start(_turn("let's practise a control objection"))
    slots = dict(again.slots)
    stop = _turn("stop", slots, "stop_rehearsal")
    ended = turns.stop(stop, *turns.running(stop))
    assert _scorecard(ended) is None
    sessions = storage().rehearsals.of("turns-test", finished=False)
    assert [s["outcome"] for s in sessions][-1:] == ["agreed"]
