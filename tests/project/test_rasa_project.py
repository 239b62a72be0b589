"""Rasa's own checks on the project, and the trained model on messages it never saw."""

import asyncio
import subprocess
import sys

import pytest

from support.servers import MODEL, ROOT

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


def rasa(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_dialogue_test_stories(tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    "text, intent, language",
    [
        ("my manager would have to okay that first", "objection_approval", "en"),
        (
            "Ze is doodsbang dat haar naam straks voor altijd te googelen is",
            "objection_privacy",
            "nl",
        ),
        (
            "I'm slammed with deadlines and anyway I'm not that interesting",
            "objection_modesty+objection_time",
            "en",
        ),
        (
            "My manager has to approve it and the layoffs are still a raw nerve here",
            "objection_approval+objection_sensitive_topic",
            "en",
        ),
        (
            "Hij wil alleen per mail antwoorden en niet met zijn naam erin",
            "objection_format+objection_privacy",
            "nl",
        ),
        ("graag in het Nederlands", "switch_language", "nl"),
        ("can you recommend a pizza place", "out_of_scope", "en"),
    ],
)
def test_model_understands_unseen_messages(agent, text, intent, language):
    result = parse(agent, text)
    ranking = [
        r["name"] for r in result["intent_ranking"] if r["name"] != "nlu_fallback"
    ]
    if "+" in intent:
        # several concerns: every one in `objections`, the likeliest as the intent
        assert sorted(result["objections"]) == intent.split("+")
        assert ranking[0] in intent.split("+")
    else:
        assert ranking[0] == intent
        assert result["objections"] == ([intent] if "objection_" in intent else [])
    assert result["language"]["code"] == language


def test_held_out_figures_stay_near_the_target():
    """A floor well below the 0.92 goal: catches a broken model, not a small dip."""
    from overstag.nlu.evaluate import evaluate

    for name in ("nlu", "moves"):
        for lang, figures in evaluate(str(MODEL), name=name).items():
            assert figures["macro_f1_focus"] >= 0.85, (name, lang, figures)
            assert figures["macro_f1_all"] >= 0.80, (name, lang, figures)
