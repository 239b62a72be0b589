"""The same code on PostgreSQL: one environment variable switches both Rasa's
tracker store and Overstag's own tables."""
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from actions.storage import Store
from conftest import Servers, free_port


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="module")
def postgres_url():
    if not _bin("initdb"):
        pytest.skip("PostgreSQL is not installed (make test installs it when run as root)")
    # not under pytest's tmp dir: the postgres user must be able to reach it
    base = Path(tempfile.mkdtemp(prefix="overstag-pg-"))
    data, port = base / "data", free_port()
    as_owner = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    run = lambda *cmd: subprocess.run(as_owner + list(cmd), check=True, capture_output=True, text=True)
    run(_bin("initdb"), "-D", str(data), "--auth=trust", "-U", "overstag", "--encoding=UTF8")
    run(_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start")
    run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "overstag", "overstag")
    yield f"postgresql://overstag@127.0.0.1:{port}/overstag"
    run(_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop")
    shutil.rmtree(base, ignore_errors=True)


def test_coaching_conversation_on_postgresql(postgres_url, tmp_path):
    servers = Servers(tmp_path)
    servers.database_url = postgres_url
    servers.start()
    try:
        replies = servers.say("pg-user", "Ze wil eerst toestemming van haar teamleider")
        assert replies
    finally:
        servers.stop()
    rows = Store(postgres_url).records("pg-user")
    assert [(r["category"], r["language"]) for r in rows] == [("objection_approval", "nl")]
    engine = sa.create_engine(postgres_url, future=True)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text("select count(*) from events where sender_id = 'pg-user'")).scalar_one()
    assert count > 3
