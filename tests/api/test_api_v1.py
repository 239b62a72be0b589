"""The advice API (/api/v1) over real HTTP: answers, token, OpenAPI document,
bad input, and property-based tests generated from the served document.

Property tests use hypothesis + hypothesis-jsonschema rather than schemathesis:
no schemathesis release installs beside rasa 3.6 and pytest 8 (3.22 and later
need jsonschema>=4.18, rasa needs <4.18; 3.21 and earlier need pytest<8). The
oracle is stronger than a "no 5xx" check: any JSON body gets 200 exactly when it
matches the published request schema, else 422, and every answer matches the
documented schema for its status code.
"""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# hypothesis keeps caches; not in the work tree
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "overstag-hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_jsonschema import from_schema  # noqa: E402
from jsonschema import Draft202012Validator, RefResolver  # noqa: E402

from overstag.coaching import content  # noqa: E402
from overstag.facts import CATEGORIES  # noqa: E402
from support.channel_fakes import API_TOKEN, http  # noqa: E402

AUTH = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api(channel_stack):
    return channel_stack.servers.base + "/api/v1"


@pytest.fixture(scope="module")
def spec(api):
    status, headers, document = http("GET", api + "/openapi.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return document


def suggest(api, body, headers=AUTH, raw=None):
    return http(
        "POST",
        api + "/suggest",
        raw if raw is not None else json.dumps(body).encode(),
        headers,
    )


def check_against_spec(spec, path, method, status, body):
    """The answer matches the schema the document gives for this status."""
    responses = spec["paths"][path][method]["responses"]
    assert str(status) in responses, f"undocumented status {status}: {body}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(schema, resolver=RefResolver.from_schema(spec))
    errors = [e.message for e in validator.iter_errors(body)]
    assert not errors, (status, body, errors)


# -- the document --------------------------------------------------------------------
def test_openapi_document_is_served_and_self_consistent(spec):
    assert spec["openapi"].startswith("3.1") and spec["info"]["version"]
    assert {"/api/v1/suggest", "/api/v1/objections", "/api/v1/openapi.json"} <= set(
        spec["paths"]
    )
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    documented = set(spec["paths"]["/api/v1/suggest"]["post"]["responses"])
    assert {"200", "400", "401", "413", "415", "422"} <= documented


# -- answers ---------------------------------------------------------------------------
def test_english_privacy_objection(api, spec):
    material = content.load()
    status, _, body = suggest(
        api, {"text": "Sanne is afraid that her photo ends up online forever"}
    )
    assert status == 200, body
    check_against_spec(spec, "/api/v1/suggest", "post", status, body)
    assert (
        body["language"] == body["detected_language"] == "en" and not body["uncertain"]
    )
    [privacy] = body["objections"]
    entry = material.objections["objection_privacy"]
    assert (
        privacy["category"] == "objection_privacy"
        and privacy["label"] == entry["label"]["en"]
    )
    assert 0.5 < privacy["confidence"] <= 1
    assert privacy["acknowledgement"] in entry["acknowledgements"]["en"]
    assert len(privacy["concessions"]) == 3
    for offer in privacy["concessions"]:
        assert offer["id"] in entry["concessions"]
        assert offer["title"] == material.concession(offer["id"], "en")["title"]
    assert privacy["avoid"] and set(privacy["avoid"]) <= set(entry["avoid"]["en"])


def test_dutch_text_with_two_objections(api):
    material = content.load()
    status, _, body = suggest(
        api,
        {
            "text": "Ik heb het veel te druk deze maand en eerlijk gezegd ben ik ook"
            " niet zo interessant"
        },
    )
    assert status == 200 and body["language"] == "nl"
    found = {o["category"]: o for o in body["objections"]}
    assert set(found) == {"objection_modesty", "objection_time"}
    for category, objection in found.items():
        assert objection["label"] == material.label(category, "nl")
        assert (
            objection["acknowledgement"]
            in material.objections[category]["acknowledgements"]["nl"]
        )
        # two each when there are two concerns
        assert len(objection["concessions"]) == 2
    confidences = [o["confidence"] for o in body["objections"]]
    assert confidences == sorted(confidences, reverse=True)


def test_language_parameter_overrides_detection(api):
    material = content.load()
    status, _, body = suggest(
        api, {"text": "Zijn leidinggevende moet het eerst goedkeuren", "language": "en"}
    )
    assert (
        status == 200 and body["detected_language"] == "nl" and body["language"] == "en"
    )
    assert [o["category"] for o in body["objections"]] == ["objection_approval"]
    assert body["objections"][0]["label"] == material.label("objection_approval", "en")


def test_firm_refusal_carries_the_note_to_respect_it(api):
    material = content.load()
    status, _, body = suggest(api, {"text": "No. Not interested."})
    assert status == 200
    [refusal] = body["objections"]
    assert refusal["category"] == "objection_refusal"
    assert (
        refusal["note"]
        == material.objections["objection_refusal"]["respect_note"]["en"]
    )


@pytest.mark.parametrize(
    "text", ["what's the weather like in Paris tomorrow?", "/objection_time"]
)
def test_text_that_is_no_objection_gets_no_advice(api, text):
    status, _, body = suggest(api, {"text": text})
    assert status == 200 and body["objections"] == [], body
    # a slash is a word here, not an intent
    assert body["intent"]["name"] != "objection_time"


def test_objection_list(api, spec):
    status, _, body = http(
        "GET", api + "/objections", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert status == 200
    check_against_spec(spec, "/api/v1/objections", "get", status, body)
    assert [o["category"] for o in body["objections"]] == list(CATEGORIES)


def test_api_stores_nothing(channel_stack, api):
    import sqlalchemy as sa

    suggest(api, {"text": "Marloes wil absoluut niet met foto in het blad"})
    engine = sa.create_engine(channel_stack.servers.database_url, future=True)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        for table in tables:
            dump = str(
                connection.execute(sa.text(f'select * from "{table}"')).fetchall()
            )
            assert "Marloes" not in dump, table


# -- authentication ------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong-token",
        f"Basic {API_TOKEN}",
        f"Bearer {API_TOKEN}x",
        f"bearer  {API_TOKEN[:-1]}",
    ],
)
def test_missing_or_wrong_token_is_refused(api, spec, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Authorization"] = header
    status, reply_headers, body = suggest(
        api, {"text": "I have no time"}, headers=headers
    )
    assert status == 401 and reply_headers.get("WWW-Authenticate", "").startswith(
        "Bearer"
    )
    check_against_spec(spec, "/api/v1/suggest", "post", status, body)
    assert http("GET", api + "/objections", headers=headers)[0] == 401


def test_every_configured_token_works(api):
    # OVERSTAG_ADVICE_API_TOKEN may list several, for rotating them
    for token in ("old-rotated-token", API_TOKEN):
        status, _, _ = suggest(
            api,
            {"text": "I have no time"},
            headers={**AUTH, "Authorization": f"Bearer {token}"},
        )
        assert status == 200


# -- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, headers, status, code",
    [
        (b'{"text": ', AUTH, 400, "invalid_json"),
        (b"\xff\xfe not utf-8", AUTH, 400, "invalid_json"),
        (
            b'{"text": "hi"}',
            {**AUTH, "Content-Type": "text/plain"},
            415,
            "unsupported_media_type",
        ),
        (
            b'{"text": "hi"}',
            {"Authorization": AUTH["Authorization"]},
            415,
            "unsupported_media_type",
        ),
        (json.dumps({"text": "a" * 70_000}).encode(), AUTH, 413, "payload_too_large"),
        (b"", AUTH, 400, "invalid_json"),
    ],
)
def test_malformed_requests_get_json_errors(api, spec, raw, headers, status, code):
    got, _, body = suggest(api, None, headers=headers, raw=raw)
    assert (got, body["error"]) == (status, code), body
    check_against_spec(spec, "/api/v1/suggest", "post", got, body)


