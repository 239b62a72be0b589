"""The web chat page, served by the Rasa server itself.

Page and API share one origin, so no CORS setting is needed, and the page's
assets are files in `web/`: nothing is fetched from elsewhere.
"""
from __future__ import annotations

from pathlib import Path
from typing import Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag.channels.rest import CheckedRestInput

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


class WebChatInput(CheckedRestInput):
    """Serves the page at /webhooks/chat/ and its messages at /webhooks/chat/webhook."""

    @classmethod
    def name(cls) -> Text:
        return "chat"

    def add_routes(self, blueprint: Blueprint) -> None:
        @blueprint.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await response.file(WEB_DIR / "index.html", mime_type="text/html")

        @blueprint.route("/static/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            path = (WEB_DIR / name).resolve()
            if path.parent != WEB_DIR or path.suffix not in _TYPES or not path.is_file():
                return response.json({"error": "not found"}, status=404)
            return await response.file(path, mime_type=_TYPES[path.suffix])
