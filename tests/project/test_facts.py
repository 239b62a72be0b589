"""overstag/facts.py and the YAML files say the same: intents, slots, forms,
actions and the keys of the content files."""

import re

import pytest
import yaml

from overstag import facts
from overstag.coaching import messages
from overstag.storage import tables
from support.servers import ROOT


def _yaml(*parts):
    return yaml.safe_load((ROOT.joinpath(*parts)).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def domain():
    return _yaml("domain.yml")


def test_intents_are_in_the_domain(domain):
    intents = set(domain["intents"])
    named = {
        *facts.CATEGORIES,
        *facts.MOVES,
        *facts.SMALL_TALK_INTENTS,
        facts.AFFIRM,
        facts.SWITCH_LANGUAGE,
        facts.START_OVER,
        facts.ASK_DIFFERENT_OBJECTION,
        facts.PREPARE_REQUEST,
    }
    assert named <= intents
    assert {i for i in intents if i.startswith("objection_") and "+" not in i} == set(
        facts.CATEGORIES
    )
    assert {i for i in intents if i.startswith("move_") and "+" not in i} == set(
        facts.MOVES
    )


def test_every_pair_in_the_domain_follows_the_pair_rule(domain):
    pairs = [i for i in domain["intents"] if facts.PAIR_SEPARATOR in i]
    assert pairs
    for pair in pairs:
        first, second = pair.split(facts.PAIR_SEPARATOR)
        assert facts.pair_intent(second, first) == pair
        assert facts.categories_of(pair) == [first, second] or facts.moves_of(pair) == [
            first,
            second,
        ]


def test_slots_forms_entities_and_actions_are_in_the_domain(domain):
    slots = domain["slots"]
    for name in (
        facts.MODE_SLOT,
        facts.LANGUAGE_SLOT,
        facts.OBJECTIONS_SLOT,
        facts.SHOWN_SLOT,
        facts.REHEARSAL_SLOT,
        facts.PENDING_DELETE_SLOT,
        facts.PENDING_ERASE_SLOT,
        facts.DUE_REMINDER_SLOT,
        *facts.FORM_SLOTS,
    ):
        assert name in slots, name
    assert slots[facts.MODE_SLOT]["values"] == [facts.MODE_COACH, facts.MODE_REHEARSE]
    assert slots[facts.MODE_SLOT]["initial_value"] == facts.MODE_COACH
    assert slots[facts.LANGUAGE_SLOT]["values"] == list(facts.LANGUAGES)
    assert domain["forms"][facts.FORM]["required_slots"] == list(facts.FORM_SLOTS)
    assert {facts.INTERVIEW_ID, facts.INTERVIEW_STATUS} <= set(domain["entities"])
    assert facts.REMINDER_ACTION in domain["actions"]


def test_button_payloads_name_intents_of_the_domain(domain):
    steps = messages.NEXT_STEPS + messages.REHEARSAL_STEPS + messages.AFTER_REHEARSAL
    for _, payload in steps:
        assert payload.startswith("/") and payload[1:] in domain["intents"], payload


def test_the_content_files_are_keyed_by_the_same_names():
    assert list(_yaml("content", "objections.yml")["objections"]) == list(
        facts.CATEGORIES
    )
    rehearsal = _yaml("content", "rehearsal.yml")
    assert set(rehearsal["keywords"]["categories"]) == set(facts.CATEGORIES)
    personas = [
        p
        for path in (ROOT / "content" / "personas").glob("*.yml")
        for p in yaml.safe_load(path.read_text())["personas"]
    ]
    assert {p["category"] for p in personas} == set(facts.CATEGORIES)
    assert all(set(p["fits"]) <= set(facts.MOVES) for p in personas)
    assert list(_yaml("content", "follow_up.yml")["statuses"]) == list(facts.STATUSES)


def test_languages_are_the_same_everywhere():
    texts = (ROOT / "content" / "objections.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"^\s+(en|nl|de|fr):", texts, re.MULTILINE))
    assert used == set(facts.LANGUAGES)
    assert facts.DEFAULT_LANGUAGE in facts.LANGUAGES


def test_limits_match_the_tables():
    for table in tables.metadata.sorted_tables:
        if "conversation_id" in table.c:
            assert table.c.conversation_id.type.length == facts.MAX_SENDER_CHARS, (
                table.name
            )
    assert (
        tables.interviews.c.candidate_name.type.length == facts.MAX_CANDIDATE_NAME_CHARS
    )
    assert tables.interviews.c.outlet.type.length == facts.MAX_OUTLET_CHARS


def test_the_classifier_splits_pairs_by_the_same_rule():
    config = _yaml("config.yml")
    [classifier] = [
        c
        for c in config["pipeline"]
        if c["name"].endswith("MultiLabelIntentClassifier")
    ]
    from overstag.nlu.multi_label_classifier import MultiLabelIntentClassifier

    split = classifier.get(
        "split_symbol", MultiLabelIntentClassifier.get_default_config()["split_symbol"]
    )
    assert split == facts.PAIR_SEPARATOR