@pytest.mark.parametrize(
    "body, says",
    [
        ({}, "'text' is required"),
        ({"text": ""}, "'text' must contain"),
        ({"text": "   \n\t"}, "'text' must contain"),
        ({"text": 42}, "'text' must be a string"),
        ({"text": None}, "'text' must be a string"),
        ({"text": "a" * 5001}, "has 5001 characters; the limit is 5000"),
        ({"text": "hi", "language": "fr"}, "'language' must be one of: en, nl"),
        ({"text": "hi", "langauge": "nl"}, "Unknown field(s): langauge"),
        (["text", "hi"], "must be a JSON object"),
        ("hello", "must be a JSON object"),
    ],
)
def test_schema_violations_get_422_saying_what_is_wrong(api, spec, body, says):
    status, _, reply = suggest(api, body)
    assert status == 422 and reply["error"] == "invalid_request"
    assert says in reply["message"], reply
    assert len(reply["message"]) < 300  # never echoes a long text back
    check_against_spec(spec, "/api/v1/suggest", "post", status, reply)


def test_text_at_the_limit_is_answered(api):
    status, _, body = suggest(
        api, {"text": ("She never has time for this. " * 200)[:5000]}
    )
    assert status == 200 and "objection_time" in [
        o["category"] for o in body["objections"]
    ]


# -- property-based, from the served document -----------------------------------------
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


def test_valid_requests_from_the_schema_get_documented_answers(api, spec):
    request_schema = spec["components"]["schemas"]["SuggestRequest"]

    @PROPERTY_SETTINGS
    @given(body=from_schema(request_schema))
    def check(body):
        status, _, reply = suggest(api, body)
        assert status == 200, (body, reply)
        check_against_spec(spec, "/api/v1/suggest", "post", status, reply)
        if "language" in body:
            assert reply["language"] == body["language"]

    check()


def test_any_json_gets_200_exactly_when_it_matches_the_schema(api, spec):
    validator = Draft202012Validator(spec["components"]["schemas"]["SuggestRequest"])
    near_misses = st.fixed_dictionaries(
        {"text": st.one_of(st.text(max_size=20), JSON)},
        optional={
            "language": st.one_of(st.sampled_from(["en", "nl", "EN", "de", ""]), JSON),
            "extra": JSON,
        },
    )

    @PROPERTY_SETTINGS
    @given(body=st.one_of(JSON, near_misses))
    def check(body):
        status, _, reply = suggest(api, body)
        expected = 200 if validator.is_valid(body) else 422
        assert status == expected, (body, reply)
        check_against_spec(spec, "/api/v1/suggest", "post", status, reply)

    check()


def test_rasa_rest_channel_still_answers_beside_the_api(channel_stack):
    material = content.load()
    replies = channel_stack.servers.say(
        "api-rest-user", "Zijn leidinggevende moet het eerst goedkeuren"
    )
    assert material.label("objection_approval", "nl") in "\n".join(
        r.get("text") or "" for r in replies
    )
