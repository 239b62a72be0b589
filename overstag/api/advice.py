"""From an NLU parse result to the advice the API returns; plain Python, no HTTP.

It reuses the chat's own modules (overstag.coaching picks the first
acknowledgement, concessions and warning exactly as the chat's first answer
does), so the API and the chat never disagree.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from overstag.coaching import advice as coaching
from overstag.coaching.content import Content
from overstag.facts import (
    CATEGORIES,
    DEFAULT_LANGUAGE,
    FALLBACK_INTENT,
    LANGUAGES,
    OBJECTIONS_KEY,
    categories_of,
)
from overstag.nlu.language import detect


def _probability(parse: Dict[str, Any], category: str, default: float) -> float:
    # the classifier's own probability per label, independent of a pair's shared score
    scores = (parse.get("label_probabilities") or {}).get("coach") or {}
    value = scores.get(category, default)
    return round(min(max(float(value), 0.0), 1.0), 3)


def suggest(
    material: Content, parse: Dict[str, Any], text: str, language: Optional[str]
) -> Dict[str, Any]:
    detected = (parse.get("language") or {}).get("code") or detect(text)[0]
    detected = detected if detected in LANGUAGES else None
    lang = language or detected or DEFAULT_LANGUAGE
    intent = parse.get("intent") or {}
    uncertain = intent.get("name") == FALLBACK_INTENT
    if uncertain:
        # what the classifier would have said had it been surer
        intent = next(
            (
                r
                for r in parse.get("intent_ranking") or []
                if r.get("name") != FALLBACK_INTENT
            ),
            {},
        )
    name = str(intent.get("name") or "none")
    confidence = round(min(max(float(intent.get("confidence") or 0.0), 0.0), 1.0), 3)
    # every objection the classifier heard, likeliest first (the parse's
    # `objections`); a parse without it (a payload) names them in its intent
    heard = parse.get(OBJECTIONS_KEY)
    categories = (
        [c for c in heard if c in CATEGORIES]
        if isinstance(heard, list)
        else categories_of(name)
    )
    objections = []
    for advice in coaching.coach(material, categories, lang, {}):
        note = (material.objections[advice.category].get("respect_note") or {}).get(
            lang
        )
        objections.append(
            {
                "category": advice.category,
                "label": advice.label,
                "confidence": _probability(parse, advice.category, confidence),
                "acknowledgement": advice.say,
                "concessions": [
                    {"id": cid, **{k: offer[k] for k in ("title", "say", "how")}}
                    for cid, offer in zip(
                        advice.concession_ids, advice.offers, strict=True
                    )
                ],
                "avoid": [advice.avoid] if advice.avoid else [],
                "note": note,
            }
        )
    # in the parse's order: likeliest concern first
    return {
        "language": lang,
        "detected_language": detected,
        "intent": {"name": name, "confidence": confidence},
        "uncertain": uncertain,
        "objections": objections,
    }
