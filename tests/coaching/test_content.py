"""The coaching content: complete as committed, its gaps named, and editable
without touching code."""

import shutil

import pytest
import yaml

from overstag.coaching import advice as coaching
from overstag.coaching import content
from overstag.content_files import CONTENT_DIR, ContentError
from overstag.facts import CATEGORIES


def test_committed_content_is_complete():
    material = content.load()
    assert set(CATEGORIES) <= set(material.objections)
    assert content.problems(material) == []


def test_every_article_tip_is_used_by_a_concession_that_some_objection_offers():
    material = content.load()
    offered = {
        cid for entry in material.objections.values() for cid in entry["concessions"]
    }
    tips = {tip for cid in offered for tip in material.concessions[cid]["tips"]}
    assert tips == content.ARTICLE_TIPS


def _copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_missing_material_is_reported_by_name(tmp_path):
    directory = _copy(tmp_path)

    def strip(data):
        data["objections"]["objection_time"]["acknowledgements"]["nl"] = [
            "Eén zin maar"
        ]
        data["objections"]["objection_privacy"]["concessions"].append(
            "no_such_concession"
        )

    _edit(directory / "objections.yml", strip)
    gaps = content.problems(content.read(directory))
    assert any("objection_time: acknowledgements in nl" in g for g in gaps)
    assert any("unknown concessions ['no_such_concession']" in g for g in gaps)
    with pytest.raises(ContentError):
        content.load.__wrapped__(directory)


def test_a_new_concession_needs_only_a_data_change(tmp_path):
    directory = _copy(tmp_path)
    new = {
        "tips": [3],
        "en": {
            "title": "Walk and talk",
            "say": "We could talk on a walk.",
            "how": "Pick a quiet route.",
        },
        "nl": {
            "title": "Wandelgesprek",
            "say": "We kunnen wandelend praten.",
            "how": "Kies een rustige route.",
        },
    }
    _edit(
        directory / "concessions.yml",
        lambda d: d["concessions"].update(walk_and_talk=new),
    )
    _edit(
        directory / "objections.yml",
        lambda d: d["objections"]["objection_format"]["concessions"].insert(
            0, "walk_and_talk"
        ),
    )
    material = content.load.__wrapped__(directory)
    advice = coaching.coach(material, ["objection_format"], "nl", {})
    assert advice[0].offers[0]["title"] == "Wandelgesprek"
