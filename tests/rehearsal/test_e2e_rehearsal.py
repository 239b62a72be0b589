"""Rehearsals over REST and the web chat, in each language: the yes, then the
confirmation, then the scorecard (as text and as `overstag_scorecard`); pressure
cooling the candidate; a firm no accepted gracefully; progress that belongs to
the user."""

import pytest

from overstag.payloads import SCORECARD_KEY
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
# said after the candidate's yes, as a reply to "will you put that in writing?"
CONFIRM = {
    "en": "Sure, I'll send you a short e-mail with all of it today.",
    "nl": "Ik zet de afspraken vandaag nog op de mail.",
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


def scorecard(replies):
    return next(
        (
            r["custom"][SCORECARD_KEY]
            for r in replies
            if SCORECARD_KEY in (r.get("custom") or {})
        ),
        None,
    )


def persona_in(start_replies, lang):
    content = rehearsal_content.load()
    body = texts(start_replies)
    return next(
        p
        for p in content.personas.values()
        if f"**{p[lang]['name']}**" in body and p[lang]["role"] in body
    )


def reach_the_yes(servers, sender, lang, persona):
    """Good moves until the candidate says yes (and the rehearsal goes on)."""
    for message in GOOD[lang] + [OFFERS[lang][persona["fits"][0]]]:
        replies = servers.say(sender, message)
        assert scorecard(replies) is None, texts(replies)
    closing = rehearsal_content.load().texts["closing"]["ask"][lang]
    assert any(ask in texts(replies) for ask in closing), texts(replies)
    return replies


@pytest.mark.parametrize(
    "lang, start",
    [
        ("en", "let's practise a control objection, easy"),
        ("nl", "laten we oefenen met een privacybezwaar, makkelijk"),
    ],
)
def test_the_yes_then_the_confirmation_then_the_scorecard(servers, lang, start):
    sender = f"rehearse-good-{lang}"
    persona = persona_in(servers.say(sender, start), lang)
    assert persona["category"] == (
        "objection_control" if lang == "en" else "objection_privacy"
    )
    reach_the_yes(servers, sender, lang, persona)
    done = servers.say(sender, CONFIRM[lang])
    card = scorecard(done)
    assert card, texts(done)
    assert card["outcome"] == "agreed" and card["scores"]["confirmed"] == 2
    assert card["scores"]["acknowledged"] == 2 and card["scores"]["explored"] == 2
    assert card["agreements"] and card["persona"] == persona["id"]
    assert not any(
        "e-mail" in tip.lower() or "mail" in tip.lower() for tip in card["tips"]
    )
    user = servers.rest_id(sender)
    [session] = storage(servers.database_url).rehearsals.of(user)
    assert session["outcome"] == "agreed" and session["scores"] == card["scores"]
    assert session["agreements"] == card["agreements"]
    # the confirmation was the interviewer's reply, not a request to prepare
    assert storage(servers.database_url).interviews.of(user) == []
    # afterwards the coach is back
    after = servers.say(
        sender, "Ik heb geen tijd" if lang == "nl" else "I have no time"
    )
    assert scorecard(after) is None and SCORECARD_KEY not in str(after)


def test_a_yes_left_unconfirmed_scores_no_confirmation(servers):
    sender = "rehearse-unconfirmed"
    persona = persona_in(
        servers.say(sender, "let's practise a control objection, easy"), "en"
    )
    reach_the_yes(servers, sender, "en", persona)
    card = scorecard(servers.say(sender, "No need, see you on Tuesday then."))
    assert card["outcome"] == "agreed" and card["scores"]["confirmed"] == 0
    tip = rehearsal_content.load().text("tips", "no_confirm", "en")
    assert tip in card["tips"]


@pytest.mark.parametrize(
    "lang, start, pushes",
    [
        (
            "en",
            "let's practise a privacy objection",
            [
                "Come on Sanne, everyone reads the magazine, it would be great"
                " publicity for your ward",
                "Honestly, you're overthinking this, just do it.",
                "Everyone else already said yes, you know.",
            ],
        ),
        (
            "nl",
            "laten we oefenen met een privacybezwaar",
            [
                "Kom op, iedereen leest het blad, dit is toch prachtige reclame voor"
                " je afdeling",
                "Je maakt het echt groter dan het is, doe nou gewoon.",
                "Iedereen heeft al ja gezegd hoor.",
            ],
        ),
    ],
)
def test_social_proof_is_pressure_and_cools_the_candidate(servers, lang, start, pushes):
    sender = f"rehearse-social-{lang}"
    servers.say(sender, start)
    first = texts(servers.say(sender, pushes[0]))
    assert rehearsal_content.load().text("feedback", "pressure", lang) in first, first
    for push in pushes[1:]:
        replies = servers.say(sender, push)
        if scorecard(replies):
            break
    card = scorecard(replies)
    assert (
        card and card["outcome"] == "walked_away" and card["scores"]["no_pressure"] == 0
    )
    turns = storage(servers.database_url).rehearsals.turns(
        storage(servers.database_url).rehearsals.of(servers.rest_id(sender))[0]["id"]
    )
    assert "pressure" in turns[0]["effects"]


@pytest.mark.parametrize(
    "lang, start, reply",
    [
        (
            "en",
            "let's practise a firm no",
            "That's completely fine, thank you for telling me so clearly. If you ever"
            " change your mind, my door is open.",
        ),
        (
            "nl",
            "laten we oefenen met een keihard nee",
            "Helemaal goed, dank je dat je het zo duidelijk zegt. Als je ooit van"
            " gedachten verandert, weet je me te vinden.",
        ),
    ],
)
def test_a_firm_no_accepted_gracefully_gets_full_marks(servers, lang, start, reply):
    sender = f"rehearse-firm-no-{lang}"
    persona = persona_in(servers.say(sender, start), lang)
    assert persona["category"] == "objection_refusal"
    card = scorecard(servers.say(sender, reply))
    assert card and card["outcome"] == "accepted_no"
    assert card["scores"] == {
        "acknowledged": 2,
        "explored": None,
        "fitting_offer": None,
        "confirmed": None,
        "no_pressure": 2,
    }
    assert card["agreements"] == []


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
        if scorecard(replies):
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


def counted_sessions(servers):
    from overstag.accounts.ids import LOCAL_USER

    found = storage(servers.database_url).rehearsals.of(LOCAL_USER)
    return len([s for s in found if s["turns"]])


def test_hint_retry_stop_and_progress_that_follows_the_user(servers):
    before = counted_sessions(servers)
    first = servers.web_conversation()
    servers.chat(first, "let's practise approval")
    assert "💡" in texts(servers.chat(first, "/hint"))
    servers.chat(first, "Just ask your boss, it's nothing")
    assert servers.chat(first, "/retry_turn")
    servers.chat(first, "I understand, that makes sense")
    stopped = servers.chat(first, "/stop_rehearsal")
    card = scorecard(stopped)
    assert card["outcome"] == "stopped" and card["turns"] == 1
    # the retried pressure turn no longer counts
    assert card["scores"]["no_pressure"] == 2

    # a new conversation of the same user: the progress is theirs
    second = servers.web_conversation()
    servers.chat(second, "let's practise approval")
    empty = servers.chat(second, "/stop_rehearsal")  # before any turn: not counted
    assert scorecard(empty) is None
    progress = servers.chat(second, "/my_progress")
    said = texts(progress)
    content = rehearsal_content.load()
    assert content.text("progress", "heading", "en", count=before + 1) in said
    if before == 0:
        assert content.text("progress", "trend_later", "en") in said
        assert "→" not in said

    # a second counted session brings the trend and the chart's data
    servers.chat(second, "let's practise approval")
    servers.chat(second, "I can imagine that feels awkward.")
    servers.chat(second, "/stop_rehearsal")
    progress = servers.chat(second, "/my_progress")
    assert content.text("progress", "heading", "en", count=before + 2) in texts(
        progress
    )
    assert "→" in texts(progress)
    chart = next(r["custom"]["overstag_progress"] for r in progress if r.get("custom"))
    assert len(chart["sessions"]) == min(before + 2, 20)
    assert [i["id"] for i in chart["items"]] == list(card["scores"])
