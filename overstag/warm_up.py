"""What a server loads when it starts, so that its first message is as fast as its
tenth (issue 17) and a broken content file or spaCy install stops it at start,
not in the middle of someone's conversation."""

from __future__ import annotations

import logging
import secrets

logger = logging.getLogger(__name__)


def freeze_heap() -> None:
    """Everything loaded so far is left out of later garbage collections.

    A full collection walks every object the process holds; after the Rasa
    server loads its model that took 100-118 ms (timed with gc.callbacks), a
    pause some user's turn would wait for. Frozen, the model is never walked
    again: the full collections while serving took 0.4 ms."""
    import gc

    gc.collect()
    gc.freeze()


def action_server() -> None:
    """Everything the actions read: the content of every feature, the word lists
    of language detection and the database (its engine, tables and pool, and
    the queries every turn starts with, compiled by reading a conversation and a
    user nobody has, and its first writes made and rolled back; nothing is kept)."""
    from sqlalchemy.exc import SQLAlchemyError

    from overstag import storage
    from overstag.coaching import content as coaching
    from overstag.follow_up import content as follow_up
    from overstag.nlu import language
    from overstag.privacy import chat as privacy
    from overstag.rehearsal import content as rehearsal
    from overstag.storage import warm_writes

    language.warm_up()
    for feature in (coaching, rehearsal, follow_up, privacy):
        feature.load()
    try:
        accounts = storage.storage().accounts
        nobody = f"overstag-warm-up-{secrets.token_hex(8)}"
        accounts.owner(nobody)
        accounts.user(nobody)
        warm_writes.made_and_undone(storage.storage().engine)
    except SQLAlchemyError as error:
        # a database that is down at start may be up by the first message; every
        # action then opens it as before
        kind = type(error).__name__
        logger.warning("The database could not be opened yet (%s)", kind)
    freeze_heap()
