"""Chat messages for advice: plain text with light **bold**, readable in every channel.

What the interviewer can say goes in a message of its own, so it can be copied
as it is.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from overstag import payloads
from overstag.coaching.advice import Advice
from overstag.coaching.content import Content

Message = Dict[str, object]
Steps = Tuple[Tuple[str, str], ...]  # (button label key, payload)
NEXT_STEPS: Steps = (
    ("another_suggestion", "/ask_another_suggestion"),
    ("practise", "/start_rehearsal"),
    ("still_no", "/still_no"),
    ("different_objection", "/ask_different_objection"),
    ("start_over", "/start_over"),
)


REHEARSAL_STEPS: Steps = (
    ("hint", "/hint"),
    ("retry", "/retry_turn"),
    ("stop", "/stop_rehearsal"),
)
AFTER_REHEARSAL: Steps = (
    ("practise_again", "/start_rehearsal"),
    ("progress", "/my_progress"),
    ("start_over", "/start_over"),
)


def steps(*names: str) -> Steps:
    """The next-step buttons with these names, in NEXT_STEPS order."""
    return tuple(step for step in NEXT_STEPS if step[0] in names)


def buttons(
    content: Content, lang: str, keys: Steps = NEXT_STEPS
) -> List[Dict[str, str]]:
    return [
        {"title": content.button(key, lang), "payload": payload}
        for key, payload in keys
    ]


def advice_messages(
    content: Content, advice: Advice, lang: str, lead: str = ""
) -> List[Message]:
    """`lead` (an intro or the objection's label) shares a bubble with the heading."""
    messages: List[Message] = []
    if advice.say:
        heading = f"**{content.reply('heading_say', lang)}**"
        messages.append({"text": f"{lead}\n{heading}" if lead else heading})
        messages.append(
            {"text": advice.say, "json_message": payloads.marks([advice.say])}
        )
    elif lead:
        messages.append({"text": lead})
    lines: List[str] = []
    if advice.offers:
        lines.append(f"**{content.reply('heading_offer', lang)}**")
        # "Tip" reads the same in Dutch and English
        lines.extend(
            f"• **{o['title']}**: {o['say']}\n   Tip: {o['how']}" for o in advice.offers
        )
    if advice.avoid:
        lines.append(f"**{content.reply('heading_avoid', lang)}**")
        lines.append(f"• {advice.avoid}")
    if lines:
        message: Message = {"text": "\n".join(lines)}
        if advice.offers:
            message["json_message"] = payloads.marks(
                [o["say"] for o in advice.offers], [o["title"] for o in advice.offers]
            )
        messages.append(message)
    return messages


def intro(content: Content, advice: List[Advice], lang: str) -> str:
    labels = [a.label for a in advice]
    if len(labels) == 1:
        return content.reply("coach_intro", lang, label=labels[0])
    joiner = " & " if len(labels) == 2 else ", "
    return content.reply("coach_intro_multi", lang, labels=joiner.join(labels))
