"""The web chat page in a real headless Chromium (Debian's), via Playwright."""

import re

import pytest

from overstag.channels import page_content
from overstag.coaching import content
from support.browser import ARGS, CHROMIUM, say_in

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


@pytest.fixture
def page(servers, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        page = context.new_page()
        outside = []
        page.on(
            "request",
            lambda r: (
                r.url.startswith(servers.base)
                or r.url.startswith("data:")
                or outside.append(r.url)
            ),
        )
        page.goto(f"{servers.base}/webhooks/chat/")
        # a new device opens the user's latest conversation; these tests start afresh
        page.wait_for_function("localStorage.getItem('overstag.open')")
        opened = page.evaluate("localStorage.getItem('overstag.open')")
        page.click("#new-conversation")
        page.wait_for_function(f"localStorage.getItem('overstag.open') !== '{opened}'")
        yield page
        assert outside == [], f"the page fetched from elsewhere: {outside}"
        context.close()
        browser.close()


def test_coaching_in_the_browser_with_buttons_and_reload(servers, page):
    material = content.load()
    page.fill("#input", "Hij zegt dat zijn leidinggevende eerst toestemming moet geven")
    page.click("#send")
    page.wait_for_selector(".msg.bot button.choice")
    assert material.label("objection_approval", "nl") in page.inner_text("#messages")
    acknowledgements = material.objections["objection_approval"]["acknowledgements"][
        "nl"
    ]
    assert any(a in page.inner_text("#messages") for a in acknowledgements)

    titles_before = set(re.findall(r"• ([^:\n]+):", page.inner_text("#messages")))
    assert titles_before
    bots_before = page.locator(".msg.bot").count()
    page.locator(
        "button.choice", has_text=material.button("another_suggestion", "nl")
    ).first.click()
    page.wait_for_function(
        f"document.querySelectorAll('.msg.bot').length > {bots_before}"
    )
    page.wait_for_selector(".typing", state="detached")
    titles_after = set(re.findall(r"• ([^:\n]+):", page.inner_text("#messages")))
    assert titles_after - titles_before, "another suggestion showed nothing new"

    page.screenshot(path=str(servers.data_dir / "desktop.png"), full_page=True)
    transcript = page.inner_text("#messages")
    page.reload()
    page.wait_for_selector(".msg.bot")
    assert page.inner_text("#messages") == transcript


def test_progress_chart_is_drawn_on_the_page(servers, page):
    for opening in ("I can imagine that feels awkward.", "What worries you most?"):
        say_in(page, "let's practise approval")
        say_in(page, opening)
        say_in(page, "/stop_rehearsal")
    say_in(page, "/my_progress")
    chart = page.locator(".msg.bot .chart").last
    chart.wait_for()
    lines = chart.locator("polyline")
    assert lines.count() == 5  # one per rubric item, none of them skipped
    points = lines.first.get_attribute("points").split()
    assert len(points) >= 2
    legend = chart.locator(".chart-legend").inner_text()
    assert "Acknowledged the feeling" in legend
    page.screenshot(path=str(servers.data_dir / "progress.png"), full_page=True)


def test_a_long_answer_on_a_phone_is_shown_from_its_start(servers, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.wait_for_selector("#input")
    say_in(page, "Hij heeft geen tijd en wil ook absoluut niet op de foto")
    page.wait_for_timeout(300)  # the scroll happens in the next frame
    first_reply = page.locator(".msg.bot").first
    box, view = first_reply.bounding_box(), page.locator("#scroller").bounding_box()
    # the reply is taller than the screen, and its first line is what the reader sees
    assert page.evaluate("document.querySelector('#scroller').scrollHeight") > 740
    assert view["y"] - 1 <= box["y"] <= view["y"] + view["height"] / 2


def test_page_fits_a_phone(servers, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    page.wait_for_selector("#input")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(servers.data_dir / "phone.png"))


def test_email_download_and_a_pushed_reminder(tmp_path):
    """The request form in the browser: the e-mail bubble with .txt/.eml downloads,
    then a reminder that the server sends on its own appears without a message from
    the user."""
    import email
    import time
    from email import policy

    from playwright.sync_api import sync_playwright

    from support.servers import Servers

    servers = Servers(
        tmp_path,
        extra_env={
            "OVERSTAG_DAY_SECONDS": "1",
            "OVERSTAG_REMINDER_POLL_SECONDS": "0.3",
        },
    )
    servers.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=ARGS, headless=True
            )
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(f"{servers.base}/webhooks/chat/")

            def say(text):
                say_in(page, text)

            for text in (
                "prepare an interview request",
                "Kim",
                "a portrait of the new facilities team",
                "the intranet",
                "30 minutes",
            ):
                say(text)
            page.locator("button.choice", has_text="Face to face").last.click()
            page.wait_for_selector(".typing", state="detached")
            for text in (
                "tomorrow at 10:00",
                "meeting room 2.14",
                "No review",
                "no",
                "none",
                "Joris",
                "yes",
            ):
                say(text)
            page.wait_for_selector("a.download")
            bubble = page.locator(
                ".msg.bot", has=page.locator("a.download")
            ).inner_text()
            assert "Dear Kim," in bubble and "the intranet" in bubble

            with page.expect_download() as download:
                page.locator("a.download", has_text=".eml").click()
            assert download.value.suggested_filename == "interview-kim.eml"
            saved = email.message_from_bytes(
                open(download.value.path(), "rb").read(), policy=policy.default
            )
            assert (
                "the intranet" in saved["Subject"]
                and "Dear Kim," in saved.get_body(("plain",)).get_content()
            )
            with page.expect_download() as download:
                page.locator("a.download", has_text=".txt").click()
            assert (
                "a portrait of the new facilities team"
                in open(download.value.path(), encoding="utf-8").read()
            )

            say("the interview with Kim is published")
            time.sleep(1.5)  # one reminder "day"
            page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            page.wait_for_function(
                "document.querySelector('#messages').innerText"
                ".includes('Reminder: send Kim')",
                timeout=15000,
            )
            page.reload()  # the reminder stays in the transcript and is not shown twice
            page.wait_for_selector(".msg.bot")
            page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            time.sleep(1)
            assert page.inner_text("#messages").count("Reminder: send Kim") == 1
            browser.close()
    finally:
        servers.stop()


def test_history_reopens_and_erasing_removes_everything(tmp_path):
    """Two conversations listed with their topic and reopened from the menu; then
    "Erase all my data" in the page leaves no row about the user."""
    import json

    import sqlalchemy as sa
    from playwright.sync_api import sync_playwright

    from overstag.channels import page_content
    from support.servers import Servers

    material = content.load()
    servers = Servers(tmp_path)
    servers.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=ARGS, headless=True
            )
            page = browser.new_context().new_page()
            page.goto(f"{servers.base}/webhooks/chat/")

            def say(text):
                say_in(page, text)

            say("Hij heeft deze maand echt geen tijd")
            first = page.evaluate("localStorage.getItem('overstag.open')")
            page.click("#new-conversation")
            page.wait_for_function(
                f"localStorage.getItem('overstag.open') !== '{first}'"
            )
            assert page.locator(".msg").count() == 0
            say("Ze wil eerst toestemming van haar leidinggevende")
            page.click("#account summary")
            page.wait_for_function(
                "document.querySelectorAll('.history-open').length === 2"
            )
            topics = page.locator(".history-topic").all_inner_texts()
            # the page speaks the conversation's language, Dutch here
            assert topics == [
                material.label("objection_approval", "nl"),
                material.label("objection_time", "nl"),
            ]
            page.locator(".history-open").nth(1).click()
            page.wait_for_function(
                f"localStorage.getItem('overstag.open') === '{first}'"
            )
            page.wait_for_selector(".msg.user")
            assert "geen tijd" in page.inner_text("#messages")
            assert "toestemming" not in page.inner_text("#messages")

            page.click("#account summary")
            page.on("dialog", lambda dialog: dialog.accept())
            page.click("#erase-data")
            # the page says so once the server has erased everything
            erased = page_content.read().label("erased", "nl")
            page.wait_for_function(
                "document.querySelector('#messages').innerText.includes("
                f"{json.dumps(erased)})"
            )
            engine = sa.create_engine(servers.database_url)
            with engine.connect() as connection:
                everything = ""
                for name in sa.inspect(connection).get_table_names():
                    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                    everything += repr(connection.execute(table.select()).all())
            engine.dispose()
            for trace in (first, "geen tijd", "toestemming", "objection_time"):
                assert trace not in everything, trace
            # the page goes on in a new, empty conversation of the same user
            page.click("#account summary")
            assert page.locator(".history-open").count() == 1
            browser.close()
    finally:
        servers.stop()


