"""The coaching actions against a real Domain, real Trackers and a temporary
SQLite database."""

import pytest

from actions import coaching as coaching_actions
from overstag.coaching import content
from overstag.storage import storage
from support.trackers import make_tracker, payloads, run, texts


async def test_coaching_one_objection_in_english(domain, database):
    material = content.load()
    tracker = make_tracker(
        "objection_privacy", "she's afraid her words end up online", 0.91, language="en"
    )
    messages, slots = await run(
        coaching_actions.ActionCoachObjection(), tracker, domain
    )
    privacy = material.objections["objection_privacy"]
    body = texts(messages)
    assert material.label("objection_privacy", "en") in body
    assert any(m["text"] in privacy["acknowledgements"]["en"] for m in messages)
    offered = [
        material.concession(c, "en")["title"] for c in privacy["concessions"][:3]
    ]
    assert all(title in body for title in offered)
    assert any(avoid in body for avoid in privacy["avoid"]["en"])
    assert "/ask_another_suggestion" in payloads(
        messages
    ) and "/start_over" in payloads(messages)
    assert slots["language"] == "en" and slots["objections"] == ["objection_privacy"]
    [row] = storage().coaching.records("test-user")
    assert (row["category"], row["language"], row["kind"]) == (
        "objection_privacy",
        "en",
        "coach",
    )
    assert row["confidence"] == pytest.approx(0.91)
    assert row["suggestions"] == privacy["concessions"][:3]


async def test_coaching_follows_dutch(domain, database):
    material = content.load()
    tracker = make_tracker(
        "objection_modesty", "Ik ben helemaal niet interessant", language="nl"
    )
    messages, slots = await run(
        coaching_actions.ActionCoachObjection(), tracker, domain
    )
    assert slots["language"] == "nl"
    assert any(
        m["text"] in material.objections["objection_modesty"]["acknowledgements"]["nl"]
        for m in messages
    )
    assert material.button("another_suggestion", "nl") in [
        b["title"] for m in messages for b in m.get("buttons") or []
    ]


async def test_two_objections_are_both_addressed(domain, database):
    material = content.load()
    tracker = make_tracker(
        "objection_modesty",
        "I'm busy and not that interesting anyway",
        language="en",
        objections=["objection_modesty", "objection_time"],
    )
    messages, slots = await run(
        coaching_actions.ActionCoachObjection(), tracker, domain
    )
    body = texts(messages)
    for category in ("objection_modesty", "objection_time"):
        assert material.label(category, "en") in body
        assert any(
            m["text"] in material.objections[category]["acknowledgements"]["en"]
            for m in messages
        )
    assert slots["objections"] == ["objection_modesty", "objection_time"]
    assert sorted(r["category"] for r in storage().coaching.records()) == [
        "objection_modesty",
        "objection_time",
    ]


async def test_another_suggestion_never_repeats_until_it_runs_out(domain, database):
    material = content.load()
    tracker = make_tracker("objection_time", "no time", language="en")
    _, slots = await run(coaching_actions.ActionCoachObjection(), tracker, domain)
    seen = list(slots["shown"]["objection_time"]["concessions"])
    available = material.objections["objection_time"]["concessions"]
    for _ in range(len(available) + 3):
        tracker = make_tracker(
            "ask_another_suggestion", "another one", slots=slots, language="en"
        )
        messages, new_slots = await run(
            coaching_actions.ActionAnotherSuggestion(), tracker, domain
        )
        if "shown" not in new_slots:
            assert texts(messages) in "\n".join(
                material.replies["no_more_suggestions"]["en"]
            )
            break
        slots.update(new_slots)
        seen = slots["shown"]["objection_time"]["concessions"]
    else:
        pytest.fail("suggestions never ran out")
    assert sorted(seen) == sorted(set(seen)) == sorted(available)


async def test_refusal_is_respected(domain, database):
    material = content.load()
    refusal = material.objections["objection_refusal"]
    tracker = make_tracker("objection_refusal", "No. Not interested.", language="en")
    messages, _ = await run(coaching_actions.ActionCoachObjection(), tracker, domain)
    assert refusal["respect_note"]["en"] in texts(messages)
    tracker = make_tracker(
        "still_no",
        "she still says no",
        slots={"objections": ["objection_refusal"]},
        language="en",
    )
    messages, _ = await run(coaching_actions.ActionStillNo(), tracker, domain)
    assert all(step in texts(messages) for step in refusal["if_still_no"]["en"])
    assert "/ask_another_suggestion" not in payloads(messages)


async def test_still_no_moves_on_for_the_current_objection(domain, database):
    material = content.load()
    tracker = make_tracker(
        "still_no",
        "hij blijft nee zeggen",
        slots={"objections": ["objection_control"]},
        language="nl",
    )
    messages, _ = await run(coaching_actions.ActionStillNo(), tracker, domain)
    assert all(
        step in texts(messages)
        for step in material.objections["objection_control"]["if_still_no"]["nl"]
    )
    assert [r["kind"] for r in storage().coaching.records()] == ["still_no"]


async def test_unsure_model_asks_between_the_top_two(domain, database):
    material = content.load()
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "objection_approval", "confidence": 0.41},
        {"name": "objection_culture", "confidence": 0.38},
        {"name": "greet", "confidence": 0.1},
    ]
    tracker = make_tracker(
        "nlu_fallback", "my boss and my colleagues", ranking=ranking, language="en"
    )
    messages, _ = await run(coaching_actions.ActionClarifyObjection(), tracker, domain)
    # a message scored without per-label probabilities falls back on the ranking
    assert payloads(messages) == [
        "/objection_approval",
        "/objection_culture",
        '/objection_approval{"also_objection": "objection_culture"}',
        "/ask_different_objection",
    ]
    assert material.label("objection_approval", "en") in texts(messages)
