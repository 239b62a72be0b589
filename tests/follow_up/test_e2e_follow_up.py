"""Preparing a request and following it through over REST, with both servers
running: coaching first, the form with a wrong answer and a correction, the
e-mail, status changes, reminders delivered on a shortened clock (also after a
restart), "my interviews" and deletion, all checked in the database."""

import email
import json
import time
import urllib.request
from email import policy

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from overstag import payloads
from overstag.follow_up import content as follow_up_content
from overstag.storage.tables import interviews as interviews_table
from overstag.storage.tables import reminders as reminders_table
from support.interviews import ENGLISH_REQUEST
from support.servers import Servers

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def pushed(servers, sender, after=0.0):
    url = f"{servers.base}/webhooks/chat/updates?sender={sender}&after={after}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        answer = json.loads(reply.read())
    Draft202012Validator(payloads.PUSHED_SCHEMA).validate(answer)  # what the page reads
    return answer["messages"]


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError("timed out")


def events_table(servers):
    engine = sa.create_engine(servers.database_url, future=True)
    table = sa.Table("events", sa.MetaData(), autoload_with=engine)
    engine.dispose()
    return table


def rows(servers, table, **where):
    engine = sa.create_engine(servers.database_url, future=True)
    with engine.connect() as connection:
        query = sa.select(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        found = [dict(r) for r in connection.execute(query).mappings().all()]
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def follow_servers(tmp_path_factory):
    # one reminder "day" lasts a second, and due reminders are looked for often
    servers = Servers(
        tmp_path_factory.mktemp("follow-up"),
        extra_env={
            "OVERSTAG_DAY_SECONDS": "1",
            "OVERSTAG_REMINDER_POLL_SECONDS": "0.3",
        },
    )
    servers.start()
    yield servers
    servers.stop()


def test_dutch_request_from_coaching_to_deletion(follow_servers):
    # the web page's conversation: its reminders are pushed to the page
    s = follow_servers
    sender = s.web_conversation()
    material = follow_up_content.load()
    coached = s.chat(sender, "Ze wil niet dat er een foto van haar op intranet komt")
    assert "Privacy" in texts(coached) or "privacy" in texts(coached).lower()

    start = s.chat(sender, "help me het interviewverzoek voorbereiden")
    assert material.text("form.start", "nl") in texts(start)
    assert material.text("form.reasks.candidate_name", "nl") in texts(
        s.chat(sender, "Noor Bakker")
    )
    assert material.text("form.reasks.candidate_name", "nl") not in texts(
        s.chat(sender, "Noor")
    )
    s.chat(
        sender, "de nieuwe nachtdiensten op de IC en wat die betekenen voor het team"
    )
    s.chat(sender, "het personeelsblad")
    assert material.text("form.reasks.duration", "nl") in texts(
        s.chat(sender, "straks")
    )
    s.chat(sender, "drie kwartier")
    s.chat(sender, "Telefoon")
    s.chat(sender, "morgen om 10.30")
    s.chat(sender, "ik bel haar op haar mobiel")
    s.chat(sender, "De hele tekst")
    s.chat(sender, "3")
    offered = s.chat(sender, "ja")  # sensitive
    assert "1. " in texts(offered)
    s.chat(sender, "1")
    summary = s.chat(sender, "Joris")
    assert "45 minuten" in texts(summary)
    corrected = s.chat(sender, "duur: een uur")
    assert material.text("form.corrected", "nl") in texts(
        corrected
    ) and "een uur" in texts(corrected)
    done = s.chat(sender, "ja")

    mail = next(r["custom"][payloads.EMAIL_KEY] for r in done if r.get("custom"))
    Draft202012Validator(payloads.EMAIL_SCHEMA).validate(mail)  # what the page reads
    body = mail["body"]
    for part in (
        "Beste Noor,",
        "de nieuwe nachtdiensten op de IC",
        "het personeelsblad",
        "een telefoongesprek",
        "ongeveer een uur",
        "binnen 3 werkdagen",
        material.text("email.lines.sensitive", "nl"),
        material.text("email.agreed_heading", "nl"),
    ):
        assert part in body
    assert "{" not in body and "}" not in body
    parsed = email.message_from_string(mail["eml"], policy=policy.default)
    assert (
        parsed["Subject"] == mail["subject"]
        and parsed.get_body(("plain",)).get_content().strip() == body.strip()
    )
    # the interview itself rides along as an invitation
    [invitation] = [
        part
        for part in parsed.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert "BEGIN:VEVENT" in invitation.get_content()
    assert mail["eml_filename"] == "interview-noor.eml"

    [stored] = rows(s, interviews_table, conversation_id=sender)
    assert (
        stored["status"] == "requested"
        and stored["duration"] == 60
        and stored["sensitive"]
    )
    assert stored["candidate_name"] == "Noor" and "Bakker" not in json.dumps(
        stored, default=str
    )

    assert "gehouden" in texts(s.chat(sender, "ik heb Noor gisteren gesproken"))
    published = s.chat(sender, "het interview met Noor is verschenen")
    assert "verschenen" in texts(published) and "nazorg" in texts(published)
    # review reminder of the earlier stage is cancelled; the published ones arrive
    # one "day" later
    delivered = wait_for(
        lambda: [
            m
            for m in pushed(s, sender)
            if "Noor" in m["text"] and "verschenen stuk" in m["text"]
        ]
    )
    assert delivered[0]["buttons"][0]["payload"] == "/my_interviews"

    def states():
        return {
            r["kind"]: r["state"]
            for r in rows(s, reminders_table, interview_id=stored["id"])
        }

    # the message is in the conversation a moment before its row is marked sent
    assert wait_for(lambda: states()["send_piece"] == "sent")
    assert states()["review_text"] == "cancelled"
    wait_for(
        lambda: any("nazorg" in m["text"].lower() for m in pushed(s, sender)),
        timeout=20,
    )
    # sensitive: aftercare five "days" after publication
    assert wait_for(lambda: states()["aftercare"] == "sent")

    overview = texts(s.chat(sender, "mijn interviews"))
    assert "**Noor** (het personeelsblad): verschenen" in overview

    # another conversation cannot delete it, even with a forged button
    forged = '/confirm_delete{"interview_id": "%d"}' % stored["id"]
    assert "Noor" not in texts(s.say("follow-someone-else", forged))
    assert rows(s, interviews_table, conversation_id=sender)

    ask = s.chat(sender, "verwijder het interview met Noor")
    assert "Noor" in texts(ask)
    confirm = [
        b
        for r in ask
        for b in r.get("buttons") or []
        if b["payload"].startswith("/confirm_delete")
    ]
    assert texts(s.chat(sender, confirm[0]["payload"])).startswith("Klaar")
    assert rows(s, interviews_table, conversation_id=sender) == []
    assert rows(s, reminders_table, interview_id=stored["id"]) == []
    assert material.text("replies.no_interviews", "nl") in texts(
        s.chat(sender, "mijn interviews")
    )
    # and the conversation's history no longer names the candidate either: not
    # the name, not the surname the form refused, not the subject or the outlet
    history = "\n".join(
        row["data"] for row in rows(s, events_table(s), sender_id=sender)
    )
    assert "Ze wil niet dat er een foto" in history  # the coaching stays
    left = [
        word
        for word in ("Noor", "Bakker", "nachtdiensten", "personeelsblad")
        if word.lower() in history.lower()
    ]
    assert left == []
    # nor does the server hand out the history it held before the rewrite
    url = f"{s.base}/conversations/{sender}/tracker?token={s.token}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        served = reply.read().decode()
    assert "Noor" not in served and "Bakker" not in served
    reminders_said = json.dumps(pushed(s, sender))
    assert "nazorg" in reminders_said.lower() and "Noor" not in reminders_said
    # the conversation goes on from the rewritten history
    assert texts(s.chat(sender, "Hij is bang dat zijn woorden verdraaid worden"))


def test_stopping_keeps_nothing_and_coaching_goes_on(follow_servers):
    s = follow_servers
    sender = s.web_conversation()
    s.chat(sender, "prepare an interview request")
    s.chat(sender, "Sam")
    stopped = s.chat(sender, "cancel")
    assert follow_up_content.load().text("form.cancelled", "en") in texts(stopped)
    assert rows(s, interviews_table, conversation_id=sender) == []
    assert "Modesty" in texts(
        s.chat(sender, "He says he's really not that interesting")
    )


def test_reminders_survive_a_restart(tmp_path):
    # a day long enough that a loaded machine stops the first server before the
    # first reminder falls due (4 s was not, once)
    env = {"OVERSTAG_DAY_SECONDS": "10", "OVERSTAG_REMINDER_POLL_SECONDS": "0.3"}
    first = Servers(tmp_path, extra_env=env)
    first.start()
    sender = first.web_conversation()
    try:
        for text in ENGLISH_REQUEST:
            first.chat(sender, text)
        first.chat(sender, "Kim agreed")
        first.chat(sender, "the interview with Kim is published")
    finally:
        first.stop()
    [stored] = rows(first, interviews_table, conversation_id=sender)
    pending = rows(first, reminders_table, interview_id=stored["id"])
    assert {r["kind"] for r in pending} == {"send_piece", "consent_channels"}
    assert {r["state"] for r in pending} == {"pending"}

    second = Servers(tmp_path, extra_env=env)
    second.start()
    try:
        message = wait_for(
            lambda: [m for m in pushed(second, sender) if "Kim" in m["text"]],
            timeout=40,
        )
        assert "intranet" in message[0]["text"]
        assert wait_for(
            lambda: (
                {
                    r["kind"]: r["state"]
                    for r in rows(second, reminders_table, interview_id=stored["id"])
                }["send_piece"]
                == "sent"
            )
        )
    finally:
        second.stop()
