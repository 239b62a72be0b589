"""The Rasa server as Overstag runs it: `python -m overstag.serve run <rasa options>`.

Before Rasa loads, what the model does not need is kept out of the process:
TensorFlow, when no component of the model uses it (about 330 MB and 3 s of
start-up, overstag/rasa_patches/tensorflow_stub.py), and JAX, which TensorFlow's
TFLite helpers import whenever it is installed (about 65 MB; TensorFlow treats it
as optional). Rasa's per-reply schema rebuild is replaced
(overstag/rasa_patches/action_validation.py), and an action call carries the
turn's events, not the whole conversation (action_payload.py). A turn the
action server could not answer is not stored, and a retried message is stored once
(overstag/rasa_patches/turn_guard.py); a database error becomes a 503, not an
exit (overstag/rasa_patches/tracker_store.py); the store is read and one message
goes through the turn in memory at start (warm_start.py), so the first message
does not wait for first-use work. The
API token is read from OVERSTAG_API_TOKEN (or var/api-token), never from the
command line, where every local user can read it. The launcher runs plain
`python -m rasa` instead when OVERSTAG_STOCK_RASA=1 (the benchmark's baseline).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import List, Optional

from overstag import settings


def main(argv: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.umask(0o077)  # the database, its journal and the runtime files: owner-only
    from overstag.rasa_patches import tensorflow_stub

    archive = tensorflow_stub.model_archive(args)
    components = tensorflow_stub.model_components(archive) if archive else None
    if components and not tensorflow_stub.needs_tensorflow(components):
        tensorflow_stub.install()
    # None in sys.modules makes `import jax` raise ImportError, which TensorFlow catches
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
    from overstag import rasa_patches

    if rasa_patches.enabled():
        try:
            rasa_patches.check()
        except rasa_patches.UntestedRasaError as error:
            sys.exit(f"Overstag did not start: {error}")
        from overstag.rasa_patches import (
            action_payload,
            action_validation,
            history,
            tracker_store,
            turn_guard,
            warm_start,
        )

        action_validation.install()
        action_payload.install()
        history.install()
        tracker_store.fail_loud()
        turn_guard.install()
        warm_start.install()
    # sanic's access lines carry URLs, and Rasa's API takes its token in the URL
    logging.getLogger("sanic.access").disabled = True
    from rasa.__main__ import main as rasa_main

    if args[:1] == ["run"] and not any(a.startswith("--auth-token") for a in args):
        # in this process's argv only, not in the command line others can read;
        # joined with "=", since a random token may start with "-"
        args = [*args, f"--auth-token={settings.api_token()}"]
    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
