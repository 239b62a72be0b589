"""Every table Overstag keeps beside (never inside) Rasa's `events` table.

One MetaData, created by one `create_all` (overstag/storage/database.py). The
naming convention gives every constraint the name PostgreSQL would have chosen
for the tables created before it existed, so a migration tool such as Alembic
can compare a database with this module and find nothing to rename.

No table stores what a candidate said: advice rows hold categories and
concession ids, rehearsal turns hold moves, interviews hold what the interviewer
typed into the request form (a first name or pseudonym, never a surname).
"""

from __future__ import annotations

import sqlalchemy as sa

from overstag.facts import (
    MAX_CANDIDATE_NAME_CHARS,
    MAX_INTERVIEWER_NAME_CHARS,
    MAX_OUTLET_CHARS,
    MAX_SENDER_CHARS,
    MAX_USER_ID_CHARS,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "pk": "%(table_name)s_pkey",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "uq": "%(table_name)s_%(column_0_name)s_key",
        "ck": "%(table_name)s_%(constraint_name)s_check",
    }
)


def _conversation(index: bool = True) -> sa.Column:
    return sa.Column(
        "conversation_id", sa.String(MAX_SENDER_CHARS), nullable=False, index=index
    )


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


coached_objections = sa.Table(
    "overstag_coached_objections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _conversation(),
    sa.Column("kind", sa.String(16), nullable=False),  # coach, another, still_no
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("confidence", sa.Float),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("suggestions", sa.Text, nullable=False),  # JSON list of concession ids
    _when("created_at"),
)

rehearsal_sessions = sa.Table(
    "overstag_rehearsal_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _conversation(),
    sa.Column("persona", sa.String(64), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("difficulty", sa.String(16), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("outcome", sa.String(16)),  # empty while the rehearsal runs
    sa.Column("turns", sa.Integer, nullable=False, default=0),
    sa.Column("scores", sa.Text),  # JSON: rubric item -> 0..2
    sa.Column("agreements", sa.Text),  # JSON list of offer moves agreed
    _when("started_at"),
    _when("ended_at", nullable=True),
)

rehearsal_turns = sa.Table(
    "overstag_rehearsal_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "session_id",
        sa.Integer,
        sa.ForeignKey("overstag_rehearsal_sessions.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("number", sa.Integer, nullable=False),
    # JSON lists; the interviewer's words are not kept
    sa.Column("moves", sa.Text, nullable=False),
    sa.Column("effects", sa.Text, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
)

interviews = sa.Table(
    "overstag_interviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _conversation(),
    sa.Column("candidate_name", sa.String(MAX_CANDIDATE_NAME_CHARS), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("outlet", sa.String(MAX_OUTLET_CHARS), nullable=False),
    sa.Column("duration", sa.Integer, nullable=False),  # minutes
    sa.Column("interview_form", sa.String(16), nullable=False),
    sa.Column("review_scope", sa.String(16), nullable=False),
    sa.Column("review_days", sa.Integer),
    sa.Column("sensitive", sa.Boolean, nullable=False),
    sa.Column("concessions", sa.Text, nullable=False),  # JSON list of concession ids
    # JSON list of the agreements in the interviewer's own words
    sa.Column("own_agreements", sa.Text, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    _when("created_at"),
    _when("updated_at"),
)

reminders = sa.Table(
    "overstag_reminders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "interview_id",
        sa.Integer,
        sa.ForeignKey("overstag_interviews.id"),
        nullable=False,
        index=True,
    ),
    _conversation(index=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # pending -> delivering -> sent; cancelled when the interview moves on first
    sa.Column("state", sa.String(12), nullable=False),
    _when("sent_at", nullable=True),
)

# who is delivering a reminder, until when: a server renews its claim while it
# works, and a claim left to expire (its server died) is taken over by another
reminder_claims = sa.Table(
    "overstag_reminder_claims",
    metadata,
    sa.Column("reminder_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner", sa.String(128), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# a person, whichever way they reached Overstag: "local" (make run), "oidc:<sub>",
# "proxy:<name>", "slack:<team>:<user>", "teams:<tenant>:<user>",
# "rest:<tool>:<sender>"; the channel that issued the id is its first part
users = sa.Table(
    "overstag_users",
    metadata,
    sa.Column("user_id", sa.String(MAX_USER_ID_CHARS), primary_key=True),
    sa.Column("display_name", sa.String(MAX_SENDER_CHARS)),
    sa.Column("email", sa.String(MAX_SENDER_CHARS)),
    sa.Column("language", sa.String(2)),  # the user's choice; empty until made
    _when("created_at"),
    _when("seen_at"),
)

# who owns a conversation (Rasa's sender id); rows above find their user here
conversations = sa.Table(
    "overstag_conversations",
    metadata,
    sa.Column("conversation_id", sa.String(MAX_SENDER_CHARS), primary_key=True),
    sa.Column("user_id", sa.String(MAX_USER_ID_CHARS), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),
    _when("created_at"),
    _when("updated_at"),
)

# which reminder went out as a Slack or Teams direct message while it was being
# delivered: a server that takes over a claim does not post it a second time; the
# row goes when the reminder is marked sent
reminder_pushes = sa.Table(
    "overstag_reminder_pushes",
    metadata,
    sa.Column("reminder_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("channel", sa.String(16), nullable=False),
    _when("pushed_at"),
)

# where a chat platform lets the bot write to a user first: the Bot Framework's
# conversation reference of the user's personal chat, saved when they write to it
chat_addresses = sa.Table(
    "overstag_chat_addresses",
    metadata,
    sa.Column("user_id", sa.String(MAX_USER_ID_CHARS), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.Text, nullable=False),  # JSON
    _when("updated_at"),
)

# the name the interviewer signs confirmation e-mails with, one per user
interviewer_names = sa.Table(
    "overstag_interviewer_names",
    metadata,
    sa.Column("user_id", sa.String(MAX_USER_ID_CHARS), primary_key=True),
    sa.Column("name", sa.String(MAX_INTERVIEWER_NAME_CHARS), nullable=False),
    _when("updated_at"),
)
