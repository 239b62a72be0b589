"""Chat platforms get the text of a message, not Overstag's own payloads.

`overstag_email`, `overstag_scorecard` and `overstag_progress` are data for the web
page and REST tools; the text sent with each says the same to a person. Rasa would
post them to Slack or Teams as message fields the platform refuses.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from overstag import payloads


class TextOnly:
    """Mixed into an output channel, before Rasa's class."""

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        if payloads.is_own(json_message):
            return
        await super().send_custom_json(  # type: ignore[misc]
            recipient_id, json_message, **kwargs
        )
