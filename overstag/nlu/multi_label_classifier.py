"""An intent classifier that can find two objections in one message.

One logistic regression per single intent (one-vs-rest) on TF-IDF weighted
bag-of-words and character n-gram features, trained once per mode: coaching
never sees the interviewer's moves and rehearsal never sees the candidate's
objections, so neither mode's labels blur the other's. A training example labelled
`objection_time+objection_modesty` counts as an example of both. At prediction
time the best intent wins, unless the runner-up is also likely and the pair is a
known multi-intent of the domain: then the pair's intent name is returned, so
Rasa's rules see an ordinary intent.

Measured against DIET on the held-out set (README, "NLU figures"): better on
both languages, and it trains in seconds instead of minutes. The weights are
stored as plain arrays, never pickled objects.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from overstag.facts import PAIR_SEPARATOR
from overstag.nlu.intent_views import PROBABILITIES

logger = logging.getLogger(__name__)
WEIGHTS = "weights.npz"
LABELS = "labels.json"


def _features(messages: List[Message], width: Optional[int] = None) -> sp.csr_matrix:
    rows = []
    for message in messages:
        sparse = message.get_sparse_features(TEXT)[1]
        rows.append(
            sp.csr_matrix(sparse.features)
            if sparse is not None
            else sp.csr_matrix((1, width or 0))
        )
    return sp.vstack(rows).tocsr()


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class MultiLabelIntentClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 20.0,  # inverse regularisation strength
            "split_symbol": PAIR_SEPARATOR,
            "second_threshold": 0.3,  # runner-up probability that makes a pair
            "ranking_length": 10,
            "random_seed": 42,
            # one model per mode, each blind to the other mode's labels (prefix
            # excluded); the first group sets Rasa's intent
            "label_groups": {"coach": "move_", "rehearse": "objection_"},
        }

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.pairs: set = set()
        self.idf: Optional[np.ndarray] = None
        self.models: Dict[str, Dict[str, Any]] = {}  # group -> labels, coef, intercept

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MultiLabelIntentClassifier":
        return cls(config, model_storage, resource)

    # -- training ---------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfTransformer

        examples = [
            e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)
        ]
        if not examples:
            return self._resource
        split = self.config["split_symbol"]
        names = [e.get(INTENT).split(split) for e in examples]
        self.pairs = {split.join(n) for n in names if len(n) > 1}
        tfidf = TfidfTransformer(sublinear_tf=True).fit(_features(examples))
        x = tfidf.transform(_features(examples))
        self.idf = tfidf.idf_
        for group, excluded in self.config["label_groups"].items():
            rows = [
                i
                for i, n in enumerate(names)
                if not any(part.startswith(excluded) for part in n)
            ]
            self.models[group] = self._fit(x[rows], [names[i] for i in rows])
        self.persist()
        return self._resource

    def _fit(self, x: sp.csr_matrix, names: List[List[str]]) -> Dict[str, Any]:
        from sklearn.linear_model import LogisticRegression

        labels = sorted({part for n in names for part in n})
        coefs, intercepts = [], []
        for label in labels:
            model = LogisticRegression(
                C=self.config["C"],
                max_iter=3000,
                random_state=self.config["random_seed"],
            )
            model.fit(x, np.array([label in n for n in names]))
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        return {
            "labels": labels,
            "coef": np.vstack(coefs),
            "intercept": np.array(intercepts),
        }

    def persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            arrays = {"idf": self.idf}
            for group, model in self.models.items():
                arrays[f"{group}.coef"], arrays[f"{group}.intercept"] = (
                    model["coef"],
                    model["intercept"],
                )
            np.savez_compressed(directory / WEIGHTS, **arrays)
            (directory / LABELS).write_text(
                json.dumps(
                    {
                        "groups": {g: m["labels"] for g, m in self.models.items()},
                        "pairs": sorted(self.pairs),
                    }
                )
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "MultiLabelIntentClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / WEIGHTS, allow_pickle=False)
                names = json.loads((directory / LABELS).read_text())
        except (ValueError, FileNotFoundError):
            logger.warning(
                "No trained intent classifier in the model; predicting nothing."
            )
            return component
        component.idf, component.pairs = arrays["idf"], set(names["pairs"])
        # only the prediction layout is kept in memory (see _weights)
        component.models = {
            g: {
                "labels": labels,
                "coef_t": np.ascontiguousarray(arrays[f"{g}.coef"].T),
                "intercept": arrays[f"{g}.intercept"],
            }
            for g, labels in names["groups"].items()
        }
        return component

    # -- prediction -------------------------------------------------------
    def _tfidf(self, messages: List[Message]) -> sp.csr_matrix:
        x = _features(messages, len(self.idf))
        x.data = 1.0 + np.log(x.data)  # sublinear term frequency, as in training
        x = x.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        return sp.diags(1.0 / np.where(norms == 0, 1.0, norms)) @ x

    def rank(
        self, labels: List[str], probabilities: np.ndarray
    ) -> List[Dict[str, Any]]:
        """Intent ranking with confidences that sum to one; a known pair comes first."""
        share = probabilities / max(probabilities.sum(), 1e-9)
        order = np.argsort(-probabilities)
        first, second = order[0], order[1]
        pair = self.config["split_symbol"].join(sorted((labels[first], labels[second])))
        ranking = []
        if (
            probabilities[second] >= self.config["second_threshold"]
            and pair in self.pairs
        ):
            ranking.append(
                {"name": pair, "confidence": float(share[first] + share[second])}
            )
            order = order[2:]
        ranking += [{"name": labels[i], "confidence": float(share[i])} for i in order]
        return ranking[: self.config["ranking_length"]]

    @staticmethod
    def _weights(model: Dict[str, Any]) -> np.ndarray:
        # sparse @ a transposed view copies the whole matrix on every call (most of
        # the NLU time); a C-ordered copy made once keeps prediction cheap
        if "coef_t" not in model:
            model["coef_t"] = np.ascontiguousarray(model["coef"].T)
        return model["coef_t"]

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.models or not messages:
            return messages
        x = self._tfidf(messages)
        per_group = {
            g: 1.0 / (1.0 + np.exp(-(x @ self._weights(m) + m["intercept"])))
            for g, m in self.models.items()
        }
        main = next(iter(self.models))
        for row, message in enumerate(messages):
            ranking = self.rank(self.models[main]["labels"], per_group[main][row])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            # every label's own probability per mode, for the mode-aware views of
            # the actions
            message.set(
                PROBABILITIES,
                {
                    g: {
                        label: round(float(p), 4)
                        for label, p in zip(
                            self.models[g]["labels"], probs[row], strict=False
                        )
                        if p >= 0.01
                    }
                    for g, probs in per_group.items()
                },
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
