"""Everything that reaches into Rasa's internals, and the guard that keeps it honest.

Overstag's runtime fixes (action_payload, action_validation, history, tensorflow_stub,
tracker_store, turn_guard), the reminder delivery's access to conversations
(conversations)
and the Slack and Teams connectors rely on parts of Rasa that are not public
API. They are listed in PRIVATE_APIS, and `check()` refuses a Rasa version that
these were not tested with, or one in which any of them is gone, with a message
that says what to do, instead of failing somewhere deep inside a request.

OVERSTAG_STOCK_RASA=1 leaves Rasa untouched (the benchmark's baseline).
"""

from __future__ import annotations

import importlib
from typing import List, Tuple

from overstag import settings

TESTED_RASA_VERSIONS = ("3.6.21",)

# (module, attribute path): what Overstag calls, replaces or overrides
PRIVATE_APIS: Tuple[Tuple[str, str], ...] = (
    # action_validation: the validator built once replaces this method
    ("rasa.core.actions.action", "RemoteAction._validate_action_result"),
    ("rasa.core.actions.action", "RemoteAction.action_response_format_spec"),
    # action_payload: the call's body, its tracker with the turn's events only
    ("rasa.core.actions.action", "RemoteAction._action_call_format"),
    # history: applied events, states and copies kept on the tracker
    ("rasa.shared.core.trackers", "DialogueStateTracker.applied_events"),
    ("rasa.shared.core.trackers", "DialogueStateTracker.copy"),
    ("rasa.shared.core.trackers", "DialogueStateTracker._undo_till_previous"),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker._first_loop_execution_or_unhappy_path",
    ),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker._undo_till_previous_loop_execution",
    ),
    ("rasa.shared.core.trackers", "DialogueStateTracker._create_events"),
    ("rasa.shared.core.domain", "Domain.states_for_tracker_history"),
    ("rasa.shared.core.domain", "Domain._clean_state"),
    ("rasa.core.policies.rule_policy", "RulePolicy._prediction_states"),
    ("rasa.core.policies.rule_policy", "RulePolicy._get_possible_keys"),
    # tracker_store: the cache counts and slices the stored events
    ("rasa.core.tracker_store", "SQLTrackerStore._event_query"),
    ("rasa.core.tracker_store", "SQLTrackerStore._additional_events"),
    ("rasa.core.tracker_store", "SQLTrackerStore.session_scope"),
    ("rasa.core.tracker_store", "ensure_schema_exists"),
    ("rasa.core.agent", "Agent._create_tracker_store"),
    # turn_guard: a turn the action server failed is not stored; retries replayed
    ("rasa.core.actions.action", "RemoteAction.run"),
    ("rasa.core.processor", "MessageProcessor.handle_message"),
    # conversations: reminders run an action outside a request
    ("rasa.core.processor", "MessageProcessor.fetch_tracker_and_update_session"),
    ("rasa.core.processor", "MessageProcessor.execute_action"),
    ("rasa.core.processor", "MessageProcessor.save_tracker"),
    ("rasa.core.policies.policy", "PolicyPrediction.for_action_name"),
    # warm_start: the tracker store read once when the agent has loaded
    ("rasa.core.run", "load_agent_on_start"),
    # channels/slack.py: Rasa's message checks, reused
    ("rasa.core.channels.slack", "SlackInput._is_user_message"),
    ("rasa.core.channels.slack", "SlackInput._sanitize_user_message"),
    ("rasa.core.channels.slack", "SlackInput._is_interactive_message"),
    ("rasa.core.channels.slack", "SlackInput._get_interactive_response"),
    ("rasa.core.channels.slack", "SlackBot._post_message"),
    # channels/teams.py: Rasa's blocking key fetch at start-up, switched off
    ("rasa.core.channels.botframework", "BotFrameworkInput._update_cached_jwk_keys"),
)
# Also relied on, and checked by tests/rasa_patches/: a model archive's
# metadata.json lists its components under train_schema/predict_schema -> nodes
# -> uses (tensorflow_stub), and SQLTrackerStore keeps `engine` and
# `sessionmaker` attributes (tracker_store).


class UntestedRasaError(RuntimeError):
    """The installed Rasa is not one Overstag's patches were tested with."""


def enabled() -> bool:
    return not settings.stock_rasa()


def missing_apis() -> List[str]:
    missing = []
    for module_name, path in PRIVATE_APIS:
        try:
            node: object = importlib.import_module(module_name)
            for part in path.split("."):
                node = getattr(node, part)
        except (ImportError, AttributeError):
            missing.append(f"{module_name}.{path}")
    return missing


def check(version: str = "") -> None:
    """Raises UntestedRasaError unless the installed Rasa is one the patches know."""
    if not version:
        from rasa.version import __version__ as version
    if version not in TESTED_RASA_VERSIONS:
        raise UntestedRasaError(
            f"Overstag's runtime fixes were tested with Rasa "
            f"{', '.join(TESTED_RASA_VERSIONS)}, and Rasa {version} is installed. "
            "Install a tested version (requirements.txt), or run plain Rasa with "
            "OVERSTAG_STOCK_RASA=1, or test the fixes against this version and add it "
            "to TESTED_RASA_VERSIONS in overstag/rasa_patches/__init__.py."
        )
    missing = missing_apis()
    if missing:
        raise UntestedRasaError(
            f"Rasa {version} lacks what Overstag's runtime fixes use: "
            f"{', '.join(missing)}. Run plain Rasa with OVERSTAG_STOCK_RASA=1."
        )
