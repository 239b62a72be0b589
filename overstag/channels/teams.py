"""Microsoft Teams (and other Bot Framework channels), built on Rasa's
botframework connector.

Rasa 3.6's `BotFrameworkInput` falls short in ways that matter for a bot that
is reachable from the internet:
- it downloads Microsoft's signing keys synchronously in its constructor, so
  the server cannot even start offline, and the key source is hard-coded;
- it checks signature and audience but not the issuer, the key's endorsement
  for the channel, or the `serviceurl` claim; the last one matters because the
  bot sends its own access token to whatever `serviceUrl` an activity names;
- it always asks the multi-tenant token endpoint (botframework.com), which
  single-tenant Azure bots, the default today, cannot use;
- it posts replies with blocking `requests` calls inside the event loop;
- its hero-card buttons are Rasa's {title, payload} dicts, which are not valid
  Bot Framework card actions, and channel @-mentions stay in the text.

`TeamsInput` keeps Rasa's URL (/webhooks/botframework/webhook) and message
handling and replaces those parts. Keys come from an injectable `KeySource`
(by default the OpenID document at OVERSTAG_TEAMS_OPENID_URL, fetched
asynchronously, cached for a day and refetched when an unknown key id appears).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import logging
import re
import time
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from overstag import settings
from overstag.accounts import ids
from overstag.channels import input_checks
from overstag.channels.ownership import owned
from overstag.channels.platform_payloads import TextOnly
from overstag.cluster.recent import SharedRecentKeys
from overstag.facts import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS
from overstag.storage import storage

logger = logging.getLogger(__name__)
RETRY_WINDOW = 3600.0  # a re-delivered activity is answered once within this

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
CLOCK_SKEW = 300  # seconds, as Microsoft's own SDKs allow
KEY_CACHE = 24 * 3600
MIN_REFETCH = 300  # an unknown key id triggers a refetch at most this often
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)


class AuthError(Exception):
    """An activity that must not be processed; `status` is 401 or 403."""

    def __init__(self, message: str, status: int = HTTPStatus.UNAUTHORIZED) -> None:
        super().__init__(message)
        self.status = status


# -- signing keys -----------------------------------------------------------------
class KeySource:
    """Where the public keys that sign incoming activities come from."""

    async def key(self, kid: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError


class StaticKeySource(KeySource):
    """A fixed JWKS, for tests and air-gapped set-ups."""

    def __init__(self, jwks: Dict[str, Any]) -> None:
        self.keys = {k["kid"]: k for k in jwks.get("keys", []) if "kid" in k}

    async def key(self, kid: str) -> Optional[Dict[str, Any]]:
        return self.keys.get(kid)


class OpenIdKeySource(KeySource):
    """Keys named by an OpenID configuration document (`jwks_uri`), fetched lazily."""

    def __init__(self, openid_url: str) -> None:
        self.openid_url = openid_url
        self.keys: Dict[str, Dict[str, Any]] = {}
        self.fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
            async with session.get(self.openid_url) as reply:
                reply.raise_for_status()
                jwks_uri = (await reply.json(content_type=None))["jwks_uri"]
            async with session.get(jwks_uri) as reply:
                reply.raise_for_status()
                keys = (await reply.json(content_type=None))["keys"]
        self.keys = {k["kid"]: k for k in keys if isinstance(k, dict) and "kid" in k}
        self.fetched_at = time.monotonic()

    async def key(self, kid: str) -> Optional[Dict[str, Any]]:
        age = time.monotonic() - self.fetched_at
        if age > KEY_CACHE or (kid not in self.keys and age > MIN_REFETCH):
            async with self._lock:
                if time.monotonic() - self.fetched_at > MIN_REFETCH:
                    try:
                        await self._fetch()
                    # keep the old keys; the request fails below if it must
                    except Exception as error:
                        logger.warning(
                            "Could not fetch Bot Framework keys from %s: %s",
                            self.openid_url,
                            error,
                        )
                        self.fetched_at = time.monotonic() - KEY_CACHE + MIN_REFETCH
        return self.keys.get(kid)


# -- the bot's own token, for replies ---------------------------------------------
class BotTokenProvider:
    """Client-credentials token from Microsoft's identity platform, cached until
    shortly before expiry.

    Single-tenant bots must use their tenant's endpoint; multi-tenant ones use
    `botframework.com`, as Rasa does.
    """

    def __init__(
        self,
        app_id: str,
        app_password: str,
        tenant_id: str = "",
        login_url: Optional[str] = None,
    ) -> None:
        self.app_id, self.app_password = app_id, app_password
        base = login_url or settings.teams_login_url()
        self.token_url = f"{base}/{tenant_id or 'botframework.com'}/oauth2/v2.0/token"
        self._token: Optional[str] = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> Optional[str]:
        async with self._lock:
            if self._token and time.monotonic() < self._expires:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.app_password,
                "scope": BOT_FRAMEWORK_SCOPE,
            }
            try:
                async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                    async with session.post(self.token_url, data=form) as reply:
                        data = await reply.json(content_type=None)
                        if reply.status != 200 or "access_token" not in data:
                            logger.error(
                                "No Bot Framework token from %s: %s %s",
                                self.token_url,
                                reply.status,
                                data,
                            )
                            return None
            except Exception as error:
                logger.error(
                    "No Bot Framework token from %s: %s", self.token_url, error
                )
                return None
            self._token = data["access_token"]
            self._expires = time.monotonic() + max(
                int(data.get("expires_in", 3600)) - 120, 30
            )
            return self._token


# -- output -------------------------------------------------------------------------
class TeamsBot(TextOnly, BotFramework):
    """Replies through the Bot Connector at the activity's (verified) serviceUrl."""

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        conversation: Dict[Text, Any],
        bot: Text,
        service_url: Text,
        tokens: BotTokenProvider,
        buttons: str = "card",
        reply_to: Optional[str] = None,
        remember_buttons: Optional[Callable[[List[Dict[str, Any]]], None]] = None,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.tokens, self.buttons, self.reply_to = tokens, buttons, reply_to
        self.remember_buttons = remember_buttons
        # messages the Bot Connector did not take: a reminder sent on its own must
        # know, to try again later
        self.failures = 0

    @staticmethod
    def markdown(text: str) -> str:
        # Teams joins single line breaks; a blank line keeps each bullet on its own line
        return re.sub(r"(?<!\n)\n(?!\n)", "\n\n", text.strip())

    def prepare_message(
        self, recipient_id: Text, message_data: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        message = super().prepare_message(recipient_id, message_data)
        message.setdefault("textFormat", "markdown")
        if self.reply_to:
            message.setdefault("replyToId", self.reply_to)
        return message

    async def send(self, message_data: Dict[Text, Any]) -> None:
        conversation_id = quote(str(self.conversation["id"]), safe="")
        url = f"{self.global_uri}conversations/{conversation_id}/activities"
        token = await self.tokens.token()
        if not token:
            logger.error("Not replying on Teams: the bot has no access token")
            self.failures += 1
            return
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                async with session.post(
                    url, data=json.dumps(message_data), headers=headers
                ) as reply:
                    if reply.status >= 300:
                        self.failures += 1
                        logger.error(
                            "The Bot Connector refused a reply: %s %s",
                            reply.status,
                            await reply.text(),
                        )
        except Exception as error:
            self.failures += 1
            logger.error("Could not reach the Bot Connector at %s: %s", url, error)

    async def send_text_message(
        self, recipient_id: Text, text: Text, **kwargs: Any
    ) -> None:
        await self.send(
            self.prepare_message(recipient_id, {"text": self.markdown(text)})
        )

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        **kwargs: Any,
    ) -> None:
        buttons = [b for b in buttons if b.get("payload") and b.get("title")]
        if self.buttons == "suggested":
            # Teams shows suggested actions in one-to-one chats only, and only as
            # imBack: the button's title is sent back as text and mapped to its
            # payload on arrival
            if self.remember_buttons:
                self.remember_buttons(buttons)
            message = {
                "text": self.markdown(text),
                "suggestedActions": {
                    "actions": [
                        {"type": "imBack", "title": b["title"], "value": b["title"]}
                        for b in buttons
                    ]
                },
            }
        else:
            # messageBack sends the payload to the bot but shows the title in the chat
            card = {
                "text": self.markdown(text),
                "buttons": [
                    {
                        "type": "messageBack",
                        "title": b["title"],
                        "text": b["payload"],
                        "displayText": b["title"],
                        "value": {"payload": b["payload"]},
                    }
                    for b in buttons
                ],
            }
            message = {
                "attachments": [
                    {
                        "contentType": "application/vnd.microsoft.card.hero",
                        "content": card,
                    }
                ]
            }
        await self.send(self.prepare_message(recipient_id, message))


