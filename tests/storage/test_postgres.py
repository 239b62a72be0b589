"""The same code on PostgreSQL: one environment variable switches both Rasa's
tracker store and Overstag's own tables."""

import pytest
import sqlalchemy as sa

from overstag.storage import storage
from support.servers import Servers

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


def test_coaching_conversation_on_postgresql(postgres_url, tmp_path):
    servers = Servers(tmp_path)
    servers.database_url = postgres_url
    servers.start()
    try:
        replies = servers.say("pg-user", "Ze wil eerst toestemming van haar teamleider")
        assert replies
    finally:
        servers.stop()
    rows = storage(postgres_url).coaching.records(servers.rest_id("pg-user"))
    assert [(r["category"], r["language"]) for r in rows] == [
        ("objection_approval", "nl")
    ]
    engine = sa.create_engine(postgres_url, future=True)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text(
                "select count(*) from events where sender_id = 'rest:local:pg-user'"
            )
        ).scalar_one()
    assert count > 3
