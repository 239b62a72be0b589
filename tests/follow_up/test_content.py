"""follow_up.yml: complete as committed, its gaps named."""

import copy

import pytest

from overstag.coaching.content import load as load_coaching
from overstag.follow_up import content as follow_up_content


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


def test_follow_up_content_is_complete_and_gaps_are_named(material):
    assert follow_up_content.problems(material.raw, load_coaching().concessions) == []
    broken = copy.deepcopy(dict(material.raw))
    del broken["form"]["questions"]["subject"]["nl"]
    del broken["agreements"]["no_photo"]
    broken["reminders"]["send_piece"]["after_status"] = "someday"
    found = "\n".join(follow_up_content.problems(broken, load_coaching().concessions))
    assert "form.questions.subject: needs both en and nl" in found
    assert "no_photo" in found
    assert "reminders.send_piece: unknown status 'someday'" in found


def test_every_concession_has_an_email_line_in_both_languages(material):
    for cid in load_coaching().concessions:
        assert material.agreement(cid, "en") and material.agreement(cid, "nl")
