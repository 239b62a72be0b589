"""Texts of a rehearsal: the candidate's line, feedback per turn, the scorecard and
progress."""

from __future__ import annotations

import random
from statistics import mean
from typing import Any, Dict, List, Optional

from overstag.coaching import content as coaching_content
from overstag.facts import REFUSAL
from overstag.payloads import PROGRESS_KEY, SCORECARD_KEY
from overstag.rehearsal import candidate, review
from overstag.rehearsal.candidate import State
from overstag.rehearsal.content import RehearsalContent
from overstag.rehearsal.review import RUBRIC, Review

QUOTE_CHARS = 90


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def joined(content: RehearsalContent, items: List[str], lang: str) -> str:
    """ "a", "a and b", "a, b and c" in the conversation's language."""
    if len(items) < 2:
        return "".join(items)
    word = content.text("closing", "and", lang)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def concession_names(concessions: List[str], lang: str) -> List[str]:
    coaching = coaching_content.load()
    return [f"“{coaching.concession(c, lang)['title']}”" for c in concessions]


def _offers_named(
    content: RehearsalContent, turn: candidate.Turn, effect: str, lang: str
) -> str:
    ids = [c for o in turn.offers if o["effect"] == effect for c in o["agreements"]]
    return joined(content, concession_names(list(dict.fromkeys(ids)), lang), lang)


def candidate_line(
    content: RehearsalContent, state: State, persona: Dict[str, Any], key: str
) -> str:
    side = persona[state.lang]
    rng = random.Random(f"{state.seed}:{len(state.turns)}:closing")
    if key == "goodbye":
        line = content.closing_line("goodbye", state.lang, rng)
    else:
        line = candidate.choose_line(state, side["lines"], key)
    if key == "agrees" and state.closing:
        items = joined(
            content, concession_names(state.agreements, state.lang), state.lang
        )
        line += " " + content.text("closing", "conditions", state.lang, items=items)
        kind = "thanks" if state.confirmed else "ask"
        line += " " + content.closing_line(kind, state.lang, rng)
    return content.text("texts", "candidate", state.lang, name=side["name"], line=line)


NOTE_ORDER = (
    "pressure",
    "backfire",
    "rushed_purpose",
    "miss",
    "empathize",
    "explore",
    "fit",
    "purpose",
    "confirm",
    "accept_no",
)
NAMED = ("fit", "miss", "backfire")
MAX_NOTES = 3


def feedback(content: RehearsalContent, state: State) -> str:
    """What worked and what to try, read from the last turn's record: each offer is
    named with what it did, so one note cannot both praise and fault it."""
    if not state.turns:
        return "💬 " + content.text("feedback", "none", state.lang)
    turn, lang = state.turns[-1], state.lang
    notes = []
    for effect in (e for e in NOTE_ORDER if e in turn.effects):
        if effect in NAMED:
            offers = _offers_named(content, turn, effect, lang)
            text = content.text("feedback", effect, lang, offers=offers)
            notes.append(text[0].upper() + text[1:])
        else:
            notes.append(content.text("feedback", effect, lang))
    if state.closing and not state.confirmed:
        notes.append(content.text("feedback", "agreed", lang))
    if (
        state.outcome == "agreed"
        and "confirm" not in turn.effects
        and not state.confirmed
    ):
        notes.append(content.text("feedback", "unconfirmed", lang))
    if not notes:
        notes = [content.text("feedback", "none", lang)]
    return "💬 " + " ".join(notes[:MAX_NOTES])


def hint(content: RehearsalContent, state: State, persona: Dict[str, Any]) -> str:
    key = candidate.hint_for(state, persona)
    if key.startswith("move_"):
        return "💡 " + content.text(
            "hints", "offer", state.lang, offer=content.text("offers", key, state.lang)
        )
    return "💡 " + content.text("hints", key, state.lang)


def tip_texts(
    content: RehearsalContent, state: State, persona: Dict[str, Any], found: Review
) -> List[str]:
    """The review's tips in words, quoting the interviewer where a tip names a turn."""
    lang, texts = state.lang, []
    for tip in found.tips:
        values: Dict[str, str] = {}
        if tip.turn is not None:
            values["quote"] = _quote(state.turns[tip.turn].text)
        if tip.offers:
            missed = [
                c
                for t in state.turns
                for o in t.offers
                if o["move"] in tip.offers and o["effect"] in ("miss", "backfire")
                for c in o["agreements"]
            ]
            values["offers"] = joined(
                content, concession_names(list(dict.fromkeys(missed)), lang), lang
            )
        text = content.text("tips", tip.key, lang, **values)
        if tip.key == "missed_offer" and found.show_helps:
            text += " " + content.text(
                "scorecard", "helps", lang, helps=persona[lang]["helps"]
            )
        texts.append(text[0].upper() + text[1:])
    return texts


