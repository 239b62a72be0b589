"""Two Rasa servers (each with its action server) on one PostgreSQL and one Redis,
behind HAProxy, round robin, on loopback (scripts/local_cluster.py, as `make
cluster` runs it). Many conversations with overlapping messages while one server is
killed with SIGKILL half-way and started again: every message is answered, stored
once and in the order sent, with the right reply; reminders go out exactly once
across a kill."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, List, Tuple

import pytest

from overstag.facts import DUE_REMINDER_SLOT, REMINDER_ACTION
from scripts.local_cluster import LocalCluster

pytestmark = pytest.mark.integration

CONVERSATIONS = 50
# message and the concern its reply must name; one concern per message, so a reply
# computed for the wrong message shows
SCRIPT: List[Tuple[str, str]] = [
    ("She has no time at all this month.", "objection_time"),
    ("He is afraid his photo ends up on the intranet.", "objection_privacy"),
    ("She thinks her work is nothing special.", "objection_modesty"),
    ("His manager has to approve it first.", "objection_approval"),
    ("She does not want to be filmed.", "objection_format"),
    (
        "He wants to read and change the text before it is published.",
        "objection_control",
    ),
]
OVERLAP = 0.15  # seconds between the two messages of a pair in flight together
# a person reading the reply before the next pair, and the conversations' starts
# spread over five seconds; 0 and 0 saturate both cores (see docs/cluster.md)
PAUSE = float(os.environ.get("CLUSTER_PAUSE", "2"))
START_GAP = float(os.environ.get("CLUSTER_START_GAP", "0.1"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = LocalCluster(
        tmp_path_factory.mktemp("cluster"),
        env={
            "OVERSTAG_LOCK_LEASE_SECONDS": "2",
            "OVERSTAG_REMINDER_POLL_SECONDS": "0.5",
            "OVERSTAG_REMINDER_LEASE_SECONDS": "4",
        },
    ).start()
    yield started
    started.stop()


def post(cluster, sender: str, text: str, message_id: str, timeout: float = 180):
    """One message, retried with its idempotency key until a server answers."""
    body = json.dumps({"sender": sender, "message": text, "message_id": message_id})
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        request = urllib.request.Request(
            f"{cluster.url}/webhooks/rest/webhook",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.loads(reply.read()), attempts
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503, 504):
                raise
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{sender}/{message_id} never answered")
        time.sleep(0.5)


def tracker(cluster, conversation: str) -> Dict:
    url = (
        f"{cluster.url}/conversations/{urllib.parse.quote(conversation, safe=':')}"
        f"/tracker?token={cluster.token}&include_events=ALL"
    )
    with urllib.request.urlopen(url, timeout=60) as reply:
        return json.loads(reply.read())


def named(replies: List[Dict]) -> List[str]:
    """The concerns the reply's first line names."""
    from overstag.coaching import content

    labels = {c: content.load().label(c, "en") for _, c in SCRIPT}
    first = (replies[0].get("text") or "").splitlines()[0] if replies else ""
    return [c for c, label in labels.items() if f"about {label}" in first]


