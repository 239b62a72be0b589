"""What the coach answers: advice for the objections in a message, another
suggestion, what to do if they still say no, and which concern was meant."""

from __future__ import annotations

import json
import logging
from typing import List, Optional

from overstag.coaching import advice as coaching
from overstag.coaching import content, messages
from overstag.coaching.advice import Advice
from overstag.facts import (
    ALSO_OBJECTION,
    ASK_DIFFERENT_OBJECTION,
    CATEGORIES,
    LANGUAGE_SLOT,
    OBJECTIONS_SLOT,
    REFUSAL,
    SHOWN_SLOT,
    UNCLEAR_HESITATION,
)
from overstag.nlu import intent_views
from overstag.storage import storage
from overstag.turn import Reply, Turn

logger = logging.getLogger(__name__)
# an objection less likely than this is not worth offering as a guess
CLARIFY_FLOOR = 0.12


def _record(
    turn: Turn,
    kind: str,
    advice: List[Advice],
    lang: str,
    confidence: Optional[float] = None,
) -> None:
    try:
        for item in advice:
            storage().coaching.record(
                turn.conversation_id,
                kind,
                item.category,
                lang,
                item.concession_ids,
                confidence,
            )
    except Exception as error:
        # the advice already went out, which matters more than its record
        logger.error("Could not record coaching (%s)", type(error).__name__)


def shown(turn: Turn) -> coaching.Shown:
    value = turn.slot(SHOWN_SLOT)
    return dict(value) if isinstance(value, dict) else {}


def objections(turn: Turn) -> List[str]:
    """The objections coached last in this conversation."""
    value = turn.slot(OBJECTIONS_SLOT)
    return [c for c in value if c in CATEGORIES] if isinstance(value, list) else []


def _advice(
    reply: Reply,
    material: content.Content,
    advice: List[Advice],
    lang: str,
    intro: str,
) -> Reply:
    for number, item in enumerate(advice):
        lead = intro if number == 0 else ""
        if len(advice) > 1:
            lead = "\n".join(filter(None, [lead, f"— **{item.label}** —"]))
        for message in messages.advice_messages(material, item, lang, lead):
            reply.say(**message)
    return reply.say(
        material.reply("next_step", lang), messages.buttons(material, lang)
    )


def coach(turn: Turn) -> Reply:
    """First advice for the objections the latest message names."""
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    categories = turn.objections
    seen = shown(turn)
    advice = coaching.coach(material, categories, lang, seen)
    if not advice:
        return reply.say(material.reply("ask_objection", lang))
    intro = messages.intro(material, advice, lang)
    if REFUSAL in categories:
        intro += "\n" + material.objections[REFUSAL]["respect_note"][lang]
    _advice(reply, material, advice, lang, intro)
    _record(turn, "coach", advice, lang, turn.confidence)
    return reply.set(OBJECTIONS_SLOT, categories).set(SHOWN_SLOT, seen)


def another(turn: Turn) -> Reply:
    """One more suggestion for the current objections, or say that there is none."""
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    categories = objections(turn)
    if not categories:
        return reply.say(material.reply("ask_objection", lang))
    seen = shown(turn)
    advice = coaching.another(material, categories, lang, seen)
    if not advice:
        steps = messages.steps(
            "practise", "still_no", "different_objection", "start_over"
        )
        return reply.say(
            material.reply("no_more_suggestions", lang),
            messages.buttons(material, lang, steps),
        )
    labels = " & ".join(a.label for a in advice)
    intro = material.reply("another_intro", lang, label=labels)
    _advice(reply, material, advice, lang, intro)
    _record(turn, "another", advice, lang)
    return reply.set(SHOWN_SLOT, seen)


def still_no(turn: Turn) -> Reply:
    """Next steps once the concessions did not help."""
    lang = turn.language
    material = content.load()
    categories = objections(turn)
    steps = coaching.if_still_no(material, categories, lang)
    heading = f"**{material.reply('heading_still_no', lang)}**"
    buttons = messages.steps("practise", "different_objection", "start_over")
    reply = Reply().say(
        "\n".join([heading] + [f"• {s}" for s in steps]),
        messages.buttons(material, lang, buttons),
    )
    for category in categories or [REFUSAL]:
        label = material.label(category, lang)
        _record(turn, "still_no", [Advice(category, label)], lang)
    return reply.set(LANGUAGE_SLOT, lang)


def _likeliest(turn: Turn) -> List[str]:
    """The two likeliest objections by their own probability, if at all likely."""
    scores = intent_views.coach_scores(turn.message)
    ranked = sorted(
        (c for c in CATEGORIES if scores.get(c, 0) >= CLARIFY_FLOOR),
        key=lambda c: -scores[c],
    )
    if ranked or scores:
        return ranked[:2]
    # a message the classifier did not score (a test, an old model): the ranking
    names = [r.get("name") for r in turn.ranking]
    return [n for n in names if n in CATEGORIES][:2]


def clarify(turn: Turn) -> Reply:
    """Asks which concern is meant instead of guessing: the two likeliest, both,
    or something else; an open question when nothing points anywhere."""
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    options = [] if turn.intent == UNCLEAR_HESITATION else _likeliest(turn)
    if not options:
        return reply.say(material.reply("clarify_open", lang))
    buttons = [{"title": material.label(c, lang), "payload": f"/{c}"} for c in options]
    if len(options) == 2:
        first, second = options
        both = json.dumps({ALSO_OBJECTION: second})
        buttons.append(
            {"title": material.button("both", lang), "payload": f"/{first}{both}"}
        )
    other = material.button("other", lang)
    buttons.append({"title": other, "payload": f"/{ASK_DIFFERENT_OBJECTION}"})
    labels = [material.label(c, lang) for c in options]
    if len(options) == 2:
        text = material.reply("clarify", lang, first=labels[0], second=labels[1])
    else:
        text = material.reply("clarify_single", lang, first=labels[0])
    return reply.say(text, buttons)
