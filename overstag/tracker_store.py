"""The dotted path `endpoints.yml` has always named; the class lives in
overstag/rasa_patches/tracker_store.py."""

from overstag.rasa_patches.tracker_store import ConfiguredSQLTrackerStore

__all__ = ["ConfiguredSQLTrackerStore"]
