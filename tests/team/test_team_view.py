"""The team view over real HTTP and in a real headless Chromium: one server behind
a trusted sign-in proxy (the test is the proxy), a database filled by the real
stores, a coach, a colleague who is none, and another tool with the API token."""

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from overstag.team import content
from support.browser import ARGS, CHROMIUM
from support.servers import Servers
from support.team import COACH, OUTSIDER, seed

pytestmark = pytest.mark.integration

ADVICE_TOKEN = "team-advice-token-0123456789"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    servers = Servers(Path(tmp_path_factory.mktemp("team-view")))
    servers.extra_env.update(
        {
            "OVERSTAG_AUTH": "proxy",
            "OVERSTAG_TRUSTED_PROXIES": "127.0.0.1",
            "OVERSTAG_COACHES": f"{COACH},proxy:someone-else",
            "OVERSTAG_TEAM_MIN_USERS": "3",
            "OVERSTAG_ADVICE_API_TOKEN": ADVICE_TOKEN,
        }
    )
    servers.start()
    servers.weeks = seed(servers.database_url)
    yield servers
    servers.stop()


def as_user(user_id):
    return {"X-Forwarded-User": user_id.split(":", 1)[1]}


def test_only_a_coach_gets_the_page_and_the_figures(team):
    for path in (
        "/webhooks/team/",
        "/webhooks/team/figures",
        "/webhooks/team/figures.csv",
    ):
        status, body = team.call("GET", path, headers=as_user(OUTSIDER))
        assert status == 403, (path, status)
        assert "objection_privacy" not in json.dumps(body)
        status, _ = team.call("GET", path)  # nobody signed in
        assert status == 401, (path, status)
    status, body = team.call("GET", "/webhooks/team/", headers=as_user(OUTSIDER))
    texts = content.load()
    assert texts["en"]["texts"]["forbidden_title"] in body
    assert texts["nl"]["texts"]["forbidden_title"] in body
    status, body = team.call("GET", "/webhooks/team/", headers=as_user(COACH))
    assert status == 200 and 'id="chart-objections"' in body
    status, found = team.call("GET", "/webhooks/team/figures", headers=as_user(COACH))
    assert status == 200 and found["min_users"] == 3


def test_the_csv_route_gives_the_seeded_figures(team):
    status, text = team.call(
        "GET", "/webhooks/team/figures.csv", headers=as_user(COACH)
    )
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    w = team.weeks
    cell = {(r["figure"], r["week"], r["key"]): r for r in rows}
    assert cell[("objections", w["w1"], "objection_privacy")]["value"] == "4"
    assert cell[("objections", w["w1"], "objection_privacy")]["users"] == "3"
    assert cell[("objections", w["w1"], "objection_time")]["value"] == ""
    assert cell[("objections", w["w1"], "objection_time")]["suppressed"] == "1"
    assert cell[("concession_offered", w["w1"], "move_offer_review")]["value"] == "3"
    assert cell[("concession_agreed", w["w1"], "move_offer_review")]["value"] == "2"
    assert cell[("concession_offered", w["w2"], "move_offer_review")]["value"] == ""
    assert cell[("rubric_mean", w["w2"], "acknowledged")]["value"] == "1.5"


def test_hostile_parameters_get_a_clear_400(team):
    for weeks in ("0", "157", "-1", "abc", "1e3", "9" * 5000, "٣", "3 ", "%00"):
        for path in ("/webhooks/team/figures", "/webhooks/team/figures.csv"):
            status, body = team.call(
                "GET", f"{path}?weeks={quote(weeks, safe='%')}", headers=as_user(COACH)
            )
            assert status == 400, (path, weeks, status)
            assert "weeks" in body["error"]
    status, found = team.call(
        "GET", "/webhooks/team/figures?weeks=1", headers=as_user(COACH)
    )
    assert status == 200 and found["weeks"] == [team.weeks["w3"]]
    for name in ("..%2Fapp.js", "app.js", "index.html", "team.html"):
        status, _ = team.call("GET", f"/webhooks/team/static/{name}")
        assert status == 404, name


def test_the_api_route_needs_the_advice_token(team):
    status, body = team.call("GET", "/api/v1/team/figures")
    assert status == 401 and body["error"] == "unauthorized"
    for token in ("wrong-token-0123456789", team.token):  # Rasa's admin token is not it
        status, _ = team.call(
            "GET", "/api/v1/team/figures", headers={"Authorization": f"Bearer {token}"}
        )
        assert status == 401
    # a coach's session is for the page, not for the API
    status, _ = team.call("GET", "/api/v1/team/figures", headers=as_user(COACH))
    assert status == 401
    bearer = {"Authorization": f"Bearer {ADVICE_TOKEN}"}
    status, body = team.call("GET", "/api/v1/team/figures?weeks=x", headers=bearer)
    assert status == 400 and body["error"] == "bad_request"
    status, from_api = team.call("GET", "/api/v1/team/figures", headers=bearer)
    _, from_page = team.call("GET", "/webhooks/team/figures", headers=as_user(COACH))
    assert status == 200 and from_api == from_page


