"""Stored interviews and reminders in a real SQLite database: statuses, delivery
claimed once, restarts, deletion."""

import datetime as dt

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

    lease = dt.timedelta(minutes=2)
    assert store.claim_due(published_at, "server-a", lease) == []
    due = store.claim_due(published_at + DAY, "server-a", lease)
    assert [r["kind"] for r in due] == ["send_piece"]
    # claimed once only, by either server
    assert store.claim_due(published_at + DAY, "server-a", lease) == []
    assert store.claim_due(published_at + DAY, "server-b", lease) == []
    # only the claim's holder finishes it
    assert not store.finish_delivery(due[0]["id"], True, published_at + DAY, "server-b")
    assert store.finish_delivery(due[0]["id"], True, published_at + DAY, "server-a")
    assert store.reminder(due[0]["id"])["state"] == "sent"
    later = published_at + 6 * DAY
    again = store.claim_due(later, "server-a", lease)
    assert [r["kind"] for r in again] == ["aftercare"]
    # server-a dies: a server starting now takes nothing over while the lease runs...
    assert store.claim_due(later + dt.timedelta(minutes=1), "server-c", lease) == []
    # ...and takes it over once it has run out; server-a has lost its claim
    taken = store.claim_due(later + dt.timedelta(minutes=3), "server-c", lease)
    assert [r["kind"] for r in taken] == ["aftercare"]
    assert not store.renew_claim(taken[0]["id"], "server-a", later + DAY)
    assert not store.finish_delivery(taken[0]["id"], False, later, "server-a")
    assert store.renew_claim(taken[0]["id"], "server-c", later + DAY)
    assert store.finish_delivery(taken[0]["id"], False, later, "server-c")
    assert store.reminder(taken[0]["id"])["state"] == "pending"  # due again

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
