"""The guard in front of Overstag's reach into Rasa: it lets the tested Rasa
through and refuses any other, or one that lacks what the patches use, saying
what to do instead of failing later."""

import pytest

from overstag import rasa_patches, serve
from overstag.rasa_patches import UntestedRasaError


def test_the_installed_rasa_is_the_tested_one_and_has_every_listed_api():
    from rasa.version import __version__

    assert __version__ in rasa_patches.TESTED_RASA_VERSIONS
    assert rasa_patches.missing_apis() == []
    rasa_patches.check()


def test_another_version_is_refused_with_what_to_do():
    with pytest.raises(UntestedRasaError) as refused:
        rasa_patches.check("3.7.0")
    message = str(refused.value)
    assert (
        "3.7.0" in message
        and "3.6.21" in message
        and "OVERSTAG_STOCK_RASA=1" in message
    )


def test_a_missing_private_api_is_named(monkeypatch):
    listed = rasa_patches.PRIVATE_APIS + (
        ("rasa.core.processor", "MessageProcessor._gone"),
    )
    monkeypatch.setattr(rasa_patches, "PRIVATE_APIS", listed)
    with pytest.raises(
        UntestedRasaError, match=r"rasa\.core\.processor\.MessageProcessor\._gone"
    ):
        rasa_patches.check()


def test_the_server_refuses_to_start_on_an_untested_rasa(monkeypatch, tmp_path):
    monkeypatch.delenv("OVERSTAG_STOCK_RASA", raising=False)
    monkeypatch.setattr(rasa_patches, "TESTED_RASA_VERSIONS", ("0.0.1",))
    with pytest.raises(SystemExit) as stopped:
        serve.main(["run", "--model", str(tmp_path / "none.tar.gz")])
    assert "tested with Rasa 0.0.1" in str(stopped.value.code)


def test_the_tracker_store_refuses_too(monkeypatch, tmp_path):
    from overstag.tracker_store import ConfiguredSQLTrackerStore

    monkeypatch.delenv("OVERSTAG_STOCK_RASA", raising=False)
    monkeypatch.setattr(rasa_patches, "TESTED_RASA_VERSIONS", ("0.0.1",))
    with pytest.raises(UntestedRasaError):
        ConfiguredSQLTrackerStore(host=f"sqlite:///{tmp_path / 'x.db'}")


def test_stock_rasa_is_never_patched(monkeypatch, tmp_path):
    from overstag.tracker_store import ConfiguredSQLTrackerStore

    monkeypatch.setenv("OVERSTAG_STOCK_RASA", "1")
    monkeypatch.setattr(rasa_patches, "TESTED_RASA_VERSIONS", ("0.0.1",))
    assert not rasa_patches.enabled()
    store = ConfiguredSQLTrackerStore(host=f"sqlite:///{tmp_path / 'x.db'}")
    assert store.fast is False
