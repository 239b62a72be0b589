"""What a server loads when it starts, so that its first message is as fast as its
tenth (issue 17) and a broken content file or spaCy install stops it at start,
not in the middle of someone's conversation."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def action_server() -> None:
    """Everything the actions read: the content of every feature, the word lists
    of language detection and the database (its engine, tables and pool)."""
    from sqlalchemy.exc import SQLAlchemyError

    from overstag import storage
    from overstag.coaching import content as coaching
    from overstag.follow_up import content as follow_up
    from overstag.nlu import language
    from overstag.privacy import chat as privacy
    from overstag.rehearsal import content as rehearsal

    language.warm_up()
    for feature in (coaching, rehearsal, follow_up, privacy):
        feature.load()
    try:
        storage.storage()
    except SQLAlchemyError as error:
        # a database that is down at start may be up by the first message; every
        # action then opens it as before
        kind = type(error).__name__
        logger.warning("The database could not be opened yet (%s)", kind)
