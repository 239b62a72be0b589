"""Reading the editable files in `content/` and describing what is wrong with them.

Every feature validates its own material; what they share lives here: one YAML
reader that names the file it could not read, the placeholder check, and the
rule that a text given in one language must exist in every language.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set

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


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def not_a_text(value: Any, path: str) -> str:
    # YAML turns a bare yes/no/on/off into true or false: the usual reason
    return f"{path}: {value!r} is not a text (put quotes around yes, no, on and off)"


def _value_gaps(value: Any, path: str) -> List[str]:
    """What is wrong with the value at a language key: it must be a text, a list of
    texts, or a mapping of its own."""
    if isinstance(value, dict):
        return [] if value else [f"{path}: is empty"]
    if isinstance(value, list):
        return [not_a_text(item, path) for item in value if not is_text(item)]
    return [] if is_text(value) else [f"{path}: needs a text"]


def bilingual_gaps(node: Any, path: str = "") -> List[str]:
    """A mapping with one language key needs all of them, each a text (or a list of
    texts, or a mapping), with the same placeholders."""
    found: List[str] = []
    if isinstance(node, dict) and set(LANGUAGES) & set(node):
        values = [node.get(lang) for lang in LANGUAGES]
        if any(v in (None, "", []) for v in values):
            found.append(f"{path}: needs both {' and '.join(LANGUAGES)}")
        else:
            for lang, value in zip(LANGUAGES, values, strict=True):
                found += _value_gaps(value, f"{path}.{lang}")
        if all(isinstance(v, str) for v in values):
            if len({frozenset(placeholders(v)) for v in values}) > 1:
                found.append(f"{path}: placeholders differ between languages")
        for lang in LANGUAGES:
            if isinstance(node.get(lang), dict):
                found += bilingual_gaps(node[lang], f"{path}.{lang}")
    elif isinstance(node, dict):
        for key, value in node.items():
            found += bilingual_gaps(value, f"{path}.{key}" if path else str(key))
    return found


def missing_texts(
    tree: Any, paths: Iterable[str], lists: Iterable[str] = ()
) -> List[str]:
    """The dotted paths, of texts the code asks for, that lead to no text in some
    language; a list of texts is only right where `lists` names the path. What a
    text says (blank, placeholders), bilingual_gaps checks."""
    found = []
    several = set(lists)
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not (isinstance(node, dict) and set(LANGUAGES) & set(node)):
            found.append(f"{path}: missing")
        elif path not in several:
            found += [
                f"{path}.{lang}: needs one text, not a list"
                for lang in LANGUAGES
                if isinstance(node.get(lang), list)
            ]
    return found


def word_gaps(words: Any, path: str) -> List[str]:
    """A non-empty list of words, each a text."""
    if not isinstance(words, list) or not words:
        return [f"{path}: needs a list of words"]
    return [not_a_text(word, path) for word in words if not is_text(word)]


def pair_gaps(table: Any, path: str, allow_empty: bool = False) -> List[str]:
    """A mapping of words to the words put in their place, each a text."""
    if not isinstance(table, dict) or not (table or allow_empty):
        return [f"{path}: needs word: word pairs"]
    return [
        f"{path}.{word}: needs a word to put in its place"
        for word, other in table.items()
        if not (is_text(word) and is_text(other))
    ]


def refuse_gaps(kind: str, gaps: List[str]) -> None:
    if gaps:
        raise ContentError(f"Incomplete {kind} content:\n- " + "\n- ".join(gaps))
