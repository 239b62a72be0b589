"""Runtime fixes for the Rasa server process, found by profiling (docs/benchmarks.md).

Stock Rasa 3.6 checks every action server reply with `jsonschema.validate`, which
first validates the (large) events schema itself and builds a new validator: more
than half of the server's CPU time per message. Overstag builds the validator once
and keeps the check.

`OVERSTAG_STOCK_RASA=1` leaves Rasa untouched; the benchmark sets it for the
untuned baseline so that it measures stock Rasa.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Dict


def enabled() -> bool:
    return os.environ.get("OVERSTAG_STOCK_RASA", "").lower() not in {"1", "true", "yes"}


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
            f"response from the Action endpoint is valid. See {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> bool:
    """Applies the fixes once per process; True when they are active."""
    if not enabled():
        return False
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    return True
