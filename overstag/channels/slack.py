"""Slack, through Rasa's Slack connector with the gaps that matter here closed.

What Rasa 3.6's `SlackInput` already does and we keep: the signing-secret check
(HMAC of the body, timestamps older than five minutes refused), dropping bot
messages, stripping the bot's own @-mention.

What we change, and why:
- Retries. Rasa only drops a retry whose reason is `http_timeout`; any other
  retry is answered again, and Slack also delivers one message twice when it is
  both an `app_mention` and a thread `message`. We remember every message
  (channel + ts) and event id for an hour, the span of Slack's retries, and
  answer each once.
- Conversations. Rasa's `thread` granularity keys on `thread_ts or ts`, so every
  top-level direct message would start a new conversation. Here a direct message
  keeps one conversation per person, and a thread (started by a mention in a
  channel, or by replying in a thread) is a conversation of its own, answered in
  that thread, so a rehearsal can run there without @-mentioning every turn.
- Output. `**bold**` becomes Slack's `*bold*`, buttons may number up to Slack's
  limit of 25 instead of Rasa's old 5 (Rasa drops *all* buttons above five), and
  the Web API base URL is configurable so tests can use a local fake.
- Secrets come from the environment (overstag.settings), never from a file.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from overstag import settings
from overstag.accounts import ids
from overstag.channels import input_checks
from overstag.channels.ownership import owned
from overstag.channels.platform_payloads import TextOnly
from overstag.cluster.recent import SharedRecentKeys
from overstag.facts import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS

logger = logging.getLogger(__name__)


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


SLACK_MAX_BUTTONS = 25  # elements in one "actions" block
SLACK_MAX_BUTTON_TEXT = 75  # characters of a button label
SLACK_MAX_SECTION_TEXT = 3000
RETRY_WINDOW = 3600.0  # Slack retries for up to about an hour


def to_mrkdwn(text: str) -> str:
    """Our messages use Markdown **bold**; Slack's mrkdwn uses *bold*."""
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", text, flags=re.DOTALL)


