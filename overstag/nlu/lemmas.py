"""Lookup lemmas from `spacy-lookups-data`, held as one plain dict per language.

spaCy's own lookup lemmatiser keeps the same Dutch table in a form that costs
about 150 MB of server memory; a dict costs about 45. The lookup follows spaCy's
rules exactly (Dutch keys are lower case, English keys as written), which
tests/test_language.py checks against spaCy on the training data.
"""

from __future__ import annotations

import functools
import gzip
import json
import sys
from pathlib import Path
from typing import Dict


def _table_path(code: str) -> Path:
    import spacy_lookups_data

    return (
        Path(spacy_lookups_data.__file__).parent
        / "data"
        / f"{code}_lemma_lookup.json.gz"
    )


@functools.lru_cache(maxsize=None)
def table(code: str) -> Dict[str, str]:
    with gzip.open(_table_path(code), "rt", encoding="utf8") as handle:
        raw = json.load(handle)
    # many words share a lemma; one string object per lemma
    return {word: sys.intern(lemma) for word, lemma in raw.items()}


class LookupLemmatizer:
    def __init__(self, code: str) -> None:
        self._table = table(code)
        self._lowercase_keys = code == "nl"

    def __call__(self, word: str) -> str:
        key = word.lower() if self._lowercase_keys else word
        return self._table.get(key, key)
