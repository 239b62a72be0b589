"""What happens on each turn of a rehearsal: starting one, the candidate's answer
with feedback, hints, taking a turn back, the scorecard, and progress over time.

The running rehearsal travels in the `rehearsal` slot as plain JSON; sessions,
turns (moves, not words) and scores go to the database when it ends.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any, Callable, Dict, List, Optional, Tuple

from overstag.coaching import content as coaching_content
from overstag.coaching import messages as coaching_messages
from overstag.facts import (
    LANGUAGE_SLOT,
    MODE_COACH,
    MODE_REHEARSE,
    MODE_SLOT,
    OBJECTIONS_SLOT,
    REHEARSAL_SLOT,
    moves_of,
)
from overstag.nlu import intent_views
from overstag.payloads import PROGRESS_KEY
from overstag.rehearsal import candidate, content, messages, review
from overstag.rehearsal.candidate import State
from overstag.storage import storage
from overstag.turn import Reply, Turn

logger = logging.getLogger(__name__)
Running = Tuple[State, int]  # the candidate's state and the stored session's id


def moves_in(message: Dict[str, Any], lang: str) -> List[str]:
    """The interviewer's moves, read with rehearsal's labels; a button or a test may
    name one directly. An open question counts as exploring unless it pushes."""
    named = moves_of((message.get("intent") or {}).get("name"))
    moves = named or intent_views.rehearsal_moves(message)
    asks = content.load().asks_openly(message.get("text") or "", lang)
    if asks and not {"move_explore", "move_pressure"} & set(moves):
        moves = [*moves, "move_explore"]
    return moves


# said during a rehearsal, these intents of coach mode may be the interviewer's
# reply ("What worries you most?" reads as a question about the tool)
CONVERSATIONAL = ("help", "ask_about_overstag", "bot_challenge")


def reads_as_move(turn: Turn) -> bool:
    """A running rehearsal's turn: rehearsal's own labels (or an open question)
    take the message for a move, whatever coach mode made of it."""
    if turn.intent not in CONVERSATIONAL or turn.slot(MODE_SLOT) != MODE_REHEARSE:
        return False
    if running(turn) is None:
        return False
    best = intent_views.rehearsal_view(turn.message, ())
    if best and intent_views.is_move(best[0]):
        return True
    return content.load().asks_openly(turn.text, turn.language)


def running(turn: Turn) -> Optional[Running]:
    data = turn.slot(REHEARSAL_SLOT)
    if not isinstance(data, dict) or "state" not in data:
        return None
    return State.from_dict(data["state"]), int(data["session"])


def _keep(state: State, session: int) -> Reply:
    return (
        Reply()
        .set(REHEARSAL_SLOT, {"state": state.to_dict(), "session": session})
        .set(MODE_SLOT, MODE_REHEARSE)
        .set(LANGUAGE_SLOT, state.lang)
    )


def _finish(state: State, session: int, outcome: Optional[str] = None) -> Reply:
    """Scorecard (text and `overstag_scorecard`), stored session, back to coach mode."""
    texts = content.load()
    persona = texts.personas[state.persona]
    done = (
        Reply()
        .set(REHEARSAL_SLOT, None)
        .set(MODE_SLOT, MODE_COACH)
        .set(LANGUAGE_SLOT, state.lang)
    )
    buttons = coaching_messages.buttons(
        coaching_content.load(), state.lang, coaching_messages.AFTER_REHEARSAL
    )
    if not state.turns:
        # nothing was practised: no scorecard, and no session in the progress
        _store(lambda: storage().rehearsals.discard(session), session)
        return done.say(texts.text("scorecard", "stopped_early", state.lang), buttons)
    # a yes stands when the interviewer stops during the closing phase
    state.outcome = (
        state.outcome or ("agreed" if state.closing else outcome) or "stopped"
    )
    found = review.review(state)
    tips = messages.tip_texts(texts, state, persona, found)
    turns = [
        {"moves": t.moves, "effects": t.effects, "stage": t.stage} for t in state.turns
    ]
    _store(
        lambda: storage().rehearsals.finish(
            session, state.outcome, found.scores, found.agreements, turns
        ),
        session,
    )
    return done.say(
        messages.scorecard(texts, state, persona, found, tips),
        buttons,
        json_message=messages.scorecard_payload(state, found, tips),
    )


def _store(write: Callable[[], None], session: int) -> None:
    try:
        write()
    except Exception as error:
        logger.error("Could not store rehearsal %s (%s)", session, type(error).__name__)


def not_running(turn: Turn) -> Reply:
    """What a rehearsal command says when no rehearsal runs."""
    lang = turn.language
    reply = Reply().say(content.load().text("texts", "no_rehearsal", lang))
    return reply.set(MODE_SLOT, MODE_COACH).set(LANGUAGE_SLOT, lang)


def start(turn: Turn) -> Reply:
    lang = turn.language
    texts = content.load()
    reply = Reply()
    current = running(turn)
    if current:
        reply.extend(_finish(*current))
    coached = turn.slot(OBJECTIONS_SLOT) or []
    # the button under coaching advice rehearses the objection just coached
    from_button = turn.text.startswith("/") and coached
    category = texts.category_in(turn.text) or (coached[0] if from_button else None)
    difficulty = texts.difficulty_in(turn.text) or "normal"
    rehearsals = storage().rehearsals
    earlier = rehearsals.of(turn.owner, finished=False)
    seed = zlib.crc32(f"{turn.owner}:{len(earlier)}".encode())
    last = [s["persona"] for s in earlier if not category or s["category"] == category]
    persona = texts.pick(category, seed, avoid=last[-1:])
    state = State(
        persona=persona["id"],
        category=persona["category"],
        lang=lang,
        difficulty=difficulty,
        seed=seed,
    )
    session = rehearsals.start(
        turn.conversation_id, persona["id"], persona["category"], difficulty, lang
    )
    side = persona[lang]
    level = texts.texts["texts"]["difficulty_names"][lang][difficulty]
    reply.say(
        texts.text(
            "texts",
            "start",
            lang,
            name=side["name"],
            role=side["role"],
            subject=side["subject"],
            difficulty=level,
        )
    )
    opening = candidate.choose_line(state, side["lines"], "refusing")
    reply.say(
        texts.text("texts", "candidate", lang, name=side["name"], line=opening),
        _rehearsal_buttons(lang),
    )
    return reply.extend(_keep(state, session))


def _rehearsal_buttons(lang: str) -> List[Dict[str, str]]:
    return coaching_messages.buttons(
        coaching_content.load(), lang, coaching_messages.REHEARSAL_STEPS
    )


def answer(turn: Turn, state: State, session: int) -> Reply:
    """The candidate's answer to the interviewer's message, and feedback on it."""
    state.lang = turn.language
    texts = content.load()
    persona = texts.personas[state.persona]
    text = turn.text
    moves = moves_in(turn.message, state.lang)
    confirms = (
        texts.confirms_when_asked(text, state.lang)
        if state.closing
        else texts.confirms(text, state.lang)
    )
    state = candidate.step(
        state, persona, text, moves, confirms=confirms, concessions=texts.concessions_in
    )
    key = candidate.reply_key(state)
    said = [messages.candidate_line(texts, state, persona, key)]
    if state.feedback:
        said.append(messages.feedback(texts, state))
    reply = Reply()
    for line in said[:-1]:
        reply.say(line)
    if state.outcome:
        reply.say(said[-1])
        return reply.extend(_finish(state, session))
    reply.say(said[-1], _rehearsal_buttons(state.lang))
    return reply.extend(_keep(state, session))


def hint(turn: Turn, state: State, session: int) -> Reply:
    texts = content.load()
    return Reply().say(messages.hint(texts, state, texts.personas[state.persona]))


def retry(turn: Turn, state: State, session: int) -> Reply:
    texts = content.load()
    earlier = candidate.retry(state)
    if earlier is None:
        return Reply().say(texts.text("texts", "nothing_to_retry", state.lang))
    # lines already spoken stay spoken, so the candidate does not repeat itself
    earlier.used_lines = state.used_lines
    side = texts.personas[state.persona][state.lang]
    last_line = state.used_lines[-2] if len(state.used_lines) > 1 else ""
    said = texts.text(
        "texts", "candidate", state.lang, name=side["name"], line=last_line
    )
    reply = Reply().say(texts.text("texts", "retried", state.lang) + "\n" + said)
    return reply.extend(_keep(earlier, session))


def toggle_feedback(turn: Turn, state: State, session: int) -> Reply:
    texts = content.load()
    switch = texts.feedback_switch(turn.text)
    state.feedback = not state.feedback if switch is None else switch == "enable"
    key = "feedback_on" if state.feedback else "feedback_off"
    return (
        Reply().say(texts.text("texts", key, state.lang)).extend(_keep(state, session))
    )


def stop(turn: Turn, state: State, session: int) -> Reply:
    return _finish(state, session, outcome="stopped")


def progress(turn: Turn) -> Reply:
    """The user's progress over all their conversations, with the chart's data once
    there are two sessions to compare."""
    lang, texts = turn.language, content.load()
    sessions = storage().rehearsals.of(turn.owner)
    text = messages.progress(texts, sessions, lang)
    chart = messages.progress_payload(texts, sessions, lang)
    if len(chart[PROGRESS_KEY]["sessions"]) < 2:
        return Reply().say(text).set(LANGUAGE_SLOT, lang)
    return Reply().say(text, json_message=chart).set(LANGUAGE_SLOT, lang)
