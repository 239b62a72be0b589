"""Preparing and following through, without a server: content checks, reading the
answers in both languages, the e-mail, statuses and reminders with a fixed clock,
and the stored interviews in a real SQLite database."""
import copy
import datetime as dt
import email
from email import policy

import pytest
import sqlalchemy as sa

from actions import email_draft, follow_through, follow_up_content, request_answers as answers
from actions.content import load as load_coaching
from actions.interview_storage import Interviews, interviews_table, reminders_table
from actions.storage import Store

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def material():
    return follow_up_content.load()


def interview(**changes):
    base = {"id": 1, "candidate_name": "Noor", "subject": "het nieuwe nachtrooster op de IC",
            "outlet": "het personeelsblad", "duration": 45, "interview_form": "phone",
            "review_scope": "full_text", "review_days": 3, "sensitive": True,
            "concessions": ["questions_in_advance", "no_photo"], "own_agreements": ["Her manager reads along."]}
    return {**base, **changes}


def test_follow_up_content_is_complete_and_gaps_are_named(material):
    assert follow_up_content.problems(material.raw) == []
    broken = copy.deepcopy(dict(material.raw))
    del broken["form"]["questions"]["subject"]["nl"]
    del broken["agreements"]["no_photo"]
    broken["reminders"]["send_piece"]["after_status"] = "someday"
    found = "\n".join(follow_up_content.problems(broken))
    assert "form.questions.subject: needs both en and nl" in found
    assert "no_photo" in found
    assert "reminders.send_piece: unknown status 'someday'" in found


@pytest.mark.parametrize("text, expected", [
    ("Sanne", "Sanne"), ("fatima", "Fatima"), ("her name is Eva", "Eva"), ("ze heet Joost", "Joost"),
    ("Jan-Willem", "Jan-Willem"), ("Sanne de Vries", None), ("Peter Jansen", None), ("06-12345678", None), ("", None),
])
def test_candidate_is_a_first_name_or_pseudonym_only(text, expected):
    assert answers.candidate_name(text) == expected


@pytest.mark.parametrize("text, minutes", [
    ("45 minutes", 45), ("an hour", 60), ("1.5 hours", 90), ("half an hour", 30), ("45", 45),
    ("45 minuten", 45), ("een uur", 60), ("anderhalf uur", 90), ("1,5 uur", 90), ("een half uur", 30),
    ("drie kwartier", 45), ("een uurtje", 60), ("2 uur", 120),
    ("5 hours", None), ("2 minutes", None), ("soon", None), ("binnenkort", None),
])
def test_time_needed_in_both_languages(text, minutes):
    assert answers.duration_minutes(text) == minutes


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
    assert [answers.working_days(t) for t in ("3", "twee dagen", "within five days", "20", "soon")] == [3, 2, 5, None, None]
    assert [answers.yes_no(t, material) for t in ("ja", "Yes", "nee", "no", "misschien")] == [True, True, False, False, None]
    assert answers.is_stop("Stop", material) and answers.is_stop("laat maar", material)
    assert not answers.is_stop("stop the night shifts", material)


def test_agreements_by_number_all_none_or_own_words(material):
    offered = ["questions_in_advance", "no_photo", "review_text"]
    assert answers.agreed("1 en 3", offered, material) == (["questions_in_advance", "review_text"], None)
    assert answers.agreed("allemaal", offered, material) == (offered, None)
    assert answers.agreed("geen", offered, material) == ([], None)
    assert answers.agreed("she may bring her manager", offered, material) == ([], "she may bring her manager")
    assert answers.agreed("7", offered, material) is None
    assert answers.agreed("ok", offered, material) is None


def test_corrections_name_a_line_in_either_language(material):
    assert answers.correction("duration: 30 minutes", material) == ("duration", "30 minutes")
    assert answers.correction("Onderwerp: het nieuwe rooster", material) == ("subject", "het nieuwe rooster")
    assert answers.correction("change the name", material) == ("candidate_name", None)
    assert answers.correction("vorm wijzigen", material) == ("interview_form", None)
    assert answers.correction("yes", material) is None


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_email_records_every_agreement_and_leaves_no_placeholder(material, lang):
    item = interview()
    subject, body = email_draft.compose(item, material, lang)
    for expected in (item["subject"], item["outlet"], "Noor", item["own_agreements"][0],
                     material.agreement("questions_in_advance", lang), material.agreement("no_photo", lang),
                     material.choice("interview_form", "phone", lang)["text"],
                     material.choice("review_scope", "full_text", lang)["text"],
                     material.text("email.lines.sensitive", lang), "3"):
        assert expected in body
    assert item["outlet"] in subject
    for leftover in ("{", "}", "None", "[", "TODO", "XXX"):
        assert leftover not in body + subject
    assert answers.describe_minutes(45, lang) in body

    parsed = email.message_from_string(email_draft.to_eml(subject, body, NOW), policy=policy.default)
    assert parsed["Subject"] == subject and parsed["X-Unsent"] == "1"
    assert parsed.get_content().strip() == body.strip()


