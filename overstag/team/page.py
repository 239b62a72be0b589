"""web/team.html filled in: the labels in the page's language, and all of them
as JSON for web/team.js, which switches language without a reload."""

from __future__ import annotations

import html
import json
import re
from typing import Any, Dict

from overstag.facts import DEFAULT_LANGUAGE, LANGUAGES
from overstag.settings import ROOT
from overstag.team import content

TEMPLATE = ROOT / "web" / "team.html"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def labels(min_users: int) -> Dict[str, Any]:
    loaded = content.load()
    filled = {}
    for lang in LANGUAGES:
        texts = dict(loaded[lang]["texts"])
        texts["privacy_note"] = texts["privacy_note"].format(min=min_users)
        filled[lang] = {**loaded[lang], "texts": texts}
    return filled


def render(lang: str, min_users: int) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    every = labels(min_users)
    texts = every[lang]["texts"]

    def fill(match: "re.Match[str]") -> str:
        key = match.group(1)
        if key == "lang":
            return lang
        if key == "labels":
            # inside <script>, "</" would end the element
            return json.dumps(
                {"lang": lang, "labels": every}, ensure_ascii=False
            ).replace("</", "<\\/")
        return html.escape(texts[key])

    return _PLACEHOLDER.sub(fill, TEMPLATE.read_text(encoding="utf-8"))


def forbidden(lang: str) -> str:
    """The page a signed-in user who is no coach gets, with a 403."""
    loaded = content.load()

    def said(code: str, key: str) -> str:
        return html.escape(loaded[code]["texts"][key])

    parts = [
        f'<section lang="{code}"><h1>{said(code, "forbidden_title")}</h1>'
        f"<p>{said(code, 'forbidden_text')}</p>"
        f'<p><a href="/webhooks/chat/">{said(code, "back_to_chat")}</a></p></section>'
        for code in sorted(LANGUAGES, key=lambda c: c != lang)
    ]
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/webhooks/team/static/team.css">'
        f"<title>{said(lang, 'forbidden_title')}</title></head>"
        '<body><main class="team team-forbidden" data-reason="not_a_coach">'
        f"{''.join(parts)}</main></body></html>"
    )