@pytest.fixture
def coach_page(team):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            extra_http_headers=as_user(COACH),
        )
        page = context.new_page()
        outside = []
        page.on(
            "request",
            lambda r: (
                r.url.startswith(team.base)
                or r.url.startswith("data:")
                or outside.append(r.url)
            ),
        )
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{team.base}/webhooks/team/")
        page.wait_for_selector("body[data-ready=true]")
        yield page
        assert outside == [], f"the page fetched from elsewhere: {outside}"
        assert errors == []
        context.close()
        browser.close()


def test_the_charts_are_drawn_from_the_seeded_figures(team, coach_page):
    page, w = coach_page, team.weeks
    labels = content.load()["en"]
    grid = page.locator("#chart-objections svg")
    # four cells: privacy in both weeks, time in week 1 (hidden), modesty in week 2
    assert grid.locator("rect.cell").count() == 4
    assert grid.locator("rect.hidden-cell").count() == 1
    privacy = grid.locator(
        f"rect[data-week='{w['w1']}'][data-category='objection_privacy']"
    )
    assert privacy.get_attribute("data-count") == "4"
    hidden = grid.locator(
        f"rect[data-week='{w['w1']}'][data-category='objection_time']"
    )
    assert hidden.get_attribute("data-count") == ""
    assert labels["categories"]["objection_privacy"] in grid.inner_html()

    offers = page.locator("#chart-concessions svg g.offer")
    assert offers.count() == 3
    review = page.locator("#chart-concessions g.offer[data-offer='move_offer_review']")
    # week 1 only: week 2's review was offered by two people
    assert review.locator("rect.bar-offered").get_attribute("data-value") == "3"
    assert review.locator("rect.bar-agreed").get_attribute("data-value") == "2"
    assert "2 of 3 ended in a yes (67%)" in review.inner_html()
    assert page.locator("#chart-concessions g.offer.hidden-cell").count() == 2

    scores = page.locator("#chart-scores svg")
    # five rubric items; week 3 (one person) is no point on any line
    assert scores.locator("polyline").count() == 5
    acknowledged = scores.locator("circle[data-item='acknowledged']")
    assert [acknowledged.nth(i).get_attribute("data-value") for i in range(2)] == [
        "1.67",
        "1.5",
    ]
    assert scores.locator(f"circle[data-week='{w['w3']}']").count() == 0
    assert labels["rubric"]["acknowledged"] in page.inner_text("#chart-scores")
    page.screenshot(path=str(team.data_dir / "team.png"), full_page=True)


def test_the_page_switches_to_dutch_and_downloads_the_csv(team, coach_page):
    page = coach_page
    dutch = content.load()["nl"]
    page.click("#switch-language")
    assert page.inner_text("h1") == dutch["texts"]["heading"]
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert dutch["categories"]["objection_privacy"] in page.inner_html(
        "#chart-objections"
    )
    assert "2 van 3 eindigden met een ja (67%)" in page.inner_html("#chart-concessions")
    # the link the page offers, fetched as the page would (Chromium's download
    # manager does not carry the test's proxy header, a real proxy adds it)
    link = page.locator("#download-csv")
    assert link.get_attribute("download") == "overstag-team.csv"
    saved = page.evaluate(
        "fetch(document.getElementById('download-csv').href).then(r => r.text())"
    )
    status, served = team.call(
        "GET", "/webhooks/team/figures.csv", headers=as_user(COACH)
    )
    assert saved == served and "objection_privacy" in saved


def test_a_phone_can_read_it(team, coach_page):
    page = coach_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    # the charts scroll inside their card; the page itself never does sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_no_query_or_header_makes_a_team_route_fail(team):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        path=st.sampled_from(
            [
                "/webhooks/team/",
                "/webhooks/team/figures",
                "/webhooks/team/figures.csv",
                "/api/v1/team/figures",
            ]
        ),
        query=st.text(st.sampled_from("weks=&%+;0129-x?/\u00e9"), max_size=24),
        user=st.sampled_from([None, "carla", "olaf", "", "carla\u200b", "x" * 300]),
        token=st.sampled_from([None, ADVICE_TOKEN, "", "Bearer", "x" * 500]),
    )
    def check(path, query, user, token):
        headers = {}
        if user is not None:
            headers["X-Forwarded-User"] = user.encode("utf-8").decode("latin-1")
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        status, _ = team.call(
            "GET", f"{path}?{quote(query, safe='=&%+;?/')}", headers=headers
        )
        assert status < 500, (path, query, user, token, status)
        assert status in (200, 400, 401, 403), status

    check()


def test_an_erased_user_leaves_the_served_figures(team):
    """Last in this module: it changes the seeded figures."""
    w = team.weeks
    status, _ = team.call(
        "DELETE",
        "/api/v1/me?user=proxy:cor",
        headers={"Authorization": f"Bearer {team.token}"},
    )
    assert status == 200
    status, text = team.call(
        "GET", "/webhooks/team/figures.csv", headers=as_user(COACH)
    )
    cell = {
        (r["figure"], r["week"], r["key"]): r for r in csv.DictReader(io.StringIO(text))
    }
    assert cell[("objections", w["w1"], "objection_privacy")]["suppressed"] == "1"
    assert cell[("objections", w["w2"], "objection_privacy")]["value"] == "3"
    assert (
        cell[("concession_offered", w["w1"], "move_offer_review")]["suppressed"] == "1"
    )
