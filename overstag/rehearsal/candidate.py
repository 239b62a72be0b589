"""The simulated candidate: a small state machine over the interviewer's moves.

Warmth rises with fitting moves (acknowledging, exploring, a concession that
meets this persona's concern) and falls with pressure and offers that miss or
backfire; the stage follows the warmth. Difficulty scales both directions and
how much it takes. Everything is a pure function of the state, the moves and
the seed, so a session replays identically in tests.
"""

from __future__ import annotations

import copy
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from overstag.facts import MOVES, REFUSAL

STAGES = ("refusing", "hesitant", "open", "agrees")


@dataclass(frozen=True)
class Difficulty:
    warm: float  # multiplier on what helps
    cool: float  # multiplier on what hurts
    stage_step: float  # warmth needed per stage
    patience: float  # how far below zero before walking away


DIFFICULTIES = {
    "easy": Difficulty(warm=1.5, cool=0.7, stage_step=1.0, patience=3.0),
    "normal": Difficulty(warm=1.0, cool=1.0, stage_step=1.5, patience=2.5),
    "hard": Difficulty(warm=0.8, cool=1.4, stage_step=1.8, patience=2.0),
}

# how much each kind of move is worth before difficulty scaling
GAIN = {
    "empathize_first": 1.5,
    "empathize_again": 0.5,
    "explore": 1.0,
    "fit_first": 2.0,
    "fit_again": 0.3,
    "purpose": 0.5,
    "confirm": 1.0,
}
LOSS = {"pressure": 2.0, "backfire": 1.5, "miss": 0.5, "rushed_purpose": 0.5}
# what a move can do (evaluate_moves), and how a rehearsal can end
EFFECTS = (
    "empathize",
    "explore",
    "fit",
    "purpose",
    "rushed_purpose",
    "miss",
    "backfire",
    "pressure",
    "accept_no",
    "confirm",
)
OUTCOMES = ("agreed", "walked_away", "accepted_no", "stopped")


@dataclass
class Turn:
    text: str
    moves: List[str]
    effects: List[str]
    stage: str
    warmth: float


@dataclass
class State:
    persona: str
    category: str
    lang: str
    difficulty: str
    seed: int
    warmth: float = 0.0
    stage: str = "refusing"
    outcome: Optional[str] = None  # one of OUTCOMES once it has ended
    feedback: bool = True
    turns: List[Turn] = field(default_factory=list)
    used_lines: List[str] = field(default_factory=list)
    agreements: List[str] = field(default_factory=list)
    confirmed: bool = False
    previous: Optional[Dict[str, Any]] = (
        None  # state before the last turn, for "try again"
    )

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "State":
        data = dict(data)
        data["turns"] = [Turn(**t) for t in data.get("turns", [])]
        return cls(**data)

    def did(self, effect: str) -> bool:
        return any(effect in turn.effects for turn in self.turns)


def evaluate_moves(
    state: State, persona: Dict[str, Any], moves: List[str], confirms: bool
) -> List[Tuple[str, str]]:
    """(move, effect) pairs: what each move did, for warmth, feedback and scores."""
    pairs: List[Tuple[str, str]] = []
    listened = state.did("empathize") or state.did("explore")
    for move in (m for m in moves if m in MOVES):
        if move in (
            "move_empathize",
            "move_explore",
            "move_pressure",
            "move_accept_no",
        ):
            effect = move[len("move_") :]
        elif move in persona["fits"]:
            effect = "fit"
        elif move == "move_explain_purpose":
            effect = (
                "purpose" if listened or "move_empathize" in moves else "rushed_purpose"
            )
        elif move in (persona.get("backfires") or []):
            effect = "backfire"
        else:
            effect = "miss"
        listened = listened or effect in ("empathize", "explore")
        pairs.append((move, effect))
    if (
        confirms
        and state.stage in ("open", "agrees")
        and all(e != "pressure" for _, e in pairs)
    ):
        pairs.append(("", "confirm"))
    return pairs


def warmth_change(state: State, pairs: List[Tuple[str, str]]) -> float:
    level = DIFFICULTIES[state.difficulty]
    change = 0.0
    for move, effect in pairs:
        if effect == "empathize":
            change += (
                level.warm
                * GAIN[
                    "empathize_again" if state.did("empathize") else "empathize_first"
                ]
            )
        elif effect == "fit":
            change += (
                level.warm
                * GAIN["fit_again" if move in state.agreements else "fit_first"]
            )
        elif effect in ("explore", "purpose", "confirm"):
            change += level.warm * GAIN[effect]
        elif effect in LOSS:
            change -= level.cool * LOSS[effect]
    return change


