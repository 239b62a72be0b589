"""Rasa's SQL tracker store, pointed at OVERSTAG_DATABASE_URL.

Rasa's endpoints.yml fails on unset environment variables, so the committed
file names this class instead of a URL, and the URL comes from the settings.
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from overstag import settings


class ConfiguredSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = host or settings.database_url()
        settings.ensure_database_dir(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
