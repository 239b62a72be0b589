"""A user's data exported whole and erased whole (Rasa's events included), and the
retention periods, against real SQLite and PostgreSQL databases that hold two
users' conversations, built by the real stores."""

import datetime as dt
import json
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from overstag.privacy import records, retention
from overstag.rasa_patches.tracker_store import ConfiguredSQLTrackerStore
from overstag.storage import database, storage
from support.database import every_row
from support.interviews import interview
from support.servers import ROOT

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
ME, OTHER = "oidc:0a1b2c3d:me", "slack:T1:other"
MY_EMAIL = "me@example.org"
# two conversations of mine, on two devices; one of the other user
MINE = ("web:me-laptop", "web:me-phone")
THEIRS = "slack:T1:other"
# what must leave no trace: the candidate's name and the illness
SECRETS = ("Noor", "burnout")


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


async def _fill(
    url: str, domain: Domain, user: str, sender: str, name: str, at: float
) -> None:
    """One conversation as the servers leave it: events and Overstag's rows."""
    storage(url).accounts.claim(sender, user, sender.split(":")[0])
    store = ConfiguredSQLTrackerStore(domain=domain, host=url)
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(
        UserUttered(
            f"{name} durft niet, ze had een burnout", {"name": "x"}, timestamp=at
        )
    )
    tracker.update(SlotSet("candidate_name", name, timestamp=at))
    await store.save(tracker)
    stored = storage(url)
    answers = interview(candidate_name=name)
    interview_id = stored.interviews.create(sender, answers, "nl", NOW - 40 * DAY)
    stored.interviews.set_status(
        interview_id, "agreed", [("confirm", NOW + DAY)], NOW - 40 * DAY
    )
    stored.coaching.record(sender, "coach", "privacy", "nl", ["no_photo"], 0.9)
    stored.interviewer_names.remember(user, "Joris" if user == ME else "Pieter")
    session = stored.rehearsals.start(sender, "modest_expert", "modesty", "easy", "nl")
    stored.rehearsals.finish(
        session,
        "agreed",
        {"empathy": 2},
        [],
        [{"moves": ["ack"], "effects": ["calmer"], "stage": "open"}],
    )


_everything = every_row


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]
)
async def two_users(request, tmp_path, domain):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'privacy.db'}"
    else:
        # a database of its own: other tests share the cluster
        server = request.getfixturevalue("postgres_url")
        name = f"privacy_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
        url = server.rsplit("/", 1)[0] + "/" + name
    storage(url).accounts.ensure_user(ME, "Me Myself", MY_EMAIL)
    await _fill(url, domain, ME, MINE[0], "Noor", (NOW - 100 * DAY).timestamp())
    await _fill(url, domain, ME, MINE[1], "Noor", (NOW - 100 * DAY).timestamp())
    await _fill(url, domain, OTHER, THEIRS, "Daan", NOW.timestamp())
    yield url
    if request.param == "postgresql":
        database.dispose_all()
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def test_export_holds_everything_about_the_user_and_nothing_else(two_users):
    document = records.export_user(storage(two_users).engine, ME)
    assert document["format"] == records.EXPORT_FORMAT
    assert document["user"]["email"] == MY_EMAIL
    assert document["conversations"] == sorted(MINE)
    assert {c["conversation_id"] for c in document["overstag_conversations"]} == set(
        MINE
    )
    for table in (
        "events",
        "overstag_interviews",
        "overstag_reminders",
        "overstag_coached_objections",
        "overstag_rehearsal_sessions",
        "overstag_rehearsal_turns",
        "overstag_interviewer_names",
    ):
        assert document[table], f"{table} is missing from the export"
    assert document["overstag_interviewer_names"][0]["name"] == "Joris"
    assert "Pieter" not in json.dumps(document)
    text = json.dumps(document)
    assert "Noor" in text and "burnout" in text
    assert "Daan" not in text and OTHER not in text
    assert len(document["overstag_interviews"]) == 2


def test_erase_leaves_no_row_about_the_user_in_any_table(two_users):
    before = _everything(two_users)
    traces = (ME, MY_EMAIL, *MINE)
    assert all(secret in before for secret in SECRETS + traces)
    removed = records.erase_user(storage(two_users).engine, ME)
    assert removed["events"] >= 4 and removed["overstag_interviews"] == 2
    assert removed["overstag_conversations"] == 2 and removed["overstag_users"] == 1
    assert removed["overstag_interviewer_names"] == 1
    assert storage(two_users).interviewer_names.of(ME) is None
    assert storage(two_users).interviewer_names.of(OTHER) == "Pieter"
    after = _everything(two_users)
    assert [trace for trace in traces if trace in after] == []
    assert [secret for secret in SECRETS if secret in after] == ["burnout"]  # Daan's
    assert "Noor" not in after and "Daan" in after and OTHER in after
    assert records.erase_user(storage(two_users).engine, ME)["events"] == 0


def test_retention_removes_only_what_is_older_than_its_period(two_users):
    engine = storage(two_users).engine
    stored = storage(two_users).interviews
    for mine in stored.of(ME):
        stored.set_status(mine["id"], "aftercare_done", [], NOW - 31 * DAY)
    theirs = stored.of(OTHER)[0]["id"]
    stored.set_status(theirs, "aftercare_done", [], NOW - 29 * DAY)

    removed = retention.expire(engine, NOW, 90 * DAY, 30 * DAY)

    assert removed["events"] >= 4 and removed["overstag_interviews"] == 2
    left = _everything(two_users)
    # my conversation was 100 days quiet and my interview finished 31 days ago
    assert "Noor" not in left
    # the other conversation is fresh and their aftercare 29 days old: kept
    assert "Daan" in left and stored.of(OTHER)
    # progress (advice shown, rehearsal scores) holds no words and stays
    assert storage(two_users).coaching.records(MINE[0])
    assert retention.expire(engine, NOW, 90 * DAY, 30 * DAY)["events"] == 0


def test_the_administrators_command_exports_and_erases(two_users, tmp_path):
    env = {"OVERSTAG_DATABASE_URL": two_users, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "export.json"
    command = [sys.executable, "-m", "overstag.privacy"]
    subprocess.run(
        [*command, "export", "--email", MY_EMAIL.upper(), "--output", str(out)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    assert (
        json.loads(out.read_text())["overstag_interviews"][0]["candidate_name"]
        == "Noor"
    )
    assert out.stat().st_mode & 0o077 == 0
    refused = subprocess.run(
        [*command, "erase", "--user", ME],
        input="n\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "Noor" in _everything(two_users)
    done = subprocess.run(
        [*command, "erase", "--user", ME, "--yes"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert "overstag_interviews: 2" in done.stdout
    assert "Noor" not in _everything(two_users)