def test_email_without_review_or_extras_says_so_plainly(material):
    subject, body = email_draft.compose(interview(review_scope="none", review_days=None, sensitive=False,
                                                  concessions=[], own_agreements=[]), material, "en")
    assert material.choice("review_scope", "none", "en")["text"] in body
    assert "working days" not in body and material.text("email.agreed_heading", "en") not in body
    assert material.text("email.lines.sensitive", "en") not in body


def test_status_is_read_from_chat_messages(material):
    cases = {
        "Noor said yes to the interview": "agreed", "Piet heeft ja gezegd": "agreed",
        "I spoke to Noor yesterday": "held", "het interview met Daan is afgenomen": "held",
        "the piece about Noor is online now": "published", "het stuk over Mila is verschenen": "published",
        "aftercare with Noor done": "aftercare_done", "ik heb Eva nagebeld na publicatie": "aftercare_done",
        "how is the weather": None,
    }
    assert {text: follow_through.detect_status(text, material) for text in cases} == cases
    people = [interview(id=1), interview(id=2, candidate_name="Daan")]
    assert [i["id"] for i in follow_through.mentioned("Het stuk van daan staat online", people)] == [2]
    assert follow_through.mentioned("Daantje", people) == []


def test_reminders_follow_the_status_with_a_controllable_clock(material):
    sensitive = interview()
    plan = dict(follow_through.reminders_for(sensitive, "published", NOW, material, day=DAY))
    assert plan == {"send_piece": NOW + DAY, "aftercare": NOW + 5 * DAY, "consent_channels": NOW + 7 * DAY}
    plain = dict(follow_through.reminders_for(interview(sensitive=False), "published", NOW, material, day=DAY))
    assert "aftercare" not in plain and set(plain) == {"send_piece", "consent_channels"}
    assert follow_through.reminders_for(interview(), "held", NOW, material, day=DAY) == [("review_text", NOW + DAY)]
    assert follow_through.reminders_for(interview(review_scope="none"), "held", NOW, material, day=DAY) == []
    # a shorter day (OVERSTAG_DAY_SECONDS) scales every reminder
    short = dict(follow_through.reminders_for(sensitive, "published", NOW, material, day=dt.timedelta(seconds=2)))
    assert short["aftercare"] == NOW + dt.timedelta(seconds=10)
    for lang in ("en", "nl"):
        for kind in ("send_piece", "aftercare", "consent_channels", "review_text"):
            text = follow_through.reminder_text(kind, sensitive, material, lang)
            assert "Noor" in text and "{" not in text


def test_stored_interview_status_reminders_delivery_and_deletion(tmp_path, material):
    store = Interviews(Store(f"sqlite:///{tmp_path / 'follow.db'}").engine)
    answers_ = {k: v for k, v in interview().items() if k != "id"}
    first = store.create("conv-1", answers_, "nl", NOW)
    other = store.create("conv-2", {**answers_, "candidate_name": "Daan"}, "en", NOW)
    assert [i["candidate_name"] for i in store.of("conv-1")] == ["Noor"]
    assert store.get(first)["concessions"] == ["questions_in_advance", "no_photo"]

    store.set_status(first, "held", follow_through.reminders_for(store.get(first), "held", NOW, material, DAY), NOW)
    assert [r["kind"] for r in store.reminders(first)] == ["review_text"]
    published_at = NOW + 2 * DAY
    store.set_status(first, "published",
                     follow_through.reminders_for(store.get(first), "published", published_at, material, DAY),
                     published_at)
    assert store.get(first)["status"] == "published"
    # moving on cancels what the earlier stage still had pending
    assert [r["kind"] for r in store.reminders(first, states=("cancelled",))] == ["review_text"]
    assert [r["kind"] for r in store.reminders(first)] == ["send_piece", "aftercare", "consent_channels"]

    assert store.claim_due(published_at) == []
    due = store.claim_due(published_at + DAY)
    assert [r["kind"] for r in due] == ["send_piece"]
    assert store.claim_due(published_at + DAY) == []  # claimed once only
    store.finish_delivery(due[0]["id"], True, published_at + DAY)
    assert store.reminder(due[0]["id"])["state"] == "sent"
    again = store.claim_due(published_at + 6 * DAY)
    assert [r["kind"] for r in again] == ["aftercare"]
    assert store.release_interrupted() == 1  # a restart puts it back in the queue
    assert [r["kind"] for r in store.claim_due(published_at + 6 * DAY)] == ["aftercare"]

    assert store.delete(first)
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(interviews_table.c.id)).scalars().all() == [other]
        assert connection.execute(sa.select(reminders_table).where(
            reminders_table.c.interview_id == first)).all() == []
    assert not store.delete(first)


def test_every_concession_has_an_email_line_in_both_languages(material):
    for cid in load_coaching().concessions:
        assert material.agreement(cid, "en") and material.agreement(cid, "nl")
