"""What Overstag says around the coaching, through the real action."""

from actions.conversation import ActionSmallTalk
from overstag.coaching import content
from overstag.storage import storage
from support.trackers import make_tracker, run, texts


async def test_out_of_scope_gets_a_redirect_not_advice(domain, database):
    material = content.load()
    tracker = make_tracker(
        "out_of_scope", "what's the weather tomorrow?", language="en"
    )
    messages, _ = await run(ActionSmallTalk(), tracker, domain)
    assert texts(messages) in material.replies["out_of_scope"]["en"]
    assert storage().coaching.records() == []


async def test_switching_language_explicitly(domain, database):
    material = content.load()
    tracker = make_tracker(
        "switch_language",
        "in het Engels graag",
        slots={"language": "nl"},
        language="nl",
    )
    messages, slots = await run(ActionSmallTalk(), tracker, domain)
    assert slots["language"] == "en"
    assert texts(messages) in material.replies["language_switched"]["en"]


async def test_start_over_forgets_the_objection(domain, database):
    tracker = make_tracker(
        "start_over",
        "start over",
        slots={"objections": ["objection_time"], "shown": {}},
        language="en",
    )
    _, slots = await run(ActionSmallTalk(), tracker, domain)
    assert slots["objections"] is None and slots["shown"] is None