# -- input --------------------------------------------------------------------------
MENTION = re.compile(r"<at>([^<]*)</at>", re.IGNORECASE)


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


class TeamsInput(BotFrameworkInput):
    """/webhooks/botframework/webhook: activities from the Bot Connector."""

    @classmethod
    def name(cls) -> Text:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not settings.teams_enabled():
            raise RasaException(
                "The Teams channel needs OVERSTAG_TEAMS_APP_ID and "
                "OVERSTAG_TEAMS_APP_PASSWORD."
            )
        return cls(
            settings.teams_app_id(),
            settings.teams_app_password(),
            settings.teams_tenant_id(),
            buttons=settings.teams_buttons(),
        )

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        tenant_id: str = "",
        key_source: Optional[KeySource] = None,
        tokens: Optional[BotTokenProvider] = None,
        buttons: str = "card",
        issuer: str = BOT_FRAMEWORK_ISSUER,
    ) -> None:
        # Rasa's constructor fetches Microsoft's keys right here; we fetch them on
        # first use
        self.app_id, self.app_password, self.tenant_id = app_id, app_password, tenant_id
        self.jwt_keys: Dict[Text, Any] = {}
        self.jwt_update_time = datetime.datetime.now()
        self.key_source = key_source or OpenIdKeySource(settings.teams_openid_url())
        self.tokens = tokens or BotTokenProvider(app_id, app_password, tenant_id)
        self.buttons, self.issuer = buttons, issuer
        self.seen = SharedRecentKeys(RETRY_WINDOW, "teams")
        self.offered: Dict[
            str, Dict[str, str]
        ] = {}  # conversation -> button title -> payload
        self._background_tasks: Set[asyncio.Task] = set()

    def _update_cached_jwk_keys(
        self,
    ) -> None:  # pragma: no cover - Rasa's blocking fetch, unused
        raise NotImplementedError("keys come from the key source")

    async def verify(self, auth_header: Optional[str]) -> Dict[str, Any]:
        """The token's claims, after checking signature, issuer, audience and
        lifetime."""
        match = re.fullmatch(r"Bearer\s+(\S+)", (auth_header or "").strip())
        if not match:
            raise AuthError("No Bearer token in the Authorization header.")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("The token is not a JWT.") from None
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            raise AuthError("The token must be RS256-signed and name its key.")
        jwk = await self.key_source.key(header["kid"])
        if not jwk:
            raise AuthError("The token is signed with an unknown key.")
        try:
            claims = jwt.decode(
                token,
                key=RSAAlgorithm.from_jwk(json.dumps(jwk)),
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise AuthError(f"The token is not valid: {error}") from None
        claims["_endorsements"] = jwk.get("endorsements")
        return claims

    def check_activity(self, claims: Dict[str, Any], activity: Dict[str, Any]) -> None:
        """What the token says must match what the activity says."""
        endorsements = claims.get("_endorsements")
        if endorsements is not None and activity.get("channelId") not in endorsements:
            raise AuthError("The signing key is not endorsed for this channel.")
        service_url = activity.get("serviceUrl")
        claimed = claims.get("serviceurl") or claims.get("serviceUrl")
        if (
            not isinstance(service_url, str)
            or not isinstance(claimed, str)
            or service_url.rstrip("/").lower() != claimed.rstrip("/").lower()
        ):
            # our own access token goes to serviceUrl with every reply
            raise AuthError("The activity's serviceUrl is not the one in the token.")
        if self.tenant_id and activity.get("channelId") == "msteams":
            tenant = _dict(_dict(activity.get("channelData")).get("tenant")).get(
                "id"
            ) or _dict(activity.get("conversation")).get("tenantId")
            if tenant != self.tenant_id:
                raise AuthError(
                    "This bot serves one Microsoft 365 tenant, and it is not this one.",
                    HTTPStatus.FORBIDDEN,
                )

    @staticmethod
    def conversation_id(activity: Dict[str, Any]) -> str:
        """One conversation per person in a personal chat (as Rasa does), and per
        person per channel thread or group chat elsewhere; in the tenant's
        namespace ("teams:<tenant>:..."), which no other channel can name."""
        sender = str(activity["from"]["id"])
        conversation = activity["conversation"]
        tenant = TeamsInput.tenant_of(activity)
        if conversation.get("conversationType") in (None, "personal"):
            return ids.namespaced("teams", tenant, sender)
        digest = hashlib.sha256(str(conversation.get("id")).encode()).hexdigest()[:16]
        return ids.namespaced("teams", tenant, f"{sender}_{digest}")

    @staticmethod
    def tenant_of(activity: Dict[str, Any]) -> str:
        tenant = _dict(activity.get("conversation")).get("tenantId") or _dict(
            _dict(activity.get("channelData")).get("tenant")
        ).get("id")
        return str(tenant) if tenant else "_"

    @staticmethod
    def user_of(activity: Dict[str, Any]) -> str:
        tenant = TeamsInput.tenant_of(activity)
        return ids.namespaced("teams", tenant, str(activity["from"]["id"]))

    @staticmethod
    def message_text(activity: Dict[str, Any]) -> str:
        """The text without @-mentions of the bot (Teams puts <at>Name</at> in it)."""
        text = activity.get("text") if isinstance(activity.get("text"), str) else ""
        bot = _dict(activity.get("recipient")).get("id")
        entities = (
            activity.get("entities")
            if isinstance(activity.get("entities"), list)
            else []
        )
        for entity in map(_dict, entities):
            if (
                entity.get("type") == "mention"
                and _dict(entity.get("mentioned")).get("id") == bot
                and isinstance(entity.get("text"), str)
                and entity["text"]
            ):
                text = text.replace(entity["text"], " ")
        # other people's mentions keep their name, without the markup
        return MENTION.sub(lambda m: m.group(1), text).strip()

    def _remember(self, conversation_id: str) -> Callable[[List[Dict[str, Any]]], None]:
        def remember(buttons: List[Dict[str, Any]]) -> None:
            self.offered[conversation_id] = {
                str(b["title"]).strip().lower(): str(b["payload"]) for b in buttons
            }
            while len(self.offered) > 10_000:
                self.offered.pop(next(iter(self.offered)))

        return remember

    @staticmethod
    def address_of(activity: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        """The conversation reference of a personal chat, where the bot may write
        first (reminders); None elsewhere: a channel thread is not a direct message."""
        conversation = _dict(activity.get("conversation"))
        if conversation.get("conversationType") not in (None, "personal"):
            return None
        return {
            "serviceUrl": activity["serviceUrl"],
            "conversation": {
                k: conversation[k]
                for k in ("id", "tenantId", "conversationType")
                if k in conversation
            },
            "bot": _dict(activity.get("recipient")),
            "user": {"id": str(activity["from"]["id"])},
        }

    async def _remember_and_answer(
        self,
        activity: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message: UserMessage,
    ) -> None:
        user = self.user_of(activity)
        address = self.address_of(activity)
        if address is not None:
            try:
                await asyncio.to_thread(
                    storage().addresses.save, user, "teams", address
                )
            except Exception as error:
                # the answer matters more than a later reminder's address
                logger.error(
                    "Could not save a Teams address (%s)", type(error).__name__
                )
        await owned(on_new_message, message, user, "teams")

    def _handle(
        self,
        activity: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        conversation_id = self.conversation_id(activity)
        text = self.message_text(activity)
        # a suggested-action click arrives as the title; turn it back into the payload
        text = self.offered.get(conversation_id, {}).get(text.lower(), text)
        if not text:
            return
        # refused here (a 400) rather than failing in the background task
        conversation_id = input_checks.checked_text(
            conversation_id, "conversation", MAX_SENDER_CHARS, identifier=True
        )
        text = input_checks.checked_text(text, "text", MAX_MESSAGE_CHARS)
        out = TeamsBot(
            self.app_id,
            self.app_password,
            activity["conversation"],
            activity.get("recipient"),
            activity["serviceUrl"],
            self.tokens,
            self.buttons,
            activity.get("id"),
            self._remember(conversation_id),
        )
        metadata = self.add_attachments_to_metadata(activity, None)
        message = UserMessage(
            text, out, conversation_id, input_channel=self.name(), metadata=metadata
        )
        # answer the Bot Connector at once; the replies follow through its REST API
        task = asyncio.create_task(
            self._remember_and_answer(activity, on_new_message, message)
        )
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook_blueprint = Blueprint("overstag_teams_webhook", __name__)

        @webhook_blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook_blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                claims = await self.verify(request.headers.get("Authorization"))
            except AuthError as error:
                logger.warning("Refused a Bot Framework request: %s", error)
                return response.json({"error": str(error)}, status=error.status)
            try:
                activity = json.loads(request.body or b"null")
            except (ValueError, RecursionError):
                return response.json(
                    {"error": "The body is not valid JSON."}, status=400
                )
            if not isinstance(activity, dict):
                return response.json(
                    {"error": "The body must be an activity object."}, status=400
                )
            try:
                self.check_activity(claims, activity)
            except AuthError as error:
                logger.warning("Refused a Bot Framework activity: %s", error)
                return response.json({"error": str(error)}, status=error.status)
            if activity.get("type") != "message":
                return response.json(
                    {}
                )  # conversationUpdate, typing, ...: nothing to say
            well_formed = (
                isinstance(activity.get("from"), dict)
                and activity["from"].get("id")
                and isinstance(activity.get("conversation"), dict)
                and activity["conversation"].get("id")
            )
            if not well_formed:
                return response.json(
                    {
                        "error": (
                            "A message activity needs 'from.id' and 'conversation.id'."
                        )
                    },
                    status=400,
                )
            if not await self.seen.add(
                f"{activity['conversation']['id']}:{activity.get('id') or ''}"
                if activity.get("id")
                else None
            ):
                return response.json({})  # delivered twice
            try:
                self._handle(activity, on_new_message)
            # an odd but authenticated activity must not become a 500
            except Exception as error:
                logger.error(
                    "Could not handle a Bot Framework activity (%s)",
                    type(error).__name__,
                )
                return response.json(
                    {"error": "The activity could not be read."}, status=400
                )
            return response.json({})

        return webhook_blueprint
