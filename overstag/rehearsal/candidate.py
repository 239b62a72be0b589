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
from typing import Any, Callable, Dict, List, Optional, Tuple

from overstag.facts import MOVES, OFFER_MOVES, REFUSAL

STAGES = ("refusing", "hesitant", "open", "agrees")
# a promise to confirm in writing counts once the candidate is listening at all
CONFIRMABLE = ("hesitant", "open", "agrees")


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
    """What one interviewer message did: the record every note, score, tip and
    agreement is derived from, so that they cannot disagree."""

    text: str
    moves: List[str]
    effects: List[str]
    stage: str
    warmth: float
    # each offer made: {"move", "effect" (fit, miss, ...), "agreements"}
    offers: List[Dict[str, Any]] = field(default_factory=list)
    accepted: List[str] = field(default_factory=list)  # concession ids accepted now


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
    agreements: List[str] = field(default_factory=list)  # concession ids accepted
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

    def offered(self) -> List[str]:
        """Every move offered so far, in order."""
        return [o["move"] for t in self.turns for o in t.offers]

    def fitted(self, move: str) -> bool:
        return any(
            o["move"] == move and o["effect"] == "fit"
            for t in self.turns
            for o in t.offers
        )

    @property
    def closing(self) -> bool:
        """The candidate said yes and waits for the interviewer to confirm."""
        return (
            self.outcome is None and self.stage == "agrees" and self.category != REFUSAL
        )


def evaluate_moves(
    state: State, persona: Dict[str, Any], moves: List[str], confirms: bool
) -> List[Tuple[str, str]]:
    """(move, effect) pairs: what each move did, for warmth, feedback and scores."""
    pairs: List[Tuple[str, str]] = []
    listened = state.did("empathize") or state.did("explore")
    for move in dict.fromkeys(m for m in moves if m in MOVES):
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
        and state.stage in CONFIRMABLE
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
                level.warm * GAIN["fit_again" if state.fitted(move) else "fit_first"]
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


Concessions = Callable[[str, str], List[str]]


def _as_named(move: str, text: str) -> List[str]:
    return [move]


def step(
    state: State,
    persona: Dict[str, Any],
    text: str,
    moves: List[str],
    confirms: bool = False,
    concessions: Concessions = _as_named,
) -> State:
    """The state after the interviewer's message, keeping the previous for a retry.

    `concessions(move, text)` names the concessions an offer in `text` amounts to
    (content/rehearsal.yml `agreements`): what the candidate accepts when it fits.
    """
    before = copy.deepcopy(state.to_dict())
    before["previous"] = None
    new = State.from_dict(copy.deepcopy(before))
    new.previous = before
    closing = new.closing
    pairs = evaluate_moves(new, persona, moves, confirms)
    effects = [effect for _, effect in pairs]
    level = DIFFICULTIES[new.difficulty]
    new.warmth = round(new.warmth + warmth_change(new, pairs), 2)
    offers = [
        {"move": m, "effect": e, "agreements": concessions(m, text)}
        for m, e in pairs
        if m in OFFER_MOVES
    ]
    accepted = list(
        dict.fromkeys(
            c
            for offer in offers
            if offer["effect"] == "fit"
            for c in offer["agreements"]
            if c not in new.agreements
        )
    )
    new.agreements += accepted
    new.confirmed = new.confirmed or "confirm" in effects
    if "accept_no" in effects:
        new.outcome = "accepted_no"
    elif closing:
        new.outcome = "agreed"  # the yes stands; this turn only confirms it (or not)
    elif new.warmth <= -level.patience:
        new.outcome = "walked_away"
    else:
        new.stage = _stage_for(new, level)
    new.turns.append(
        Turn(
            text=text,
            moves=[m for m, _ in pairs if m],
            effects=effects,
            stage=new.stage,
            warmth=new.warmth,
            offers=offers,
            accepted=accepted,
        )
    )
    return new


def retry(state: State) -> Optional[State]:
    """The state before the last turn, or None when there is nothing to undo."""
    return State.from_dict(state.previous) if state.previous else None


def reply_key(state: State) -> str:
    """Which of the persona's line sets answers the last turn; "agrees" opens the
    closing phase, "goodbye" ends it."""
    if state.outcome == "accepted_no":
        return "accepts_no"
    if state.outcome == "walked_away":
        return "walks_away"
    if state.outcome == "agreed":
        return "goodbye"
    effects = state.turns[-1].effects if state.turns else []
    if "pressure" in effects:
        return "pressured"
    if ("miss" in effects or "backfire" in effects) and "fit" not in effects:
        return "missed"
    return state.stage


def settled(state: State) -> List[str]:
    """What a line may no longer ask for: every offer made, and a confirmation once
    promised."""
    return state.offered() + (["confirm"] if state.confirmed else [])


def line_text(line: Any) -> str:
    """A persona line's words: a plain string, or {text, asks} (content.py)."""
    return line.get("text", "") if isinstance(line, dict) else line


def line_asks(line: Any) -> Optional[str]:
    return line.get("asks") if isinstance(line, dict) else None


def _sayable(state: State, line: Any) -> bool:
    return line_text(line) not in state.used_lines and line_asks(line) not in settled(
        state
    )


def choose_line(state: State, lines: Dict[str, List[Any]], key: str) -> str:
    """A line of `key` not yet used in this session, never asking for what was
    already offered or promised; seeded, so tests can rely on it."""
    rng = random.Random(f"{state.seed}:{len(state.turns)}:{key}")
    fresh = [line for line in lines[key] if _sayable(state, line)]
    if not fresh:
        fresh = [
            line
            for stage in STAGES
            for line in lines.get(stage, [])
            if _sayable(state, line)
        ]
    if not fresh:
        fresh = [line for line in lines[key] if not isinstance(line, dict)]
    line = line_text(rng.choice(fresh))
    state.used_lines.append(line)
    return line


def hint_for(state: State, persona: Dict[str, Any]) -> str:
    """Key of the next thing worth trying."""
    if persona["category"] == REFUSAL:
        return "accept_no" if state.did("empathize") else "empathize"
    if state.closing:
        return "confirm"
    if not state.did("empathize"):
        return "empathize"
    if not state.did("explore"):
        return "explore"
    if not state.agreements:
        return next(
            (m for m in persona["fits"] if m not in state.offered()), persona["fits"][0]
        )
    return "confirm"