def _stage_for(state: State, level: Difficulty) -> str:
    index = min(3, max(0, int(state.warmth // level.stage_step)))
    if index == 3 and not state.agreements:
        index = 2  # agreeing takes a concession that meets the concern
    if state.difficulty == "hard" and index >= 2 and not state.did("empathize"):
        index = 1  # a hard candidate wants to feel heard first
    return STAGES[index]


def step(
    state: State,
    persona: Dict[str, Any],
    text: str,
    moves: List[str],
    confirms: bool = False,
) -> State:
    """The state after the interviewer's message, keeping the previous for a retry."""
    before = copy.deepcopy(state.to_dict())
    before["previous"] = None
    new = State.from_dict(copy.deepcopy(before))
    new.previous = before
    pairs = evaluate_moves(new, persona, moves, confirms)
    effects = [effect for _, effect in pairs]
    level = DIFFICULTIES[new.difficulty]
    new.warmth = round(new.warmth + warmth_change(new, pairs), 2)
    new.agreements += [m for m, e in pairs if e == "fit" and m not in new.agreements]
    new.confirmed = new.confirmed or "confirm" in effects
    if "accept_no" in effects:
        new.outcome = "accepted_no"
    elif new.warmth <= -level.patience:
        new.outcome = "walked_away"
    else:
        new.stage = _stage_for(new, level)
        if new.stage == "agrees" and persona["category"] != REFUSAL:
            new.outcome = "agreed"
    new.turns.append(
        Turn(
            text=text,
            moves=[m for m, _ in pairs if m],
            effects=effects,
            stage=new.stage,
            warmth=new.warmth,
        )
    )
    return new


def retry(state: State) -> Optional[State]:
    """The state before the last turn, or None when there is nothing to undo."""
    return State.from_dict(state.previous) if state.previous else None


def reply_key(state: State) -> str:
    """Which of the persona's line sets answers the last turn."""
    if state.outcome == "accepted_no":
        return "accepts_no"
    if state.outcome == "walked_away":
        return "walks_away"
    effects = state.turns[-1].effects if state.turns else []
    if state.outcome == "agreed":
        return "agrees"
    if "pressure" in effects:
        return "pressured"
    if ("miss" in effects or "backfire" in effects) and "fit" not in effects:
        return "missed"
    return state.stage


def choose_line(state: State, lines: Dict[str, List[str]], key: str) -> str:
    """A line of `key` not yet used in this session; seeded, so tests can rely on it."""
    rng = random.Random(f"{state.seed}:{len(state.turns)}:{key}")
    fresh = [line for line in lines[key] if line not in state.used_lines]
    if not fresh:
        fresh = [
            line
            for stage in STAGES
            for line in lines.get(stage, [])
            if line not in state.used_lines
        ]
    line = rng.choice(fresh) if fresh else rng.choice(lines[key])
    state.used_lines.append(line)
    return line


RUBRIC = ("acknowledged", "explored", "fitting_concession", "confirmed", "no_pressure")


def scores(state: State) -> Dict[str, int]:
    """Rubric from domain.md, each 0 (missed), 1 (partly) or 2 (done)."""
    pressure = sum(t.effects.count("pressure") for t in state.turns)
    first_offer = next(
        (
            i
            for i, t in enumerate(state.turns)
            if {"fit", "miss", "backfire"} & set(t.effects)
        ),
        None,
    )
    acknowledged_first = any(
        "empathize" in t.effects for t in state.turns[: (first_offer or 0) + 1]
    )
    refusal = state.category == REFUSAL
    return {
        "acknowledged": 2
        if acknowledged_first
        else (1 if state.did("empathize") else 0),
        "explored": 2 if state.did("explore") else 0,
        "fitting_concession": 2
        if state.agreements and not state.did("backfire")
        else (
            1
            if state.agreements
            else (2 if refusal and state.outcome == "accepted_no" else 0)
        ),
        "confirmed": 2
        if state.confirmed
        else (2 if refusal and state.outcome == "accepted_no" else 0),
        "no_pressure": 2 if pressure == 0 else (1 if pressure == 1 else 0),
    }


def hint_for(state: State, persona: Dict[str, Any]) -> str:
    """Key of the next thing worth trying."""
    if persona["category"] == REFUSAL:
        return "accept_no" if state.did("empathize") else "empathize"
    if not state.did("empathize"):
        return "empathize"
    if not state.did("explore"):
        return "explore"
    if not state.agreements:
        return persona["fits"][0]
    return "confirm"
