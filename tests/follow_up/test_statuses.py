"""Statuses read from chat messages and the reminders each brings, with a fixed
clock."""

import datetime as dt

import pytest

from overstag.follow_up import content as follow_up_content
from overstag.follow_up import statuses
from support.interviews import DAY, NOW, interview


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


def test_status_is_read_from_chat_messages(material):
    cases = {
        "Noor said yes to the interview": "agreed",
        "Piet heeft ja gezegd": "agreed",
        "I spoke to Noor yesterday": "held",
        "het interview met Daan is afgenomen": "held",
        "the piece about Noor is online now": "published",
        "het stuk over Mila is verschenen": "published",
        "aftercare with Noor done": "aftercare_done",
        "ik heb Eva nagebeld na publicatie": "aftercare_done",
        "how is the weather": None,
    }
    assert {text: statuses.detect_status(text, material) for text in cases} == cases
    people = [interview(id=1), interview(id=2, candidate_name="Daan")]
    assert [
        i["id"] for i in statuses.mentioned("Het stuk van daan staat online", people)
    ] == [2]
    assert statuses.mentioned("Daantje", people) == []


def test_reminders_follow_the_status_with_a_controllable_clock(material):
    sensitive = interview()
    plan = dict(statuses.reminders_for(sensitive, "published", NOW, material, day=DAY))
    assert plan == {
        "send_piece": NOW + DAY,
        "aftercare": NOW + 5 * DAY,
        "consent_channels": NOW + 7 * DAY,
    }
    plain = dict(
        statuses.reminders_for(
            interview(sensitive=False), "published", NOW, material, day=DAY
        )
    )
    assert "aftercare" not in plain and set(plain) == {"send_piece", "consent_channels"}
    assert statuses.reminders_for(interview(), "held", NOW, material, day=DAY) == [
        ("review_text", NOW + DAY)
    ]
    assert (
        statuses.reminders_for(
            interview(review_scope="none"), "held", NOW, material, day=DAY
        )
        == []
    )
    # a shorter day (OVERSTAG_DAY_SECONDS) scales every reminder
    short = dict(
        statuses.reminders_for(
            sensitive, "published", NOW, material, day=dt.timedelta(seconds=2)
        )
    )
    assert short["aftercare"] == NOW + dt.timedelta(seconds=10)
    for lang in ("en", "nl"):
        for kind in ("send_piece", "aftercare", "consent_channels", "review_text"):
            text = statuses.reminder_text(kind, sensitive, material, lang)
            assert "Noor" in text and "{" not in text
