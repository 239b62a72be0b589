"""Sign-in through a real OpenID Connect provider run locally (oidc-provider-mock,
in its own venv: `make oidc-provider`), in a real browser: two users, and one of
them on two devices (browser contexts)."""

from __future__ import annotations

import base64
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from overstag.rehearsal import content as rehearsal_content
from support.browser import ARGS, CHROMIUM, say_in
from support.interviews import ENGLISH_REQUEST
from support.servers import ROOT, Servers, free_port

pytestmark = pytest.mark.integration

PROVIDER = ROOT / ".venv-oidc" / "bin" / "oidc-provider-mock"
USERS = {
    "alice": {"sub": "alice", "email": "alice@example.org", "name": "Alice Jansen"},
    "bob": {"sub": "bob", "email": "bob@example.org", "name": "Bob de Vries"},
    "eve": {"sub": "eve", "email": "eve@elsewhere.test", "name": "Eve"},
}


@pytest.fixture(scope="module")
def provider():
    if not PROVIDER.exists():
        pytest.fail("the OIDC provider is not installed: run `make oidc-provider`")
    port = free_port()
    command = [str(PROVIDER), "--port", str(port), "--require-nonce", "true"]
    for claims in USERS.values():
        command += ["--user-claims", json.dumps(claims)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the OIDC provider did not start")
            time.sleep(0.2)
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def team(provider, tmp_path_factory):
    """Overstag as a team deploys it: OIDC sign-in, one allowed e-mail domain."""
    servers = Servers(Path(tmp_path_factory.mktemp("team")))
    servers.extra_env.update(
        {
            "OVERSTAG_AUTH": "oidc",
            "OVERSTAG_OIDC_ISSUER": provider,
            "OVERSTAG_OIDC_CLIENT_ID": "overstag-test",
            "OVERSTAG_OIDC_CLIENT_SECRET": "test-client-secret",
            "OVERSTAG_PUBLIC_URL": servers.base,
            "OVERSTAG_ALLOWED_EMAIL_DOMAINS": "example.org",
            "OVERSTAG_REST_TOKENS": "crm:crm-token-0123456789",
        }
    )
    servers.start()
    yield servers
    servers.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        yield launched
        launched.close()


def sign_in(browser, team, who: str):
    """A new browser context (a device) signed in as `who`, on the chat page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{team.base}/webhooks/chat/")
    # the provider's own page: pick the user
    page.click(f"button[name=sub][value={who}]")
    page.wait_for_url(f"{team.base}/webhooks/chat/")
    return context, page


def cookie_header(context) -> dict:
    return {"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())}


def open_conversation(page) -> str:
    page.wait_for_function("localStorage.getItem('overstag.open')")
    return page.evaluate("localStorage.getItem('overstag.open')")


def say_over_http(team, headers, conversation, text):
    status, replies = team.call(
        "POST",
        "/webhooks/chat/webhook",
        {"sender": conversation, "message": text},
        headers,
    )
    assert status == 200, (status, replies)
    return " ".join(r.get("text") or "" for r in replies)


def test_two_users_and_two_devices(team, browser):
    alice, alice_page = sign_in(browser, team, "alice")
    alice_page.wait_for_function("!document.getElementById('signed-in').hidden")
    assert "Alice Jansen" in alice_page.text_content("#signed-in")
    mine = open_conversation(alice_page)
    answer = say_in(alice_page, "She is afraid her words end up online")
    assert answer
    alice_headers = cookie_header(alice)
    # an interview with Kim, over the same session the page has
    for text in ENGLISH_REQUEST:
        say_over_http(team, alice_headers, mine, text)
    assert "Kim" in say_over_http(team, alice_headers, mine, "my interviews")
    say_over_http(team, alice_headers, mine, "let's practise a hard one about time")
    # a rehearsal counts once there is a reply in it
    say_over_http(team, alice_headers, mine, "I can imagine you're very busy.")
    say_over_http(team, alice_headers, mine, "stop the rehearsal")
    progress = rehearsal_content.load().text("progress", "none", "en")
    assert progress not in say_over_http(team, alice_headers, mine, "my progress")

    # the same user on a second device: the same conversations and interviews
    laptop, laptop_page = sign_in(browser, team, "alice")
    assert open_conversation(laptop_page) == mine
    laptop_page.wait_for_selector(".msg.user")
    assert "afraid her words end up online" in laptop_page.inner_text("#messages")
    laptop_page.click("#account summary")
    assert laptop_page.locator(".history-open").count() == 1
    laptop_page.click("#new-conversation")
    laptop_page.wait_for_function(
        f"localStorage.getItem('overstag.open') !== {json.dumps(mine)}"
    )
    assert "Kim" in say_in(laptop_page, "my interviews")
    assert progress not in say_in(laptop_page, "my progress")
    laptop_page.click("#account summary")
    laptop_page.wait_for_function(
        "document.querySelectorAll('.history-open').length === 2"
    )

    # another user sees none of it
    bob, bob_page = sign_in(browser, team, "bob")
    bob_page.click("#account summary")
    bob_page.wait_for_selector(".history-open")
    assert bob_page.locator(".history-open").count() == 1  # his own, new one
    assert "Kim" not in say_in(bob_page, "my interviews")
    assert progress in say_in(bob_page, "my progress")
    bob_headers = cookie_header(bob)
    for method, path, body in (
        ("POST", "/webhooks/chat/webhook", {"sender": mine, "message": "hoi"}),
        ("GET", f"/webhooks/chat/updates?sender={mine}&after=0", None),
        ("GET", f"/webhooks/chat/conversations/{mine}", None),
    ):
        status, _ = team.call(method, path, body, bob_headers)
        assert status == 404, (method, path, status)
    status, exported = team.call("GET", "/api/v1/me/export", headers=bob_headers)
    assert status == 200 and "Kim" not in json.dumps(exported)
    assert exported["user"]["email"] == "bob@example.org"

    status, exported = team.call("GET", "/api/v1/me/export", headers=alice_headers)
    assert status == 200
    assert [i["candidate_name"] for i in exported["overstag_interviews"]] == ["Kim"]
    assert mine in exported["conversations"]

    # nobody signed in: no page, no webhook, no REST without a tool token
    status, _ = team.call(
        "POST", "/webhooks/chat/webhook", {"sender": mine, "message": "hoi"}
    )
    assert status == 401
    status, _ = team.call(
        "POST", "/webhooks/rest/webhook", {"sender": "alice", "message": "hoi"}
    )
    assert status == 401
    # a tool token puts the tool's senders in the tool's namespace
    crm = {"Authorization": "Bearer crm-token-0123456789"}
    status, _ = team.call(
        "POST",
        "/webhooks/rest/webhook",
        {"sender": mine, "message": "my interviews"},
        crm,
    )
    assert status == 200
    status, exported = team.call("GET", f"/api/v1/me/export?sender={mine}", headers=crm)
    assert exported["user"]["user_id"].startswith("rest:crm:")
    assert exported["overstag_interviews"] == []
    for context in (alice, laptop, bob):
        context.close()


def test_a_forged_or_foreign_session_is_refused(team, browser):
    alice, page = sign_in(browser, team, "alice")
    cookie = {c["name"]: c["value"] for c in alice.cookies()}["overstag_session"]
    header, claims, signature = cookie.split(".")

    payload = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    payload["sub"] = payload["sub"].replace("alice", "bob")
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
    for value in (f"{header}.{forged.decode()}.{signature}", "nonsense", cookie[:-4]):
        status, _ = team.call(
            "GET",
            "/webhooks/chat/session",
            headers={"Cookie": f"overstag_session={value}"},
        )
        assert status == 401, value
    # signing out ends the session in the browser
    page.click("#account summary")
    page.click("#sign-out")
    page.wait_for_url("**/oauth2/authorize**")
    assert "overstag_session" not in {c["name"] for c in alice.cookies() if c["value"]}
    alice.close()


def test_sign_in_failures_get_a_clear_page(team, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{team.base}/webhooks/chat/")
    page.click("button[name=sub][value=eve]")
    page.wait_for_selector(".sign-in-failed")
    assert page.get_attribute(".sign-in-failed", "data-reason") == "not_allowed"
    assert "allowed domains" in page.inner_text("body")
    status, _ = team.call(
        "GET", "/webhooks/chat/session", headers=cookie_header(context)
    )
    assert status == 401  # no session was given
    # denied at the provider
    page.goto(f"{team.base}/webhooks/chat/login")
    page.click("button[value=deny]")
    page.wait_for_selector(".sign-in-failed")
    assert page.get_attribute(".sign-in-failed", "data-reason") == "refused"
    # a callback nobody started (no login cookie, a made-up state)
    page.goto(f"{team.base}/webhooks/chat/callback?code=abc&state=made-up")
    assert page.get_attribute(".sign-in-failed", "data-reason") == "expired"
    context.close()
