"""Reading the interviewer's answers to the request form in both languages."""

import pytest

from overstag.follow_up import answers
from overstag.follow_up import content as follow_up_content


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sanne", "Sanne"),
        ("fatima", "Fatima"),
        ("her name is Eva", "Eva"),
        ("ze heet Joost", "Joost"),
        ("Jan-Willem", "Jan-Willem"),
        ("Sanne de Vries", None),
        ("Peter Jansen", None),
        ("06-12345678", None),
        ("", None),
    ],
)
def test_candidate_is_a_first_name_or_pseudonym_only(material, text, expected):
    assert answers.candidate_name(text, material) == expected


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("45 minutes", 45),
        ("an hour", 60),
        ("1.5 hours", 90),
        ("half an hour", 30),
        ("45", 45),
        ("45 minuten", 45),
        ("een uur", 60),
        ("anderhalf uur", 90),
        ("1,5 uur", 90),
        ("een half uur", 30),
        ("drie kwartier", 45),
        ("een uurtje", 60),
        ("2 uur", 120),
        ("5 hours", None),
        ("2 minutes", None),
        ("soon", None),
        ("binnenkort", None),
    ],
)
def test_time_needed_in_both_languages(material, text, minutes):
    assert answers.duration_minutes(text, material) == minutes


def test_choices_yes_no_days_and_stop_in_both_languages(material):
    forms = material.choices("interview_form")
    assert answers.choice("Teams", forms) == "video"
    assert answers.choice("telefonisch graag", forms) == "phone"
    assert answers.choice("we meet in person at the office", forms) == "face_to_face"
    assert answers.choice("schriftelijk", forms) == "email"
    assert answers.choice("no idea yet", forms) is None
    scopes = material.choices("review_scope")
    assert answers.choice("alleen de citaten", scopes) == "quotes"
    assert answers.choice("the full text", scopes) == "full_text"
    assert answers.choice("Niet meelezen", scopes) == "none"
    assert [
        answers.working_days(t, material)
        for t in ("3", "twee dagen", "within five days", "20", "soon")
    ] == [3, 2, 5, None, None]
    assert [
        answers.yes_no(t, material) for t in ("ja", "Yes", "nee", "no", "misschien")
    ] == [True, True, False, False, None]
    assert answers.is_stop("Stop", material) and answers.is_stop("laat maar", material)
    assert not answers.is_stop("stop the night shifts", material)


def test_agreements_by_number_all_none_or_own_words(material):
    offered = ["questions_in_advance", "no_photo", "review_text"]
    assert answers.agreed("1 en 3", offered, material) == (
        ["questions_in_advance", "review_text"],
        None,
    )
    assert answers.agreed("allemaal", offered, material) == (offered, None)
    assert answers.agreed("geen", offered, material) == ([], None)
    assert answers.agreed("she may bring her manager", offered, material) == (
        [],
        "she may bring her manager",
    )
    assert answers.agreed("7", offered, material) is None
    assert answers.agreed("ok", offered, material) is None


def test_corrections_name_a_line_in_either_language(material):
    assert answers.correction("duration: 30 minutes", material) == (
        "duration",
        "30 minutes",
    )
    assert answers.correction("Onderwerp: het nieuwe rooster", material) == (
        "subject",
        "het nieuwe rooster",
    )
    assert answers.correction("change the name", material) == ("candidate_name", None)
    assert answers.correction("vorm wijzigen", material) == ("interview_form", None)
    assert answers.correction("yes", material) is None