def _forget_language(servers):
    import sqlalchemy as sa

    from overstag.storage import storage
    from overstag.storage.tables import users

    with storage(servers.database_url).accounts.engine.begin() as connection:
        connection.execute(
            sa.update(users).where(users.c.user_id == "local").values(language=None)
        )


def test_the_page_speaks_the_users_language(servers, page):
    _forget_language(servers)
    labels = page_content.load()
    # a browser asking for Dutch gets the page in Dutch
    status, html = servers.call(
        "GET", "/webhooks/chat/", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}
    )
    assert status == 200 and '<html lang="nl">' in html
    assert labels.label("new_conversation", "nl") in html
    page.reload()
    page.wait_for_selector("#input")
    assert page.inner_text("#new-conversation") == labels.label(
        "new_conversation", "en"
    )
    # choosing Dutch in the chat turns the page's own texts Dutch at once
    say_in(page, "graag in het Nederlands")
    page.wait_for_function("document.documentElement.lang === 'nl'")
    assert page.inner_text("#new-conversation") == labels.label(
        "new_conversation", "nl"
    )
    assert page.inner_text("#send") == labels.label("send", "nl")
    # and the next visit starts in it
    page.reload()
    page.wait_for_selector("#input")
    assert page.inner_text("#new-conversation") == labels.label(
        "new_conversation", "nl"
    )
    _forget_language(servers)


def test_a_browsers_languages_are_read_by_weight():
    assert page_content.preferred("nl-NL,nl;q=0.9,en;q=0.8") == "nl"
    assert page_content.preferred("de-DE,en;q=0.4,nl;q=0.6") == "nl"
    assert page_content.preferred("en-GB,nl;q=0") == "en"
    assert page_content.preferred("fr, de;q=0.5") == "en"
    assert page_content.preferred("nl;q=bogus, en") == "en"
    assert page_content.preferred("") == "en"
