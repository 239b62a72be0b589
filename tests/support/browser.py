"""Debian's Chromium driven by Playwright, for the page tests."""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def say_in(page, text: str) -> str:
    """Types a message, waits for the whole answer; the last bot message's text."""
    bots = page.locator(".msg.bot").count()
    page.fill("#input", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length > {bots}")
    page.wait_for_selector(".typing", state="detached")
    return page.locator(".msg.bot").last.inner_text()
