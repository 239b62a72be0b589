"""The confirmation e-mail: every agreement in it, nothing left to fill in."""

import email
from email import policy

import pytest

from overstag.follow_up import answers, email_draft
from overstag.follow_up import content as follow_up_content
from support.interviews import NOW, interview


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_email_records_every_agreement_and_leaves_no_placeholder(material, lang):
    item = interview()
    subject, body = email_draft.compose(item, material, lang)
    for expected in (
        item["subject"],
        item["outlet"],
        "Noor",
        "manager reads along.",  # in the second person where it was written so
        material.agreement("questions_in_advance", lang),
        material.agreement("no_photo", lang),
        material.choice("interview_form", "phone", lang)["text"],
        material.choice("review_scope", "full_text", lang)["text"],
        material.text("email.lines.sensitive", lang),
        "3",
    ):
        assert expected in body
    assert item["outlet"] in subject
    for leftover in ("{", "}", "None", "[", "TODO", "XXX"):
        assert leftover not in body + subject
    assert answers.describe_minutes(45, lang, material) in body

    parsed = email.message_from_string(
        email_draft.to_eml(subject, body, NOW), policy=policy.default
    )
    assert parsed["Subject"] == subject and parsed["X-Unsent"] == "1"
    assert parsed.get_content().strip() == body.strip()


def test_email_without_review_or_extras_says_so_plainly(material):
    subject, body = email_draft.compose(
        interview(
            review_scope="none",
            review_days=None,
            sensitive=False,
            concessions=[],
            own_agreements=[],
        ),
        material,
        "en",
    )
    assert material.choice("review_scope", "none", "en")["text"] in body
    assert (
        "working days" not in body
        and material.text("email.agreed_heading", "en") not in body
    )
    assert material.text("email.lines.sensitive", "en") not in body
