"""`make check-content`: all content checked, every gap listed at once, exit 1,
never a traceback, also for files of the wrong shape."""

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overstag import content_check
from overstag.content_files import CONTENT_DIR
from support.servers import ROOT


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _make(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_the_committed_content_is_complete():
    assert content_check.gaps() == []
    result = _make("check-content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Content OK" in result.stdout


def test_gaps_in_every_kind_of_content_are_listed_together(tmp_path):
    folder = _copy(tmp_path)
    _edit(
        folder / "objections.yml",
        lambda d: d["objections"]["objection_time"]["label"].pop("nl"),
    )
    # a persona whose fitting moves are not a list: the kind of slip that used to crash
    _edit(
        folder / "personas" / "objection_time.yml",
        lambda d: d["personas"][0].update(fits="move_offer_time"),
    )
    _edit(
        folder / "follow_up.yml",
        lambda d: d["form"]["reading"]["duration"].pop("hour_units"),
    )
    _edit(folder / "page.yml", lambda d: d["labels"].pop("send"))
    result = _make("check-content", CONTENT=str(folder))
    assert result.returncode != 0
    report = result.stderr
    assert "Traceback" not in report + result.stdout
    assert "coaching: objection_time: no nl label" in report
    assert "rehearsal: persona" in report
    assert (
        "follow-up: form.reading.duration.hour_units.en: needs a list of words"
        in report
    )
    assert "page: page.yml: no label 'send'" in report


def test_an_unreadable_file_is_a_gap_not_a_traceback(tmp_path):
    folder = _copy(tmp_path)
    (folder / "replies.yml").write_text("replies: [unclosed", encoding="utf-8")
    (folder / "rehearsal.yml").write_text("- just a list\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "overstag.content_check", "--content", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "replies.yml" in result.stderr and "rehearsal.yml" in result.stderr


def test_a_missing_folder_is_reported(tmp_path):
    assert content_check.gaps(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}: not a folder"
    ]


def _paths(node, prefix=()):
    """Every path into a YAML tree (mappings and lists)."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            yield from _paths(value, prefix + (index,))


FILES = (
    "objections.yml",
    "concessions.yml",
    "replies.yml",
    "rehearsal.yml",
    "follow_up.yml",
    "page.yml",
    "personas/objection_time.yml",
)
TREES = {
    name: yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))
    for name in FILES
}
PATHS = [(name, path) for name, tree in TREES.items() for path in _paths(tree) if path]
WRONG = st.sampled_from([None, "", [], {}, 0, -1, True, "x", ["x"], {"en": None}])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One copy of the content; each example rewrites and then restores its files."""
    return _copy(tmp_path_factory.mktemp("fuzz"))


def _has(node, part):
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _set(tree, path, value):
    """Replace the value at `path`, if an earlier change left the path in place."""
    node = tree
    for part in path[:-1]:
        if not _has(node, part):
            return
        node = node[part]
    if _has(node, path[-1]) or isinstance(node, dict):
        node[path[-1]] = value


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(PATHS), WRONG), min_size=1, max_size=4))
def test_any_value_of_the_wrong_shape_gives_gaps_never_an_exception(scratch, changes):
    trees = {name: copy.deepcopy(TREES[name]) for (name, _), _ in changes}
    for (name, path), value in changes:
        _set(trees[name], path, value)
    found = _check(scratch, trees)
    assert isinstance(found, list) and all(isinstance(g, str) for g in found)


def _check(scratch, trees):
    try:
        for name, tree in trees.items():
            text = yaml.safe_dump(tree, allow_unicode=True)
            (scratch / name).write_text(text, encoding="utf-8")
        return content_check.gaps(scratch)
    finally:
        for name in trees:
            shutil.copyfile(CONTENT_DIR / name, scratch / name)


def _texts(node, prefix=()):
    """The paths of every text in a YAML tree, but the editors' own notes
    (`explain`), which the assistant never shows."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "explain":
                yield from _texts(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            yield from _texts(value, prefix + (index,))
    elif isinstance(node, str) and node.strip():
        yield prefix


TEXTS = [(name, path) for name, tree in TREES.items() for path in _texts(tree)]


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(TEXTS), st.sampled_from([None, "", 0, True, [], {}]))
def test_every_text_that_is_blanked_or_no_text_is_a_gap(scratch, where, value):
    name, path = where
    tree = copy.deepcopy(TREES[name])
    _set(tree, path, value)
    assert _check(scratch, {name: tree}), (
        f"{name} {'.'.join(map(str, path))} = {value!r}"
    )


def test_a_bare_no_in_a_word_list_gets_a_hint(scratch):
    tree = copy.deepcopy(TREES["follow_up.yml"])
    tree["form"]["yes_words"]["en"].append(True)  # what YAML makes of a bare yes
    found = _check(scratch, {"follow_up.yml": tree})
    assert found == [
        "follow-up: form.yes_words.en: True is not a text "
        "(put quotes around yes, no, on and off)"
    ]


@pytest.mark.parametrize(
    "change, gap",
    [
        (
            lambda sp: sp["nl"]["words"].update(zichzelf=None),
            "email.second_person.nl.words.zichzelf: needs a word to put in its place",
        ),
        (
            # a bare `on` in the list is YAML's True: "her" before "on" went unread
            lambda sp: sp["en"]["object_before"].append(True),
            "email.second_person.en.object_before: True is not a text",
        ),
        (
            lambda sp: sp["nl"].pop("inverted"),
            "email.second_person.nl.inverted: needs word: word pairs",
        ),
    ],
)
def test_the_tables_that_turn_notes_to_the_candidate_are_checked(scratch, change, gap):
    tree = copy.deepcopy(TREES["follow_up.yml"])
    change(tree["email"]["second_person"])
    found = _check(scratch, {"follow_up.yml": tree})
    assert any(gap in line for line in found), found
