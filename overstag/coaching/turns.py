"""What the coach answers: advice for the objections in a message, another
suggestion, what to do if they still say no, and which concern was meant."""

from __future__ import annotations

import logging
from typing import List, Optional

from overstag.coaching import advice as coaching
from overstag.coaching import content, messages
from overstag.coaching.advice import Advice
from overstag.facts import (
    ASK_DIFFERENT_OBJECTION,
    CATEGORIES,
    FALLBACK_INTENT,
    LANGUAGE_SLOT,
    OBJECTIONS_SLOT,
    REFUSAL,
    SHOWN_SLOT,
    categories_of,
)
from overstag.storage import storage
from overstag.turn import Reply, Turn

logger = logging.getLogger(__name__)


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
    categories = categories_of(turn.intent)
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


def clarify(turn: Turn) -> Reply:
    """Asks which of the two likeliest objections is meant instead of guessing."""
    lang = turn.language
    material = content.load()
    reply = Reply().set(LANGUAGE_SLOT, lang)
    names = [r.get("name") for r in turn.ranking if r.get("name") != FALLBACK_INTENT]
    options = [name for name in names[:2] if categories_of(name)]
    if not options:
        return reply.say(material.reply("not_understood", lang))

    def label(name: str) -> str:
        return " & ".join(material.label(c, lang) for c in categories_of(name))

    buttons = [{"title": label(n), "payload": f"/{n}"} for n in options]
    other = material.button("other", lang)
    buttons.append({"title": other, "payload": f"/{ASK_DIFFERENT_OBJECTION}"})
    if len(options) == 2:
        first, second = label(options[0]), label(options[1])
        text = material.reply("clarify", lang, first=first, second=second)
    else:
        text = material.reply("clarify_single", lang, first=label(options[0]))
    return reply.say(text, buttons)
