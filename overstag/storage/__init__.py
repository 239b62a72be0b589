"""Overstag's own tables, beside Rasa's `events`: `storage()` is the way in.

tables.py holds every table, database.py the engine (one per database per
process) and the one `create_all`; the other modules read and write one
feature's rows each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa

from overstag.storage.accounts import Directory
from overstag.storage.chat_addresses import ChatAddresses
from overstag.storage.coaching_records import CoachingRecords
from overstag.storage.database import engine
from overstag.storage.interviewer_names import InterviewerNames
from overstag.storage.interviews import Interviews
from overstag.storage.rehearsals import Rehearsals


@dataclass(frozen=True)
class Storage:
    engine: sa.engine.Engine
    coaching: CoachingRecords
    rehearsals: Rehearsals
    interviews: Interviews
    accounts: Directory
    addresses: ChatAddresses
    interviewer_names: InterviewerNames


def storage(url: Optional[str] = None) -> Storage:
    """Overstag's tables in `url` (default: OVERSTAG_DATABASE_URL or SQLite in var/)."""
    shared = engine(url)
    return Storage(
        shared,
        CoachingRecords(shared),
        Rehearsals(shared),
        Interviews(shared),
        Directory(shared),
        ChatAddresses(shared),
        InterviewerNames(shared),
    )
