"""Rasa's SQL tracker store, pointed at OVERSTAG_DATABASE_URL, made cheap per message.

`endpoints.yml` names `overstag.tracker_store.ConfiguredSQLTrackerStore`, the
path this class had before it moved here; that module re-exports it.

Rasa's endpoints.yml fails on unset environment variables, so the committed
file names this class instead of a URL, and the URL comes from the settings.

Stock Rasa rebuilds the whole tracker from its stored events on every message
(a third of the request time in one 80-message conversation, growing with its
length) and counts the stored events again before each save. This store keeps
the tracker it last saved and hands it out again when the database still holds
exactly that many events for the conversation; several servers sharing one
database stay correct, because another writer changes the count and the
tracker is then read from the database as before.
"""

from __future__ import annotations

import contextlib
import itertools
import weakref
from collections import OrderedDict
from typing import Any, Dict, Iterator, Optional, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, ensure_schema_exists
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from overstag import rasa_patches, settings
from overstag.storage import database

CACHED_CONVERSATIONS = 2000
# actions that change a conversation's stored events in place
REWRITING_ACTIONS = ("action_confirm_delete", "action_confirm_erase")
# ...and the one after which the conversation must not be saved again: it erased it
ERASING_ACTION = "action_confirm_erase"


class StorageUnavailableError(RuntimeError):
    """The conversation store failed; the request that met it gets a 503."""


def fail_loud() -> None:
    """Let this store's errors reach the request instead of Rasa's wrapper.

    Rasa wraps every tracker store in one that answers a failed read with a new,
    empty conversation and a failed write by keeping it in memory only: the user
    would be answered as a stranger and the turn lost. This store is used as is;
    its errors become a 503 for that request.
    """
    from rasa.core.agent import Agent

    wrap = Agent._create_tracker_store

    def create(store: Any, domain: Domain) -> Any:
        if isinstance(store, ConfiguredSQLTrackerStore):
            store.domain = domain
            return store
        return wrap(store, domain)

    Agent._create_tracker_store = staticmethod(create)


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        # OVERSTAG_STOCK_RASA=1 (the benchmark's baseline) keeps Rasa's own behaviour
        self.fast = rasa_patches.enabled()
        if self.fast:
            rasa_patches.check()
        url = host or settings.database_url()
        settings.ensure_database_dir(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.fast and self.engine.dialect.name == "sqlite":
            # Overstag's tables and the events share one tuned engine and its pool
            self.engine.dispose()
            self.engine = database.engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # sender id -> (tracker, events stored); a retrieve takes the tracker out,
        # so no two requests ever share one tracker object
        self._cache: "OrderedDict[str, Tuple[DialogueStateTracker, int]]" = (
            OrderedDict()
        )
        # sender id -> (the tracker handed out, events stored when handed out)
        self._handed_out: Dict[str, Tuple[weakref.ref, int]] = {}

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Any]:
        # Rasa's own calls sys.exit on any ValueError (it assumes a missing
        # PostgreSQL schema), and a sender id SQLite cannot encode is one: a
        # single request ended the server. The error's text can hold the SQL
        # parameters, user text among them, so only its kind is kept.
        session = self.sessionmaker()
        try:
            ensure_schema_exists(session)
            yield session
        except Exception as error:
            raise StorageUnavailableError(
                f"The conversation store failed ({type(error).__name__})."
            ) from None
        finally:
            session.close()

    def _stored_count(self, sender_id: str) -> int:
        with self.session_scope() as session:
            return self._event_query(
                session, sender_id, fetch_events_from_all_sessions=False
            ).count()

    @staticmethod
    def _is_current(
        cached: Optional[Tuple[DialogueStateTracker, int]], count: int
    ) -> bool:
        # a tracker changed after its last save is not what the database holds
        return cached is not None and len(cached[0].events) == cached[1] == count

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if not self.fast:
            return await super().retrieve(sender_id)
        cached = self._cache.pop(sender_id, None)
        count = self._stored_count(sender_id)
        tracker = (
            cached[0]
            if self._is_current(cached, count)
            else await super().retrieve(sender_id)
        )
        if tracker is not None:
            self._handed_out[sender_id] = (weakref.ref(tracker), count)
        return tracker

    async def retrieve_for_reading(
        self, sender_id: str
    ) -> Optional[DialogueStateTracker]:
        """A tracker to read, not to change: the cached one stays cached, and one
        read from the database is cached, so the request that follows (a message
        checked for a retry, then handled) does not read it again."""
        if not self.fast:
            return await super().retrieve(sender_id)
        count = self._stored_count(sender_id)
        cached = self._cache.get(sender_id)
        if self._is_current(cached, count):
            return cached[0]
        tracker = await super().retrieve(sender_id)
        if tracker is not None and self.domain is not None:
            self._remember(tracker, count)
        return tracker

    def forget_all(self) -> None:
        """Drops every cached tracker: stored events were changed in place."""
        self._cache.clear()
        self._handed_out.clear()

    async def _erased(self, sender_id: str) -> bool:
        # the erasing action may also have been refused; then the turn is saved
        return self._stored_count(sender_id) == 0

    def _remember(self, tracker: DialogueStateTracker, count: int) -> None:
        self._cache[tracker.sender_id] = (tracker, count)
        while len(self._cache) > CACHED_CONVERSATIONS:
            stale, _ = self._cache.popitem(last=False)
            self._handed_out.pop(stale, None)

    def _additional_events(
        self, session: Any, tracker: DialogueStateTracker
    ) -> Iterator:
        handed_out = self._handed_out.pop(tracker.sender_id, None)
        if handed_out is None or handed_out[0]() is not tracker:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, handed_out[1], len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.pop(tracker.sender_id, None)
        handed_out = self._handed_out.get(tracker.sender_id)
        new_events = itertools.islice(
            tracker.events, handed_out[1] if handed_out else 0, None
        )
        ran = {
            event.action_name
            for event in new_events
            if isinstance(event, ActionExecuted)
        }
        if ERASING_ACTION in ran and await self._erased(tracker.sender_id):
            # saving would write the erased conversation back
            self.forget_all()
            return
        await super().save(tracker)
        if ran & set(REWRITING_ACTIONS):
            # the action rewrote stored events (redaction, in any conversation of
            # the user): every conversation is read afresh
            self.forget_all()
            return
        if self.fast and self.domain is not None:
            count = len(tracker.events)
            self._handed_out[tracker.sender_id] = (weakref.ref(tracker), count)
            self._remember(tracker, count)
