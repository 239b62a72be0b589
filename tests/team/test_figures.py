"""The team's figures against real SQLite and PostgreSQL databases filled by the
real stores: counts per week, offers and how often they ended in a yes, rubric
means, small groups hidden, erased users gone, and the CSV equal to the rows."""

import csv
import datetime as dt
import io
import json
import uuid
from collections import defaultdict

import pytest
import sqlalchemy as sa

from overstag.privacy import records
from overstag.storage import database, storage
from overstag.team import access, export, figures
from support.team import ANN, BAS, COR, DIRK, raw_rows, seed


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]
)
def team_db(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'team.db'}"
    else:
        server = request.getfixturevalue("postgres_url")
        name = f"team_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
        url = server.rsplit("/", 1)[0] + "/" + name
    weeks = seed(url)
    yield url, weeks
    database.dispose_all()
    if request.param == "postgresql":
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def _cells(found, section, *keys):
    return {tuple(cell[k] for k in keys): cell for cell in found[section]}


def test_objections_per_week_and_category_with_small_groups_hidden(team_db):
    url, w = team_db
    found = figures.figures(storage(url).engine, min_users=3)
    cells = _cells(found, "objections", "week", "category")
    assert found["min_users"] == 3
    # four times by three people; the follow-up ("another") is not a new concern
    assert cells[(w["w1"], "objection_privacy")] == {
        "week": w["w1"],
        "category": "objection_privacy",
        "count": 4,
        "users": 3,
        "suppressed": False,
    }
    assert cells[(w["w2"], "objection_privacy")]["count"] == 4
    assert cells[(w["w2"], "objection_modesty")]["count"] == 3
    # two people only: shown as hidden, with no number at all
    assert cells[(w["w1"], "objection_time")] == {
        "week": w["w1"],
        "category": "objection_time",
        "count": None,
        "users": None,
        "suppressed": True,
    }
    assert set(cells) == {
        (w["w1"], "objection_privacy"),
        (w["w1"], "objection_time"),
        (w["w2"], "objection_privacy"),
        (w["w2"], "objection_modesty"),
    }
    assert found["weeks"] == [w["w1"], w["w2"], w["w3"]]


def test_offers_and_how_often_the_rehearsal_ended_in_a_yes(team_db):
    url, w = team_db
    found = figures.figures(storage(url).engine, min_users=3)
    offers = _cells(found, "concessions", "week", "offer")
    # ann, bas and cor in week 1; bas walked away
    assert offers[(w["w1"], "move_offer_review")] == {
        "week": w["w1"],
        "offer": "move_offer_review",
        "rehearsals": 3,
        "agreed": 2,
        "users": 3,
        "suppressed": False,
    }
    # cor (stopped) and dirk in week 2; a session still running is not counted
    assert offers[(w["w2"], "move_offer_review")]["suppressed"] is True
    assert offers[(w["w2"], "move_offer_review")]["rehearsals"] is None
    assert offers[(w["w1"], "move_offer_time")]["suppressed"] is True
    assert set(offers) == {
        (w["w1"], "move_offer_review"),
        (w["w1"], "move_offer_time"),
        (w["w2"], "move_offer_review"),
        (w["w2"], "move_offer_time"),
        (w["w2"], "move_offer_questions_in_advance"),
    }


def test_the_running_week_is_never_shown(team_db):
    url, w = team_db
    found = figures.figures(storage(url).engine, min_users=2)
    assert w["running"] not in found["weeks"]
    assert (
        found["until"]
        == figures.window(dt.datetime.now(dt.timezone.utc), 1)[1].date().isoformat()
    )
    text = json.dumps(found)
    # four people asked about the format and three offered a colleague this week
    assert "objection_format" not in text and "move_offer_company" not in text


def test_rubric_means_per_week(team_db):
    url, w = team_db
    found = figures.figures(storage(url).engine, min_users=3)
    scores = _cells(found, "scores", "week", "item")
    assert scores[(w["w1"], "acknowledged")]["mean"] == round(5 / 3, 2)
    assert scores[(w["w1"], "explored")]["mean"] == 1.0
    assert scores[(w["w1"], "confirmed")]["mean"] == round(2 / 3, 2)
    assert scores[(w["w1"], "acknowledged")]["sessions"] == 3
    # dirk's firm-no persona has no score for exploring or confirming
    assert scores[(w["w2"], "acknowledged")]["mean"] == 1.5
    assert scores[(w["w2"], "acknowledged")]["users"] == 4
    assert scores[(w["w2"], "explored")]["mean"] == round(5 / 3, 2)
    assert scores[(w["w2"], "explored")]["sessions"] == 3
    assert scores[(w["w2"], "no_pressure")]["mean"] == 1.5
    # erin rehearsed alone this week
    assert all(scores[(w["w3"], item)]["suppressed"] for item in figures.RUBRIC_ITEMS)


def test_a_lower_threshold_shows_more_and_a_higher_one_hides_more(team_db):
    url, w = team_db
    engine = storage(url).engine
    two = _cells(figures.figures(engine, min_users=2), "objections", "week", "category")
    assert two[(w["w1"], "objection_time")]["count"] == 2
    five = figures.figures(engine, min_users=5)
    assert all(cell["suppressed"] for cell in five["objections"])
    assert all(cell["suppressed"] for cell in five["concessions"])


def test_an_erased_user_is_gone_from_the_figures(team_db):
    url, w = team_db
    engine = storage(url).engine
    records.erase_user(engine, COR)
    found = figures.figures(engine, min_users=3)
    cells = _cells(found, "objections", "week", "category")
    assert cells[(w["w1"], "objection_privacy")]["suppressed"] is True
    assert cells[(w["w2"], "objection_privacy")]["count"] == 3
    offers = _cells(found, "concessions", "week", "offer")
    assert offers[(w["w1"], "move_offer_review")]["suppressed"] is True
    assert (w["w1"], "acknowledged") in _cells(found, "scores", "week", "item")
    assert _cells(found, "scores", "week", "item")[(w["w1"], "acknowledged")][
        "suppressed"
    ]


