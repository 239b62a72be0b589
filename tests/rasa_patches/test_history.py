"""History walked once (rasa_patches/history.py): after every event of random
conversations (forms that run and are interrupted, reverts, restarts, new
sessions), the kept applied events, states and copies equal what Rasa's own code
computes from scratch; RulePolicy's predictions are Rasa's on the test stories."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from overstag.rasa_patches import history
from support.servers import MODEL, ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
FORM = "interview_form"
STOCK_APPLIED = DialogueStateTracker.applied_events
STOCK_COPY = DialogueStateTracker.copy
STOCK_STATES = Domain.states_for_tracker_history


def _events():
    slot = DOMAIN.slots[0].name
    intents = ["objection_time", "objection_privacy", "affirm", "deny"]
    return st.one_of(
        st.builds(
            lambda intent, n: UserUttered(f"text {n}", {"name": intent}),
            st.sampled_from(intents),
            st.integers(0, 9),
        ),
        st.sampled_from(
            ["action_listen", "action_coach_objection", FORM, "other_form"]
        ).map(ActionExecuted),
        st.sampled_from([FORM, "other_form", None]).map(ActiveLoop),
        st.sampled_from(["en", "nl", None]).map(lambda v: SlotSet(slot, v)),
        st.builds(lambda: BotUttered("advice")),
        st.sampled_from(
            [
                ActionReverted,
                UserUtteranceReverted,
                Restarted,
                SessionStarted,
                lambda: ActionExecutionRejected(FORM),
            ]
        ).map(lambda make: make()),
    )


def _stock_states(tracker):
    saved = DialogueStateTracker.applied_events
    DialogueStateTracker.applied_events = STOCK_APPLIED
    try:
        return STOCK_STATES(DOMAIN, tracker)
    finally:
        DialogueStateTracker.applied_events = saved


@pytest.fixture
def patched():
    history.install()
    yield
    history.uninstall()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.lists(_events(), min_size=1, max_size=5), min_size=1, max_size=25),
    st.sampled_from([None, 8]),
)
def test_after_every_step_the_kept_history_is_rasas(patched, steps, kept_events):
    """A step is what an action adds, several events between two looks; a tracker
    with `max_event_history` drops its oldest events."""
    tracker = DialogueStateTracker("random", DOMAIN.slots, kept_events)
    for step in steps:
        for event in step:
            tracker.update(event)
        assert tracker.applied_events() == STOCK_APPLIED(tracker)
        # the kept states, with the copies a caller may change in place
        ours = DOMAIN.states_for_tracker_history(tracker)
        assert ours == _stock_states(tracker)
        ours[-1].clear()
        assert DOMAIN.states_for_tracker_history(tracker) == _stock_states(tracker)
        clone, stock = tracker.copy(), STOCK_COPY(tracker)
        assert clone.current_state(EventVerbosity.ALL) == stock.current_state(
            EventVerbosity.ALL
        )
        assert clone.applied_events() == STOCK_APPLIED(stock)
        assert (clone.model_id, clone.sender_source) == (None, None)
        # a copy changed does not change the original
        before = tracker.current_state(EventVerbosity.ALL)
        clone.update(SlotSet(DOMAIN.slots[0].name, "changed"))
        clone.update(ActionExecutionRejected(FORM))  # changes the loop in place
        clone.update(LoopInterrupted(True))
        clone.update(ActionExecuted("action_listen"))
        assert tracker.current_state(EventVerbosity.ALL) == before
        assert tracker.applied_events() == STOCK_APPLIED(tracker)
        assert len(tracker.events) == len(stock.events)


def test_a_replaced_event_list_is_read_again(patched):
    tracker = DialogueStateTracker("replaced", DOMAIN.slots)
    for name in ("action_session_start", "action_listen", "action_coach_objection"):
        tracker.update(ActionExecuted(name))
    assert len(tracker.applied_events()) == 3
    tracker.events = tracker._create_events([ActionExecuted("action_listen")])
    assert tracker.applied_events() == STOCK_APPLIED(tracker)
    assert len(DOMAIN.states_for_tracker_history(tracker)) == 2


def test_a_long_conversation_is_walked_once(patched, monkeypatch):
    tracker = DialogueStateTracker("long", DOMAIN.slots)
    for turn in range(200):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"m {turn}", {"name": "objection_time"}))
        tracker.update(ActionExecuted("action_coach_objection"))
        DOMAIN.states_for_tracker_history(tracker)
    replayed = []
    update = DialogueStateTracker.update
    monkeypatch.setattr(
        DialogueStateTracker,
        "update",
        lambda self, event, *a, **k: (replayed.append(event), update(self, event)),
    )
    tracker.update(ActionExecuted("action_listen"))
    DOMAIN.states_for_tracker_history(tracker)
    tracker.copy()
    # the new event, and once more into the kept replay; nothing older
    assert len(replayed) == 2


@pytest.mark.integration
def test_the_test_stories_pass_with_the_patches(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "overstag.serve",
            "test",
            "core",
            "--model",
            str(MODEL),
            "--stories",
            "tests/test_stories.yml",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
