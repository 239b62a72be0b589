"""The request form over REST with both servers and the trained model (issue 16):
a remark mid-form is noted and the same question comes back, a mixed answer is
split, a fuzzy period is read or re-asked, an outlet named earlier is only
confirmed; the e-mail has the date, time, place and sender, speaks to the
candidate, and comes with an .eml and an .ics that parse."""

import datetime as dt
from email import policy
from email.parser import Parser

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from overstag import payloads
from overstag.coaching import content as coaching_content
from overstag.follow_up import content as follow_up_content
from overstag.storage.tables import interviewer_names
from support.servers import Servers

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def next_tuesday():
    today = dt.date.today()
    return today + dt.timedelta(days=(1 - today.weekday() - 1) % 7 + 1)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("form-listens"))
    running.start()
    yield running
    running.stop()


def the_mail(replies):
    return next(r["custom"][payloads.EMAIL_KEY] for r in replies if r.get("custom"))


def check_files(mail, start, minutes, place):
    parsed = Parser(policy=policy.default).parsestr(mail["eml"])
    assert parsed["Subject"] == mail["subject"]
    assert parsed.get_body(("plain",)).get_content().strip() == mail["body"].strip()
    [attached] = [p for p in parsed.iter_attachments()]
    assert attached.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(mail["ics"])
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(
        minutes=minutes
    )
    assert str(event.get("location")) == place
    assert mail["ics_filename"].endswith(".ics")


def test_english_form_listens_and_the_email_is_worth_sending(servers):
    s = servers
    material = follow_up_content.load()
    sender = s.web_conversation()
    s.chat(sender, "She's afraid her words end up online")
    s.chat(sender, "help me prepare the interview request")
    s.chat(sender, "Marieke")
    # a remark at the subject question: noted, coached, and the question again
    remark = texts(
        s.chat(sender, "wait, he just told me he doesn't want his photo in it")
    )
    assert material.agreement("no_photo", "en") in remark
    assert material.text("form.questions.subject", "en") in remark
    # the subject mentions the outlet: the outlet question only confirms it
    asked = texts(
        s.chat(
            sender,
            "About the new neighbourhood team she set up, for the staff magazine",
        )
    )
    assert "the staff magazine" in asked and "Is that right?" in asked
    s.chat(sender, "yes")
    s.chat(sender, "an hour")
    s.chat(sender, "Video call (Teams)")
    s.chat(sender, "next Tuesday at 2 pm")
    s.chat(sender, "Teams")
    s.chat(sender, "The full text")
    assert "10 working days" in texts(s.chat(sender, "a fortnight"))
    s.chat(sender, "no")
    s.chat(sender, "1 and 2, and she wants her team lead to read along")
    summary = texts(s.chat(sender, "Joris de Vries"))
    assert "◦ she wants her team lead to read along" in summary
    # two picked, the remark and the own agreement, each once (the photo may be both)
    assert summary.count("◦ ") >= 3
    assert summary.count(follow_up_content.load().agreement("no_photo", "en")) == 1
    mail = the_mail(s.chat(sender, "yes"))

    body = mail["body"]
    tuesday = next_tuesday()
    assert mail[
        "subject"
    ] == f"Our interview for the staff magazine on {tuesday.day} " + tuesday.strftime(
        "%B"
    )
    assert "the new neighbourhood team you set up" in body
    assert "• You want your team lead to read along." in body
    assert f"When: Tuesday {tuesday.day} " in body and " at 14:00" in body
    assert "Where: Teams" in body
    assert body.rstrip().endswith("Kind regards,\nJoris de Vries")
    assert " she " not in body and " her " not in body
    assert f"• {material.agreement('no_photo', 'en')}" in body
    check_files(mail, dt.datetime.combine(tuesday, dt.time(14, 0)), 60, "Teams")


def test_dutch_form_listens_and_remembers_the_sender(servers):
    s = servers
    material = follow_up_content.load()
    coaching = coaching_content.load()
    sender = s.web_conversation()
    s.chat(sender, "Ze is bang dat haar woorden online blijven staan")
    s.chat(sender, "help me het interviewverzoek voorbereiden")
    s.chat(sender, "Marieke")
    remark = texts(
        s.chat(sender, "wacht, ze zei net dat ze niet met haar achternaam erin wil")
    )
    assert material.agreement("first_name_only", "nl") in remark
    assert coaching.label("objection_privacy", "nl").lower() in remark.lower()
    assert material.text("form.questions.subject", "nl") in remark
    asked = texts(
        s.chat(
            sender,
            "Over het nieuwe wijkteam in Zuid dat ze heeft opgezet, "
            "voor het personeelsblad",
        )
    )
    assert "het personeelsblad" in asked and "Klopt dat?" in asked
    s.chat(sender, "ja")
    s.chat(sender, "een uurtje")
    s.chat(sender, "Face-to-face")
    s.chat(sender, "volgende dinsdag om 14.00")
    s.chat(sender, "vergaderruimte 2.14")
    s.chat(sender, "De hele tekst")
    assert material.text("form.reasks.review_days", "nl") in texts(
        s.chat(sender, "binnenkort")
    )
    assert "5 werkdagen" in texts(s.chat(sender, "een week of zo"))
    s.chat(sender, "nee")
    s.chat(sender, "1 en 2, en ze wil dat haar teamleider meeleest")
    s.chat(sender, "Joris")
    mail = the_mail(s.chat(sender, "ja"))

    body = mail["body"]
    tuesday = next_tuesday()
    assert mail["subject"].startswith(
        f"Ons interview voor het personeelsblad op {tuesday.day} "
    )
    assert "Beste Marieke," in body
    assert "dat je hebt opgezet" in body
    assert "• Je wilt dat je teamleider meeleest." in body
    assert f"Wanneer: dinsdag {tuesday.day} " in body and " om 14:00" in body
    assert "Waar: vergaderruimte 2.14" in body
    assert body.rstrip().endswith("Hartelijke groet,\nJoris")
    assert " haar " not in body and " ze " not in body
    check_files(
        mail, dt.datetime.combine(tuesday, dt.time(14, 0)), 60, "vergaderruimte 2.14"
    )

    engine = sa.create_engine(s.database_url, future=True)
    with engine.connect() as connection:
        names = connection.execute(sa.select(interviewer_names)).mappings().all()
    engine.dispose()
    assert [row["name"] for row in names] == ["Joris"]

    # the next request of the same user only asks to confirm the name
    s.chat(sender, "help me het interviewverzoek voorbereiden")
    for answer in (
        "Sanne",
        "Over haar eerste jaar als teamleider",
        "het intranet",
        "een half uur",
        "Telefoon",
        "morgen om 10.00",
        "ik bel haar",
        "Niet meelezen",
        "nee",
        "geen",
    ):
        asked = texts(s.chat(sender, answer))
    assert "Joris" in asked and "Klopt dat?" in asked
