"""Each clause of a longer message is heard on its own: where a message is cut,
what the pipeline sees, and how the classifier folds the clauses back in."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from overstag.facts import CATEGORIES, OBJECTIONS_KEY
from overstag.nlu import clauses
from overstag.nlu.clauses import ClauseSplitter
from overstag.nlu.multi_label_classifier import MultiLabelIntentClassifier

LABELS = sorted([*CATEGORIES, "greet"])


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "He wants to read it first. Besides, his boss must agree.",
            ["He wants to read it first", "his boss must agree"],
        ),
        (
            "no time this month and she wants to check her quotes",
            ["no time this month", "and she wants to check her quotes"],
        ),
        (
            "Ze heeft geen tijd; bovendien moet HR het goedkeuren",
            ["Ze heeft geen tijd", "bovendien moet HR het goedkeuren"],
        ),
        (
            "no time this month, he won't be named, and his boss must agree",
            ["no time this month", "he won't be named", "and his boss must agree"],
        ),
        (
            "Ja, ik snap het, ze wil niet op de foto",
            ["ik snap het", "ze wil niet op de foto"],
        ),
        (
            "Beste Sanne,\nik doe liever niet mee\nGroet, Wim",
            ["Beste Sanne", "ik doe liever niet mee", "Groet, Wim"],
        ),
    ],
)
def test_a_message_is_cut_at_sentence_ends_and_joining_words(text, expected):
    assert ClauseSplitter({}).clauses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I don't have time",
        "nee en nee",  # the pieces are too short to say anything on their own
        "bread and butter",
        "",
    ],
)
def test_a_message_of_one_clause_is_heard_whole(text):
    assert ClauseSplitter({}).clauses(text) == []


def test_each_clause_follows_its_message_and_training_data_is_left_whole():
    first = Message(data={TEXT: "No time. And my boss has to agree."})
    second = Message(data={TEXT: "hello"})
    out = ClauseSplitter({}).process([first, second])
    assert [m.get(TEXT) for m in out] == [
        "No time. And my boss has to agree.",
        "No time",
        "And my boss has to agree",
        "hello",
    ]
    assert [clauses.parent(m) for m in out] == [None, first, first, None]
    # a clause is never cut again, and nothing of it shows in the parse output
    assert ClauseSplitter({}).process(out[1:2]) == out[1:2]
    assert clauses.CLAUSE_OF not in first.as_dict(only_output_properties=True)
    data = TrainingData([Message(data={TEXT: "a. b c. d e", "intent": "greet"})])
    assert ClauseSplitter({}).process_training_data(data) is data
    assert len(data.training_examples) == 1


def decoder(**config) -> MultiLabelIntentClassifier:
    return MultiLabelIntentClassifier(config, None, None)


def probabilities(**given: float) -> np.ndarray:
    return np.array([given.get(label, 0.02) for label in LABELS])


def test_a_clause_adds_the_concern_it_voices_clearly():
    whole = ["objection_time"]
    clause = [(probabilities(objection_approval=0.7), 6)]
    assert decoder()._with_clauses(whole, LABELS, clause) == [
        "objection_time",
        "objection_approval",
    ]


def test_a_clause_adds_nothing_unsure_nothing_twice_and_not_past_three():
    heard = ["objection_time"]
    unsure = [(probabilities(objection_approval=0.55), 6)]
    assert decoder()._with_clauses(heard, LABELS, unsure) == heard
    again = [(probabilities(objection_time=0.9), 6)]
    assert decoder()._with_clauses(heard, LABELS, again) == heard
    full = [*CATEGORIES[:3]]
    more = [(probabilities(**{CATEGORIES[4]: 0.95}), 6)]
    assert decoder()._with_clauses(full, LABELS, more) == full


def test_a_message_that_is_no_objection_gains_none_from_its_clauses():
    clause = [(probabilities(objection_time=0.9), 6)]
    assert decoder()._with_clauses([], LABELS, clause) == []
    # a clause that is clearly something else (a greeting) adds nothing either
    hello = [(probabilities(greet=0.9, objection_time=0.6), 6)]
    assert decoder()._with_clauses(["objection_modesty"], LABELS, hello) == [
        "objection_modesty"
    ]
    off = decoder(clause_threshold=None)
    assert off._with_clauses(["objection_modesty"], LABELS, clause) == [
        "objection_modesty"
    ]


def _one_feature_per_label() -> MultiLabelIntentClassifier:
    model = decoder()
    width = len(LABELS)
    model.idf = np.ones(width)
    model.blocks = np.array([width])
    # a row with feature k voices label k; 1.0 gives 0.98, 0.45 about 0.4
    model.models = {
        "coach": {
            "labels": LABELS,
            "coef": np.eye(width) * 8.0,
            "intercept": np.full(width, -4.0),
        }
    }
    return model


def test_the_classifier_drops_the_clauses_and_answers_for_the_message():
    model = _one_feature_per_label()
    time, approval = LABELS.index("objection_time"), LABELS.index("objection_approval")
    whole = _featurised("no time, and my boss must agree", {time: 1.0})
    cut = [
        _featurised("no time", {time: 1.0}, whole),
        _featurised("and my boss must agree", {approval: 1.0}, whole),
    ]
    out = model.process([whole, *cut])
    assert out == [whole]
    assert whole.get(OBJECTIONS_KEY) == ["objection_time", "objection_approval"]
    assert whole.get("intent")["name"] == "objection_time"


def test_one_clause_needs_a_surer_second_concern_than_two():
    time, approval = LABELS.index("objection_time"), LABELS.index("objection_approval")
    long_one = "he cannot make time for it because the boss would first need to agree"
    # counts of 3 and 1 give time 0.96 and approval 0.36: past the bar of a long
    # message (0.3), short of the bar of a short one (0.5)
    values = {time: 3.0, approval: 1.0}
    model = _one_feature_per_label()
    model.config["block_norm"] = False
    one = _featurised(long_one, values)
    model.process([one])
    assert one.get(OBJECTIONS_KEY) == ["objection_time"]
    two_text = "he has no time for it. and the boss would first need to agree to it"
    two = _featurised(two_text, values)
    cut = [
        _featurised(c, {time: 1.0}, two) for c in ClauseSplitter({}).clauses(two_text)
    ]
    model.process([two, *cut])
    assert two.get(OBJECTIONS_KEY) == ["objection_time", "objection_approval"]


def _featurised(text, values, parent=None) -> Message:
    import scipy.sparse as sp
    from rasa.shared.nlu.training_data.features import Features

    message = Message(data={TEXT: text})
    if parent is not None:
        message.set(clauses.CLAUSE_OF, parent)
    row = sp.coo_matrix(
        (list(values.values()), ([0] * len(values), list(values))),
        shape=(1, len(LABELS)),
    )
    message.add_features(Features(row, "sentence", TEXT, "test"))
    return message


def test_a_clause_is_tokenised_in_its_messages_language():
    from overstag.nlu.bilingual_tokenizer import LANGUAGE_KEY, BilingualSpacyTokenizer

    tokenizer = BilingualSpacyTokenizer(BilingualSpacyTokenizer.get_default_config())
    dutch = Message(
        data={
            TEXT: "Ze zei letterlijk: she has no time. En haar baas moet akkoord geven."
        }
    )
    cut = ClauseSplitter({}).process([dutch])
    english = Message(data={TEXT: "she has no time"})
    tokenizer.process([*cut, english])
    assert dutch.get(LANGUAGE_KEY)["code"] == "nl"
    said = next(m for m in cut[1:] if m.get(TEXT) == "she has no time")
    assert said.get(LANGUAGE_KEY) is None  # a clause adds nothing to the output
    lemmas = [t.lemma for t in said.get("text_tokens")]
    assert lemmas != [t.lemma for t in english.get("text_tokens")]
    assert english.get(LANGUAGE_KEY)["code"] == "en"
