"""A coach named by the sign-in's own claim: the local OpenID Connect provider
(`make oidc-provider`) gives one user `roles: ["coach"]`; in a real Chromium she
gets the team view, a colleague without the role a 403."""

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from overstag.team import content
from support.browser import ARGS, CHROMIUM
from support.servers import ROOT, Servers, free_port

pytestmark = pytest.mark.integration

PROVIDER = ROOT / ".venv-oidc" / "bin" / "oidc-provider-mock"
USERS = {
    "zoe": {
        "sub": "zoe",
        "email": "zoe@example.org",
        "name": "Zoe",
        "roles": ["coach"],
    },
    "yan": {
        "sub": "yan",
        "email": "yan@example.org",
        "name": "Yan",
        "roles": ["editor"],
    },
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
def signed_in_team(provider, tmp_path_factory):
    servers = Servers(Path(tmp_path_factory.mktemp("team-oidc")))
    servers.extra_env.update(
        {
            "OVERSTAG_AUTH": "oidc",
            "OVERSTAG_OIDC_ISSUER": provider,
            "OVERSTAG_OIDC_CLIENT_ID": "overstag-test",
            "OVERSTAG_OIDC_CLIENT_SECRET": "test-client-secret",
            "OVERSTAG_PUBLIC_URL": servers.base,
            "OVERSTAG_COACH_CLAIM": "roles",
        }
    )
    servers.start()
    yield servers
    servers.stop()


def test_the_coach_claim_opens_the_team_view(signed_in_team):
    from playwright.sync_api import sync_playwright

    team = signed_in_team
    texts = content.load()["en"]["texts"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        seen = {}
        for who in ("zoe", "yan"):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{team.base}/webhooks/team/")
            # not signed in: to the sign-in, and the provider's page to pick a user
            page.click(f"button[name=sub][value={who}]")
            page.wait_for_url(f"{team.base}/webhooks/chat/")
            answer = page.goto(f"{team.base}/webhooks/team/")
            seen[who] = answer.status
            if who == "zoe":
                page.wait_for_selector("body[data-ready=true]")
                # nothing stored yet: every chart says so rather than drawing zeros
                assert page.locator(".team-empty").count() == 3
                assert page.locator("svg.team-plot").count() == 0
            else:
                assert texts["forbidden_title"] in page.inner_text("body")
                figures = page.evaluate(
                    "fetch('/webhooks/team/figures').then(r => r.status)"
                )
                assert figures == 403
            context.close()
        browser.close()
    assert seen == {"zoe": 200, "yan": 403}
