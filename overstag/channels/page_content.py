"""The web chat page's labels (content/page.yml), and the page filled in with them.

`web/index.html` names a label as `{{key}}` (the English one) or `{{key.nl}}`;
`{{examples}}` becomes the example buttons and `{{labels}}` the labels as JSON,
which `web/app.js` reads for the texts it creates itself.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping

from overstag.content_files import CONTENT_DIR, bilingual_gaps, read_yaml, refuse_gaps
from overstag.facts import DEFAULT_LANGUAGE, LANGUAGES
from overstag.settings import ROOT

WEB_DIR = ROOT / "web"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)(?:\.([a-z]+))?\s*\}\}")
SPECIAL = ("examples", "labels", "lang")


DOES = ("coach", "rehearse", "request", "interviews")


def _example(example: Dict[str, str]) -> str:
    return (
        f'<button type="button" class="example" lang="{html.escape(example["lang"])}">'
        f"{html.escape(example['text'])}</button>"
    )


@dataclass(frozen=True)
class PageContent:
    labels: Mapping[str, Dict[str, str]]
    examples: List[Dict[str, str]]

    def label(self, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.labels[key][lang]

    def render(self, template: str, page_lang: str = DEFAULT_LANGUAGE) -> str:
        """The page in `page_lang` with every placeholder filled in, HTML-escaped;
        `{{key.nl}}` names a language whatever the page's."""

        def fill(match: "re.Match[str]") -> str:
            key, lang = match.group(1), match.group(2) or page_lang
            if key == "lang":
                return page_lang
            if key == "examples":
                return self._examples(page_lang)
            if key == "labels":
                # inside <script>, "</" would end the element
                return json.dumps(self.labels, ensure_ascii=False).replace("</", "<\\/")
            return html.escape(self.label(key, lang))

        return PLACEHOLDER.sub(fill, template)

    def _examples(self: PageContent, page_lang: str) -> str:
        """One row per thing Overstag does: its name, then its example per language."""
        rows = []
        for does in DOES:
            title = html.escape(self.label(f"does_{does}", page_lang))
            mine = [e for e in self.examples if e.get("does") == does]
            buttons = "".join(_example(e) for e in mine)
            rows.append(
                f'<div class="does"><span class="does-title" data-label="does_{does}">'
                f"{title}</span>{buttons}</div>"
            )
        return "\n".join(rows)


def read(directory: Path = CONTENT_DIR) -> PageContent:
    raw = read_yaml(directory / "page.yml")
    labels = raw.get("labels") if isinstance(raw.get("labels"), dict) else {}
    examples = raw.get("examples") if isinstance(raw.get("examples"), list) else []
    return PageContent(labels=labels, examples=examples)


def problems(content: PageContent, template: str) -> List[str]:
    labels = dict(content.labels)
    found = [f"page.yml {gap}" for gap in bilingual_gaps({"labels": labels})]
    for key, value in labels.items():
        if not isinstance(value, dict):
            found.append(f"page.yml labels.{key}: needs a text in each language")
            continue
        found += [
            f"page.yml labels.{key}.{lang}: needs one text"
            for lang in LANGUAGES
            if isinstance(value.get(lang), (dict, list))
        ]
    for match in PLACEHOLDER.finditer(template):
        key, lang = match.group(1), match.group(2)
        if key not in SPECIAL and key not in content.labels:
            found.append(f"page.yml: no label {key!r}, which web/index.html uses")
        if lang and lang not in LANGUAGES:
            found.append(f"web/index.html: {match.group(0)} names an unknown language")
    if not content.examples:
        found.append("page.yml examples: at least one example is needed")
    for does in DOES:
        if f"does_{does}" not in content.labels:
            found.append(f"page.yml: no label 'does_{does}' for the welcome")
        for lang in LANGUAGES:
            if not any(
                isinstance(e, dict) and e.get("does") == does and e.get("lang") == lang
                for e in content.examples
            ):
                found.append(f"page.yml examples: no {lang} example for {does!r}")
    for number, example in enumerate(content.examples, start=1):
        ok = isinstance(example, dict) and example.get("lang") in LANGUAGES
        if not ok or not str(example.get("text") or "").strip():
            found.append(
                f"page.yml examples #{number}: needs a text and a lang (en or nl)"
            )
    return found


def template() -> str:
    return (WEB_DIR / "index.html").read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def load(directory: Path = CONTENT_DIR) -> PageContent:
    content = read(directory)
    refuse_gaps("page", problems(content, template()))
    return content


@lru_cache(maxsize=1)
@lru_cache(maxsize=len(LANGUAGES))
def page(lang: str = DEFAULT_LANGUAGE) -> str:
    """index.html filled in with the committed labels in `lang`; made once per
    process and language."""
    return load().render(template(), lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def preferred(accept_language: str) -> str:
    """The first of our languages a browser's Accept-Language asks for, by weight."""
    ranked = []
    for order, part in enumerate(accept_language.split(",")[:20]):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        code = name.strip().lower()[:2]
        if code in LANGUAGES and weight > 0:
            ranked.append((-weight, order, code))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
