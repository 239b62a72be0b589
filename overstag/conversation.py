"""What Overstag says around the coaching: greetings, help, thanks, a switch of
language, starting over, and a move typed outside a rehearsal."""

from __future__ import annotations

from overstag.coaching import content, messages, turns
from overstag.facts import (
    AFFIRM,
    ASK_DIFFERENT_OBJECTION,
    LANGUAGE_CHOICE_SLOT,
    LANGUAGE_SLOT,
    OBJECTIONS_SLOT,
    SHOWN_SLOT,
    SMALL_TALK_INTENTS,
    START_OVER,
    SWITCH_LANGUAGE,
)
from overstag.turn import Reply, Turn


def small_talk(turn: Turn) -> Reply:
    lang = turn.language
    material = content.load()
    intent = turn.intent
    reply = Reply().set(LANGUAGE_SLOT, lang)
    if intent == AFFIRM:
        if turns.objections(turn):
            return turns.another(turn)
        return reply.say(material.reply("affirm_no_context", lang))
    if intent == SWITCH_LANGUAGE:
        # asked for: it holds until the user asks for the other one
        reply.set(LANGUAGE_CHOICE_SLOT, lang)
        return reply.say(material.reply("language_switched", lang))
    if intent in (START_OVER, ASK_DIFFERENT_OBJECTION):
        key = "start_over" if intent == START_OVER else "ask_objection"
        reply.say(material.reply(key, lang))
        return reply.set(OBJECTIONS_SLOT, None).set(SHOWN_SLOT, None)
    if intent in SMALL_TALK_INTENTS:
        return reply.say(material.reply(intent, lang))
    if intent and intent.startswith("move_"):
        practise = messages.buttons(material, lang, messages.steps("practise"))
        return reply.say(material.reply("move_outside_rehearsal", lang), practise)
    return reply.say(material.reply("not_understood", lang))
