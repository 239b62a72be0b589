"""The simulated candidate's state machine, scorecard and persona files."""

import pytest

from overstag.facts import CATEGORIES
from overstag.rehearsal import candidate as rehearsal
from overstag.rehearsal import content as rehearsal_content
from overstag.rehearsal import messages as rehearsal_messages
from overstag.rehearsal.candidate import State, step

GOOD = [
    ("I completely understand, that sounds worrying", ["move_empathize"]),
    ("What worries you most about it?", ["move_explore"]),
    (
        "You can read and correct the text before anything is published",
        ["move_offer_review"],
    ),
    ("I'll confirm all of that in a short e-mail", []),
]


@pytest.fixture(scope="module")
def texts():
    return rehearsal_content.load()


def persona_for(texts, category, fits=None):
    persona = sorted(texts.for_category(category), key=lambda p: p["id"])[0]
    return {**persona, "fits": fits or persona["fits"]}


def play(state, persona, turns, texts):
    for text, moves in turns:
        state = step(
            state, persona, text, moves, confirms=texts.confirms(text, state.lang)
        )
        if state.outcome:
            break
    return state


def test_persona_files_cover_every_category_in_both_languages(texts):
    assert rehearsal_content.problems(texts) == []
    for category in CATEGORIES:
        assert len(texts.for_category(category)) >= 2


def test_missing_stage_lines_are_reported(texts):
    persona = next(iter(texts.personas.values()))
    broken = {
        **persona,
        "nl": {**persona["nl"], "lines": {**persona["nl"]["lines"], "open": []}},
    }
    content = rehearsal_content.RehearsalContent(
        {**texts.personas, persona["id"]: broken}, texts.texts
    )
    assert any(
        f"persona {persona['id']}: nl open has 0 lines" in p
        for p in rehearsal_content.problems(content)
    )


def test_fitting_moves_warm_the_candidate_to_agreement(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=1,
    )
    stages = []
    for text, moves in GOOD[:3]:
        state = step(state, persona, text, moves)
        stages.append(state.stage)
    assert stages == sorted(stages, key=rehearsal.STAGES.index), stages
    assert state.outcome == "agreed" and state.agreements == ["move_offer_review"]


def test_pressure_cools_and_the_candidate_walks_away(texts):
    persona = persona_for(texts, "objection_time")
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="nl",
        difficulty="normal",
        seed=1,
    )
    state = step(
        state, persona, "Ach joh, het is maar tien minuutjes", ["move_pressure"]
    )
    assert state.warmth < 0 and state.outcome is None
    assert rehearsal.reply_key(state) == "pressured"
    state = step(state, persona, "Iedereen heeft al ja gezegd hoor", ["move_pressure"])
    assert state.outcome == "walked_away"
    assert rehearsal.scores(state)["no_pressure"] == 0


def test_an_offer_that_misses_the_concern_does_not_help(texts):
    persona = persona_for(texts, "objection_privacy", ["move_offer_privacy"])
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=1,
    )
    state = step(
        state, persona, "We can do it by phone if you like", ["move_offer_time"]
    )
    assert state.warmth < 0 and rehearsal.reply_key(state) == "missed"


def test_difficulty_changes_how_much_it_takes(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    outcomes = {}
    for level in ("easy", "hard"):
        state = State(
            persona=persona["id"],
            category=persona["category"],
            lang="en",
            difficulty=level,
            seed=1,
        )
        state = play(state, persona, [GOOD[2], GOOD[0]], texts)
        outcomes[level] = state.outcome
    assert outcomes == {"easy": "agreed", "hard": None}


def test_a_refusal_persona_rewards_accepting_the_no(texts):
    persona = persona_for(texts, "objection_refusal")
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=3,
    )
    state = step(
        state, persona, "I hear you, that's completely fine", ["move_empathize"]
    )
    state = step(
        state,
        persona,
        "Thanks for thinking about it, my door stays open",
        ["move_accept_no"],
    )
    assert state.outcome == "accepted_no" and rehearsal.reply_key(state) == "accepts_no"
    assert rehearsal.scores(state) == {
        "acknowledged": 2,
        "explored": 0,
        "fitting_concession": 2,
        "confirmed": 2,
        "no_pressure": 2,
    }


def test_same_seed_same_session_and_no_line_twice(texts):
    persona = persona_for(texts, "objection_modesty")

    def session(seed):
        state = State(
            persona=persona["id"],
            category=persona["category"],
            lang="nl",
            difficulty="hard",
            seed=seed,
        )
        said = []
        for text, moves in [("Dat snap ik", ["move_empathize"])] * 6 + [
            ("Wat speelt er?", ["move_explore"])
        ] * 6:
            state = step(state, persona, text, moves)
            said.append(
                rehearsal_messages.candidate_line(
                    texts, state, persona, rehearsal.reply_key(state)
                )
            )
        return said

    first = session(11)
    assert first == session(11)
    assert len(first) == len(set(first))


def test_try_again_restores_the_previous_state(texts):
    persona = persona_for(texts, "objection_approval")
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=1,
    )
    state = step(state, persona, "I understand", ["move_empathize"])
    worse = step(state, persona, "Just ask your boss, it's nothing", ["move_pressure"])
    back = rehearsal.retry(worse)
    assert (
        back.warmth == state.warmth
        and len(back.turns) == 1
        and back.turns[0].text == "I understand"
    )
    assert (
        rehearsal.retry(
            State(
                persona=persona["id"],
                category="objection_approval",
                lang="en",
                difficulty="normal",
                seed=1,
            )
        )
        is None
    )


def test_scorecard_quotes_the_interviewers_words(texts):
    persona = persona_for(texts, "objection_control", ["move_offer_review"])
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=1,
    )
    state = play(
        state,
        persona,
        [("Come on, it really is nothing", ["move_pressure"])] + GOOD,
        texts,
    )
    card = rehearsal_messages.scorecard(texts, state, persona, rehearsal.scores(state))
    assert '"Come on, it really is nothing"' in card
    assert texts.text("offers", "move_offer_review", "en") in card


def test_hints_follow_the_rubric(texts):
    persona = persona_for(texts, "objection_format", ["move_offer_format"])
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang="en",
        difficulty="normal",
        seed=1,
    )
    assert rehearsal.hint_for(state, persona) == "empathize"
    state = step(state, persona, "I get it", ["move_empathize"])
    assert rehearsal.hint_for(state, persona) == "explore"
    state = step(state, persona, "What would make it easier?", ["move_explore"])
    assert rehearsal.hint_for(state, persona) == "move_offer_format"
