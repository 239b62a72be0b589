"""Overstag's runtime fixes (overstag/rasa_patches/) keep Rasa's behaviour:
the tracker cache never serves a stale tracker, action replies are still checked,
and the server runs the model without TensorFlow only when the model allows it."""

from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from overstag.rasa_patches import action_validation, tensorflow_stub
from overstag.rasa_patches.tensorflow_stub import model_archive, model_components
from overstag.tracker_store import ConfiguredSQLTrackerStore
from support.servers import ROOT


@pytest.fixture
def two_servers_stores(tmp_path, monkeypatch):
    """Two tracker stores on one database, as two Rasa servers sharing it."""
    monkeypatch.delenv("OVERSTAG_STOCK_RASA", raising=False)
    domain = Domain.load(str(ROOT / "domain.yml"))
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    return (
        ConfiguredSQLTrackerStore(domain=domain, host=url),
        ConfiguredSQLTrackerStore(domain=domain, host=url),
        domain,
    )


def _conversation(sender: str, domain: Domain) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
    return tracker


async def test_cached_tracker_is_reused_until_another_server_writes(two_servers_stores):
    first, second, domain = two_servers_stores
    await first.save(_conversation("shared", domain))

    again = await first.retrieve("shared")
    # the latest session, as stock Rasa
    assert [type(e) for e in again.events][:1] == [SessionStarted]
    again.update(SlotSet("language", "nl"))
    await first.save(again)
    assert await first.retrieve("shared") is again  # no rebuild from the database

    await first.save(again)
    elsewhere = await second.retrieve("shared")
    elsewhere.update(UserUttered("hoi", {"name": "greet", "confidence": 1.0}))
    await second.save(elsewhere)

    fresh = await first.retrieve("shared")
    assert fresh is not again
    assert [e.text for e in fresh.events if isinstance(e, UserUttered)] == [
        "hello",
        "hoi",
    ]
    assert fresh.get_slot("language") == "nl"


async def test_unsaved_changes_never_come_back_from_the_cache(two_servers_stores):
    first, _, domain = two_servers_stores
    await first.save(_conversation("crash", domain))
    tracker = await first.retrieve("crash")
    await first.save(tracker)
    # a request that fails after changing the tracker never saves it
    tracker.update(UserUttered("lost", {"name": "greet", "confidence": 1.0}))
    reloaded = await first.retrieve("crash")
    assert "lost" not in [e.text for e in reloaded.events if isinstance(e, UserUttered)]
    # and the next save stores exactly the new events, once
    reloaded.update(UserUttered("kept", {"name": "greet", "confidence": 1.0}))
    await first.save(reloaded)
    stored = await first._retrieve("crash", fetch_events_from_all_sessions=True)
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == [
        "hello",
        "kept",
    ]


def test_sqlite_runs_in_write_ahead_mode(two_servers_stores):
    first, _, _ = two_servers_stores
    with first.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_action_replies_are_still_validated(monkeypatch):
    from rasa.core.actions.action import RemoteAction

    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    action_validation.install()
    assert (
        RemoteAction._validate_action_result
        is action_validation._validate_action_result
    )
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(
        {
            "events": [{"event": "slot", "name": "mode", "value": "coach"}],
            "responses": [{"text": "hi"}],
        }
    )
    with pytest.raises(
        ValidationError, match="Failed to validate Action server response"
    ):
        action._validate_action_result({"events": [{"event": "slot", "name": 3}]})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_only_a_model_without_tensorflow_components_runs_without_tensorflow():
    ours = model_components(
        model_archive(["run", "--model", str(ROOT / "models" / "overstag.tar.gz")])
    )
    assert "overstag.nlu.multi_label_classifier.MultiLabelIntentClassifier" in ours
    assert not tensorflow_stub.needs_tensorflow(ours)
    assert tensorflow_stub.needs_tensorflow(
        ours | {"rasa.nlu.classifiers.diet_classifier.DIETClassifier"}
    )
    assert tensorflow_stub.needs_tensorflow(
        ours | {"rasa.core.policies.ted_policy.TEDPolicy"}
    )
    assert tensorflow_stub.needs_tensorflow(ours | {"someones.own.Component"})


def _rasa_server_pid(launcher_pid: int) -> int:
    for task in Path(f"/proc/{launcher_pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            if "overstag.serve" in Path(f"/proc/{pid}/cmdline").read_text():
                return int(pid)
    raise AssertionError("no Rasa server process")


def test_running_server_has_no_tensorflow_loaded(servers):
    assert servers.say("runtime-check", "Hello!")
    maps = Path(f"/proc/{_rasa_server_pid(servers.process.pid)}/maps").read_text()
    assert "libtensorflow" not in maps and "xla_extension" not in maps
    # the maps are real: the classifier's libraries are there
    assert "sklearn" in maps or "scipy" in maps


async def test_the_warm_start_compiles_the_first_reads_and_writes_and_keeps_nothing(
    two_servers_stores, monkeypatch
):
    from types import SimpleNamespace

    import sqlalchemy as sa

    from overstag.rasa_patches import warm_start

    store, _, _ = two_servers_stores
    monkeypatch.setenv("OVERSTAG_DATABASE_URL", str(store.engine.url))
    compiled = store.engine._compiled_cache
    await warm_start._store_warmed(SimpleNamespace(tracker_store=store))
    # the ORM keeps the compiled statements of its flushes per mapper
    orm_compiled = store.SQLEvent.__mapper__._compiled_cache
    statements = [str(s) for s in [*compiled.values(), *orm_compiled.values()]]
    # the first turn's reading queries and inserts are compiled, ready for it
    for table in ("events", "overstag_users", "overstag_conversations"):
        assert any(s.startswith(f"INSERT INTO {table}") for s in statements), table
    assert any(s.startswith("SELECT") and "FROM events" in s for s in statements)
    with store.engine.connect() as connection:
        for table in (
            "events",
            "overstag_users",
            "overstag_conversations",
            "overstag_coached_objections",
        ):
            rows = connection.execute(sa.text(f"SELECT count(*) FROM {table}"))
            assert rows.scalar() == 0, table


async def test_a_store_that_cannot_be_read_at_start_does_not_stop_the_server():
    from types import SimpleNamespace

    from overstag.rasa_patches import warm_start
    from overstag.rasa_patches.tracker_store import StorageUnavailableError

    class Down:
        async def retrieve(self, sender_id):
            raise StorageUnavailableError("The conversation store failed.")

    await warm_start._store_warmed(SimpleNamespace(tracker_store=Down()))


async def test_the_warm_up_turn_runs_the_model_in_memory_and_writes_nothing(agent):
    from overstag.rasa_patches import warm_start

    processor = agent.processor
    predicted = []
    predict = processor._predict_next_with_tracker

    def recording(tracker):
        prediction = predict(tracker)
        predicted.append((tracker, prediction))
        return prediction

    processor._predict_next_with_tracker = recording
    try:
        await warm_start._turn_in_memory(agent)
    finally:
        del processor._predict_next_with_tracker
    [(tracker, prediction)] = predicted
    # the real pipeline heard both clauses of the warm-up message
    heard = tracker.latest_message.parse_data["objections"]
    assert set(heard) == {"objection_time", "objection_control"}
    assert prediction.max_confidence > 0
    assert list(await agent.tracker_store.keys()) == []


def test_the_heap_loaded_at_start_is_frozen():
    import subprocess
    import sys

    script = (
        "import gc; from overstag import warm_up; "
        "before = gc.get_freeze_count(); warm_up.freeze_heap(); "
        "print(before, gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    before, after = map(int, out.stdout.split())
    assert before == 0 and after > 1000
