"""Reading the editable files in `content/` and describing what is wrong with them.

Every feature validates its own material; what they share lives here: one YAML
reader that names the file it could not read, the placeholder check, and the
rule that a text given in one language must exist in every language.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Dict, List, Set

import yaml

from overstag.facts import LANGUAGES
from overstag.settings import ROOT

CONTENT_DIR = ROOT / "content"


class ContentError(ValueError):
    """The content files are unreadable, incomplete or inconsistent."""


def read_yaml(path: Path) -> Dict[str, Any]:
    """A content file as a mapping, or a ContentError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError(f"cannot read {path}: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return data


def placeholders(text: str) -> Set[str]:
    """The names in a text's {placeholders}."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:  # an unmatched brace
        return {"{"}


def bilingual_gaps(node: Any, path: str = "") -> List[str]:
    """A mapping with one language key needs all of them, with equal placeholders."""
    found: List[str] = []
    if isinstance(node, dict) and set(LANGUAGES) & set(node):
        values = [node.get(lang) for lang in LANGUAGES]
        if any(v in (None, "", []) for v in values):
            found.append(f"{path}: needs both {' and '.join(LANGUAGES)}")
        elif all(isinstance(v, str) for v in values):
            if len({frozenset(placeholders(v)) for v in values}) > 1:
                found.append(f"{path}: placeholders differ between languages")
        for lang in LANGUAGES:
            if isinstance(node.get(lang), dict):
                found += bilingual_gaps(node[lang], f"{path}.{lang}")
    elif isinstance(node, dict):
        for key, value in node.items():
            found += bilingual_gaps(value, f"{path}.{key}" if path else str(key))
    return found


def word_gaps(words: Any, path: str) -> List[str]:
    """A list of words must hold strings only; YAML turns a bare yes/no/on/off into
    true or false, which is the usual reason it does not."""
    if not isinstance(words, list) or not words:
        return [f"{path}: needs a list of words"]
    return [
        f"{path}: {word!r} is not a word (put quotes around yes, no, on and off)"
        for word in words
        if not isinstance(word, str) or not word.strip()
    ]


def refuse_gaps(kind: str, gaps: List[str]) -> None:
    if gaps:
        raise ContentError(f"Incomplete {kind} content:\n- " + "\n- ".join(gaps))