def test_the_window_leaves_older_weeks_out(team_db):
    url, w = team_db
    found = figures.figures(storage(url).engine, min_users=3, weeks=1)
    assert found["weeks"] == [w["w3"]]
    assert found["objections"] == [] and found["concessions"] == []
    assert found["scores"] and all(cell["suppressed"] for cell in found["scores"])


def _iso_week(stored):
    # plain SQL hands SQLite's times back as text, PostgreSQL's as datetimes (UTC)
    moment = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _expected_from_rows(url, min_users):
    """The CSV's rows computed again, from the tables read with plain SQL."""
    rows = raw_rows(url)
    year, week, _ = dt.datetime.now(dt.timezone.utc).isocalendar()
    running = f"{year}-W{week:02d}"
    owner = {c["conversation_id"]: c["user_id"] for c in rows["overstag_conversations"]}
    counted, people = defaultdict(int), defaultdict(set)
    for row in rows["overstag_coached_objections"]:
        if row["kind"] == "coach" and _iso_week(row["created_at"]) != running:
            key = ("objections", _iso_week(row["created_at"]), row["category"])
            counted[key] += 1
            people[key].add(owner[row["conversation_id"]])
    sessions = {
        s["id"]: s
        for s in rows["overstag_rehearsal_sessions"]
        if s["outcome"] and _iso_week(s["started_at"]) != running
    }
    offered = defaultdict(set)
    for turn in rows["overstag_rehearsal_turns"]:
        for move in json.loads(turn["moves"]):
            if move.startswith("move_offer") and turn["session_id"] in sessions:
                week = _iso_week(sessions[turn["session_id"]]["started_at"])
                offered[(week, move)].add(turn["session_id"])
    expected = set()
    for (figure, week, key), n in counted.items():
        shown = len(people[(figure, week, key)]) >= min_users
        expected.add((figure, week, key, str(n) if shown else ""))
    for (week, move), ids in offered.items():
        users = {owner[sessions[i]["conversation_id"]] for i in ids}
        yes = sum(sessions[i]["outcome"] == "agreed" for i in ids)
        shown = len(users) >= min_users
        expected.add(("concession_offered", week, move, str(len(ids)) if shown else ""))
        expected.add(("concession_agreed", week, move, str(yes) if shown else ""))
    return expected


def test_the_csv_holds_what_the_database_holds(team_db):
    url, _ = team_db
    text = export.to_csv(figures.figures(storage(url).engine, min_users=3))
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == list(export.COLUMNS)
    got = {
        (r["figure"], r["week"], r["key"], r["value"])
        for r in parsed
        if r["figure"] != "rubric_mean"
    }
    assert got == _expected_from_rows(url, 3)
    # hidden cells carry no number in any column
    for row in parsed:
        if row["suppressed"] == "1":
            assert row["value"] == row["count"] == row["users"] == ""
    means = {
        (r["week"], r["key"]): r["value"]
        for r in parsed
        if r["figure"] == "rubric_mean"
    }
    assert "1.67" in means.values()


def test_nothing_identifies_a_person_or_a_conversation(team_db):
    url, _ = team_db
    found = json.dumps(figures.figures(storage(url).engine, min_users=2))
    for person in (ANN, BAS, COR, DIRK, "web:", "persona"):
        assert person not in found


def test_who_is_a_coach(monkeypatch):
    monkeypatch.setenv("OVERSTAG_COACHES", " proxy:carla, oidc:ab12cd34:zoe ")
    monkeypatch.delenv("OVERSTAG_COACH_CLAIM", raising=False)
    assert access.is_coach("proxy:carla") and access.is_coach("oidc:ab12cd34:zoe")
    assert not access.is_coach("proxy:carl") and not access.is_coach("")
    assert not access.claims_say_coach({"roles": ["coach"]})  # no claim configured
    monkeypatch.setenv("OVERSTAG_COACH_CLAIM", "roles")
    assert access.claims_say_coach({"roles": ["editor", "coach"]})
    assert access.claims_say_coach({"roles": "editor coach"})
    assert not access.claims_say_coach({"roles": ["coaches"]})
    assert not access.claims_say_coach({"roles": {"coach": True}})
    assert not access.claims_say_coach({})
    monkeypatch.setenv("OVERSTAG_COACH_CLAIM_VALUE", "team-coaches")
    assert access.claims_say_coach({"roles": ["team-coaches"]})
    assert access.claims_say_coach({"roles": True})


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", True), ("3", True), ("2", True), ("1", False), ("0", False), ("x", False)],
)
def test_the_smallest_group_is_checked_at_start_up(monkeypatch, value, ok):
    monkeypatch.setenv("OVERSTAG_TEAM_MIN_USERS", value)
    assert (access.problems() == []) is ok


def test_the_figures_match_their_schema_in_the_openapi_document(team_db):
    from jsonschema import Draft202012Validator

    from overstag.api import openapi

    url, _ = team_db
    spec = openapi.document()
    schema = spec["components"]["schemas"]["TeamFigures"]
    assert "/api/v1/team/figures" in spec["paths"]
    for lowest in (2, 3, 5):
        found = figures.figures(storage(url).engine, min_users=lowest)
        assert list(Draft202012Validator(schema).iter_errors(found)) == []
    found["objections"][0]["count"] = -1
    assert list(Draft202012Validator(schema).iter_errors(found))
