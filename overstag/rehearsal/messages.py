"""Texts of a rehearsal: the candidate's line, feedback per turn, the scorecard and
progress."""

from __future__ import annotations

from statistics import mean
from typing import Any, Dict, List, Optional

from overstag.facts import REFUSAL
from overstag.rehearsal import candidate
from overstag.rehearsal.candidate import RUBRIC, State
from overstag.rehearsal.content import RehearsalContent

QUOTE_CHARS = 90


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def candidate_line(
    content: RehearsalContent, state: State, persona: Dict[str, Any], key: str
) -> str:
    side = persona[state.lang]
    line = candidate.choose_line(state, side["lines"], key)
    return content.text("texts", "candidate", state.lang, name=side["name"], line=line)


def feedback(content: RehearsalContent, state: State) -> str:
    """What worked and what to try, for the last turn."""
    effects = state.turns[-1].effects if state.turns else []
    order = [
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
    ]
    notes = [content.text("feedback", e, state.lang) for e in order if e in effects]
    if not notes:
        notes = [content.text("feedback", "none", state.lang)]
    return "💬 " + " ".join(notes[:2])


def hint(content: RehearsalContent, state: State, persona: Dict[str, Any]) -> str:
    key = candidate.hint_for(state, persona)
    if key.startswith("move_"):
        return "💡 " + content.text(
            "hints", "offer", state.lang, offer=content.text("offers", key, state.lang)
        )
    return "💡 " + content.text("hints", key, state.lang)


def _first_turn(state: State, effect: str) -> Optional[candidate.Turn]:
    return next((t for t in state.turns if effect in t.effects), None)


def tips(content: RehearsalContent, state: State, persona: Dict[str, Any]) -> List[str]:
    """Two or three specific tips, quoting the interviewer's own words if possible."""
    lang, found = state.lang, []

    def add(key: str, turn: Optional[candidate.Turn] = None) -> None:
        values = {"quote": _quote(turn.text)} if turn else {}
        found.append(content.text("tips", key, lang, **values))

    pressure = _first_turn(state, "pressure")
    if pressure:
        add("pressure", pressure)
    if persona["category"] == REFUSAL and state.outcome == "accepted_no":
        add("refusal_accepted", _first_turn(state, "accept_no"))
    if state.turns and "empathize" not in state.turns[0].effects:
        add("no_empathy_first", state.turns[0])
    elif _first_turn(state, "empathize"):
        add("good_empathy", _first_turn(state, "empathize"))
    missed = _first_turn(state, "miss") or _first_turn(state, "backfire")
    if missed:
        add("missed_offer", missed)
        found[-1] += " " + content.text(
            "scorecard", "helps", lang, helps=persona[lang]["helps"]
        )
    if not state.did("explore"):
        add("no_explore")
    if state.outcome == "agreed" and not state.confirmed:
        add("no_confirm")
    if _first_turn(state, "fit") and len(found) < 3:
        add("good_fit", _first_turn(state, "fit"))
    return found[:3]


def scorecard(
    content: RehearsalContent,
    state: State,
    persona: Dict[str, Any],
    scores: Dict[str, int],
) -> str:
    lang, name = state.lang, persona[state.lang]["name"]
    lines = [
        f"**{content.text('scorecard', 'title', lang)}**",
        content.texts["scorecard"]["outcome"][state.outcome or "stopped"][lang].format(
            name=name
        ),
        content.text("scorecard", "turns", lang, turns=len(state.turns)),
    ]
    rubric = content.texts["scorecard"]["rubric"]
    for item in RUBRIC:
        points = scores[item]
        lines.append(f"{'●' * points}{'○' * (2 - points)} {rubric[item][lang]}")
    agreed = [content.text("offers", m, lang) for m in state.agreements]
    lines.append(
        content.text("scorecard", "agreements", lang, items="; ".join(agreed))
        if agreed
        else content.text("scorecard", "no_agreements", lang)
    )
    found = tips(content, state, persona)
    if found:
        lines.append(f"**{content.text('scorecard', 'tips_heading', lang)}**")
        lines.extend(f"• {tip}" for tip in found)
    return "\n".join(lines)


def progress(
    content: RehearsalContent, sessions: List[Dict[str, Any]], lang: str
) -> str:
    if not sessions:
        return content.text("progress", "none", lang)
    section = content.texts["progress"]
    lines = [f"**{section['heading'][lang].format(count=len(sessions))}**"]
    for s in sessions[-10:]:
        lines.append(
            section["line"][lang].format(
                date=s["started_at"].strftime("%Y-%m-%d"),
                category=s["category"].replace("objection_", "").replace("_", " "),
                difficulty=content.texts["texts"]["difficulty_names"][lang][
                    s["difficulty"]
                ],
                outcome=section["outcomes"][s["outcome"]][lang],
                score=sum(s["scores"].values()),
            )
        )
    rubric = content.texts["scorecard"]["rubric"]
    half = max(1, len(sessions) // 2)
    earlier, recent = sessions[:half], sessions[half:] or sessions[:half]
    lines.append(f"**{section['trend_heading'][lang]}**")
    for item in RUBRIC:
        before = mean(s["scores"].get(item, 0) for s in earlier)
        after = mean(s["scores"].get(item, 0) for s in recent)
        arrow = "↑" if after > before else ("↓" if after < before else "→")
        lines.append(f"{arrow} {rubric[item][lang]}: {before:.1f} → {after:.1f}")
    return "\n".join(lines)
