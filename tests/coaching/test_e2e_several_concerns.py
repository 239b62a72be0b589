"""Over REST with the trained model: a message with three concerns has every one
named in the reply, in each language; the language rules; a question about the
tool; the parse result's `objections` from Rasa's own /model/parse."""

from __future__ import annotations

import json
import urllib.request

import pytest

from overstag.coaching import content

THREE = {
    "en": (
        "Just called him: he has no time at all this month, he won't have his "
        "name or picture published, and his boss needs to sign off first",
        ["objection_time", "objection_privacy", "objection_approval"],
    ),
    "nl": (
        "Ik had haar net aan de lijn: ze heeft tot de zomer geen tijd, ze wil niet "
        "met naam en foto in het blad en haar leidinggevende moet het eerst goedkeuren",
        ["objection_time", "objection_privacy", "objection_approval"],
    ),
}


def texts(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_three_concerns_are_each_named(servers, lang):
    material = content.load()
    message, concerns = THREE[lang]
    reply = texts(servers.say(f"three-{lang}", message))
    for category in concerns:
        assert material.label(category, lang) in reply, (category, reply[:400])


def _parse(servers, text):
    request = urllib.request.Request(
        f"{servers.base}/model/parse?token={servers.token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_parse_results_carry_objections(servers):
    parsed = _parse(servers, THREE["en"][0])
    assert sorted(parsed["objections"]) == sorted(THREE["en"][1])
    assert parsed["intent"]["name"] == parsed["objections"][0]
    request = urllib.request.Request(
        f"{servers.base}/model/parse?token={servers.token}",
        data=json.dumps({"text": "can you recommend a pizza place"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert json.loads(answer.read())["objections"] == []


@pytest.mark.parametrize(
    "text, concerns",
    [
        (
            "He is still grieving. And he has no time before the autumn anyway.",
            {"objection_sensitive_topic", "objection_time"},
        ),
        (
            "Ik ben geen prater. Daarnaast moet mijn chef eerst akkoord geven.",
            {"objection_format", "objection_approval"},
        ),
    ],
)
def test_a_concern_said_in_a_clause_of_its_own_is_heard(servers, text, concerns):
    # the whole message's counts alone hear one of the two (overstag.nlu.clauses)
    parsed = _parse(servers, text)
    assert set(parsed["objections"]) == concerns
    assert parsed["text"] == text
    assert not any("clause" in key for key in parsed)


def test_a_chosen_language_holds_and_quotes_do_not_decide(servers):
    material = content.load()
    sender = "sticky-language"
    servers.say(sender, "graag in het Nederlands")
    quoted = texts(servers.say(sender, "She said: I simply have no time this month"))
    assert material.label("objection_time", "nl") in quoted
    fresh = "quoted-candidate"
    reply = texts(servers.say(fresh, 'Hij zei: "I am not interesting enough for this"'))
    assert material.label("objection_modesty", "nl") in reply


@pytest.mark.parametrize(
    "text, lang", [("hallo!", "nl"), ("goedemorgen", "nl"), ("hello there", "en")]
)
def test_greetings_are_answered_in_their_language(servers, text, lang):
    material = content.load()
    reply = texts(servers.say(f"greet-{lang}-{len(text)}", text))
    assert reply in material.replies["greet"][lang]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("is this tool GDPR compliant? where is my data stored?", "en"),
        ("Is deze tool AVG-proof? Waar worden mijn gegevens bewaard?", "nl"),
    ],
)
def test_a_question_about_the_tool_gets_a_true_answer(servers, text, lang):
    material = content.load()
    reply = texts(servers.say(f"tool-{lang}", text))
    assert reply in material.replies["ask_about_overstag"][lang]
    assert material.label("objection_privacy", lang) not in reply


def test_vague_hesitation_gets_an_open_question(servers):
    material = content.load()
    replies = servers.say("vague-nl", "hij twijfelt nog een beetje")
    assert texts(replies) in material.replies["clarify_open"]["nl"]


@pytest.mark.parametrize(
    "text, objection",
    [
        ("I'd rather not, I don't have time", "objection_time"),
        ("liever niet, ik heb het te druk", "objection_time"),
        ("no, I don't want my photo in it", "objection_privacy"),
    ],
)
def test_a_no_that_gives_a_reason_is_the_reasons_objection(servers, text, objection):
    # the model alone takes "I'd rather not" for a plain no (deny) and the two
    # were close enough for Rasa's fallback to ask what was meant
    parsed = _parse(servers, text)
    assert parsed["objections"][:1] == [objection]
    assert parsed["intent"]["name"] == objection


def test_a_plain_no_is_still_no(servers):
    parsed = _parse(servers, "no thanks")
    assert parsed["intent"]["name"] == "deny" and parsed["objections"] == []
