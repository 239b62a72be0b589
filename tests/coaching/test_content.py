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


@pytest.mark.parametrize(
    "categories",
    [["objection_refusal"], ["objection_refusal", "objection_time"]],
)
def test_a_firm_no_is_coached_with_a_door_opener_only(categories):
    material = content.load()
    for lang in ("en", "nl"):
        shown = {}
        given = coaching.coach(material, categories, lang, shown)
        given += coaching.another(material, categories, lang, shown)
        offered = [cid for a in given for cid in a.concession_ids]
        assert offered and all(
            material.concessions[cid].get("door_opener") for cid in offered
        ), offered
        assert [a.category for a in given] == ["objection_refusal"] * len(given)


def test_a_firm_no_heard_after_a_concern_leaves_that_concern_coached():
    material = content.load()
    given = coaching.coach(
        material, ["objection_modesty", "objection_refusal"], "en", {}
    )
    assert [a.category for a in given] == ["objection_modesty", "objection_refusal"]
    refusal = given[1]
    assert all(
        material.concessions[c].get("door_opener") for c in refusal.concession_ids
    )


def test_persuasion_for_a_firm_no_is_refused_as_a_content_gap(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "objections.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "concessions: [door_open]", "concessions: [door_open, short_slot]"
        ),
        encoding="utf-8",
    )
    assert "objection_refusal: offers persuasion ['short_slot']" in content.problems(
        content.read(tmp_path)
    )
