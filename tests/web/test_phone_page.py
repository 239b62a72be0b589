"""The page on a phone (390x844) in Debian's headless Chromium: its labels in
the conversation's language, a long reply shown from its start, tips folded,
Copy only on what is meant to be said, and compact mode remembered."""

import pytest

from overstag.channels import page_content
from overstag.coaching import content
from support.browser import ARGS, CHROMIUM, say_in

pytestmark = pytest.mark.integration
PHONE = {"width": 390, "height": 844}


def _forget_language(servers):
    import sqlalchemy as sa

    from overstag.storage import storage
    from overstag.storage.tables import users

    with storage(servers.database_url).accounts.engine.begin() as connection:
        connection.execute(
            sa.update(users).where(users.c.user_id == "local").values(language=None)
        )


@pytest.fixture
def phone(servers):
    from playwright.sync_api import sync_playwright

    _forget_language(servers)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )

        def open_page(locale):
            context = browser.new_context(viewport=PHONE, locale=locale)
            page = context.new_page()
            page.goto(f"{servers.base}/webhooks/chat/")
            page.wait_for_function("localStorage.getItem('overstag.open')")
            opened = page.evaluate("localStorage.getItem('overstag.open')")
            page.click("#new-conversation")
            page.wait_for_function(
                f"localStorage.getItem('overstag.open') !== '{opened}'"
            )
            return page

        yield open_page
        browser.close()
    _forget_language(servers)


def _labels_in(page, lang):
    labels = page_content.load()
    assert page.evaluate("document.documentElement.lang") == lang
    for selector, key in (
        ("#send", "send"),
        ("#new-conversation", "new_conversation"),
        ("#compact", "compact"),
        ("#account summary", "history"),
        (".hint", "send_hint"),
    ):
        assert page.inner_text(selector) == labels.label(key, lang), selector
    assert page.get_attribute("#input", "placeholder") == labels.label(
        "your_message_placeholder", lang
    )
    assert page.get_attribute("#compact", "title") == labels.label(
        "compact_title", lang
    )
    assert page.get_attribute("#download-data", "download") == labels.label(
        "download_data_name", lang
    )


def test_welcome_and_labels_follow_the_language(servers, phone):
    labels = page_content.load()
    for lang, locale in (("nl", "nl-NL"), ("en", "en-GB")):
        page = phone(locale)
        _labels_in(page, lang)
        titles = page.locator(".does-title").all_inner_texts()
        assert titles == [labels.label(f"does_{d}", lang) for d in page_content.DOES]
        # one example per language for each of the four things
        assert page.locator(".does .example").count() == 8
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(servers.data_dir / f"phone-welcome-{lang}.png"))
        page.context.close()


def test_a_dutch_conversation_on_a_phone(servers, phone):
    material = content.load()
    labels = page_content.load()
    page = phone("en-GB")
    _labels_in(page, "en")
    say_in(page, "Hij heeft geen tijd en wil ook absoluut niet op de foto")
    page.wait_for_timeout(300)  # the scroll happens in the next frame
    # the page's own texts turned Dutch with the conversation
    _labels_in(page, "nl")
    first = page.locator(".msg.bot").first
    box, view = first.bounding_box(), page.locator("#scroller").bounding_box()
    assert page.evaluate("document.querySelector('#scroller').scrollHeight") > 844
    assert view["y"] - 1 <= box["y"] <= view["y"] + view["height"] / 2
    page.screenshot(path=str(servers.data_dir / "phone-reply-nl.png"))

    # Copy only beside sentences to say: the acknowledgement and each offer's line
    copies = page.locator(".msg.bot .copy")
    says = page.locator(".msg.bot .line.say").count()
    titles = page.locator(".msg.bot .title-line").count()
    assert says >= 1 and titles >= 2
    assert copies.count() == says + titles
    assert all(t == labels.label("copy", "nl") for t in copies.all_inner_texts())
    next_step = page.locator(".msg.bot", has=page.locator("button.choice")).last
    assert next_step.locator(".copy").count() == 0
    assert any(r in next_step.inner_text() for r in material.replies["next_step"]["nl"])

    # tips are folded and open on a tap
    tip = page.locator("details.tip").first
    assert page.locator("details.tip").count() == titles
    assert not tip.locator(".tip-text").is_visible()
    tip.locator("summary").click()
    assert tip.locator(".tip-text").is_visible()
    page.screenshot(path=str(servers.data_dir / "phone-tip-open.png"))

    # compact: the line to say and the titles only, remembered over a reload
    detail = page.locator(".title-line .detail").first
    assert detail.is_visible()
    page.click("#compact")
    assert page.get_attribute("#compact", "aria-pressed") == "true"
    assert not detail.is_visible()
    assert page.locator(".title-line strong").first.is_visible()
    assert page.locator(".line.say").first.is_visible()
    page.screenshot(path=str(servers.data_dir / "phone-compact.png"))
    page.reload()
    page.wait_for_selector(".msg.bot .title-line")
    assert page.evaluate("document.body.classList.contains('compact')")
    assert not page.locator(".title-line .detail").first.is_visible()
    page.click("#compact")
    assert page.locator(".title-line .detail").first.is_visible()
    page.context.close()
