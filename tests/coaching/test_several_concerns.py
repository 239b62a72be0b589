"""Any combination of concerns: the classifier's decoding (any pair, three, none),
coaching for three with each concession offered once, the "both" button, and the
clarification that asks openly when nothing points anywhere."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from actions import coaching as coaching_actions
from overstag.coaching import content
from overstag.facts import CATEGORIES
from overstag.nlu.multi_label_classifier import MultiLabelIntentClassifier
from support.trackers import make_tracker, run, texts

LABELS = sorted([*CATEGORIES, "greet", "out_of_scope"])


def decoder() -> MultiLabelIntentClassifier:
    return MultiLabelIntentClassifier({}, None, None)


def probabilities(**given: float) -> np.ndarray:
    return np.array([given.get(label, 0.02) for label in LABELS])


@pytest.mark.parametrize("pair", list(itertools.combinations(CATEGORIES, 2)))
def test_every_pair_is_decoded_likeliest_first(pair):
    first, second = pair
    heard = decoder().objections(LABELS, probabilities(**{first: 0.9, second: 0.6}))
    assert heard == [first, second]


def test_three_concerns_and_a_cap_of_three():
    many = {c: 0.9 - n / 20 for n, c in enumerate(CATEGORIES[:5])}
    assert decoder().objections(LABELS, probabilities(**many)) == list(CATEGORIES[:3])


def test_none_below_the_threshold_or_when_something_else_wins():
    # the likeliest label is the intent: an objection there is always heard
    assert decoder().objections(LABELS, probabilities(objection_time=0.25)) == [
        "objection_time"
    ]
    weak = probabilities(greet=0.3, objection_time=0.25)
    assert decoder().objections(LABELS, weak) == []
    greeting = probabilities(greet=0.95, objection_time=0.4)
    assert decoder().objections(LABELS, greeting) == []
    # an objection beside an unsure other intent is still heard
    unsure = probabilities(greet=0.45, objection_time=0.4)
    assert decoder().objections(LABELS, unsure) == ["objection_time"]


def test_a_plain_no_with_a_likely_reason_is_that_reasons_objection():
    labels = sorted([*LABELS, "deny"])
    odds = {label: 0.02 for label in labels}
    reason = np.array(
        [{**odds, "deny": 0.56, "objection_time": 0.5}[x] for x in labels]
    )
    heard = decoder().objections(labels, reason)
    assert heard == ["objection_time"]
    ranking = decoder().rank(labels, reason, heard)
    assert ranking[0]["name"] == "objection_time"
    assert ranking[0]["confidence"] > 0.8  # the no's share: no fallback to asking
    # the reason a little likelier than the no: still one clear objection
    close = np.array(
        [{**odds, "deny": 0.44, "objection_time": 0.48}[x] for x in labels]
    )
    heard = decoder().objections(labels, close)
    assert heard == ["objection_time"]
    assert decoder().rank(labels, close, heard)[0]["confidence"] > 0.8
    unlikely = np.array(
        [{**odds, "deny": 0.8, "objection_time": 0.2}[x] for x in labels]
    )
    assert decoder().objections(labels, unlikely) == []


def test_combinations_are_learned_for_every_pair_and_triple():
    import scipy.sparse as sp

    names = [[c] for c in CATEGORIES for _ in range(2)]
    counts = sp.identity(len(names), format="csr")
    model = MultiLabelIntentClassifier(
        {"combinations_per_pair": 2, "combinations_per_triple": 1}, None, None
    )
    extra, labels = model._combinations(counts, names, 42)
    kinds = {tuple(sorted(n)) for n in labels}
    assert len(kinds) == 36 + 84  # C(9,2) + C(9,3)
    # each synthetic row holds exactly the words of the examples it combines
    for row, combined in zip(extra, labels, strict=True):
        used = {names[i][0] for i in row.indices}
        assert used == set(combined) and row.sum() == len(combined)


async def test_three_concerns_are_each_coached_and_no_concession_twice(
    domain, database
):
    material = content.load()
    three = ["objection_time", "objection_privacy", "objection_approval"]
    tracker = make_tracker(
        "objection_time",
        "no time, no name in it, and the boss must agree",
        language="en",
        objections=three,
    )
    messages, slots = await run(
        coaching_actions.ActionCoachObjection(), tracker, domain
    )
    body = texts(messages)
    for category in three:
        assert material.label(category, "en") in body
    assert slots["objections"] == three
    offered = [c for category in three for c in slots["shown"][category]["concessions"]]
    assert offered and len(offered) == len(set(offered))


async def test_the_both_button_coaches_both(domain, database):
    material = content.load()
    tracker = make_tracker("objection_format", "/objection_format", language="nl")
    tracker.latest_message["entities"] = [
        {"entity": "also_objection", "value": "objection_privacy"}
    ]
    messages, slots = await run(
        coaching_actions.ActionCoachObjection(), tracker, domain
    )
    assert slots["objections"] == ["objection_format", "objection_privacy"]
    for category in slots["objections"]:
        assert material.label(category, "nl") in texts(messages)


async def test_clarification_offers_the_two_likeliest_both_and_something_else(
    domain, database
):
    material = content.load()
    tracker = make_tracker("nlu_fallback", "she is worried about her boss", 0.3)
    tracker.latest_message["label_probabilities"] = {
        "coach": {"objection_approval": 0.28, "objection_culture": 0.2, "greet": 0.1}
    }
    messages, _ = await run(coaching_actions.ActionClarifyObjection(), tracker, domain)
    [question] = messages
    payloads = [b["payload"] for b in question["buttons"]]
    both = "/objection_approval" + json.dumps({"also_objection": "objection_culture"})
    assert payloads == [
        "/objection_approval",
        "/objection_culture",
        both,
        "/ask_different_objection",
    ]
    assert material.button("both", "en") in [b["title"] for b in question["buttons"]]


@pytest.mark.parametrize(
    "intent, scores",
    [
        ("unclear_hesitation", {"objection_modesty": 0.4}),
        ("nlu_fallback", {"objection_time": 0.05, "greet": 0.2}),
    ],
)
async def test_vague_input_gets_an_open_question(domain, database, intent, scores):
    material = content.load()
    tracker = make_tracker(intent, "hij twijfelt nog een beetje", 0.3, language="nl")
    tracker.latest_message["label_probabilities"] = {"coach": scores}
    messages, _ = await run(coaching_actions.ActionClarifyObjection(), tracker, domain)
    [question] = messages
    assert question["text"] in material.replies["clarify_open"]["nl"]
    assert not question.get("buttons")


def test_a_short_message_needs_a_surer_second_concern():
    two = probabilities(objection_time=0.9, objection_modesty=0.4)
    assert decoder().objections(LABELS, two, words=5) == ["objection_time"]
    assert decoder().objections(LABELS, two, words=20) == [
        "objection_time",
        "objection_modesty",
    ]
    surer = probabilities(objection_time=0.9, objection_modesty=0.6)
    assert len(decoder().objections(LABELS, surer, words=5)) == 2


def test_a_long_message_of_one_clause_needs_a_surer_second_concern_too():
    two = probabilities(objection_time=0.9, objection_modesty=0.4)
    assert decoder().objections(LABELS, two, words=20, one_clause=True) == [
        "objection_time"
    ]
    off = MultiLabelIntentClassifier({"one_clause_is_short": False}, None, None)
    assert len(off.objections(LABELS, two, words=20, one_clause=True)) == 2
