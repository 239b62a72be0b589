"""The simulated candidate's state machine, its closing phase, and the persona files."""

import pytest

from overstag.facts import CATEGORIES
from overstag.rehearsal import candidate as rehearsal
from overstag.rehearsal import content as rehearsal_content
from overstag.rehearsal import messages as rehearsal_messages
from overstag.rehearsal import review
from overstag.rehearsal.candidate import State

EMPATHY = ("I completely understand, that sounds worrying", ["move_empathize"])
EXPLORE = ("What worries you most about it?", ["move_explore"])
REVIEW = (
    "You can read and correct the text before anything is published",
    ["move_offer_review"],
)
CONFIRM = ("I'll confirm all of that in a short e-mail", [])
GOOD = [EMPATHY, EXPLORE, REVIEW]


@pytest.fixture(scope="module")
def texts():
    return rehearsal_content.load()


def persona_for(texts, category, fits=None):
    persona = sorted(texts.for_category(category), key=lambda p: p["id"])[0]
    return {**persona, "fits": fits or persona["fits"]}


def new_state(persona, lang="en", difficulty="normal", seed=1):
    return State(
        persona=persona["id"],
        category=persona["category"],
        lang=lang,
        difficulty=difficulty,
        seed=seed,
    )


def step(state, persona, text, moves, texts):
    """One turn as turns.answer takes it: confirming words, and in the closing
    phase a plain yes to the candidate's question."""
    confirms = (
        texts.confirms_when_asked(text, state.lang)
        if state.closing
        else texts.confirms(text, state.lang)
    )
    return rehearsal.step(
        state, persona, text, moves, confirms=confirms, concessions=texts.concessions_in
    )


def play(state, persona, turns, texts):
    for text, moves in turns:
        state = step(state, persona, text, moves, texts)
        if state.outcome:
            break
    return state


def test_persona_files_cover_every_category_in_both_languages(texts):
    assert rehearsal_content.problems(texts) == []
    for category in CATEGORIES:
        assert len(texts.for_category(category)) >= 4


def test_missing_stage_lines_are_reported(texts):
    persona = next(iter(texts.personas.values()))
    broken = {
        **persona,
        "nl": {**persona["nl"], "lines": {**persona["nl"]["lines"], "open": []}},
    }
    content = rehearsal_content.RehearsalContent(
        {**texts.personas, persona["id"]: broken},
        texts.texts,
        concession_ids=texts.concession_ids,
    )
    assert any(
        f"persona {persona['id']}: nl open has 0 lines" in p
        for p in rehearsal_content.problems(content)
    )


def test_a_line_asking_for_an_unknown_thing_is_reported(texts):
    persona = next(iter(texts.personas.values()))
    lines = persona["en"]["lines"]
    odd = [*lines["open"], {"text": "Can I bring my dog?", "asks": "move_dog"}]
    broken = {**persona, "en": {**persona["en"], "lines": {**lines, "open": odd}}}
    content = rehearsal_content.RehearsalContent(
        {**texts.personas, persona["id"]: broken},
        texts.texts,
        concession_ids=texts.concession_ids,
    )
    assert any("asks for unknown ['move_dog']" in p for p in content_problems(content))


def content_problems(content):
    return rehearsal_content.problems(content)


