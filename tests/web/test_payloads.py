"""The page and the server agree on the JSON the page reads (overstag/payloads.py
and the "payloads" section of web/app.js), and on the page's labels."""

import re

import pytest
from jsonschema import Draft202012Validator, ValidationError

from overstag import payloads
from overstag.channels import page_content
from support.servers import ROOT

APP = (ROOT / "web" / "app.js").read_text(encoding="utf-8")


def _function(name: str) -> str:
    """The body of a top-level function of app.js."""
    start = APP.index(f"function {name}(")
    end = APP.index("\n  }\n", start)
    return APP[start:end]


def test_the_page_reads_exactly_the_fields_of_the_email_payload():
    reader = _function("readEmail")
    assert f"custom.{payloads.EMAIL_KEY}" in reader
    read = set(re.findall(r"\bp\.(\w+)", reader))
    assert read == set(payloads.EMAIL_SCHEMA["properties"])


def test_the_page_reads_exactly_the_fields_of_the_progress_payload():
    reader = _function("readProgress")
    assert f"custom.{payloads.PROGRESS_KEY}" in reader
    assert set(re.findall(r"\bp\.(\w+)", reader)) == set(
        payloads.PROGRESS_SCHEMA["properties"]
    )
    session = payloads.PROGRESS_SCHEMA["properties"]["sessions"]["items"]
    read = set(re.findall(r"\bs\.(\w+)", reader))
    # the chart shows dates, labels and scores; category and outcome are for tools
    assert read == {"date", "label", "scores"} <= set(session["properties"])


def test_the_page_reads_exactly_the_fields_of_pushed_messages():
    reader = _function("readPushed")
    assert "data.messages" in reader
    read = set(re.findall(r"\bm\.(\w+)", reader))
    item = payloads.PUSHED_SCHEMA["properties"]["messages"]["items"]
    assert read == set(item["properties"])


def test_the_page_reads_exactly_the_fields_of_a_conversation_shown_again():
    reader = _function("readHistory")
    assert "data.messages" in reader
    read = set(re.findall(r"\bm\.(\w+)", reader))
    item = payloads.HISTORY_SCHEMA["properties"]["messages"]["items"]
    # a bot message's buttons and custom part go through toEntry, as any reply's
    assert read == set(item["required"])
    assert "toEntry(m)" in reader


def test_the_page_reads_exactly_the_fields_of_the_marks_payload():
    reader = _function("readMarks")
    assert f"custom.{payloads.MARKS_KEY}" in reader
    assert set(re.findall(r"\bp\.(\w+)", reader)) == set(
        payloads.MARKS_SCHEMA["properties"]
    )
    Draft202012Validator.check_schema(payloads.MARKS_SCHEMA)
    marked = payloads.marks(["Say this."], ["A title"])
    Draft202012Validator(payloads.MARKS_SCHEMA).validate(marked[payloads.MARKS_KEY])
    assert payloads.is_own(marked)  # chat platforms get the text only


def test_the_page_takes_every_payload_through_its_reader():
    # outside the readers nothing touches the raw payloads
    rest = APP
    for reader in (
        "readEmail",
        "readPushed",
        "readHistory",
        "readProgress",
        "readMarks",
    ):
        rest = rest.replace(_function(reader), "")
    assert payloads.EMAIL_KEY not in rest
    assert payloads.PROGRESS_KEY not in rest
    assert payloads.MARKS_KEY not in rest
    assert "data.messages" not in rest


def test_the_builders_make_what_the_schemas_allow():
    Draft202012Validator.check_schema(payloads.EMAIL_SCHEMA)
    email = payloads.email("S", "B", "E", "interview-kim.txt", "interview-kim.eml", 3)
    Draft202012Validator(payloads.EMAIL_SCHEMA).validate(email[payloads.EMAIL_KEY])
    pushed = payloads.pushed(
        [payloads.pushed_message("hi", [{"title": "t", "payload": "/p"}], 1.5)]
    )
    Draft202012Validator(payloads.PUSHED_SCHEMA).validate(pushed)
    with pytest.raises(ValidationError):
        Draft202012Validator(payloads.EMAIL_SCHEMA).validate({"subject": "only"})


def test_every_label_the_script_uses_is_in_the_content():
    labels = page_content.load().labels
    used = set(re.findall(r"\b(?:label|both)\('([a-z_]+)'", APP))
    assert used and used <= set(labels)


def test_the_page_is_filled_in_and_escaped():
    content = page_content.load()
    page = page_content.page()
    assert "{{" not in page and content.label("send") in page
    assert page.count('class="example"') == len(content.examples)
    tricky = page_content.PageContent(
        labels={**content.labels, "send": {"en": "<b>Go</b>", "nl": "Ga"}},
        examples=content.examples,
    )
    assert "&lt;b&gt;Go&lt;/b&gt;" in tricky.render(page_content.template())


def test_a_label_the_page_needs_is_a_gap():
    content = page_content.load()
    labels = {k: v for k, v in content.labels.items() if k != "welcome_title"}
    gaps = page_content.problems(
        page_content.PageContent(labels, content.examples), page_content.template()
    )
    assert gaps == ["page.yml: no label 'welcome_title', which web/index.html uses"]
