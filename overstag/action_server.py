"""The action server as Overstag runs it: rasa_sdk's app, private and authenticated.

    python -m overstag.action_server [--port 5055] [--host 127.0.0.1] [-v | --quiet]

Stock `rasa_sdk` listens on every interface and runs any action for anyone who
can reach its port, including a cross-site `text/plain` post from a browser:
that was enough to delete another user's interview. Here it listens on loopback
unless OVERSTAG_ACTIONS_HOST names a private address, every call but /health
must carry `Authorization: Bearer <OVERSTAG_ACTIONS_TOKEN>` (which the Rasa
server sends, see launcher.runtime_endpoints) and be JSON, and an error answer
no longer echoes the request, which is the whole conversation.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from typing import Any, List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import settings
from overstag.content_files import ContentError

logger = logging.getLogger(__name__)
OPEN_PATHS = {"/health"}


def _refusal(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def authorized(request: Request, secret: bytes) -> bool:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), secret
    )


def error_status(error: Exception) -> int:
    status = getattr(error, "status_code", 500)
    return status if isinstance(status, int) and 400 <= status < 600 else 500


def protect(app: Sanic, secret: str) -> None:
    key = secret.encode()

    @app.on_request
    async def guard(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        if not authorized(request, key):
            return _refusal(401, "This action server only answers its Rasa server.")
        media = (request.headers.get("content-type") or "").split(";")[0].strip()
        if request.method == "POST" and media.lower() != "application/json":
            return _refusal(415, "Send the action call as application/json.")
        return None

    async def failed(request: Request, error: Exception) -> HTTPResponse:
        # the kind only: the message and the request can quote the conversation
        logger.error("An action call failed (%s)", type(error).__name__)
        # sanic's router recurses once per trailing slash of a URL
        status = 400 if isinstance(error, RecursionError) else error_status(error)
        return _refusal(status, "The action could not be run.")

    @app.listener("before_server_start")
    async def quiet_errors(app: Sanic, _: Any) -> None:
        # after rasa_sdk's own handler, which answers with the request body
        app.error_handler.add(Exception, failed)


def create_app() -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    from overstag import warm_up

    # now, not on the first message: it is as fast as the tenth
    warm_up.action_server()
    # no browser may call the action server, so no origin is allowed
    app = create_sdk_app("actions", cors_origins=None)
    protect(app, settings.actions_token())
    return app


def main(argv: Optional[List[str]] = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_argument_parser

    os.umask(0o077)
    parser = create_argument_parser()
    parser.add_argument("--host", default=settings.actions_host())
    parser.set_defaults(port=settings.actions_port())
    args = parser.parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    # its lines carry URLs, and some URLs carry ids
    logging.getLogger("sanic.access").disabled = True
    try:
        app = create_app()
    except ContentError as error:
        sys.exit(f"The action server did not start: {error}")
    logger.info("Action server listening on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
