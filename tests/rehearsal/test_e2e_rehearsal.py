"""A rehearsal over REST in each language: good moves reach agreement, pressure
drives the candidate away, and the scorecard is stored."""

import pytest

from overstag.rehearsal import content as rehearsal_content
from overstag.storage import storage

OFFERS = {
    "en": {
        "move_offer_questions_in_advance": (
            "I can send you all the questions a few days beforehand."
        ),
        "move_offer_review": (
            "You will read the whole text first and can correct anything before it's"
            " published."
        ),
        "move_offer_company": (
            "Your manager or a colleague is welcome to join us or read along."
        ),
        "move_offer_format": (
            "You choose how we do it: by phone, on Teams or by e-mail, and no camera."
        ),
        "move_offer_off_the_record": (
            "Anything you say off the record stays out of the piece."
        ),
        "move_offer_privacy": "We can use only your first name and no photo at all.",
        "move_offer_time": "It only takes twenty minutes, at a moment that suits you.",
        "move_explain_purpose": (
            "The article is for the staff magazine, about the project, and the talk"
            " takes half an hour."
        ),
    },
    "nl": {
        "move_offer_questions_in_advance": (
            "Ik kan je de vragen een paar dagen van tevoren sturen."
        ),
        "move_offer_review": (
            "Je leest de hele tekst eerst en mag alles corrigeren voordat het"
            " verschijnt."
        ),
        "move_offer_company": (
            "Je leidinggevende of een collega mag er gerust bij zijn of meelezen."
        ),
        "move_offer_format": (
            "Jij kiest hoe we het doen: telefonisch, via Teams of per mail, zonder"
            " camera."
        ),
        "move_offer_off_the_record": (
            "Wat je off the record zegt, komt niet in het stuk."
        ),
        "move_offer_privacy": "We gebruiken alleen je voornaam en helemaal geen foto.",
        "move_offer_time": (
            "Het duurt maar twintig minuten, op een moment dat jou uitkomt."
        ),
        "move_explain_purpose": (
            "Het artikel is voor het personeelsblad, over het project, en het gesprek"
            " duurt een halfuur."
        ),
    },
}
GOOD = {
    "en": [
        "I completely understand, that sounds really uncomfortable.",
        "What worries you most about it?",
    ],
    "nl": [
        "Dat begrijp ik heel goed, dat klinkt echt vervelend.",
        "Wat maakt het voor jou het lastigst?",
    ],
}
CONFIRM = {
    "en": "Great, I'll confirm all of this in a short e-mail today.",
    "nl": "Fijn, ik zet al deze afspraken vandaag in een kort mailtje.",
}
PRESSURE = {
    "en": [
        "Come on, it's only ten minutes, don't make a fuss.",
        "Everyone else already said yes, you know.",
        "Honestly, you're overthinking this, just do it.",
    ],
    "nl": [
        "Ach joh, het is maar tien minuutjes, stel je niet aan.",
        "Iedereen heeft al ja gezegd hoor.",
        "Je maakt het echt groter dan het is, doe nou gewoon.",
    ],
}


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def persona_in(start_replies, lang):
    content = rehearsal_content.load()
    body = texts(start_replies)
    return next(
        p
        for p in content.personas.values()
        if f"**{p[lang]['name']}**" in body and p[lang]["role"] in body
    )


@pytest.mark.parametrize(
    "lang, start",
    [
        ("en", "let's practise a control objection, easy"),
        ("nl", "laten we oefenen met een privacybezwaar, makkelijk"),
    ],
)
def test_good_moves_reach_agreement(servers, lang, start):
    sender = f"rehearse-good-{lang}"
    started = servers.say(sender, start)
    persona = persona_in(started, lang)
    assert persona["category"] == (
        "objection_control" if lang == "en" else "objection_privacy"
    )
    replies = []
    for message in GOOD[lang] + [OFFERS[lang][persona["fits"][0]], CONFIRM[lang]]:
        replies = servers.say(sender, message)
        if "**Scorecard**" in texts(replies) or "**Scorekaart**" in texts(replies):
            break
    card = texts(replies)
    assert persona[lang]["name"] in card and ("agreed" in card or "zei ja" in card), (
        card
    )
    [session] = storage(servers.database_url).rehearsals.of(servers.rest_id(sender))
    assert session["outcome"] == "agreed" and session["scores"]["acknowledged"] == 2
    assert persona["fits"][0] in session["agreements"]
    turns = storage(servers.database_url).rehearsals.turns(session["id"])
    assert turns and "empathize" in turns[0]["effects"]


@pytest.mark.parametrize(
    "lang, start",
    [
        ("en", "I want to rehearse a hard one about time"),
        ("nl", "ik wil oefenen, moeilijk, iemand zonder tijd"),
    ],
)
def test_pressure_makes_the_candidate_walk_away(servers, lang, start):
    sender = f"rehearse-pressure-{lang}"
    servers.say(sender, start)
    replies = []
    for message in PRESSURE[lang]:
        replies = servers.say(sender, message)
        if "●" in texts(replies) or "○" in texts(replies):
            break
    [session] = storage(servers.database_url).rehearsals.of(servers.rest_id(sender))
    assert session["outcome"] == "walked_away"
    assert session["scores"]["no_pressure"] < 2
    assert PRESSURE[lang][0] in texts(replies)  # the tip quotes the interviewer's words
    after = servers.say(
        sender, "Ik heb geen tijd" if lang == "nl" else "I don't have time"
    )
    # back in coach mode
    assert "Scorecard" not in texts(after) and "Rehearsal" not in texts(after)


def test_hint_retry_stop_and_progress(servers):
    sender = "rehearse-controls"
    servers.say(sender, "let's practise approval")
    assert "💡" in texts(servers.say(sender, "/hint"))
    servers.say(sender, "Just ask your boss, it's nothing")
    assert servers.say(sender, "/retry_turn")
    servers.say(sender, "I understand, that makes sense")
    stopped = servers.say(sender, "/stop_rehearsal")
    assert "○" in texts(stopped) or "●" in texts(stopped)
    [session] = storage(servers.database_url).rehearsals.of(servers.rest_id(sender))
    assert session["outcome"] == "stopped" and session["turns"] == 1
    # the retried pressure turn no longer counts
    assert session["scores"]["no_pressure"] == 2
    progress = texts(servers.say(sender, "/my_progress"))
    assert "1" in progress and "→" in progress
