"""Whatever the interviewer does, the note, the scorecard, its tips and its
agreements agree with the turn records (property-based, over random rehearsals)."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from overstag.facts import MOVES, REFUSAL
from overstag.payloads import SCORECARD_KEY, SCORECARD_SCHEMA
from overstag.rehearsal import candidate, messages, review
from overstag.rehearsal import content as rehearsal_content
from overstag.rehearsal.candidate import State

TEXTS = rehearsal_content.load()
PERSONAS = sorted(TEXTS.personas)
SAID = [
    "I understand how you feel.",
    "We can do it by phone, or you answer in writing.",
    "Only your first name, and no photo.",
    "It takes twenty minutes, later this month if you like.",
    "I'll confirm everything by e-mail.",
    "Come on, everyone else said yes.",
    "Sure.",
    "No need for that.",
]
turn_strategy = st.tuples(
    st.lists(st.sampled_from(MOVES), max_size=3), st.sampled_from(SAID)
)


def rehearse(persona_id, lang, difficulty, turns, seed):
    persona = TEXTS.personas[persona_id]
    state = State(persona_id, persona["category"], lang, difficulty, seed)
    notes = []
    for moves, text in turns:
        confirms = (
            TEXTS.confirms_when_asked(text, lang)
            if state.closing
            else TEXTS.confirms(text, lang)
        )
        state = candidate.step(
            state, persona, text, moves, confirms, concessions=TEXTS.concessions_in
        )
        notes.append(messages.feedback(TEXTS, state))
        if state.outcome:
            break
    state.outcome = state.outcome or ("agreed" if state.closing else "stopped")
    return persona, state, notes


def titles(ids, lang):
    return messages.concession_names(list(ids), lang)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    persona_id=st.sampled_from(PERSONAS),
    lang=st.sampled_from(["en", "nl"]),
    difficulty=st.sampled_from(["easy", "normal", "hard"]),
    turns=st.lists(turn_strategy, min_size=1, max_size=10),
    seed=st.integers(0, 2**16),
)
def test_everything_said_about_a_rehearsal_agrees_with_its_turns(
    persona_id, lang, difficulty, turns, seed
):
    persona, state, notes = rehearse(persona_id, lang, difficulty, turns, seed)
    refusal = state.category == REFUSAL
    found = review.review(state)
    scores = found.scores

    # the scores that apply, and only those
    for item, score in scores.items():
        if refusal and item in review.NOT_FOR_REFUSAL:
            assert score is None
        else:
            assert score in (0, 1, 2)

    # agreements: exactly what was offered, fitted and accepted, in order
    accepted = [c for t in state.turns for c in t.accepted]
    assert found.agreements == accepted == list(dict.fromkeys(accepted))
    for t in state.turns:
        fitted = {c for o in t.offers if o["effect"] == "fit" for c in o["agreements"]}
        assert set(t.accepted) <= fitted
    if not refusal:
        assert bool(scores["fitting_offer"]) == bool(found.agreements)
        assert (scores["confirmed"] == 2) == state.did("confirm")
        assert (scores["explored"] == 2) == state.did("explore")

    # tips are chosen by the scores they explain
    keys = [tip.key for tip in found.tips]
    assert len(keys) == len(set(keys)) <= review.MAX_TIPS
    quoted = [tip.turn for tip in found.tips if tip.turn is not None]
    assert len(quoted) == len(set(quoted))
    assert not ("good_empathy" in keys and {"no_empathy", "empathy_late"} & set(keys))
    if "no_explore" in keys:
        assert scores["explored"] == 0 and not state.did("explore")
    if "no_confirm" in keys:
        assert state.outcome == "agreed" and scores["confirmed"] == 0
    if "good_fit" in keys:
        assert scores["fitting_offer"]
    if "pressure" in keys:
        assert state.did("pressure")
    for tip in found.tips:
        if tip.key == "missed_offer":
            missed = {
                o["move"]
                for t in state.turns
                for o in t.offers
                if o["effect"] in review.MISSING
            }
            assert set(tip.offers) <= missed
    if found.show_helps:
        assert not scores["fitting_offer"] and not refusal

    # the text shows the same: rubric lines, agreements, tips
    tips = messages.tip_texts(TEXTS, state, persona, found)
    card = messages.scorecard(TEXTS, state, persona, found, tips)
    assert all(tip in card for tip in tips)
    rubric_lines = [line for line in card.splitlines() if re.match("^[●○]{2} ", line)]
    assert len(rubric_lines) == sum(score is not None for score in scores.values())
    helps = TEXTS.text("scorecard", "helps", lang, helps=persona[lang]["helps"])
    assert (helps in card) == (found.show_helps and "missed_offer" in keys)
    if not refusal:
        line = next(
            x for x in card.splitlines() if x.startswith(("Agreements", "Afspraken"))
        )
        if found.agreements:
            assert line == TEXTS.text(
                "scorecard",
                "agreements",
                lang,
                items="; ".join(titles(found.agreements, lang)),
            )
        else:
            assert line == TEXTS.text("scorecard", "no_agreements", lang)

    payload = messages.scorecard_payload(state, found, tips)[SCORECARD_KEY]
    Draft202012Validator(SCORECARD_SCHEMA).validate(payload)
    assert payload["scores"] == scores and payload["agreements"] == found.agreements

    # a turn's note never praises and faults the same offer
    for turn, note in zip(state.turns, notes, strict=True):
        fit = {c for o in turn.offers if o["effect"] == "fit" for c in o["agreements"]}
        off = {
            c
            for o in turn.offers
            if o["effect"] in review.MISSING
            for c in o["agreements"]
        }
        assert not fit & off
        for name in titles(fit | off, lang):
            assert note.count(name) <= 1


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    persona_id=st.sampled_from(PERSONAS),
    lang=st.sampled_from(["en", "nl"]),
    turns=st.lists(turn_strategy, min_size=1, max_size=12),
    seed=st.integers(0, 2**16),
)
def test_the_candidate_never_asks_for_what_was_offered_or_promised(
    persona_id, lang, turns, seed
):
    persona = TEXTS.personas[persona_id]
    lines = persona[lang]["lines"]
    asks = {
        candidate.line_text(line): line["asks"]
        for listed in lines.values()
        for line in listed
        if isinstance(line, dict)
    }
    state = State(persona_id, persona["category"], lang, "normal", seed)
    for moves, text in turns:
        state = candidate.step(
            state,
            persona,
            text,
            moves,
            TEXTS.confirms(text, lang),
            concessions=TEXTS.concessions_in,
        )
        key = candidate.reply_key(state)
        if key == "goodbye":  # the content's closing words, not the persona's
            break
        settled = candidate.settled(state)
        said = candidate.choose_line(state, lines, key)
        assert asks.get(said) not in settled
        if state.outcome:
            break