def test_the_yes_opens_a_closing_phase_and_confirming_after_it_counts(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    state = play(new_state(persona), persona, GOOD, texts)
    assert state.stage == "agrees" and state.outcome is None and state.closing
    assert state.agreements == ["review_text"]
    line = rehearsal_messages.candidate_line(texts, state, persona, "agrees")
    title = texts_title("review_text", "en")
    assert title in line
    assert any(ask in line for ask in texts.texts["closing"]["ask"]["en"])
    feedback = rehearsal_messages.feedback(texts, state)
    assert texts.text("feedback", "agreed", "en") in feedback

    confirmed = step(state, persona, "Sure, I'll do that today.", [], texts)
    assert confirmed.outcome == "agreed" and confirmed.confirmed
    assert rehearsal.reply_key(confirmed) == "goodbye"
    assert review.scores(confirmed)["confirmed"] == 2
    assert "no_confirm" not in [t.key for t in review.review(confirmed).tips]


def texts_title(concession, lang):
    from overstag.coaching import content as coaching

    return coaching.load().concession(concession, lang)["title"]


def test_a_yes_left_unconfirmed_gets_the_tip_and_no_points(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    state = play(new_state(persona), persona, GOOD, texts)
    ended = step(state, persona, "No need, see you Tuesday.", [], texts)
    assert ended.outcome == "agreed" and not ended.confirmed
    assert review.scores(ended)["confirmed"] == 0
    assert "no_confirm" in [t.key for t in review.review(ended).tips]
    assert texts.text("feedback", "unconfirmed", "en") in rehearsal_messages.feedback(
        texts, ended
    )


def test_a_promise_made_before_the_yes_is_thanked_for_not_asked_again(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    turns = [
        EMPATHY,
        EXPLORE,
        (REVIEW[0] + ", and I'll confirm it by e-mail", REVIEW[1]),
    ]
    state = play(new_state(persona), persona, turns, texts)
    assert state.closing and state.confirmed
    line = rehearsal_messages.candidate_line(texts, state, persona, "agrees")
    assert any(thanks in line for thanks in texts.texts["closing"]["thanks"]["en"])
    assert not any(ask in line for ask in texts.texts["closing"]["ask"]["en"])


def test_the_accepted_offer_is_the_one_made(texts):
    persona = persona_for(texts, "objection_format", ["move_offer_format"])
    phone = ("We can simply do it by phone, whenever suits you.", ["move_offer_format"])
    state = play(new_state(persona), persona, [EMPATHY, EXPLORE, phone], texts)
    assert state.agreements == ["phone_call"]
    line = rehearsal_messages.candidate_line(texts, state, persona, "agrees")
    assert texts_title("phone_call", "en") in line
    assert texts_title("email_interview", "en") not in line


def test_pressure_cools_and_the_candidate_walks_away(texts):
    persona = persona_for(texts, "objection_time")
    state = new_state(persona, lang="nl")
    state = step(
        state, persona, "Ach joh, het is maar tien minuutjes", ["move_pressure"], texts
    )
    assert state.warmth < 0 and state.outcome is None
    assert rehearsal.reply_key(state) == "pressured"
    state = step(
        state, persona, "Iedereen heeft al ja gezegd hoor", ["move_pressure"], texts
    )
    assert state.outcome == "walked_away"
    assert review.scores(state)["no_pressure"] == 0


def test_an_offer_that_misses_the_concern_does_not_help(texts):
    persona = persona_for(texts, "objection_privacy", ["move_offer_privacy"])
    state = step(
        new_state(persona),
        persona,
        "It only takes ten minutes",
        ["move_offer_time"],
        texts,
    )
    assert state.warmth < 0 and rehearsal.reply_key(state) == "missed"
    assert state.agreements == []


def test_one_turn_that_fits_and_misses_names_each_offer_once(texts):
    persona = persona_for(texts, "objection_privacy", ["move_offer_privacy"])
    text = "We can leave out your photo, and it only takes ten minutes."
    state = step(
        new_state(persona),
        persona,
        text,
        ["move_offer_privacy", "move_offer_time"],
        texts,
    )
    note = rehearsal_messages.feedback(texts, state)
    photo, short = texts_title("no_photo", "en"), texts_title("short_slot", "en")
    assert note.count(photo) == 1 and note.count(short) == 1
    assert note.index(short) < note.index(photo)  # the miss, then the fit
    assert state.agreements == ["no_photo"]


def turns_to_yes(texts, persona, difficulty):
    ideal = [EMPATHY, REVIEW, EXPLORE, EMPATHY, EXPLORE, EXPLORE, EXPLORE, EXPLORE]
    state = new_state(persona, difficulty=difficulty)
    for number, (text, moves) in enumerate(ideal, start=1):
        state = step(state, persona, text, moves, texts)
        if state.closing:
            return number
    return None


def test_difficulty_changes_how_much_it_takes(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    needed = {
        level: turns_to_yes(texts, persona, level) for level in rehearsal.DIFFICULTIES
    }
    assert None not in needed.values()
    assert needed["easy"] < needed["normal"] < needed["hard"], needed

    def pushes_survived(level):
        state = new_state(persona, difficulty=level)
        for count in range(1, 5):
            state = step(state, persona, "Just do it", ["move_pressure"], texts)
            if state.outcome == "walked_away":
                return count - 1
        return 4

    survived = {level: pushes_survived(level) for level in rehearsal.DIFFICULTIES}
    assert survived["easy"] > survived["normal"] > survived["hard"], survived


def test_a_refusal_persona_rewards_accepting_the_no(texts):
    persona = persona_for(texts, "objection_refusal")
    state = step(
        new_state(persona, seed=3),
        persona,
        "Thanks for thinking about it, that's completely fine. My door stays open.",
        ["move_accept_no"],
        texts,
    )
    assert state.outcome == "accepted_no" and rehearsal.reply_key(state) == "accepts_no"
    found = review.review(state)
    assert found.scores == {
        "acknowledged": 2,
        "explored": None,
        "fitting_offer": None,
        "confirmed": None,
        "no_pressure": 2,
    }
    keys = [t.key for t in found.tips]
    assert "refusal_accepted" in keys
    assert not {"no_explore", "no_empathy", "no_confirm", "missed_offer"} & set(keys)
    card = rehearsal_messages.scorecard(
        texts,
        state,
        persona,
        found,
        rehearsal_messages.tip_texts(texts, state, persona, found),
    )
    assert texts.text("scorecard", "no_agreements", "en") not in card
    assert texts.texts["scorecard"]["rubric"]["confirmed"]["en"] not in card
    assert texts.texts["scorecard"]["rubric_refusal"]["no_pressure"]["en"] in card


def test_a_refusal_persona_pushed_on_does_not_score_as_respected(texts):
    persona = persona_for(texts, "objection_refusal")
    state = new_state(persona)
    for text, moves in [
        ("I get it, but what if we kept it really short?", ["move_offer_time"]),
        ("You could do it by e-mail instead?", ["move_offer_format"]),
    ]:
        state = step(state, persona, text, moves, texts)
    state.outcome = "stopped"
    found = review.review(state)
    assert found.scores["no_pressure"] == 0
    assert "refusal_not_accepted" in [t.key for t in found.tips]


def test_same_seed_same_session_and_no_line_twice(texts):
    persona = persona_for(texts, "objection_modesty")

    def session(seed):
        state = new_state(persona, lang="nl", difficulty="hard", seed=seed)
        said = []
        for text, moves in [("Dat snap ik", ["move_empathize"])] * 6 + [
            ("Wat speelt er?", ["move_explore"])
        ] * 6:
            state = step(state, persona, text, moves, texts)
            said.append(
                rehearsal_messages.candidate_line(
                    texts, state, persona, rehearsal.reply_key(state)
                )
            )
        return said

    first = session(11)
    assert first == session(11)
    assert len(first) == len(set(first))


def test_a_line_never_asks_for_what_was_already_offered(texts):
    for persona in texts.personas.values():
        for lang in ("en", "nl"):
            lines = persona[lang]["lines"]
            tagged = {
                stage: [line for line in listed if isinstance(line, dict)]
                for stage, listed in lines.items()
            }
            for stage, asked in tagged.items():
                for line in asked:
                    state = new_state(persona, lang=lang)
                    state.turns.append(
                        rehearsal.Turn(
                            text="offer",
                            moves=[line["asks"]],
                            effects=["fit"],
                            stage="open",
                            warmth=1.0,
                            offers=[
                                {
                                    "move": line["asks"],
                                    "effect": "fit",
                                    "agreements": [],
                                }
                            ]
                            if line["asks"] != "confirm"
                            else [],
                        )
                    )
                    state.confirmed = line["asks"] == "confirm"
                    for _ in range(len(lines[stage])):
                        said = rehearsal.choose_line(state, lines, stage)
                        assert said != line["text"], (persona["id"], lang, said)


def test_try_again_restores_the_previous_state(texts):
    persona = persona_for(texts, "objection_approval")
    state = step(new_state(persona), persona, "I understand", ["move_empathize"], texts)
    worse = step(
        state, persona, "Just ask your boss, it's nothing", ["move_pressure"], texts
    )
    back = rehearsal.retry(worse)
    assert (
        back.warmth == state.warmth
        and len(back.turns) == 1
        and back.turns[0].text == "I understand"
    )
    assert rehearsal.retry(new_state(persona)) is None


def test_scorecard_quotes_the_interviewers_words(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    turns = [("Come on, it really is nothing", ["move_pressure"]), *GOOD, CONFIRM]
    state = play(new_state(persona), persona, turns, texts)
    found = review.review(state)
    tips = rehearsal_messages.tip_texts(texts, state, persona, found)
    card = rehearsal_messages.scorecard(texts, state, persona, found, tips)
    assert '"Come on, it really is nothing"' in card
    assert texts_title("review_text", "en") in card


def test_hints_follow_the_rubric(texts):
    persona = persona_for(texts, "objection_format", ["move_offer_format"])
    state = new_state(persona)
    assert rehearsal.hint_for(state, persona) == "empathize"
    state = step(state, persona, "I get it", ["move_empathize"], texts)
    assert rehearsal.hint_for(state, persona) == "explore"
    state = step(state, persona, "What would make it easier?", ["move_explore"], texts)
    assert rehearsal.hint_for(state, persona) == "move_offer_format"


def test_a_new_session_does_not_replay_the_last_persona(texts):
    for category in CATEGORIES:
        ids = {p["id"] for p in texts.for_category(category)}
        for seed in range(20):
            last = texts.pick(category, seed)["id"]
            assert texts.pick(category, seed, avoid=[last])["id"] in ids - {last}
