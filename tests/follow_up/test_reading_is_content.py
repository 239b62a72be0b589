"""The words the request form reads answers with live in content/follow_up.yml:
an editor adds one and the form understands it, with no code change."""

import shutil

import yaml

from overstag.content_files import CONTENT_DIR
from overstag.follow_up import answers
from overstag.follow_up import content as follow_up_content


def _edited(tmp_path, change):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "follow_up.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["form"]["reading"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return follow_up_content.load.__wrapped__(folder)


def test_a_new_duration_phrase_and_number_word(tmp_path):
    committed = follow_up_content.load()
    assert answers.duration_minutes("een dik uur", committed) is None
    assert answers.working_days("een stuk of zestien", committed) is None

    def add(reading):
        reading["duration"]["phrases"]["nl"]["een dik uur"] = 75
        reading["numbers"]["nl"]["zestien"] = 16
        reading["numbers"]["nl"]["elf"] = 11

    material = _edited(tmp_path, add)
    assert answers.duration_minutes("een dik uur", material) == 75
    assert answers.working_days("elf dagen", material) == 11
    assert answers.working_days("zestien", material) is None  # more than the 15 allowed


def test_name_leads_and_change_words(tmp_path):
    def add(reading):
        reading["name_leads"]["nl"].append("ik spreek")
        reading["change_words"]["en"].append("swap")

    material = _edited(tmp_path, add)
    assert answers.candidate_name("ik spreek Joost", material) == "Joost"
    assert answers.correction("swap the name", material) == ("candidate_name", None)
    assert answers.correction("swap the name", follow_up_content.load()) is None


def test_durations_are_written_back_from_the_content():
    material = follow_up_content.load()
    assert [
        answers.describe_minutes(m, "en", material) for m in (30, 60, 90, 75, 150, 120)
    ] == [
        "30 minutes",
        "an hour",
        "an hour and a half",
        "1 hour and 15 minutes",
        "2 hours and 30 minutes",
        "2 hours",
    ]
    assert [answers.describe_minutes(m, "nl", material) for m in (45, 60, 90, 135)] == [
        "45 minuten",
        "een uur",
        "anderhalf uur",
        "2 uur en 15 minuten",
    ]
