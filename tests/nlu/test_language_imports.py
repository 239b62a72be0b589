"""Language detection must not drag spaCy, thinc or TensorFlow into the action
server: importing spaCy costs seconds and hundreds of MB there. Each check runs
in a fresh interpreter, because this test process has usually imported spaCy
already."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from support.servers import ROOT

HEAVY = ("spacy", "thinc", "tensorflow")


def _run(code: str) -> dict:
    """What `code`, run in a fresh interpreter, prints as JSON on its last line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_language_detection_loads_no_spacy_thinc_or_tensorflow():
    result = _run(
        f"""
        import json, sys
        from overstag.nlu import language
        language.warm_up()
        nl = language.detect("Ik ben helemaal niet interessant")
        en = language.detect("she's afraid her words end up online")
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        print(json.dumps({{"nl": nl, "en": en, "loaded": loaded}}))
        """
    )
    assert result["loaded"] == []
    assert result["nl"][0] == "nl"
    assert result["en"][0] == "en"


def test_stop_words_read_from_files_equal_spacys_own():
    result = _run(
        """
        import json
        from overstag.nlu import language
        ours = {code: language._spacy_stop_words(code) for code in ("en", "nl")}
        from spacy.lang.en.stop_words import STOP_WORDS as en
        from spacy.lang.nl.stop_words import STOP_WORDS as nl
        print(json.dumps({
            "en": ours["en"] == frozenset(en) and len(en) > 300,
            "nl": ours["nl"] == frozenset(nl) and len(nl) > 300,
        }))
        """
    )
    assert result == {"en": True, "nl": True}


def test_action_server_imports_stay_light(tmp_path):
    """The modules rasa_sdk imports for `--actions actions`, what the action server
    loads at start (overstag.warm_up), then a detection, as its first message would
    do."""
    database = f"sqlite:///{tmp_path / 'overstag.db'}"
    result = _run(
        f"""
        import json, os, sys
        os.environ["OVERSTAG_DATABASE_URL"] = {database!r}
        from rasa_sdk.executor import ActionExecutor
        executor = ActionExecutor()
        executor.register_package("actions")
        from overstag import warm_up
        warm_up.action_server()
        import overstag.nlu.language
        detected = overstag.nlu.language.detect("Hij heeft geen tijd")
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        print(json.dumps({{
            "actions": len(executor.actions),
            "detected": detected,
            "loaded": loaded,
        }}))
        """
    )
    assert result["actions"] > 0, "no actions registered; the check proves nothing"
    assert result["detected"][0] == "nl"
    assert result["loaded"] == []
    assert (tmp_path / "overstag.db").exists(), "warm_up did not open the database"
    # its first writes were rolled back: no row of a conversation nobody has
    with sqlite3.connect(tmp_path / "overstag.db") as connection:
        for table in (
            "overstag_users",
            "overstag_conversations",
            "overstag_coached_objections",
        ):
            count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count == (0,), table


def test_missing_spacy_is_a_clear_error(monkeypatch):
    from overstag.nlu import language

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="spaCy is not installed"):
        language._spacy_stop_words("en")
