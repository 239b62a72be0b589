"""What to suggest for one or more objections, never repeating within a conversation.

`Shown` records per category which acknowledgements, concessions and warnings
the interviewer has already seen; it travels in a Rasa slot as plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from overstag.coaching.content import Content
from overstag.facts import REFUSAL

Shown = Dict[str, Dict[str, List]]


@dataclass
class Advice:
    category: str
    label: str
    say: Optional[str] = None
    offers: List[Dict[str, str]] = field(default_factory=list)
    avoid: Optional[str] = None
    concession_ids: List[str] = field(default_factory=list)


def _next_unseen(count: int, seen: List[int]) -> Optional[int]:
    return next((i for i in range(count) if i not in seen), None)


def _entry(shown: Shown, category: str) -> Dict[str, List]:
    return shown.setdefault(category, {"acks": [], "concessions": [], "avoid": []})


def _take_concessions(
    content: Content,
    category: str,
    entry: Dict[str, List],
    count: int,
    offered: Set[str],
) -> List[str]:
    # a concession that fits two of the concerns is offered once, under the first
    fresh = [
        c
        for c in content.objections[category]["concessions"]
        if c not in entry["concessions"] and c not in offered
    ]
    taken = fresh[:count]
    entry["concessions"].extend(taken)
    offered.update(taken)
    return taken


def _advice(
    content: Content,
    category: str,
    lang: str,
    shown: Shown,
    offers: int,
    offered: Optional[Set[str]] = None,
) -> Optional[Advice]:
    material = content.objections[category]
    entry = _entry(shown, category)
    ack = _next_unseen(len(material["acknowledgements"][lang]), entry["acks"])
    avoid = _next_unseen(len(material["avoid"][lang]), entry["avoid"])
    ids = _take_concessions(
        content, category, entry, offers, set() if offered is None else offered
    )
    if not ids and ack is None:
        return None
    if ack is not None:
        entry["acks"].append(ack)
    if avoid is not None:
        entry["avoid"].append(avoid)
    return Advice(
        category=category,
        label=content.label(category, lang),
        say=material["acknowledgements"][lang][ack] if ack is not None else None,
        offers=[content.concession(cid, lang) for cid in ids],
        avoid=material["avoid"][lang][avoid] if avoid is not None else None,
        concession_ids=ids,
    )


def _respecting_a_no(categories: List[str]) -> List[str]:
    """A firm no heard first is still a no when other concerns come with it: no
    persuasion for the others. Heard after a concern, it is coached beside it."""
    return [REFUSAL] if categories[:1] == [REFUSAL] else categories


def coach(
    content: Content, categories: List[str], lang: str, shown: Shown
) -> List[Advice]:
    """First advice for newly raised objections: three offers for one, two each for
    several."""
    categories = _respecting_a_no(categories)
    offers = 3 if len(categories) == 1 else 2
    for category in categories:
        # the same objection raised again starts afresh rather than running dry
        shown.pop(category, None)
    offered: Set[str] = set()
    found = (_advice(content, c, lang, shown, offers, offered) for c in categories)
    return [a for a in found if a]


def another(
    content: Content, categories: List[str], lang: str, shown: Shown
) -> List[Advice]:
    """One more, unseen, suggestion per category; empty when all have been shown."""
    offered: Set[str] = set()
    found = (
        _advice(content, c, lang, shown, 1, offered)
        for c in _respecting_a_no(categories)
    )
    return [a for a in found if a]


def if_still_no(content: Content, categories: List[str], lang: str) -> List[str]:
    """Next steps once the concessions did not help; a refusal is simply respected."""
    if not categories or REFUSAL in categories:
        return list(content.objections[REFUSAL]["if_still_no"][lang])
    steps: List[str] = []
    for category in categories:
        steps.extend(
            s
            for s in content.objections[category]["if_still_no"][lang]
            if s not in steps
        )
    return steps
