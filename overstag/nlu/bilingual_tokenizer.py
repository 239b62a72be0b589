"""A Rasa tokenizer that serves Dutch and English from one model.

Each message is tokenised by the blank spaCy pipeline of its own language and
lemmatised from the lookup tables of `spacy-lookups-data` (overstag/nlu/lemmas.py),
so nothing has to be downloaded. The detected language is
added to the parse result (`language`), which the actions use to answer in kind.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from overstag.nlu import clauses, language
from overstag.nlu.lemmas import LookupLemmatizer

LANGUAGE_KEY = "language"
# spaCy peels quotes, brackets and emoji off a word one at a time, re-reading the
# rest each time: 5000 quotes took 2.3 s in one message. Runs are cut to ten.
KEPT = 10
SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (KEPT + 1))


def shortened(text: str) -> Tuple[str, Optional[List[int]]]:
    """`text` with every run of more than ten symbols cut to ten, and for each
    character kept its index in `text` (None when nothing was cut)."""
    if not SYMBOL_RUN.search(text):
        return text, None
    parts: List[str] = []
    origin: List[int] = []
    last = 0
    for run in SYMBOL_RUN.finditer(text):
        parts.append(text[last : run.start() + KEPT])
        origin.extend(range(last, run.start() + KEPT))
        last = run.end()
    parts.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(parts), origin


def _build_pipeline(code: str) -> Any:
    import spacy

    return spacy.blank(code)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class BilingualSpacyTokenizer(Tokenizer):
    """Tokenises with spaCy in the message's own language (Dutch or English)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # used when a message carries no evidence of either language
            "default_language": "en",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._default = config["default_language"]
        self._pipelines = {code: _build_pipeline(code) for code in language.SUPPORTED}
        self._lemmatizers = {
            code: LookupLemmatizer(code) for code in language.SUPPORTED
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "BilingualSpacyTokenizer":
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "spacy_lookups_data"]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        code: Optional[str] = None
        cut_from = clauses.parent(message)
        if attribute == TEXT and cut_from is not None:
            # a clause is in its message's language: a few words tell too little
            code = (cut_from.get(LANGUAGE_KEY) or {}).get("code")
        elif attribute == TEXT:
            code, confidence = language.detect(text)
            message.set(
                LANGUAGE_KEY,
                {"code": code, "confidence": confidence},
                add_to_output=True,
            )
        code = code or self._default
        short, origin = shortened(text)
        doc = self._pipelines[code](short)
        lemma = self._lemmatizers[code]
        tokens = [
            Token(
                t.text,
                origin[t.idx] if origin else t.idx,
                lemma=lemma(t.text).lower() or t.lower_,
            )
            for t in doc
            if not t.is_space and not (t.is_punct and len(t.text) == 1)
        ]
        if not tokens:
            # featurizers need at least one token, even for "?!" or emoji only
            tokens = [Token(text, 0, lemma=text)]
        return self._apply_token_pattern(tokens)
