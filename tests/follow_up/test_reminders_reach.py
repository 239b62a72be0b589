"""Reminders where the interviewer is: Slack and Teams direct messages from the
real server's delivery loop, read at the local fakes, exactly once; and the
interview's follow-up tasks as an .ics, parsed with icalendar."""

import datetime as dt
import json
import time

import icalendar
import pytest

from overstag.storage import storage
from overstag.storage.tables import reminders as reminders_table
from support.channel_fakes import TEAMS_TENANT, ChannelStack, http
from support.interviews import ENGLISH_REQUEST, interview

pytestmark = pytest.mark.integration

SENT_TEXT = "Reminder: send Kim the published piece"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    env = {"OVERSTAG_DAY_SECONDS": "2", "OVERSTAG_REMINDER_POLL_SECONDS": "0.3"}
    with ChannelStack(tmp_path_factory.mktemp("reach"), extra_env=env) as stack:
        yield stack


def _states(stack, conversation_id):
    engine = storage(stack.servers.database_url).engine
    with engine.connect() as connection:
        rows = connection.execute(
            reminders_table.select().where(
                reminders_table.c.conversation_id == conversation_id
            )
        ).mappings()
        return {row["kind"]: row["state"] for row in rows}


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("timed out")


def _all_sent(stack, conversation_id):
    return _wait(
        lambda: (
            (states := _states(stack, conversation_id))
            and set(states.values()) == {"sent"}
            and states
        ),
        timeout=90,
    )


def test_a_slack_users_reminders_arrive_in_their_direct_messages_once(stack):
    from channels.test_slack import dm, send_event, settled

    fake = stack.slack
    for text in (*ENGLISH_REQUEST, "the interview with Kim is published"):
        before = len(fake.messages("DREACH1"))
        status, _, _ = send_event(stack, dm("UREACH1", "DREACH1", text))
        assert status == 200
        settled(fake, "DREACH1", after=before, quiet=0.6)
    conversation = "slack:T0TEAM:UREACH1"
    states = _all_sent(stack, conversation)
    assert set(states) == {"send_piece", "consent_channels"}
    time.sleep(2)  # several more polls: nothing goes out again
    # chat.postMessage to the member id: Slack's direct message with the app
    direct = fake.messages("UREACH1")
    texts = [m["text"] for m in direct]
    assert sum(SENT_TEXT in t for t in texts) == 1, texts
    assert sum("ask Kim first" in t for t in texts) == 1, texts
    assert len(direct) == 2
    # with the button that lists the interviews, as in the conversation
    values = [
        e["value"]
        for m in direct
        for b in m.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert values == ["/my_interviews", "/my_interviews"]
    # nothing in the channel where the form was filled in, nobody else's DM
    assert not any(SENT_TEXT in (m.get("text") or "") for m in fake.messages("DREACH1"))
    assert {m["channel"] for m in fake.calls} <= {"UREACH1", "DREACH1"}


def test_a_teams_users_reminders_arrive_as_proactive_messages_once(stack):
    from channels.test_teams import activity, post, settled

    fake = stack.teams
    chat = "a:personal-reach"
    for text in (*ENGLISH_REQUEST, "the interview with Kim is published"):
        before = len(fake.replies(chat))
        body = activity(fake, text, conversation=chat, user="29:reach")
        status, _, _ = post(stack, body)
        assert status == 200
        settled(fake, chat, after=before, quiet=0.6)
    conversation = f"teams:{TEAMS_TENANT}:29:reach"
    assert set(_all_sent(stack, conversation)) == {"send_piece", "consent_channels"}
    time.sleep(2)
    replies = fake.replies(chat)
    pushed = [r for r in replies if "replyToId" not in r]
    texts = [r.get("attachments")[0]["content"]["text"] for r in pushed]
    assert sum(SENT_TEXT in t for t in texts) == 1, texts
    assert sum("ask Kim first" in t for t in texts) == 1, texts
    assert len(pushed) == 2
    # addressed to the user of the saved reference, by the bot
    assert {r["recipient"]["id"] for r in pushed} == {"29:reach"}
    assert all(r["from"]["id"].startswith("28:") for r in pushed)


def _web_interview(stack, due_in_days=(3, 10)):
    servers = stack.servers
    conversation = servers.web_conversation()
    stored = storage(servers.database_url).interviews
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    answers = interview(candidate_name="Kim", review_scope="none", sensitive=False)
    interview_id = stored.create(conversation, answers, "en", now)
    day = dt.timedelta(days=1)
    plan = [
        ("send_piece", now + day * due_in_days[0]),
        ("consent_channels", now + day * due_in_days[1]),
    ]
    stored.set_status(interview_id, "published", plan, now)
    return interview_id, plan


def test_the_follow_up_tasks_as_ics(stack):
    interview_id, plan = _web_interview(stack)
    url = f"{stack.servers.base}/webhooks/chat/interviews/{interview_id}/tasks.ics"
    status, headers, body = http("GET", url)
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/calendar")
    assert 'filename="interview-kim.ics"' in headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(body)
    events = [c for c in calendar.walk("VEVENT")]
    assert [e.decoded("dtstart") for e in events] == [due for _, due in plan]
    summaries = [str(e["summary"]) for e in events]
    assert summaries == [
        "Overstag: remember to send the published piece (Kim)",
        "Overstag: remember to ask consent before other channels (Kim)",
    ]
    assert "send Kim the published piece" in str(events[0]["description"])
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    assert len({str(e["uid"]) for e in events}) == 2


def test_the_ics_is_only_the_owners_and_bad_ids_are_404(stack):
    # an interview of a Slack user: the web page's user may not read it
    slack_owned = storage(stack.servers.database_url).interviews.create(
        "slack:T0TEAM:UOTHER", interview(candidate_name="Lou"), "en", dt.datetime.now()
    )
    storage(stack.servers.database_url).accounts.claim(
        "slack:T0TEAM:UOTHER", "slack:T0TEAM:UOTHER", "slack"
    )
    base = f"{stack.servers.base}/webhooks/chat/interviews/"
    for bad in (str(slack_owned), "999999", "abc", "1e3", "-1", "9" * 40, "%00"):
        status, _, body = http("GET", f"{base}{bad}/tasks.ics")
        assert status == 404, (bad, status, body)
        assert "Lou" not in json.dumps(body)
