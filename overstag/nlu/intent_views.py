"""The intent as seen from the current mode.

The classifier scores every message twice: with the labels of coach mode (what
a candidate says) and with those of rehearsal (what the interviewer says). Rasa's
intent comes from coach mode; in a rehearsal the actions read the rehearsal
scores instead, so a move like "you can read the text first" is never taken for
an objection.
"""

from __future__ import annotations

from typing import Callable, Dict, Iterable, Optional, Tuple

from overstag.facts import pair_intent

PROBABILITIES = "label_probabilities"
PAIR_THRESHOLD = 0.3


def is_move(label: str) -> bool:
    return label.startswith("move_")


def best_intent(
    probabilities: Dict[str, float],
    allowed: Callable[[str], bool],
    pairs: Iterable[str],
    pair_threshold: float = PAIR_THRESHOLD,
) -> Optional[Tuple[str, float]]:
    """The likeliest allowed label, or a known pair when the runner-up is likely
    too."""
    ranked = sorted(
        ((label, p) for label, p in probabilities.items() if allowed(label)),
        key=lambda x: -x[1],
    )
    if not ranked:
        return None
    (first, p_first) = ranked[0]
    if len(ranked) > 1:
        second, p_second = ranked[1]
        pair = pair_intent(first, second)
        if p_second >= pair_threshold and pair in set(pairs):
            return pair, p_first
    return first, p_first


def _group(message: Dict, group: str) -> Dict[str, float]:
    return (message.get(PROBABILITIES) or {}).get(group) or {}


def coach_scores(message: Dict) -> Dict[str, float]:
    """Every coach-mode label's own probability (empty for a message not scored)."""
    return dict(_group(message, "coach"))


def coach_view(message: Dict, pairs: Iterable[str]) -> Optional[Tuple[str, float]]:
    return best_intent(_group(message, "coach"), lambda label: True, pairs)


def rehearsal_moves(
    message: Dict, threshold: float = PAIR_THRESHOLD, floor: float = 0.1
) -> list:
    """Every move the interviewer likely made; the likeliest one if none is clear."""
    probabilities = {
        label: p for label, p in _group(message, "rehearse").items() if is_move(label)
    }
    clear = [
        label
        for label, p in sorted(probabilities.items(), key=lambda x: -x[1])
        if p >= threshold
    ]
    if clear:
        return clear[:2]
    best = max(probabilities.items(), key=lambda x: x[1], default=None)
    return [best[0]] if best and best[1] >= floor else []


def rehearsal_view(message: Dict, pairs: Iterable[str]) -> Optional[Tuple[str, float]]:
    return best_intent(_group(message, "rehearse"), lambda label: True, pairs)