class OverstagSlackBot(TextOnly, SlackBot):
    """Rasa's Slack output with a configurable API URL and Slack-flavoured
    formatting."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Optional[str] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(
            token, proxy=proxy, base_url=api_url or settings.slack_api_url()
        )

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        # `as_user` only exists for classic Slack apps; apps made today post as
        # their bot user anyway
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        await super()._post_message(channel, **kwargs)

    async def send_text_message(
        self, recipient_id: Text, text: Text, **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or recipient_id
        for part in text.strip().split("\n\n"):
            await self._post_message(channel=recipient, text=to_mrkdwn(part))

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        **kwargs: Any,
    ) -> None:
        recipient = self.slack_channel or recipient_id
        text = to_mrkdwn(text)
        blocks: List[Dict[str, Any]] = [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": text[:SLACK_MAX_SECTION_TEXT]},
            }
        ]
        elements = [
            {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": str(b["title"])[:SLACK_MAX_BUTTON_TEXT],
                },
                "value": str(b["payload"]),
            }
            for b in buttons[:SLACK_MAX_BUTTONS]
            if b.get("payload")
        ]
        if elements:
            blocks.append({"type": "actions", "elements": elements})
        # `text` is the notification and screen-reader fallback for the blocks
        await self._post_message(channel=recipient, text=text, blocks=blocks)


class OverstagSlackInput(SlackInput):
    """/webhooks/slack/webhook: Slack's Events API and button clicks."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not settings.slack_enabled():
            raise RasaException(
                "The Slack channel needs OVERSTAG_SLACK_BOT_TOKEN and "
                "OVERSTAG_SLACK_SIGNING_SECRET."
            )
        return cls(
            settings.slack_bot_token(),
            slack_signing_secret=settings.slack_signing_secret(),
            proxy=(credentials or {}).get("proxy"),
        )

    def __init__(
        self,
        slack_token: Text,
        slack_signing_secret: Text = "",
        proxy: Optional[Text] = None,
        api_url: Optional[str] = None,
    ) -> None:
        super().__init__(
            slack_token,
            proxy=proxy,
            use_threads=True,
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            slack_signing_secret=slack_signing_secret,
            conversation_granularity="thread",
        )
        self.api_url = api_url or settings.slack_api_url()
        self.seen = SharedRecentKeys(RETRY_WINDOW, "slack")
        self.threads: Set[str] = set()  # conversations Overstag takes part in, by id
        self.tasks: Set[asyncio.Task] = (
            set()
        )  # messages being answered in the background

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return OverstagSlackBot(
            self.slack_token,
            channel or self.slack_channel,
            thread_id,
            self.proxy,
            self.api_url,
        )

    # -- conversations ----------------------------------------------------------
    @staticmethod
    def conversation(
        team: str,
        user: str,
        channel: str,
        is_dm: bool,
        thread_ts: Optional[str],
        ts: Optional[str],
    ) -> Tuple[str, Optional[str]]:
        """(conversation id, thread to answer in) for a message or click.

        A direct message outside a thread belongs to the person's one running
        conversation and is answered in place; anything else is answered in its
        thread (a mention at the top of a channel starts one) and is keyed on it.
        Both are in the workspace's namespace ("slack:<team>:..."), which no other
        channel can name.
        """
        if is_dm and not thread_ts:
            return ids.namespaced("slack", team, user), None
        root = thread_ts or ts
        return ids.namespaced("slack", team, f"{user}_{channel}_{root}"), root

    @staticmethod
    def team_of(body: Dict[str, Any]) -> str:
        """The workspace of an event (team_id) or a click (team.id)."""
        team = body.get("team_id") or _dict(body.get("team")).get("id")
        if not team:
            team = _dict(body.get("user")).get("team_id")
        return team if isinstance(team, str) and team.isalnum() else "_"

    async def _known_conversation(self, request: Request, conversation_id: str) -> bool:
        if conversation_id in self.threads:
            return True
        try:
            # after a restart the tracker store still knows the thread
            known = await request.app.ctx.agent.tracker_store.exists(conversation_id)
        except Exception as error:
            logger.error(
                "Could not look up Slack conversation %s (%s)",
                conversation_id,
                type(error).__name__,
            )
            return False
        if known:
            self.threads.add(conversation_id)
        return bool(known)

    # -- handling ---------------------------------------------------------------
    def _dispatch(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        conversation_id: str,
        channel: str,
        thread: Optional[str],
        metadata: Dict[str, Any],
        owner: str,
    ) -> None:
        """Hands the message to Rasa in the background: Slack wants an answer
        within 3 s."""
        # refused here (a 400) rather than failing in the background task
        conversation_id = input_checks.checked_text(
            conversation_id, "conversation", MAX_SENDER_CHARS, identifier=True
        )
        text = input_checks.checked_text(text, "text", MAX_MESSAGE_CHARS)
        message = UserMessage(
            text,
            self.get_output_channel(channel, thread),
            conversation_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        task = asyncio.create_task(owned(on_new_message, message, owner, "slack"))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    @staticmethod
    def _bot_users(body: Dict[str, Any]) -> List[str]:
        users = [u for u in body.get("authed_users") or [] if isinstance(u, str)]
        for authorization in body.get("authorizations") or []:
            if isinstance(authorization, dict) and isinstance(
                authorization.get("user_id"), str
            ):
                users.append(authorization["user_id"])
        return users

    async def _on_event(
        self,
        request: Request,
        body: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        event = body.get("event")
        if (
            not isinstance(event, dict)
            or not self._is_user_message(body)
            or event.get("subtype") not in (None, "thread_broadcast")
        ):
            return response.text("ignored")
        text, user, channel, ts = (
            event.get(k) for k in ("text", "user", "channel", "ts")
        )
        thread_ts = event.get("thread_ts")
        if not all(isinstance(v, str) and v for v in (text, user, channel, ts)) or (
            thread_ts is not None and not isinstance(thread_ts, str)
        ):
            return response.text("ignored")
        bots = self._bot_users(body)
        if user in bots:
            return response.text("ignored")
        is_dm = event.get("channel_type") == "im"
        team = self.team_of(body)
        conversation_id, thread = self.conversation(
            team, user, channel, is_dm, thread_ts, ts
        )
        if not is_dm and event.get("type") != "app_mention":
            # a channel message without a mention counts only inside a thread
            # Overstag is in
            if not thread_ts or not await self._known_conversation(
                request, conversation_id
            ):
                return response.text("ignored")
        # one message can arrive as a retry, or as both `app_mention` and `message`
        if not await self.seen.add(
            f"msg:{channel}:{ts}", f"event:{body.get('event_id') or ''}"
        ):
            logger.info(
                "Slack sent message %s:%s again (retry %s); not answering twice",
                channel,
                ts,
                request.headers.get(self.retry_num_header),
            )
            return response.text("duplicate", headers={"X-Slack-No-Retry": "1"})
        if thread:
            self.threads.add(conversation_id)
        metadata = {"out_channel": channel, "thread_id": thread, "users": bots}
        self._dispatch(
            on_new_message,
            self._sanitize_user_message(text, bots),
            conversation_id,
            channel,
            thread,
            metadata,
            ids.namespaced("slack", team, user),
        )
        return response.text("")

    async def _on_interaction(
        self,
        payload: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        actions = payload.get("actions")
        user = (
            (payload.get("user") or {}).get("id")
            if isinstance(payload.get("user"), dict)
            else None
        )
        channel = (
            (payload.get("channel") or {}).get("id")
            if isinstance(payload.get("channel"), dict)
            else None
        )
        message = (
            payload.get("message") if isinstance(payload.get("message"), dict) else {}
        )
        if not (
            isinstance(actions, list)
            and actions
            and isinstance(actions[0], dict)
            and isinstance(user, str)
            and isinstance(channel, str)
        ):
            return response.json(
                {"error": "not a button click Overstag understands"}, status=400
            )
        if not self._is_interactive_message(payload):
            return response.text("ignored")
        value = self._get_interactive_response(actions[0])
        if not isinstance(value, str) or not value:
            return response.text("ignored")  # e.g. a link button
        if not await self.seen.add(
            f"action:{payload.get('trigger_id') or actions[0].get('action_ts')}"
        ):
            return response.text("duplicate", headers={"X-Slack-No-Retry": "1"})
        thread_ts = (
            message.get("thread_ts")
            if isinstance(message.get("thread_ts"), str)
            else None
        )
        ts = message.get("ts") if isinstance(message.get("ts"), str) else None
        # direct-message channel ids start with D
        team = self.team_of(payload)
        conversation_id, thread = self.conversation(
            team, user, channel, channel.startswith("D"), thread_ts, ts
        )
        if thread:
            self.threads.add(conversation_id)
        metadata = {"out_channel": channel, "thread_id": thread, "users": [user]}
        self._dispatch(
            on_new_message,
            value,
            conversation_id,
            channel,
            thread,
            metadata,
            ids.namespaced("slack", team, user),
        )
        return response.text("")

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        slack_webhook = Blueprint("overstag_slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            # Rasa's check: HMAC-SHA256 over "v0:<timestamp>:<body>", timestamp
            # within 5 minutes
            if not self.is_request_from_slack_authentic(request):
                return response.json(
                    {
                        "error": (
                            "The request is not signed by Slack, "
                            "or the signature is stale."
                        )
                    },
                    status=HTTPStatus.UNAUTHORIZED,
                )
            content_type = (
                (request.headers.get("content-type") or "")
                .split(";")[0]
                .strip()
                .lower()
            )
            try:
                if content_type == "application/json":
                    body = json.loads(request.body or b"null")
                    if not isinstance(body, dict):
                        raise ValueError("not an object")
                    if body.get("type") == "url_verification":
                        return response.json({"challenge": body.get("challenge")})
                    return await self._on_event(request, body, on_new_message)
                if content_type == "application/x-www-form-urlencoded":
                    payload = json.loads((request.form.get("payload") or "null"))
                    if not isinstance(payload, dict):
                        raise ValueError("no payload object")
                    return await self._on_interaction(payload, on_new_message)
            except (ValueError, TypeError) as error:
                return response.json(
                    {"error": f"Cannot read the request: {error}"}, status=400
                )
            # an odd but signed request must not become a 500
            except Exception as error:
                logger.error(
                    "Could not handle a Slack request (%s)", type(error).__name__
                )
                return response.json({"error": "Cannot read the request."}, status=400)
            return response.json({"error": "Unsupported content type."}, status=415)

        return slack_webhook
