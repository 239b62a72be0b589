"""One schema for every Overstag table, and databases made before it moved into
overstag/storage/ work unchanged: same columns, types and indexes, rows readable."""

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from overstag.storage import database, storage
from overstag.storage.tables import metadata
from support.servers import ROOT

BEFORE = ROOT / "tests" / "storage"
WHEN = dt.datetime(2026, 11, 20, 10, 0)


def _shape(engine):
    """Tables, columns (type, nullable), indexes and foreign keys as reflected."""
    inspector = sa.inspect(engine)
    shape = {}
    for table in sorted(inspector.get_table_names()):
        if not table.startswith("overstag_"):
            continue
        shape[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"])
                for c in inspector.get_columns(table)
            ],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]))
                for i in inspector.get_indexes(table)
            ),
            "foreign_keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return shape


def _old_database(url, dialect):
    engine = sa.create_engine(url, future=True)
    ddl = (BEFORE / f"schema_before_issue_10.{dialect}.sql").read_text()
    with engine.begin() as connection:
        for statement in filter(str.strip, ddl.split(";")):
            lines = [
                line for line in statement.splitlines() if not line.startswith("--")
            ]
            if any(line.strip() for line in lines):
                connection.exec_driver_sql("\n".join(lines))
        # rows as the code before issue 10 wrote them
        connection.execute(
            sa.text(
                "insert into overstag_coached_objections (conversation_id, kind,"
                " category, confidence, language, suggestions, created_at) values"
                " ('old', 'coach', 'objection_time', 0.9, 'nl', :s, :t)"
            ),
            {"s": json.dumps(["short_slot"]), "t": WHEN},
        )
        connection.execute(
            sa.text(
                "insert into overstag_rehearsal_sessions (conversation_id, persona,"
                " category, difficulty, language, outcome, turns, scores, agreements,"
                " started_at, ended_at) values ('old', 'time_ilse', 'objection_time',"
                " 'normal', 'nl', 'agreed', 1, :sc, :ag, :t, :t)"
            ),
            {
                "sc": json.dumps({"acknowledged": 2}),
                "ag": json.dumps(["move_offer_time"]),
                "t": WHEN,
            },
        )
        connection.execute(
            sa.text(
                "insert into overstag_interviews (conversation_id, candidate_name,"
                " subject, outlet, duration, interview_form, review_scope, review_days,"
                " sensitive, concessions, own_agreements, language, status, created_at,"
                " updated_at) values ('old', 'Noor', 'het rooster', 'het blad', 45,"
                " 'phone', 'full_text', 3, :yes, '[]', '[]', 'nl', 'held', :t, :t)"
            ),
            {"yes": True, "t": WHEN},
        )
        connection.execute(
            sa.text(
                "insert into overstag_reminders (interview_id, conversation_id, kind,"
                " due_at, state) values (1, 'old', 'review_text', :t, 'pending')"
            ),
            {"t": WHEN},
        )
    return engine


def _check_old_rows_are_read(url):
    stored = storage(url)
    [advice] = stored.coaching.records("old")
    assert (advice["category"], advice["suggestions"]) == (
        "objection_time",
        ["short_slot"],
    )
    [session] = stored.rehearsals.of("old")
    assert session["scores"] == {"acknowledged": 2} and session["agreements"] == [
        "move_offer_time"
    ]
    [interview] = stored.interviews.of("old")
    assert (
        interview["candidate_name"],
        interview["status"],
        interview["duration"],
    ) == ("Noor", "held", 45)
    [reminder] = stored.interviews.reminders(interview["id"])
    assert reminder["kind"] == "review_text" and reminder["due_at"].tzinfo is not None
    # and new rows go in beside them
    stored.coaching.record("old", "another", "objection_time", "nl", ["later_moment"])
    assert len(stored.coaching.records("old")) == 2


# tables issues 12, 15 and 16 added; an older database gets them when first opened
ADDED = {
    "overstag_users",
    "overstag_conversations",
    "overstag_reminder_claims",
    "overstag_reminder_pushes",
    "overstag_chat_addresses",
    "overstag_interviewer_names",
}


def _opened(before, after):
    """The old tables unchanged, and the added ones there."""
    assert {t: v for t, v in after.items() if t not in ADDED} == before
    assert set(after) - set(before) == ADDED


def test_an_sqlite_database_from_before_keeps_working(tmp_path):
    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    old = _old_database(old_url, "sqlite")
    before = _shape(old)
    _check_old_rows_are_read(old_url)
    _opened(before, _shape(old))
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert _shape(database.engine(fresh_url)) == _shape(old)
    # the rows from before belong to a user of their own: their conversation
    assert storage(old_url).accounts.owner("old") == "old"
    database.dispose_all()


@pytest.fixture
def fresh_postgres(postgres_url):
    """A database of its own in the test cluster."""
    admin = sa.create_engine(postgres_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("drop database if exists before_issue_10")
        connection.exec_driver_sql("create database before_issue_10")
    admin.dispose()
    yield postgres_url.rsplit("/", 1)[0] + "/before_issue_10"
    database.dispose_all()


@pytest.mark.integration
def test_a_postgresql_database_from_before_keeps_working(fresh_postgres):
    postgres_url = fresh_postgres
    old = _old_database(postgres_url, "postgresql")
    before = _shape(old)
    _check_old_rows_are_read(postgres_url)
    upgraded = _shape(old)
    _opened(before, upgraded)
    with old.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(sa.text(f"drop table {table.name}"))
    database.dispose_all()
    assert _shape(database.engine(postgres_url)) == upgraded
    with old.connect() as connection:
        names = set(
            connection.execute(
                sa.text(
                    "select conname from pg_constraint"
                    " where conrelid::regclass::text like 'overstag_%'"
                )
            ).scalars()
        )
    # the names PostgreSQL chose itself before, now given by the naming convention
    assert {"overstag_reminders_pkey", "overstag_reminders_interview_id_fkey"} <= names
    old.dispose()
