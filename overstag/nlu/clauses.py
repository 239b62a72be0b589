"""Hears each clause of a longer message on its own, beside the whole message.

In "no time before the summer, and he'd want to read the text first" the whole
message's counts let the stronger concern hide the one said in passing. This
component, first in the pipeline, follows each message that has at least two
clauses with one message per clause; the tokenizer and featurizers treat them
like any message, and the intent classifier folds what the clauses hear into
their message and drops them (multi_label_classifier). Training data is never
split: the classifier learns from whole examples.

Measured on the held-out set (README, "NLU figures"): reading the clauses with
the full pipeline found both concerns far more often than summing the clause's
token features, which lack the word pairs the classifier was trained on.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# the message a clause was cut from (never part of the parse output)
CLAUSE_OF = "overstag_clause_of"


def parent(message: Message) -> Optional[Message]:
    return message.get(CLAUSE_OF)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ClauseSplitter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # a clause ends at . ! ? ; : or a line break, or before one of these
            # (and at a comma before a new subject, below)
            "joiners": [
                "and",
                "but",
                "plus",
                "besides",
                "anyway",
                "en",
                "maar",
                "bovendien",
                "daarnaast",
                "trouwens",
            ],
            # a comma ends a clause when a new subject follows: a relayed call
            # lists its concerns as ", he won't ..., his boss ..."
            "comma_subjects": [
                "he",
                "she",
                "they",
                "we",
                "i",
                "his",
                "her",
                "their",
                "hij",
                "zij",
                "ze",
                "wij",
                "ik",
                "zijn",
                "haar",
                "hun",
            ],
            # shorter pieces ("and he") are left to the whole message
            "min_words": 2,
            "max_clauses": 6,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}
        joiners = "|".join(map(re.escape, self.config["joiners"]))
        subjects = "|".join(map(re.escape, self.config["comma_subjects"])) or "(?!)"
        # every alternative is linear: "\s+(?=word)" would retry each space of a
        # long run of them (5000 spaces took 1.3 s)
        self._ends = re.compile(
            rf"[.!?;:]\s+|\n+|(?<=\s)(?=(?:{joiners})\b)|,\s+(?=(?:{subjects})\b)",
            re.IGNORECASE,
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ClauseSplitter":
        return cls(config)

    def clauses(self, text: str) -> List[str]:
        """The clauses of `text` long enough to count; none when there are fewer
        than two (a one-clause message is heard whole)."""
        pieces = [p.strip(" ,.!?;:\"'") for p in self._ends.split(text)]
        pieces = [p for p in pieces if len(p.split()) >= self.config["min_words"]]
        if len(pieces) < 2 or len(pieces) > self.config["max_clauses"]:
            return []
        return pieces

    def process(self, messages: List[Message]) -> List[Message]:
        out: List[Message] = []
        for message in messages:
            out.append(message)
            text = message.get(TEXT)
            if isinstance(text, str) and parent(message) is None:
                out += [
                    Message(data={TEXT: clause, CLAUSE_OF: message})
                    for clause in self.clauses(text)
                ]
        return out

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
