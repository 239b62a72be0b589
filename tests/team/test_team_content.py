"""content/team.yml is checked with the rest of the content (make check-content):
a missing text, a language left out or a lost placeholder is a gap."""

import shutil

import yaml

from overstag import content_check
from overstag.content_files import CONTENT_DIR
from overstag.team import content


def _copy_with(tmp_path, change):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "team.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["labels"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_committed_team_texts_are_complete():
    assert content.problems(content.read()) == []
    loaded = content.load()
    assert set(loaded) == {"en", "nl"}
    assert loaded["en"]["texts"]["heading"] != loaded["nl"]["texts"]["heading"]
    assert len(loaded["nl"]["categories"]) == 9 and len(loaded["nl"]["rubric"]) == 5


def test_gaps_in_the_team_texts_are_listed(tmp_path):
    def damage(labels):
        del labels["scores_title"]
        del labels["heading"]["nl"]
        labels["privacy_note"]["en"] = "Small groups stay hidden."
        labels["concession_value"]["nl"] = "{agreed} van {offered}"

    gaps = content_check.gaps(_copy_with(tmp_path, damage))
    team = [gap for gap in gaps if gap.startswith("team:")]
    assert any("scores_title" in gap for gap in team)
    assert any("heading" in gap and "nl" in gap for gap in team)
    assert any("privacy_note.en" in gap and "{min}" in gap for gap in team)
    assert any("concession_value.nl" in gap for gap in team)
    assert content_check.main(["--content", str(tmp_path / "content")]) == 1


def test_a_missing_file_is_a_gap_not_a_traceback(tmp_path):
    folder = _copy_with(tmp_path, lambda labels: None)
    (folder / "team.yml").unlink()
    assert any(gap.startswith("team:") for gap in content_check.gaps(folder))