def test_overlapping_messages_and_a_killed_server_lose_and_reorder_nothing(cluster):
    # the script is right one message at a time, so any wrong reply is the cluster's
    expected = [[concern] for _, concern in SCRIPT]
    for number, (text, _) in enumerate(SCRIPT):
        replies, _ = post(cluster, "reference", text, f"ref-{number}")
        assert named(replies) == expected[number], (text, replies[:1])

    answered: Dict[Tuple[int, int], List[Dict]] = {}
    attempts: Dict[Tuple[int, int], int] = {}
    sent_at: Dict[Tuple[int, int], float] = {}
    lock = threading.Lock()

    def conversation(number: int) -> None:
        for pair in range(0, len(SCRIPT), 2):
            threads = []
            for k in (pair, pair + 1):

                def send(k=k):
                    sent_at[(number, k)] = time.monotonic()
                    replies, tries = post(
                        cluster, f"load-{number}", SCRIPT[k][0], f"m{k}"
                    )
                    with lock:
                        answered[(number, k)] = replies
                        attempts[(number, k)] = tries

                threads.append(threading.Thread(target=send))
                threads[-1].start()
                time.sleep(OVERLAP)
            for thread in threads:
                thread.join()
            time.sleep(PAUSE)

    clients = [
        threading.Thread(target=conversation, args=(n,)) for n in range(CONVERSATIONS)
    ]
    for client in clients:
        client.start()
        time.sleep(START_GAP)
    total = CONVERSATIONS * len(SCRIPT)
    while len(answered) < total // 2:
        time.sleep(0.05)
    victim = cluster.replicas[0]
    victim.kill_rasa()
    killed_at = time.monotonic()
    time.sleep(1.0)
    victim.start_rasa(cluster.model)
    for client in clients:
        client.join(600)
    cluster.wait_ready(victim)

    assert len(answered) == total
    wrong = [
        (n, k) for (n, k), replies in answered.items() if named(replies) != expected[k]
    ]
    assert wrong == [], [(n, k, named(answered[(n, k)])) for n, k in wrong[:5]]
    sent = [text for text, _ in SCRIPT]
    lost_or_twice, unexplained, explained, misplaced = [], [], 0, []
    for number in range(CONVERSATIONS):
        events = tracker(cluster, f"rest:local:load-{number}")["events"]
        said = [e["text"] for e in events if e["event"] == "user"]
        if sorted(said) != sorted(sent):
            lost_or_twice.append((number, said))
            continue
        # a message stored after one sent later: allowed only when it is the one
        # whose first attempt died with the killed server (its retry came later)
        for later, text in enumerate(said):
            for earlier in said[later + 1 :]:
                overtaken = sent.index(earlier)
                if overtaken < sent.index(text):
                    if attempts[(number, overtaken)] > 1:
                        explained += 1
                    else:
                        unexplained.append(
                            (
                                number,
                                sent.index(text),
                                overtaken,
                                [attempts[(number, k)] for k in range(len(sent))],
                                round(sent_at[(number, overtaken)] - killed_at, 2),
                            )
                        )
        # each reply right after its own message
        order = [
            named([e])
            for e in events
            if e["event"] == "bot" and e.get("text") and "concern about" in e["text"]
        ]
        if order != [[SCRIPT[sent.index(t)][1]] for t in said]:
            misplaced.append(number)
    retried = sum(n > 1 for n in attempts.values())
    print(
        f"cluster: {total} messages, {retried} resent after the kill, "
        f"{explained} stored after a later one because of that"
    )
    assert (lost_or_twice, unexplained, misplaced) == ([], [], [])


def test_reminders_go_out_exactly_once_across_a_killed_server(cluster):
    from overstag.storage import storage

    stored = storage(cluster.postgres.url)
    due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)
    reminders = {}
    for number in range(40):
        conversation = f"rest:local:remind-{number}"
        stored.accounts.user_of(conversation)
        interview = stored.interviews.create(
            conversation,
            {
                "candidate_name": f"Kim {number}",
                "subject": "the new facilities team",
                "outlet": "the intranet",
                "duration": 30,
                "interview_form": "phone",
                "review_scope": "none",
            },
            "en",
            due,
        )
        stored.interviews.set_status(interview, "published", [("send_piece", due)], due)
        [reminder] = stored.interviews.reminders(interview)
        reminders[reminder["id"]] = conversation

    def sent():
        return [
            rid
            for rid in reminders
            if stored.interviews.reminder(rid)["state"] == "sent"
        ]

    def delivering():
        """The replica holding claims right now (by the pid in the claim's owner)."""
        import sqlalchemy as sa

        from overstag.storage.tables import reminder_claims

        with stored.interviews.engine.connect() as connection:
            owners = connection.execute(sa.select(reminder_claims.c.owner)).scalars()
            pids = {int(owner.split(":")[1]) for owner in owners}
        return next((r for r in cluster.replicas if r.rasa.pid in pids), None)

    deadline = time.monotonic() + 120
    victim = None
    while (len(sent()) < 5 or victim is None) and time.monotonic() < deadline:
        victim = delivering()
        time.sleep(0.02)
    assert victim is not None and len(sent()) < len(reminders)
    victim.kill_rasa()
    time.sleep(1.0)
    victim.start_rasa(cluster.model)
    while len(sent()) < len(reminders) and time.monotonic() < deadline + 120:
        time.sleep(0.5)
    cluster.wait_ready(victim)
    assert len(sent()) == len(reminders)
    for rid, conversation in reminders.items():
        events = tracker(cluster, conversation)["events"]
        runs, armed = 0, False
        for event in events:
            if event["event"] == "slot" and event["name"] == DUE_REMINDER_SLOT:
                armed = event["value"] == str(rid)
            elif event["event"] == "action" and armed:
                runs += event["name"] == REMINDER_ACTION
        assert runs == 1, (rid, runs)
