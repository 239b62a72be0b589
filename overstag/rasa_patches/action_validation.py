"""Action server replies checked by a validator built once.

Stock Rasa 3.6 checks every action server reply with `jsonschema.validate`, which
first validates the (large) events schema itself and builds a new validator: more
than half of the server's CPU time per message (docs/benchmarks.md). Overstag
builds the validator once and keeps the check.
"""

from __future__ import annotations

import functools
from typing import Any, Dict


@functools.lru_cache(maxsize=None)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. "
            f"See {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Replaces Rasa's per-reply validation; call after `rasa_patches.check()`."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    # built and used once now, at start: checking the schema itself takes about 20 ms,
    # which the first answer used to wait for
    _action_result_validator().validate({"events": [], "responses": []})
