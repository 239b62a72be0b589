"""A message is answered or not stored, and a retried message is stored once.

Stock Rasa logs a failed call to the action server, carries on without the
action's events and stores the turn anyway, so the user's retry added the same
message a second time. Here a turn in which the action server could not run an
action is not saved: the user gets a short reply in their language saying so,
and the channel answers 503. A message whose `message_id` (the client's
idempotency key) is already stored is not handled again: the replies stored for
it the first time are sent instead.

Rasa also logged the action server's error body, which is the whole
conversation; the failure is re-raised here with only its kind and status.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional

from overstag.facts import LANGUAGE_SLOT
from overstag.nlu.language import reply_language

UNAVAILABLE_REPLY = "action_server_unavailable"


@dataclass
class Outcome:
    """What happened to one message, for the channel that sent it."""

    unavailable: bool = False
    reply: str = ""
    # the idempotency key the client sent; only then can the message be stored
    client_key: Optional[str] = None


_current: ContextVar[Optional[Outcome]] = ContextVar("overstag_turn", default=None)


def client_key() -> Optional[str]:
    """The idempotency key of the message being handled, if the client sent one."""
    outcome = _current.get()
    return outcome.client_key if outcome is not None else None


@contextlib.contextmanager
def watch(client_key: Optional[str] = None) -> Iterator[Outcome]:
    """The outcome of the message handled inside the block."""
    outcome = Outcome(client_key=client_key)
    token = _current.set(outcome)
    try:
        yield outcome
    finally:
        _current.reset(token)


def stored_replies(tracker: Any, message_id: str) -> Optional[List[Any]]:
    """The bot's utterances after the user message `message_id`, or None when
    no such message is stored."""
    from rasa.shared.core.events import BotUttered, UserUttered

    events = list(tracker.events) if tracker is not None else []
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered) and event.message_id == message_id:
            replies = []
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append(later)
            return replies
    return None


async def _read(processor: Any, sender_id: str) -> Any:
    store = processor.tracker_store
    read = getattr(store, "retrieve_for_reading", None) or store.retrieve
    return await read(sender_id)


def install() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.processor import MessageProcessor
    from rasa.shared.exceptions import RasaException

    from overstag.coaching import content

    run_remote = RemoteAction.run
    handle = MessageProcessor.handle_message
    save = MessageProcessor.save_tracker

    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await run_remote(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # a form refusing a value: part of a normal conversation
        except Exception as error:
            outcome = _current.get()
            if outcome is not None:
                outcome.unavailable = True
            cause = error.__cause__ or error
            status = getattr(cause, "status", None)
            raise RasaException(
                f"The action server did not run '{self.name()}' "
                f"({type(cause).__name__}{f', status {status}' if status else ''}); "
                "the turn is not stored."
            ) from None

    async def save_tracker(self: Any, tracker: Any) -> None:
        outcome = _current.get()
        if outcome is None or not outcome.unavailable:
            await save(self, tracker)

    async def handle_message(self: Any, message: Any) -> Any:
        token = None
        if _current.get() is None:  # not from a channel that watches: Slack, Teams
            token = _current.set(Outcome())
        outcome = _current.get()
        channel = message.output_channel
        try:
            # only a key the client chose can repeat; Rasa's own are fresh uuids
            stored = (
                stored_replies(await _read(self, message.sender_id), message.message_id)
                if outcome.client_key and outcome.client_key == message.message_id
                else None
            )
            if stored is not None:
                for event in stored:
                    await channel.send_response(
                        message.sender_id, {"text": event.text, **event.data}
                    )
            else:
                await handle(self, message)
        finally:
            if token is not None:
                _current.reset(token)
        if outcome.unavailable:
            tracker = await _read(self, message.sender_id)
            current = tracker.get_slot(LANGUAGE_SLOT) if tracker is not None else None
            language = reply_language({"text": message.text}, current)
            outcome.reply = content.load().reply(UNAVAILABLE_REPLY, language)
            if isinstance(channel, CollectingOutputChannel):
                channel.messages.clear()  # half an answer would read as a whole one
            await channel.send_text_message(message.sender_id, outcome.reply)
        if isinstance(channel, CollectingOutputChannel):
            return channel.messages
        return None

    RemoteAction.run = run
    MessageProcessor.save_tracker = save_tracker
    MessageProcessor.handle_message = handle_message
