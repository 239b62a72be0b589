"""An intent classifier that hears every objection in a message, in any combination.

One logistic regression per single intent (one-vs-rest) on TF-IDF weighted
bag-of-words and character n-gram features, each featurizer's block
l2-normalised on its own (as a TF-IDF vectoriser per featurizer would: normalised
together, the many character n-grams drown the words), trained once per mode:
coaching never sees the interviewer's moves and rehearsal never sees the candidate's
objections, so neither mode's labels blur the other's.

A message may voice several objections. A training example counts for its intent
and for the objections in its metadata (`also: [objection_time]`), and training
adds synthetic combinations: the summed word counts of two (and three) single
objection examples of different categories, labelled with all of them, so that no
objection's model learns to count another objection's words against it. Which
combinations exist is never listed anywhere: every one of the 36 pairs and 84
triples is learned the same way. Which examples are added up is a random draw that
alone moved the held-out figures by up to 0.03, so models are trained on several
draws and their weights averaged (`combination_draws`).

The clauses of a longer message (overstag.nlu.clauses) reach the classifier as
messages of their own, right after their message: a concern a clause voices
clearly joins the message's `objections`, and the clauses are dropped.

The parse result carries `objections`: every objection whose own probability
reaches `objection_threshold`, likeliest first, at most three, and empty when the
message is no objection at all. Rasa's `intent` is the likeliest objection (or
whatever else won), so the rules see an ordinary intent; rehearsal moves still
come as the pair intents the domain lists.

Measured against DIET on the held-out set (README, "NLU figures"): better on
both languages, and it trains in seconds instead of minutes. The weights are
stored as plain arrays, never pickled objects.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple, Type

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

from overstag.facts import MAX_OBJECTIONS, OBJECTIONS_KEY, PAIR_SEPARATOR
from overstag.nlu import clauses
from overstag.nlu.intent_views import PROBABILITIES

logger = logging.getLogger(__name__)
WEIGHTS = "weights.npz"
LABELS = "labels.json"


def _words(message: Message) -> int:
    return len((message.get(TEXT) or "").split())


def _block_widths(message: Message) -> List[int]:
    """The width of each featurizer's sentence features, in the order they combine."""
    return [
        f.features.shape[1]
        for f in message.features
        if f.attribute == TEXT and f.is_sparse() and f.type == "sentence"
    ]


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
            "second_threshold": 0.3,  # runner-up probability that makes a move pair
            "objection_threshold": 0.3,  # own probability that makes an objection heard
            # a short message seldom voices two concerns: a second one must be surer
            "short_message_words": 10,
            "short_second_threshold": 0.5,
            "objection_prefix": "objection_",
            # "I'd rather not, I don't have time": a plain no that gives a reason is
            # the reason's objection when that is at least this likely
            "plain_no_labels": ["deny"],
            "reason_threshold": 0.35,
            # synthetic combinations per pair (and per triple) of objections
            "combinations_per_pair": 12,
            "combinations_per_triple": 3,
            # models trained on that many draws of them, their weights averaged
            "combination_draws": 3,
            "ranking_length": 10,
            "random_seed": 42,
            # one model per mode, each blind to the other mode's labels (prefix
            # excluded); the first group sets Rasa's intent
            "label_groups": {"coach": "move_", "rehearse": "objection_"},
            # l2 normalisation per featurizer (word, char) rather than over all
            "block_norm": True,
            # a concern one clause of the message (overstag.nlu.clauses) gives at
            # least this probability is heard too; None: the whole message only
            "clause_threshold": 0.6,
            # a message of one clause (none to cut) is held to the short message's
            # bar for a second concern: one clause seldom voices two
            "one_clause_is_short": True,
        }

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.pairs: set = set()
        self.idf: Optional[np.ndarray] = None
        self.blocks: Optional[np.ndarray] = None  # width of each featurizer's block
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
        names = [self._labels(e) for e in examples]
        split = self.config["split_symbol"]
        # the pair intents the domain still lists (rehearsal moves)
        self.pairs = {e.get(INTENT) for e in examples if split in e.get(INTENT)}
        counts = _features(examples)
        self.blocks = np.array(_block_widths(examples[0]), dtype=np.int64)
        # the synthetic combinations are a sample: the weights of models trained
        # on several samples are averaged, so that no one draw decides
        draws = [
            self._combinations(counts, names, self.config["random_seed"] + n)
            for n in range(self.config["combination_draws"])
        ]
        self.idf = (
            TfidfTransformer(sublinear_tf=True)
            .fit(sp.vstack([counts, draws[0][0]]).tocsr())
            .idf_
        )
        fits: Dict[str, List[Dict[str, Any]]] = {}
        for extra_counts, extra_names in draws:
            x = self._weigh(sp.vstack([counts, extra_counts]).tocsr())
            every = names + extra_names
            for group, excluded in self.config["label_groups"].items():
                rows = [
                    i
                    for i, n in enumerate(every)
                    if not any(part.startswith(excluded) for part in n)
                ]
                fits.setdefault(group, []).append(
                    self._fit(x[rows], [every[i] for i in rows])
                )
        self.models = {
            group: {
                "labels": models[0]["labels"],
                "coef": np.mean([m["coef"] for m in models], axis=0),
                "intercept": np.mean([m["intercept"] for m in models], axis=0),
            }
            for group, models in fits.items()
        }
        self.persist()
        return self._resource

    def _labels(self, example: Message) -> List[str]:
        """The example's intent (a move pair split in two) and the objections its
        metadata adds."""
        labels = example.get(INTENT).split(self.config["split_symbol"])
        metadata = (example.get("metadata") or {}).get("example") or {}
        also = metadata.get("also") if isinstance(metadata, dict) else None
        for extra in also if isinstance(also, list) else []:
            if isinstance(extra, str) and extra not in labels:
                labels.append(extra)
        return labels

    def _combinations(
        self, counts: sp.csr_matrix, names: List[List[str]], seed: int
    ) -> Tuple[sp.csr_matrix, List[List[str]]]:
        """Word counts of two or three single-objection examples added up, labelled
        with all their objections: every combination, none listed."""
        prefix = self.config["objection_prefix"]
        by_label: Dict[str, List[int]] = {}
        for row, labels in enumerate(names):
            if len(labels) == 1 and labels[0].startswith(prefix):
                by_label.setdefault(labels[0], []).append(row)
        categories = sorted(by_label)
        rng = np.random.default_rng(seed)
        rows, combined = [], []
        for size, per in (
            (2, self.config["combinations_per_pair"]),
            (3, self.config["combinations_per_triple"]),
        ):
            for group in itertools.combinations(categories, size):
                for _ in range(per):
                    picked = [int(rng.choice(by_label[c])) for c in group]
                    rows.append(picked)
                    combined.append(list(group))
        if not rows:
            return sp.csr_matrix((0, counts.shape[1])), []
        # a selection matrix keeps the sums sparse: one row per combination
        picks = sp.csr_matrix(
            (
                np.ones(sum(len(r) for r in rows)),
                (
                    [n for n, r in enumerate(rows) for _ in r],
                    [i for r in rows for i in r],
                ),
            ),
            shape=(len(rows), counts.shape[0]),
        )
        return (picks @ counts).tocsr(), combined

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
            arrays = {"idf": self.idf, "blocks": self.blocks}
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
        component.blocks = arrays["blocks"] if "blocks" in arrays.files else None
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
        return self._weigh(_features(messages, len(self.idf)))

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times idf, l2-normalised per featurizer's block (or over all
        features when block_norm is off or the model predates it)."""
        x = counts.astype(np.float64).tocsr()
        x.data = 1.0 + np.log(x.data)  # sublinear term frequency
        x = x.multiply(self.idf).tocsr()
        if self.config["block_norm"] and self.blocks is not None:
            # each stored value's row and block, then every row's norm per block
            block_of = np.repeat(np.arange(len(self.blocks)), self.blocks)
            rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
            blocks = block_of[x.indices]
            norms = np.zeros((x.shape[0], len(self.blocks)))
            np.add.at(norms, (rows, blocks), x.data**2)
            norms = np.sqrt(norms)
            x.data = x.data / np.where(norms == 0, 1.0, norms)[rows, blocks]
            return x
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        return (sp.diags(1.0 / np.where(norms == 0, 1.0, norms)) @ x).tocsr()

    def rank(
        self,
        labels: List[str],
        probabilities: np.ndarray,
        heard: Optional[List[str]] = None,
    ) -> List[Dict[str, Any]]:
        """Intent ranking with confidences that sum to one; a known pair comes first.

        When several objections are heard, or a plain no with its reason, the
        likeliest objection leads with their combined share: the message is
        clearly about objections, and Rasa's fallback (a low or a close top score)
        must not take several concerns for an unclear one."""
        share = probabilities / max(probabilities.sum(), 1e-9)
        order = np.argsort(-probabilities)
        # a plain no that gives a reason (see objections) lends the reason its
        # share, whether the no or the reason is the likelier
        top_two = [labels[i] for i in order[:2]]
        no = next((x for x in top_two if x in self.config["plain_no_labels"]), None)
        lending = bool(heard) and no is not None
        if heard and (len(heard) > 1 or lending):
            counted = [*heard, no] if lending else heard
            index = {label: i for i, label in enumerate(labels)}
            together = float(sum(share[index[label]] for label in counted))
            rest = [i for i in order if labels[i] not in counted]
            ranking = [{"name": heard[0], "confidence": together}]
            ranking += [
                {"name": labels[i], "confidence": float(share[i])} for i in rest
            ]
            return ranking[: self.config["ranking_length"]]
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

    def objections(
        self,
        labels: List[str],
        probabilities: np.ndarray,
        words: int = 100,
        one_clause: bool = False,
    ) -> List[str]:
        """Every objection heard, likeliest first; none when something else (a
        greeting, a question about the tool) is clearly what the message is.

        Measured on the held-out set (README): a stricter bar for the second
        concern of a short message keeps single objections from gaining a false
        companion, at no cost to the messages that do voice two."""
        prefix = self.config["objection_prefix"]
        order = np.argsort(-probabilities)
        best = labels[order[0]]
        if not best.startswith(prefix) and probabilities[order[0]] >= 0.5:
            if best not in self.config["plain_no_labels"]:
                return []
            reasons = [
                labels[i]
                for i in order
                if labels[i].startswith(prefix)
                and probabilities[i] >= self.config["reason_threshold"]
            ]
            return reasons[:MAX_OBJECTIONS]
        # the likeliest label, when an objection, is heard however unsure: it is
        # the intent, and `objections` never contradicts the intent
        heard = [
            i
            for n, i in enumerate(order)
            if labels[i].startswith(prefix)
            and (n == 0 or probabilities[i] >= self.config["objection_threshold"])
        ]
        if words < self.config["short_message_words"] or (
            one_clause and self.config["one_clause_is_short"]
        ):
            bar = self.config["short_second_threshold"]
            heard = heard[:1] + [i for i in heard[1:] if probabilities[i] >= bar]
        return [labels[i] for i in heard[:MAX_OBJECTIONS]]

    def _with_clauses(
        self,
        heard: List[str],
        labels: List[str],
        cut: List[Tuple[np.ndarray, int]],
    ) -> List[str]:
        """`heard` plus the concerns a single clause voices clearly (its own
        probability at least `clause_threshold`): in the whole message's counts a
        strong concern can hide a second one said in passing. Only a message
        already heard as an objection gains any."""
        threshold = self.config["clause_threshold"]
        if not heard or threshold is None or not cut:
            return heard
        index = {label: i for i, label in enumerate(labels)}
        heard = list(heard)
        for probabilities, words in cut:
            for label in self.objections(labels, probabilities, words):
                if (
                    label not in heard
                    and probabilities[index[label]] >= threshold
                    and len(heard) < MAX_OBJECTIONS
                ):
                    heard.append(label)
        return heard

    @staticmethod
    def _weights(model: Dict[str, Any]) -> np.ndarray:
        # sparse @ a transposed view copies the whole matrix on every call (most of
        # the NLU time); a C-ordered copy made once keeps prediction cheap
        if "coef_t" not in model:
            model["coef_t"] = np.ascontiguousarray(model["coef"].T)
        return model["coef_t"]

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.models or not messages:
            return [m for m in messages if clauses.parent(m) is None]
        x = self._tfidf(messages)
        per_group = {
            g: 1.0 / (1.0 + np.exp(-(x @ self._weights(m) + m["intercept"])))
            for g, m in self.models.items()
        }
        main = next(iter(self.models))
        labels = self.models[main]["labels"]
        # the clauses that follow a message (overstag.nlu.clauses), by message
        of_message: Dict[int, List[Tuple[np.ndarray, int]]] = {}
        for row, message in enumerate(messages):
            cut_from = clauses.parent(message)
            if cut_from is not None:
                of_message.setdefault(id(cut_from), []).append(
                    (per_group[main][row], _words(message))
                )
        kept = []
        for row, message in enumerate(messages):
            if clauses.parent(message) is not None:
                continue
            kept.append(message)
            probabilities = per_group[main][row]
            cut = of_message.get(id(message), [])
            heard = self._with_clauses(
                self.objections(
                    labels, probabilities, _words(message), one_clause=not cut
                ),
                labels,
                cut,
            )
            ranking = self.rank(labels, probabilities, heard)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(OBJECTIONS_KEY, heard, add_to_output=True)
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
        return kept

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
