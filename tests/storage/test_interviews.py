"""Stored interviews and reminders in a real SQLite database: statuses, delivery
claimed once, restarts, deletion."""

import pytest
import sqlalchemy as sa

from overstag.follow_up import content as follow_up_content
from overstag.follow_up import statuses
from overstag.storage import storage
from overstag.storage.tables import interviews as interviews_table
from overstag.storage.tables import reminders as reminders_table
from support.interviews import DAY, NOW, interview


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


def test_stored_interview_status_reminders_delivery_and_deletion(tmp_path, material):
    stored = storage(f"sqlite:///{tmp_path / 'follow.db'}")
    store = stored.interviews
    # a user's interviews come from all their conversations, nobody else's
    stored.accounts.claim("conv-1", "user-1", "web")
    stored.accounts.claim("conv-1b", "user-1", "web")
    stored.accounts.claim("conv-2", "user-2", "web")
    answers_ = {k: v for k, v in interview().items() if k != "id"}
    first = store.create("conv-1", answers_, "nl", NOW)
    other = store.create("conv-2", {**answers_, "candidate_name": "Daan"}, "en", NOW)
    sam = store.create("conv-1b", {**answers_, "candidate_name": "Sam"}, "en", NOW)
    assert [i["candidate_name"] for i in store.of("user-1")] == ["Noor", "Sam"]
    assert [i["candidate_name"] for i in store.of("user-2")] == ["Daan"]
    assert store.get(first)["concessions"] == ["questions_in_advance", "no_photo"]

    store.set_status(
        first,
        "held",
        statuses.reminders_for(store.get(first), "held", NOW, material, DAY),
        NOW,
    )
    assert [r["kind"] for r in store.reminders(first)] == ["review_text"]
    published_at = NOW + 2 * DAY
    store.set_status(
        first,
        "published",
        statuses.reminders_for(
            store.get(first), "published", published_at, material, DAY
        ),
        published_at,
    )
    assert store.get(first)["status"] == "published"
    # moving on cancels what the earlier stage still had pending
    assert [r["kind"] for r in store.reminders(first, states=("cancelled",))] == [
        "review_text"
    ]
    assert [r["kind"] for r in store.reminders(first)] == [
        "send_piece",
        "aftercare",
        "consent_channels",
    ]

    assert store.claim_due(published_at) == []
    due = store.claim_due(published_at + DAY)
    assert [r["kind"] for r in due] == ["send_piece"]
    assert store.claim_due(published_at + DAY) == []  # claimed once only
    store.finish_delivery(due[0]["id"], True, published_at + DAY)
    assert store.reminder(due[0]["id"])["state"] == "sent"
    again = store.claim_due(published_at + 6 * DAY)
    assert [r["kind"] for r in again] == ["aftercare"]
    assert store.release_interrupted() == 1  # a restart puts it back in the queue
    assert [r["kind"] for r in store.claim_due(published_at + 6 * DAY)] == ["aftercare"]

    assert store.delete(first)
    with store.engine.connect() as connection:
        left = connection.execute(sa.select(interviews_table.c.id)).scalars().all()
        assert sorted(left) == sorted([other, sam])
        assert (
            connection.execute(
                sa.select(reminders_table).where(
                    reminders_table.c.interview_id == first
                )
            ).all()
            == []
        )
    assert not store.delete(first)
