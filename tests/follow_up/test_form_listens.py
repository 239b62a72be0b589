"""The readers and writers behind the request form that listens (issue 16): mixed
answers, fuzzy periods, dates and times, remarks, outlets heard early, notes turned
to the candidate, and the e-mail with its .eml and .ics."""

import datetime as dt
from email import policy
from email.parser import Parser

import pytest
from icalendar import Calendar

from overstag.follow_up import (
    answers,
    calendar_file,
    email_draft,
    moments,
    second_person,
)
from overstag.follow_up import content as follow_up_content
from support.interviews import interview

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone.utc)  # a Thursday
OFFERED = ["review_text", "no_photo", "first_name_only"]


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


@pytest.mark.parametrize(
    "text, picked, own",
    [
        (
            "1 en 2, en ze wil dat haar teamleider meeleest",
            ["review_text", "no_photo"],
            "ze wil dat haar teamleider meeleest",
        ),
        (
            "1 and 2, and she wants her team lead to read along",
            ["review_text", "no_photo"],
            "she wants her team lead to read along",
        ),
        (
            "3; plus we send her the questions first",
            ["first_name_only"],
            "plus we send her the questions first",
        ),
        ("1 en 3", ["review_text", "first_name_only"], None),
    ],
)
def test_a_mixed_answer_is_split_into_picks_and_own_words(material, text, picked, own):
    assert answers.agreed(text, OFFERED, material) == (picked, own)


def test_numbers_outside_the_list_are_no_pick(material):
    said = "4 and 5, and a coffee afterwards"
    assert answers.agreed(said, OFFERED, material) == ([], said)


@pytest.mark.parametrize(
    "text, days",
    [
        ("een week of zo", 5),
        ("a couple of days", 2),
        ("a fortnight", 10),
        ("twee weken", 10),
        ("about a week", 5),
        ("een paar dagen", 3),
        ("3", 3),
        ("binnenkort", None),
        ("soon", None),
        ("three weeks", 15),
        ("four weeks", None),
    ],
)
def test_fuzzy_periods_are_read_as_working_days(material, text, days):
    assert answers.working_days(text, material) == days


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dinsdag 15 december om 14.00", dt.datetime(2026, 12, 15, 14, 0)),
        ("next Tuesday at 2 pm", dt.datetime(2026, 12, 8, 14, 0)),
        ("morgen om half tien", dt.datetime(2026, 12, 4, 9, 30)),
        ("15/12 10:30", dt.datetime(2026, 12, 15, 10, 30)),
        ("December 15th at 3pm", dt.datetime(2026, 12, 15, 15, 0)),
        ("1 januari om 10 uur", dt.datetime(2027, 1, 1, 10, 0)),
        ("15.12.2026 om 9.30", dt.datetime(2026, 12, 15, 9, 30)),
        ("volgende maandag", None),  # no time
        ("om 14.00", None),  # no day
        ("3 december om 9 uur", None),  # already past
    ],
)
def test_dates_and_times_in_either_language(material, text, expected):
    assert moments.read(text, NOW, material) == expected


def test_a_remark_is_recognised_and_its_agreement_found(material):
    said = "wait, he just told me he doesn't want his photo in it"
    assert answers.remark_cue(said, material)
    noted = answers.strip_remark_lead(said, material)
    assert noted == "he doesn't want his photo in it"
    assert answers.remark_agreement(noted, material) == "no_photo"
    assert answers.remark_cue("wacht, ze wil niet met haar achternaam erin", material)
    assert not answers.remark_cue("Over het nieuwe wijkteam in Zuid", material)
    assert not answers.remark_cue("a portrait of the facilities team", material)


def test_an_outlet_named_in_another_answer_is_heard(material):
    found = answers.outlet_in("Over het wijkteam, voor het personeelsblad", material)
    assert found == "het personeelsblad"
    assert answers.outlet_in("About the team she set up", material) is None
    assert (
        answers.outlet_name("voor het personeelsblad", material) == "het personeelsblad"
    )


@pytest.mark.parametrize(
    "lang, note, expected",
    [
        (
            "nl",
            "Over het nieuwe wijkteam in Zuid dat ze heeft opgezet",
            "Over het nieuwe wijkteam in Zuid dat je hebt opgezet",
        ),
        (
            "nl",
            "ze wil dat haar teamleider meeleest",
            "je wilt dat je teamleider meeleest",
        ),
        ("nl", "heeft ze tijd?", "heb je tijd?"),
        ("nl", "Marieke wil haar verhaal vertellen", "Je wilt je verhaal vertellen"),
        ("en", "About the new team she set up", "About the new team you set up"),
        (
            "en",
            "she wants her team lead to read along",
            "you want your team lead to read along",
        ),
        (
            "en",
            "He always wants us to send him the text",
            "You always want us to send you the text",
        ),
        (
            "en",
            "Marieke's project and how she tries things",
            "Your project and how you try things",
        ),
    ],
)
def test_notes_are_turned_to_the_candidate(material, lang, note, expected):
    assert second_person.rewrite(note, lang, material, "Marieke") == expected


def _letter(**changes):
    base = interview(
        candidate_name="Marieke",
        subject="het nieuwe wijkteam in Zuid dat ze heeft opgezet",
        outlet="voor het personeelsblad",
        own_agreements=["ze wil dat haar teamleider meeleest"],
    )
    return {
        **base,
        "when": dt.datetime(2026, 12, 15, 14, 0),
        "place": "Teams",
        "interviewer_name": "Joris de Vries",
        **changes,
    }


def test_the_dutch_email_has_date_time_place_sender_and_speaks_to_the_candidate(
    material,
):
    subject, body = email_draft.compose(_letter(), material, "nl")
    assert subject == "Ons interview voor het personeelsblad op 15 december"
    assert "• Wanneer: dinsdag 15 december 2026 om 14:00" in body
    assert "• Waar: Teams" in body
    assert "dat je hebt opgezet" in body and " ze " not in body
    assert "• Je wilt dat je teamleider meeleest." in body
    assert body.rstrip().endswith("Hartelijke groet,\nJoris de Vries")


def test_the_english_email_and_its_files_parse(material):
    letter = _letter(
        subject="the new team she set up",
        outlet="for the staff magazine",
        own_agreements=["she wants her team lead to read along"],
    )
    subject, body = email_draft.compose(letter, material, "en")
    assert subject == "Our interview for the staff magazine on 15 December"
    assert "• When: Tuesday 15 December 2026 at 14:00" in body
    assert "the new team you set up" in body
    assert "• You want your team lead to read along." in body
    assert body.rstrip().endswith("Kind regards,\nJoris de Vries")
    ics = calendar_file.invitation(letter, subject, body, material, "en", NOW)
    message = Parser(policy=policy.default).parsestr(
        email_draft.to_eml(subject, body, NOW, ics)
    )
    assert message["Subject"] == subject
    assert message.get_body(("plain",)).get_content() == body
    [attached] = list(message.iter_attachments())
    assert attached.get_content_type() == "text/calendar"
    [event] = Calendar.from_ical(attached.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 15, 14, 0)
    assert event.decoded("dtend") == dt.datetime(2026, 12, 15, 14, 45)
    assert str(event["location"]) == "Teams"
    assert "Marieke" in str(event["summary"])


def test_no_calendar_file_without_a_date(material):
    letter = _letter(when=None, outlet="for the staff magazine")
    subject, body = email_draft.compose(letter, material, "en")
    assert calendar_file.invitation(letter, subject, body, material, "en", NOW) is None
    assert subject == "Our interview for the staff magazine"
