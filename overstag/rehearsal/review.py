"""The scores, tips and agreements of a rehearsal, all derived from its turn records.

Nothing here keeps state of its own: the scorecard's text, its `overstag_scorecard`
payload and the stored session read the same `Review`, and each tip is chosen by the
score it explains, so a tip can never contradict a score, quote a sentence twice or
name an offer that was not made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

from overstag.facts import REFUSAL
from overstag.payloads import RUBRIC_ITEMS
from overstag.rehearsal.candidate import State, Turn

RUBRIC = RUBRIC_ITEMS
# a firm no is answered by respecting it: exploring, offering, confirming do not apply
NOT_FOR_REFUSAL = ("explored", "fitting_offer", "confirmed")
OFFER_EFFECTS = {"fit", "miss", "backfire", "purpose", "rushed_purpose"}
MISSING = {"miss", "backfire"}
MAX_TIPS = 3


@dataclass(frozen=True)
class Tip:
    key: str  # tips.<key> in content/rehearsal.yml
    turn: Optional[int] = None  # the turn quoted
    offers: Tuple[str, ...] = ()  # the moves the tip names


@dataclass(frozen=True)
class Review:
    scores: Dict[str, Optional[int]]
    agreements: List[str]
    tips: List[Tip]
    show_helps: bool  # "what would have helped": only when nothing fitting was offered


def _first(turns: List[Turn], effects: Set[str]) -> Optional[int]:
    return next((i for i, t in enumerate(turns) if effects & set(t.effects)), None)


def _count(turns: List[Turn], effect: str) -> int:
    return sum(t.effects.count(effect) for t in turns)


def _missed_offers(turns: List[Turn]) -> int:
    return sum(1 for t in turns for o in t.offers if o["effect"] in MISSING)


def _graded(count: int) -> int:
    return 2 if count == 0 else (1 if count == 1 else 0)


def scores(state: State) -> Dict[str, Optional[int]]:
    """The rubric of domain.md, each 0 (missed), 1 (partly), 2 (done) or None
    where it does not apply to this kind of persona."""
    turns, refusal = state.turns, state.category == REFUSAL
    heard = {"empathize", "accept_no"} if refusal else {"empathize"}
    empathy = _first(turns, heard)
    offer = _first(turns, OFFER_EFFECTS)
    acknowledged = (
        0 if empathy is None else (2 if offer is None or empathy <= offer else 1)
    )
    pressure = _count(turns, "pressure")
    if refusal:
        respected = _graded(pressure + _missed_offers(turns))
        if state.outcome != "accepted_no":
            respected = min(respected, 1)
        return {
            "acknowledged": acknowledged,
            "explored": None,
            "fitting_offer": None,
            "confirmed": None,
            "no_pressure": respected,
        }
    fitting = 0
    if state.agreements:
        fitting = 1 if _missed_offers(turns) else 2
    return {
        "acknowledged": acknowledged,
        "explored": 2 if state.did("explore") else 0,
        "fitting_offer": fitting,
        "confirmed": 2 if state.did("confirm") else 0,
        "no_pressure": _graded(pressure),
    }


def _candidate_tips(state: State, scored: Dict[str, Optional[int]]) -> List[Tip]:
    turns, refusal = state.turns, state.category == REFUSAL
    found: List[Tip] = []
    if scored["no_pressure"] != 2 and _count(turns, "pressure"):
        found.append(Tip("pressure", _first(turns, {"pressure"})))
    if refusal:
        if state.outcome == "accepted_no":
            found.append(Tip("refusal_accepted", _first(turns, {"accept_no"})))
        elif turns:
            found.append(Tip("refusal_not_accepted"))
    if turns and scored["acknowledged"] == 0:
        found.append(Tip("no_empathy", 0))
    elif scored["acknowledged"] == 1:
        found.append(Tip("empathy_late", _first(turns, OFFER_EFFECTS)))
    missed = next(
        (t for t in turns if any(o["effect"] in MISSING for o in t.offers)), None
    )
    if missed is not None and not refusal:
        names = tuple(o["move"] for o in missed.offers if o["effect"] in MISSING)
        found.append(Tip("missed_offer", offers=names))
    if scored["explored"] == 0 and turns:
        found.append(Tip("no_explore"))
    if state.outcome == "agreed" and scored["confirmed"] == 0:
        found.append(Tip("no_confirm"))
    if scored["acknowledged"] == 2 and not refusal:
        found.append(Tip("good_empathy", _first(turns, {"empathize"})))
    if scored["fitting_offer"]:
        found.append(Tip("good_fit", _first(turns, {"fit"})))
    return found


def tips(state: State, scored: Dict[str, Optional[int]]) -> List[Tip]:
    """At most three tips, problems first; a sentence is quoted once at most."""
    chosen: List[Tip] = []
    quoted: Set[int] = set()
    for tip in _candidate_tips(state, scored):
        if tip.turn is not None and tip.turn in quoted:
            continue
        if tip.turn is not None:
            quoted.add(tip.turn)
        chosen.append(tip)
    return chosen[:MAX_TIPS]


def review(state: State) -> Review:
    scored = scores(state)
    return Review(
        scores=scored,
        agreements=list(state.agreements),
        tips=tips(state, scored),
        show_helps=state.category != REFUSAL and not scored["fitting_offer"],
    )


def total(scored: Dict[str, Any]) -> Tuple[int, int]:
    """Points and the most there were to get, over the items that apply."""
    applied = [v for v in scored.values() if v is not None]
    return sum(applied), 2 * len(applied)