def rubric_label(content: RehearsalContent, item: str, category: str, lang: str) -> str:
    section = content.texts["scorecard"]
    if category == REFUSAL and item in section["rubric_refusal"]:
        return section["rubric_refusal"][item][lang]
    return section["rubric"][item][lang]


def scorecard(
    content: RehearsalContent,
    state: State,
    persona: Dict[str, Any],
    found: Review,
    tips: List[str],
) -> str:
    lang, name = state.lang, persona[state.lang]["name"]
    points, most = review.total(found.scores)
    lines = [
        f"**{content.text('scorecard', 'title', lang)}**",
        content.texts["scorecard"]["outcome"][state.outcome or "stopped"][lang].format(
            name=name
        ),
        content.text("scorecard", "turns", lang, turns=len(state.turns)),
    ]
    for item in RUBRIC:
        score = found.scores[item]
        if score is None:
            continue  # not part of this persona's rubric
        label = rubric_label(content, item, state.category, lang)
        lines.append(f"{'●' * score}{'○' * (2 - score)} {label}")
    lines.append(content.text("scorecard", "total", lang, points=points, most=most))
    if state.category != REFUSAL:
        agreed = concession_names(found.agreements, lang)
        lines.append(
            content.text("scorecard", "agreements", lang, items="; ".join(agreed))
            if agreed
            else content.text("scorecard", "no_agreements", lang)
        )
    if tips:
        lines.append(f"**{content.text('scorecard', 'tips_heading', lang)}**")
        lines.extend(f"• {tip}" for tip in tips)
    return "\n".join(lines)


def scorecard_payload(state: State, found: Review, tips: List[str]) -> Dict[str, Any]:
    """The `overstag_scorecard` custom payload (README, "The rehearsal scorecard")."""
    return {
        SCORECARD_KEY: {
            "outcome": state.outcome or "stopped",
            "turns": len(state.turns),
            "persona": state.persona,
            "category": state.category,
            "scores": dict(found.scores),
            "agreements": list(found.agreements),
            "tips": list(tips),
        }
    }


def _session_scores(session: Dict[str, Any]) -> Dict[str, Optional[int]]:
    return {item: session["scores"].get(item) for item in RUBRIC}


def progress(
    content: RehearsalContent, sessions: List[Dict[str, Any]], lang: str
) -> str:
    """The user's rehearsals with a turn in them, and the trend once there are two."""
    sessions = [s for s in sessions if s["turns"]]
    if not sessions:
        return content.text("progress", "none", lang)
    coaching = coaching_content.load()
    section = content.texts["progress"]
    lines = [f"**{section['heading'][lang].format(count=len(sessions))}**"]
    for s in sessions[-10:]:
        points, most = review.total(_session_scores(s))
        lines.append(
            section["line"][lang].format(
                date=s["started_at"].strftime("%Y-%m-%d"),
                category=coaching.label(s["category"], lang),
                difficulty=content.texts["texts"]["difficulty_names"][lang][
                    s["difficulty"]
                ],
                outcome=section["outcomes"][s["outcome"]][lang],
                score=points,
                most=most,
            )
        )
    if len(sessions) < 2:
        lines.append(section["trend_later"][lang])
        return "\n".join(lines)
    half = len(sessions) // 2
    earlier, recent = sessions[:half], sessions[half:]
    lines.append(f"**{section['trend_heading'][lang]}**")
    for item in RUBRIC:
        before = [s for s in map(_session_scores, earlier) if s[item] is not None]
        after = [s for s in map(_session_scores, recent) if s[item] is not None]
        if not before or not after:
            continue
        was, now = mean(s[item] for s in before), mean(s[item] for s in after)
        arrow = "↑" if now > was else ("↓" if now < was else "→")
        label = content.texts["scorecard"]["rubric"][item][lang]
        lines.append(f"{arrow} {label}: {was:.1f} → {now:.1f}")
    return "\n".join(lines)


def progress_payload(
    content: RehearsalContent, sessions: List[Dict[str, Any]], lang: str
) -> Dict[str, Any]:
    """The `overstag_progress` custom payload the page draws its chart from."""
    coaching = coaching_content.load()
    rubric = content.texts["scorecard"]["rubric"]
    return {
        PROGRESS_KEY: {
            "items": [{"id": item, "label": rubric[item][lang]} for item in RUBRIC],
            "sessions": [
                {
                    "date": s["started_at"].strftime("%Y-%m-%d"),
                    "category": s["category"],
                    "label": coaching.label(s["category"], lang),
                    "outcome": s["outcome"],
                    "scores": _session_scores(s),
                }
                for s in sessions
                if s["turns"]
            ][-20:],
        }
    }
