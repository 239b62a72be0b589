"""Property-based fuzzing of every public route, over real HTTP, against the
servers as the launcher starts them (tests/conftest.py: `servers` for the chat
channels, `channel_stack` for the advice API, Slack and Teams).

The oracle is the routes' input contract:
- the chat webhooks (/webhooks/rest/webhook, /webhooks/chat/webhook) take a JSON
  object {"sender": 1..128 chars, "message": non-blank, at most 5000 chars,
  "metadata": an optional object of at most 2048 bytes nesting at most 4 deep,
  "message_id": optional, 1..64 of [A-Za-z0-9_-]}; their texts hold no NUL, no
  other C0 control but tab and line breaks, no lone surrogate; a missing sender
  is a 400; only application/json is read (else 415); bodies over 64 kB are 413;
  malformed or deeply nested JSON is a 400;
- REST keeps a sender in its tool's namespace ("rest:local:<sender>" without a
  token); the web chat and /webhooks/chat/updates take only conversations the
  server issued (a well-formed other sender is a 404), and `after` is a number;
- /api/v1/suggest answers every body the served OpenAPI schema allows;
- Slack and Teams refuse unsigned and forged requests (401/403), and signed
  bodies they cannot read with a 4xx.
Where the contract leaves a case open (DEL, an RTL mark in a sender id, metadata
exactly 5 deep, `Application/JSON`, ...) either answer passes: a `Verdict` of
None.

For every answer: below 500, or a 503 with a JSON "error"; a 4xx of a JSON route
has a JSON body. Refused input leaves no row in `events`: each example gets a
fresh sender ("fuzz-<uuid>", maybe with fuzzed text appended). After every test
the servers still answer and the launchers lost no child (conftest.py). The
request counts per route are printed at the end of the module and written to
<servers.data_dir>/fuzz-summary.json.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import math
import operator
import re
import tempfile
import time
import unicodedata
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis.configuration import set_hypothesis_home_dir

# hypothesis keeps caches; not in the work tree
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "overstag-hypothesis")

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_jsonschema import from_schema  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

from support.channel_fakes import (  # noqa: E402
    API_TOKEN,
    ISSUER,
    SLACK_BOT_USER,
    TEAMS_APP_ID,
    TEAMS_PASSWORD,
    TEAMS_TENANT,
    slack_signature,
)
from support.servers import ROOT, Servers  # noqa: E402

MAX_BODY = 64 * 1024
MAX_SENDER = 128
MAX_MESSAGE = 5000
MAX_METADATA = 2048
CHAT_WEBHOOKS = ["/webhooks/rest/webhook", "/webhooks/chat/webhook"]
CHAT_FIELDS = {"sender", "message", "metadata", "message_id"}
JSON = {"Content-Type": "application/json"}
SLACK = "/webhooks/slack/webhook"
TEAMS = "/webhooks/botframework/webhook"
SERVED = {p.name for p in (ROOT / "web").iterdir() if p.suffix in {".js", ".css"}}
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
FOUR_XX = set(range(400, 500))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same examples on every run, as CI needs
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# -- requests and what every answer must be -----------------------------------------
STATS: Dict[str, Counter] = defaultdict(Counter)


@dataclass
class Reply:
    method: str
    target: str
    status: int
    content_type: str
    raw: bytes
    headers: Any = field(repr=False, default=None)

    def json(self) -> Any:
        try:
            return json.loads(self.raw)
        except ValueError:
            return None

    def __str__(self) -> str:
        return (
            f"{self.method} {self.target[:160]} -> {self.status} "
            f"{self.content_type} {self.raw[:240]!r}"
        )


def send(
    servers: Servers,
    route: str,
    method: str,
    target: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Reply:
    """One request over a fresh connection; `route` is what STATS counts it under."""
    connection = http.client.HTTPConnection("127.0.0.1", servers.port, timeout=60)
    try:
        try:
            connection.request(method, target, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # a server may answer a too-large body before reading all of it
        answer = connection.getresponse()
        reply = Reply(
            method,
            target,
            answer.status,
            answer.getheader("Content-Type") or "",
            answer.read(),
            answer.headers,
        )
    except OSError as error:
        STATS[route]["no answer"] += 1
        raise AssertionError(
            f"no answer to {method} {target[:160]}: {error!r}"
        ) from error
    finally:
        connection.close()
    STATS[route]["requests"] += 1
    STATS[route][str(reply.status)] += 1
    return reply


def check(
    reply: Reply, expected: Optional[Set[int]] = None, json_route: bool = True
) -> Any:
    """The parsed JSON body, after the checks every answer must pass."""
    body = reply.json()
    if reply.status >= 500:
        assert reply.status == 503, f"server error: {reply}"
        assert isinstance(body, dict) and "error" in body, f"503 without error: {reply}"
    if 400 <= reply.status < 500 and json_route and reply.method != "HEAD":
        assert isinstance(body, dict), f"a 4xx without a JSON body: {reply}"
        if reply.status in (400, 413, 415):
            assert "error" in body, f"a {reply.status} without 'error': {reply}"
    if expected is not None:
        allowed = expected | ({503} if 200 in expected else set())
        assert reply.status in allowed, f"expected {sorted(expected)}: {reply}"
    return body


# -- the contract, as verdicts: True allowed, False refused, None either ------------
Verdict = Optional[bool]


class Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


def combine(*verdicts: Verdict) -> Verdict:
    if any(v is False for v in verdicts):
        return False
    return None if any(v is None for v in verdicts) else True


def unstorable(text: str) -> bool:
    """NUL, the other C0 controls but tab and line breaks, lone surrogates."""
    return any(
        (c < " " and c not in "\t\n\r") or "\ud800" <= c <= "\udfff" for c in text
    )


def odd(text: str) -> bool:
    """DEL and the C1 controls: the contract neither allows nor forbids them."""
    return any("\x7f" <= c <= "\x9f" for c in text)


def length_verdict(text: str, limit: int) -> Verdict:
    # code points or UTF-16 units: astral characters count once or twice
    units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    if units <= limit:
        return True
    return False if len(text) > limit else None


def text_verdict(value: Any, limit: int) -> Verdict:
    if not isinstance(value, str) or not value.strip() or unstorable(value):
        return False
    visible = [
        c
        for c in value
        if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf", "Zs")
    ]
    # only zero-width characters: blank or not is open
    return combine(
        length_verdict(value, limit), None if odd(value) or not visible else True
    )


def sender_verdict(value: Any) -> Verdict:
    verdict = text_verdict(value, MAX_SENDER)
    if verdict is False:
        return False
    # an id with tabs, RTL marks or surrounding spaces may be refused or kept
    plain = value == value.strip() and value.isprintable()
    return combine(verdict, True if plain else None)


def depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, level + 1) for child in children)
    return deepest


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from strings(child)


def metadata_verdict(value: Any) -> Verdict:
    if value is MISSING:
        return True
    if value is None or not isinstance(value, dict):
        return None if value is None else False
    nesting = depth(value)  # the object itself is level 1; 5 is open
    texts = list(strings(value))
    sizes = [
        len(json.dumps(value).encode()),
        len(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "surrogatepass"
            )
        ),
    ]
    if nesting > 5 or (min(sizes) > MAX_METADATA and not any(map(unstorable, texts))):
        return False
    if nesting == 5 or max(sizes) > MAX_METADATA:
        return None
    # the contract names the text fields only; odd text inside metadata is open
    return None if any(unstorable(t) or odd(t) for t in texts) else True


MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def message_id_verdict(value: Any) -> Verdict:
    if value is MISSING:
        return True
    if value is None:
        return None
    return isinstance(value, str) and MESSAGE_ID.fullmatch(value) is not None


def chat_verdict(body: Any) -> Verdict:
    if not isinstance(body, dict):
        return False
    return combine(
        sender_verdict(body.get("sender", MISSING)),
        text_verdict(body.get("message", MISSING), MAX_MESSAGE),
        metadata_verdict(body.get("metadata", MISSING)),
        message_id_verdict(body.get("message_id", MISSING)),
        None if set(body) - CHAT_FIELDS else True,  # unknown fields: open
    )


def media_verdict(content_type: Optional[str]) -> Verdict:
    kind = (content_type or "").split(";")[0].strip()
    if kind == "application/json":
        return True
    return None if kind.lower() == "application/json" else False


def expected(verdict: Verdict, size: int, media: Verdict = True) -> Set[int]:
    """The statuses a chat-like POST may get."""
    if size > MAX_BODY:
        return {413} if media else {413, 415}
    if media is False:
        return {415}
    statuses = {True: {200}, None: {200, 400}, False: {400}}[verdict]
    if media is None:
        statuses = statuses | {415}
    return statuses | ({413} if size > 64_000 else set())  # "64 kB": 64000 or 65536


# -- strategies ----------------------------------------------------------------------
SPECIALS = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f",
    "\t", "\n", "\r", " ", "\xa0", "\u200b", "\u200d", "\u200e", "\u202e", "\u2066",
    "\u2028", "\ufeff", "\ufffd", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff",
    "\U0001f600", "\u0301", "é",
]  # fmt: skip
CHARS = st.one_of(st.characters(), st.sampled_from(SPECIALS))
SHORT_TEXT = st.text(CHARS, max_size=24)
LONG_TEXT = st.builds(
    operator.mul, st.text(CHARS, min_size=1, max_size=3), st.integers(1, 3000)
)
PHRASES = st.sampled_from(
    [
        "hallo",
        "I have no time for this",
        "Ze wil niet met haar foto in het blad",
        "🙈🙈",
        "?!",
        "/greet",
        '/confirm_delete{"interview_id": "1"}',
        "\u202ehallo\u202c",
        "hal\u200blo",
        "  hallo\t\r\n",
    ]
)


def near(limit: int) -> st.SearchStrategy[str]:
    """Strings of about `limit` characters."""
    return st.builds(
        operator.mul,
        st.sampled_from(["a", "é", "\U0001f600", " ", "\u200b", "\x00", "\udc00"]),
        st.sampled_from([limit - 1, limit, limit + 1, 2 * limit]),
    )


TEXTS = st.one_of(
    PHRASES, SHORT_TEXT, st.builds(operator.add, PHRASES, SHORT_TEXT), LONG_TEXT
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        SHORT_TEXT,
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(SHORT_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


def nest(levels: int) -> Dict[str, Any]:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


METADATA = st.one_of(
    st.dictionaries(
        st.text(st.characters(categories=["L", "N"]), max_size=8),
        JSON_VALUES,
        max_size=4,
    ),
    st.builds(nest, st.sampled_from([1, 3, 4, 5, 6, 10, 400])),
    st.builds(lambda n: {"note": "x" * n}, st.sampled_from([2000, 2036, 2040, 5000])),
    JSON_VALUES,
)
BAD_MESSAGE_IDS = ["", "../x", "a" * 65, "a b", "é", "id\x00", "a/b", "a\n", "\udc00"]
MESSAGE_IDS = st.one_of(
    st.from_regex(MESSAGE_ID, fullmatch=True),
    st.sampled_from(BAD_MESSAGE_IDS),
    st.text(CHARS, max_size=70),
    JSON_VALUES,
)


@dataclass(frozen=True)
class Sender:
    """How one example names its sender: a fresh id, a fresh id with `value`
    appended, `value` itself, or no sender at all."""

    kind: str
    value: Any = None

    def make(self) -> Tuple[Any, Optional[str]]:
        """(the sender to send, the prefix of what it would be stored as)."""
        prefix = f"fuzz-{uuid.uuid4().hex}"
        if self.kind == "fresh":
            return prefix, prefix
        if self.kind == "suffix":
            return prefix + self.value, prefix
        return (self.value, None) if self.kind == "value" else (MISSING, None)


FRESH = st.just(Sender("fresh"))
SENDERS = st.one_of(
    FRESH,
    FRESH,
    FRESH,
    st.builds(Sender, st.just("suffix"), st.one_of(SHORT_TEXT, near(MAX_SENDER - 37))),
    st.builds(
        Sender,
        st.just("value"),
        st.one_of(SHORT_TEXT, JSON_VALUES, near(MAX_SENDER)).filter(
            lambda v: v != "default"
        ),
    ),
    st.just(Sender("missing")),
)


@dataclass
class ChatBody:
    sender: Sender
    fields: Dict[str, Any]

    def make(self) -> Tuple[Dict[str, Any], Any, Optional[str]]:
        sender, prefix = self.sender.make()
        body = {} if sender is MISSING else {"sender": sender}
        return {**body, **self.fields}, sender, prefix


ABSENT = st.just(MISSING)
FIELD_VALUES = {
    "message": st.one_of(
        PHRASES, PHRASES, TEXTS, near(MAX_MESSAGE), JSON_VALUES, ABSENT
    ),
    "metadata": st.one_of(ABSENT, ABSENT, METADATA),
    "message_id": st.one_of(ABSENT, ABSENT, MESSAGE_IDS),
}


@st.composite
def chat_bodies(draw: st.DrawFn) -> ChatBody:
    fields: Dict[str, Any] = {}
    for name, strategy in FIELD_VALUES.items():
        value = draw(strategy)
        if value is not MISSING:
            fields[name] = value
    if draw(st.integers(0, 5)) == 0:
        fields.update(
            draw(
                st.dictionaries(
                    SHORT_TEXT.filter(lambda k: k not in CHAT_FIELDS),
                    JSON_VALUES,
                    min_size=1,
                    max_size=2,
                )
            )
        )
    return ChatBody(draw(SENDERS), fields)


def wire(value: Any) -> bytes:
    """JSON as a client sends it: ASCII, so a lone surrogate travels as an escape
    (valid JSON that decodes to an invalid string)."""
    return json.dumps(value, ensure_ascii=True).encode()


def deep(kind: str, levels: int) -> bytes:
    """Hand-built bodies, nested `levels` deep; @SENDER@ becomes a fresh sender."""
    objects = b'{"a":' * levels + b"1" + b"}" * levels
    lists = b"[" * levels + b'"hallo"' + b"]" * levels
    return {
        "array": b"[" * levels + b"]" * levels,
        "object": objects,
        "metadata": b'{"sender":"@SENDER@","message":"hallo","metadata":'
        + objects
        + b"}",
        "message": b'{"sender":"@SENDER@","message":' + lists + b"}",
        "sender": b'{"message":"hallo","sender":' + lists + b"}",
    }[kind]


DEPTHS = st.sampled_from([6, 100, 3000, 20000])
DEEP = st.builds(
    deep, st.sampled_from(["array", "object", "metadata", "message", "sender"]), DEPTHS
)
MALFORMED = [
    b"",
    b" ",
    b"{",
    b'{"sender": ',
    b'{"sender":"@SENDER@","message":"hallo"',
    b"{'sender': '@SENDER@', 'message': 'hallo'}",
    b'{"sender":"@SENDER@","message":"hallo",}',
    b'{"sender":"@SENDER@" "message":"hallo"}',
    b'{"sender":"@SENDER@","message":"hallo"}garbage',
    b'{"sender":"@SENDER@","message":"hallo"}{}',
    b'{"sender":"@SENDER@","message":hallo}',
    b"\xff\xfe{}",
    b'{"sender":"@SENDER@\xff","message":"hallo"}',
    b'{"sender":"@SENDER@","message":"hal\xc3"}',
    b'{"sender":"@SENDER@","message":"\xed\xb0\x80"}',  # a surrogate as raw bytes
    b'{"sender":"@SENDER@","message":"\xc0\xaf"}',  # overlong UTF-8
    b'{"sender":"@SENDER@","message":"\\ud800"}',
    b'{"sender":"@SENDER@","message":"hal\\u0000lo"}',
    b'{"sender":"@SENDER@\\u0000","message":"hallo"}',
    b'{"sender":"@SENDER@\\udc00","message":"hallo"}',
    b'{"sender":"@SENDER@","message":"hallo\\"}',
    b'{"sender":"@SENDER@","message":"hallo","metadata":{"n":1' + b"0" * 5000 + b"}}",
    b'{"message":"hallo"}',
    b'{"sender":null,"message":"hallo"}',
    b"null",
    b'"hallo"',
    b"[]",
]


def oversized(kind: str, size: int) -> bytes:
    if kind == "message":
        return b'{"sender":"@SENDER@","message":"' + b"a" * size + b'"}'
    if kind == "padding":  # a valid small request, padded with whitespace
        return b'{"sender":"@SENDER@","message":"hallo"}' + b" " * size
    return (
        b'{"sender":"@SENDER@","message":"hallo","metadata":{"x":"'
        + b"x" * size
        + b'"}}'
    )


OVERSIZED = st.builds(
    oversized,
    st.sampled_from(["message", "padding", "metadata"]),
    st.sampled_from([65_600, 100_000, 1_000_000]),
)
RAW_BODIES = st.one_of(
    DEEP, st.sampled_from(MALFORMED), st.binary(max_size=300), OVERSIZED
)
CONTENT_TYPES = [
    None,
    "",
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzzboundary",
    "text/html",
    "application/xml",
    "application/jsonp",
    "application/octet-stream",
    "Application/JSON",
    "application/json; charset=utf-8",
    "application/json",
]
ASCII = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=60)


def encode_for(content_type: Optional[str], fields: Dict[str, str]) -> bytes:
    """The fields as a browser form, a multipart form, or JSON text (which is
    what a cross-site `text/plain` post carries)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return urllib.parse.urlencode(fields).encode()
    if kind == "multipart/form-data":
        parts = [
            f'--fuzzboundary\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n"
            for name, value in fields.items()
        ]
        return ("".join(parts) + "--fuzzboundary--\r\n").encode()
    return json.dumps(fields).encode()


def query_value(text: str) -> str:
    # a lone surrogate can only travel as its (invalid UTF-8) bytes
    return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")


def parsed(raw: bytes) -> Any:
    """What a JSON parser makes of `raw`, or None."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def content_headers(content_type: Optional[str]) -> Dict[str, str]:
    return {} if content_type is None else {"Content-Type": content_type}


# -- the summary ---------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def fuzz_summary(request: pytest.FixtureRequest, servers: Servers) -> Iterator[None]:
    started = time.monotonic()
    yield
    routes = {route: dict(counts) for route, counts in sorted(STATS.items())}

    def total(predicate: Callable[[str], bool]) -> int:
        return sum(
            n for c in STATS.values() for status, n in c.items() if predicate(status)
        )

    summary = {
        "requests": total(lambda s: s == "requests"),
        "5xx": total(lambda s: s.isdigit() and int(s) >= 500 and s != "503"),
        "503": total(lambda s: s == "503"),
        "no answer": total(lambda s: s == "no answer"),
        "seconds": round(time.monotonic() - started, 1),
        "routes": routes,
    }
    path = servers.data_dir / "fuzz-summary.json"
    path.write_text(json.dumps(summary, indent=2))
    line = (
        f"fuzz: {summary['requests']} requests, {summary['5xx']} 5xx "
        f"(besides 503), {summary['503']} 503, {summary['no answer']} unanswered, "
        f"{summary['seconds']} s; per route: {path}"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(line)
    else:
        print(line)


# -- the chat webhooks ---------------------------------------------------------------
WEB = CHAT_WEBHOOKS[1]


def for_path(path: str, statuses: Set[int]) -> Set[int]:
    """The web chat takes only conversations it issued: a well-formed body naming
    any other gets a 404 where REST answers."""
    if path != WEB:
        return statuses
    return {404 if status == 200 else status for status in statuses}


def stored_as(path: str, sender: str) -> str:
    """REST keeps a sender in the tool's namespace (no token: the tool "local"); a
    long one as a hash."""
    return sender if path == WEB else Servers.rest_id(sender)


def stored_rows(
    servers: Servers, stored: Callable[..., list], path: str, sender: Any, prefix: str
) -> list:
    """What is stored for the example: under its prefix, or under its whole
    (stripped) sender when that was hashed."""
    rows = stored(servers, stored_as(path, prefix))
    if isinstance(sender, str) and sender.strip():
        try:
            rows += stored(servers, stored_as(path, sender.strip()), exact=True)
        except UnicodeEncodeError:
            pass  # a lone surrogate: never stored
    return rows


def after_chat(
    servers: Servers,
    stored: Callable[..., list],
    reply: Reply,
    data: Any,
    sender: Any,
    prefix: Optional[str],
    path: str = CHAT_WEBHOOKS[0],
) -> None:
    """Nothing stored for a refused request; an answer goes to its sender."""
    if 400 <= reply.status < 500:
        if prefix:
            rows = stored(servers, prefix) + stored_rows(
                servers, stored, path, sender, prefix
            )
            assert not rows, f"stored after a {reply.status}: {rows[:3]} ({reply})"
        assert not stored(servers, "default", exact=True), "a 'default' conversation"
    if reply.status == 200:
        assert isinstance(data, list) and data, f"no replies: {reply}"
        if sender_verdict(sender) is True:
            expected_id = stored_as(path, sender.strip())
            assert all(m.get("recipient_id") == expected_id for m in data), str(reply)
        if prefix:
            rows = stored_rows(servers, stored, path, sender, prefix)
            assert any(kind == "user" for _, kind, _ in rows), f"not stored: {reply}"


@fuzz(1000)
@given(path=st.sampled_from(CHAT_WEBHOOKS), request_=chat_bodies())
@example(
    path=CHAT_WEBHOOKS[0], request_=ChatBody(Sender("missing"), {"message": "hallo"})
)
@example(
    path=CHAT_WEBHOOKS[1],
    request_=ChatBody(Sender("value", "\udc00"), {"message": "hallo"}),
)
@example(
    path=CHAT_WEBHOOKS[0], request_=ChatBody(Sender("fresh"), {"message": "hal\x00lo"})
)
def test_chat_webhook_bodies(servers, stored, path, request_):
    body, sender, prefix = request_.make()
    raw = wire(body)
    reply = send(servers, f"POST {path}", "POST", path, raw, JSON)
    data = check(reply, for_path(path, expected(chat_verdict(body), len(raw))))
    after_chat(servers, stored, reply, data, sender, prefix, path)


ALLOWED_CHARS = st.one_of(
    st.characters(exclude_categories=["Cc", "Cs"]),
    st.sampled_from(
        ["\t", "\n", "\r", "\u202e", "\u200b", "\u200d", "\ufeff", "\u2028"]
    ),
)
ALLOWED_MESSAGES = st.one_of(
    PHRASES,
    st.builds(operator.add, PHRASES, st.text(ALLOWED_CHARS, max_size=300)),
    st.builds(operator.add, st.text(ALLOWED_CHARS, max_size=300), PHRASES),
    st.sampled_from(
        ["a" * 5000, "é" * 5000, ("Ze heeft geen tijd. " * 250)[:MAX_MESSAGE]]
    ),
)
SMALL_METADATA = st.dictionaries(
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8),
    st.one_of(st.integers(), st.text(st.characters(categories=["L"]), max_size=20)),
    max_size=5,
)


@fuzz(200)
@given(
    path=st.sampled_from(CHAT_WEBHOOKS),
    suffix=st.text(st.characters(categories=["L", "N", "P", "S"]), max_size=60),
    message=ALLOWED_MESSAGES,
    extra=st.fixed_dictionaries(
        {},
        optional={
            "metadata": SMALL_METADATA,
            "message_id": st.from_regex(MESSAGE_ID, fullmatch=True),
        },
    ),
)
def test_every_allowed_body_is_answered(servers, stored, path, suffix, message, extra):
    """RTL marks, zero-width and astral characters, 5000 characters, any printable
    sender id: what the contract allows is answered, and stored."""
    prefix = f"fuzz-{uuid.uuid4().hex}"
    # the web chat's senders are the conversations it issued
    prefix = servers.web_conversation() if path == WEB else prefix
    body = {"sender": prefix + ("" if path == WEB else suffix), "message": message}
    body.update(extra)
    assert chat_verdict(body) is True, body  # the generator's own check
    reply = send(servers, f"POST {path}", "POST", path, wire(body), JSON)
    data = check(reply, {200})
    after_chat(servers, stored, reply, data, body["sender"], prefix, path)


@fuzz(30)
@given(
    path=st.sampled_from(CHAT_WEBHOOKS),
    metadata=SMALL_METADATA,
)
def test_metadata_is_accepted_but_not_stored(servers, stored, path, metadata):
    sender, marker = f"fuzz-{uuid.uuid4().hex}", uuid.uuid4().hex
    sender = servers.web_conversation() if path == WEB else sender
    body = {"sender": sender, "message": "hallo", "metadata": {**metadata, "m": marker}}
    reply = send(servers, f"POST {path}", "POST", path, wire(body), JSON)
    check(reply, expected(chat_verdict(body), len(wire(body))))
    if reply.status == 200:
        rows = stored(servers, stored_as(path, sender), exact=True)
        assert rows and not [r for r in rows if marker in r[2]], "metadata was stored"


@fuzz(400)
@given(path=st.sampled_from(CHAT_WEBHOOKS), raw=RAW_BODIES)
@example(path=CHAT_WEBHOOKS[0], raw=b"[" * 3000 + b"]" * 3000)
@example(path=CHAT_WEBHOOKS[1], raw=deep("metadata", 3000))
def test_malformed_deep_and_oversized_bodies(servers, stored, path, raw):
    prefix = f"fuzz-{uuid.uuid4().hex}"
    body = raw.replace(b"@SENDER@", prefix.encode())
    reply = send(servers, f"POST {path}", "POST", path, body, JSON)
    check(reply, {413} if len(body) > MAX_BODY else {400})
    assert not stored(servers, prefix), f"stored: {reply}"
    assert not stored(servers, "default", exact=True), "a 'default' conversation"


@pytest.mark.parametrize("path", CHAT_WEBHOOKS)
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_literals_are_malformed(servers, stored, path, literal):
    """NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them."""
    prefix = f"fuzz-{uuid.uuid4().hex}"
    raw = f'{{"sender":"{prefix}","message":"hallo","metadata":{{"n":{literal}}}}}'
    reply = send(servers, f"POST {path}", "POST", path, raw.encode(), JSON)
    check(reply, {400})
    assert not stored(servers, prefix)


SERVER_ROUTES = {
    "/webhooks/rest/webhook": "POST",
    "/webhooks/chat/webhook": "POST",
    "/webhooks/chat/updates": "GET",
    "/webhooks/rest/": "GET",
    "/webhooks/chat/": "GET",
    "/webhooks/chat/static/app.js": "GET",
}
PAGES = {"/webhooks/chat/", "/webhooks/chat/static/app.js"}  # not JSON routes


def method_statuses(allowed: str, method: str) -> Optional[Set[int]]:
    if method == "OPTIONS":  # CORS preflight: anything below 500
        return None
    if method == "HEAD" and allowed == "GET":
        return {200, 405}
    return {404, 405}


@fuzz(300)
@given(
    route=st.sampled_from(sorted(SERVER_ROUTES)),
    method=st.sampled_from(METHODS),
    content_type=st.sampled_from(CONTENT_TYPES),
)
@example(route="/webhooks/rest/webhook", method="POST", content_type="text/plain")
@example(route="/webhooks/chat/webhook", method="GET", content_type=None)
@example(route="/webhooks/rest/webhook", method="PUT", content_type=None)
def test_wrong_methods_and_content_types(servers, stored, route, method, content_type):
    prefix = f"fuzz-{uuid.uuid4().hex}"
    raw = encode_for(content_type, {"sender": prefix, "message": "hallo"})
    target = route
    if route.endswith("/updates"):
        target += "?" + urllib.parse.urlencode({"sender": prefix, "after": 0})
    body = None if method in ("GET", "HEAD") else raw
    reply = send(
        servers,
        f"{method} {route}",
        method,
        target,
        body,
        content_headers(content_type),
    )
    allowed = SERVER_ROUTES[route]
    if method != allowed:
        statuses = method_statuses(allowed, method)
    elif method == "POST":
        statuses = for_path(
            route, expected(True, len(raw), media_verdict(content_type))
        )
    elif route.endswith("/updates"):
        statuses = {404}  # a conversation the server never issued
    else:
        statuses = {200}
    data = check(reply, statuses, json_route=route not in PAGES)
    if reply.status != 200 or method != "POST":
        assert not stored(servers, prefix), f"stored: {reply}"
        assert not stored(servers, stored_as(route, prefix)), f"stored: {reply}"
    else:
        assert isinstance(data, list) and data, str(reply)


# -- /webhooks/chat/updates ----------------------------------------------------------
def after_verdict(value: Any) -> Verdict:
    if value is MISSING:
        return True
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", value, re.ASCII) and (
        math.isfinite(float(value))
    ):
        return True
    if not value.strip():
        return None  # "after=" may count as missing
    try:
        float(value)
    except ValueError:
        return False
    return None  # nan, inf, "1_0", " 1", other scripts' digits: open


QUERY_SENDERS = st.one_of(
    FRESH,
    FRESH,
    st.builds(Sender, st.just("suffix"), st.one_of(SHORT_TEXT, near(MAX_SENDER - 37))),
    st.builds(Sender, st.just("value"), st.one_of(SHORT_TEXT, near(MAX_SENDER))),
    st.just(Sender("missing")),
)
AFTERS = st.one_of(
    st.just(MISSING),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(["", " 1", "1_0", "0x10", "1e400", "-0", "١٢", "1\x00", "0e"]),
    SHORT_TEXT,
)


@fuzz(400)
@given(sender=QUERY_SENDERS, after=AFTERS)
@example(sender=Sender("suffix", "\x00"), after="0")
@example(sender=Sender("fresh"), after="nan")
def test_updates_query(servers, stored, sender, after):
    value, prefix = sender.make()
    query = [] if value is MISSING else [f"sender={query_value(value)}"]
    query += [] if after is MISSING else [f"after={query_value(after)}"]
    target = "/webhooks/chat/updates?" + "&".join(query)
    reply = send(servers, "GET /webhooks/chat/updates", "GET", target)
    who = sender_verdict(value)
    if isinstance(value, str) and re.search("[\ud800-\udfff]", value):
        who = None  # the server sees U+FFFD for the invalid bytes
    verdict = combine(who, after_verdict(after))
    # every sender here is well-formed at best, never a conversation issued: 404
    check(reply, {True: {404}, None: {404, 400}, False: {400}}[verdict])
    if prefix:  # reading never creates a conversation
        assert not stored(servers, prefix), f"stored: {reply}"


@fuzz(200)
@given(
    query=st.text(st.sampled_from("sender=after&%+;0aZ\\.-_~!$'()*,:@/?"), max_size=40)
)
def test_updates_raw_query_strings(servers, query):
    reply = send(
        servers, "GET /webhooks/chat/updates", "GET", "/webhooks/chat/updates?" + query
    )
    check(reply)


# -- the page, its assets and the health route ---------------------------------------
STATIC_NAMES = st.one_of(
    st.sampled_from(
        [
            "app.js", "style.css", "index.html", "../index.html", "..", ".", "",
            "app.js/", "APP.JS", "app.js%00", "app.js\x00.png", "..\\app.js", "~",
            "../../../../etc/passwd", "%2e%2e%2fapp.js", "app.js;.css", "app.js ",
        ]
    ),
    st.builds(
        operator.add,
        st.one_of(
            SHORT_TEXT,
            st.builds(
                operator.mul,
                st.sampled_from(["a", "é", ".", "/", "%", "../"]),
                st.integers(1, 5000),
            ),
        ),
        st.sampled_from([".js", ".css", ".svg", ".html", "", ".map"]),
    ),
)  # fmt: skip


@fuzz(300)
@given(name=STATIC_NAMES, keep_slashes=st.booleans())
@example(name="a" * 300 + ".js", keep_slashes=False)
def test_static_assets(servers, name, keep_slashes):
    quoted = urllib.parse.quote(
        name.encode("utf-8", "surrogatepass"), safe="/" if keep_slashes else ""
    )
    route = "GET /webhooks/chat/static/<name>"
    reply = send(servers, route, "GET", "/webhooks/chat/static/" + quoted)
    # "app.js/" may match the route as "app.js" (Sanic's slashes are not strict)
    served = name.strip("/") if keep_slashes else name
    check(
        reply,
        {200} if name in SERVED else FOUR_XX | ({200} if served in SERVED else set()),
        json_route=False,
    )
    if reply.status == 200:
        assert reply.raw == (ROOT / "web" / served).read_bytes()


JUNK_HEADERS = st.dictionaries(
    st.sampled_from(
        ["Accept", "Accept-Language", "Cookie", "Origin", "Referer", "X-Forwarded-For",
         "Content-Type", "User-Agent", "If-None-Match", "Authorization"]
    ),
    ASCII,
    max_size=4,
)  # fmt: skip


@fuzz(200)
@given(
    route=st.sampled_from(["/webhooks/rest/", "/webhooks/chat/"]),
    query=st.text(st.sampled_from("ab=&%+;0?/"), max_size=30),
    headers=JUNK_HEADERS,
)
def test_page_and_health_route_take_any_query_and_headers(
    servers, route, query, headers
):
    reply = send(servers, f"GET {route}", "GET", f"{route}?{query}", None, headers)
    data = check(reply, {200}, json_route=route.endswith("rest/"))
    if route.endswith("rest/"):
        assert data == {"status": "ok"}
    else:
        assert reply.content_type.startswith("text/html")


# -- /api/v1 (on the channel stack) --------------------------------------------------
GOOD_AUTH = f"Bearer {API_TOKEN}"
BAD_AUTH = [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Bearer wrong-token",
    f"Basic {API_TOKEN}",
    f"Token {API_TOKEN}",
    f"Bearer {API_TOKEN}x",
    f"Bearer {API_TOKEN[:-1]}",
    f"Bearer {API_TOKEN.upper()}",
    f"Bearer{API_TOKEN}",
]


def auth_headers(
    authorization: Optional[str], content_type: Optional[str] = None
) -> Dict[str, str]:
    headers = content_headers(content_type)
    if authorization is not None:
        headers["Authorization"] = authorization
    return headers


@pytest.fixture(scope="module")
def suggest_schema(channel_stack) -> Dict[str, Any]:
    reply = send(
        channel_stack.servers,
        "GET /api/v1/openapi.json",
        "GET",
        "/api/v1/openapi.json",
    )
    assert reply.status == 200, str(reply)
    return reply.json()["components"]["schemas"]["SuggestRequest"]


def suggest_statuses(
    raw: bytes, content_type: Optional[str], validator: Draft202012Validator, junk: bool
) -> Set[int]:
    media = media_verdict(content_type)
    if len(raw) > MAX_BODY:
        return {413} if media else {413, 415}
    if media is False:
        return {415}
    try:
        data = json.loads(raw)
    except RecursionError:
        return {400, 422}
    except ValueError:
        return {400}
    if not validator.is_valid(data):
        # raw bytes may hold NaN, which one parser takes and another refuses
        return {400, 422} if junk else {422}
    # the contract's "no NUL, no lone surrogate" is the chat's: the API stores
    # nothing, so it may answer such a text (without the odd characters) or refuse it
    statuses = {200} if text_verdict(data["text"], MAX_MESSAGE) else {200, 400, 422}
    return statuses | ({415} if media is None else set())


def suggest(channel_stack, raw: bytes, headers: Dict[str, str]) -> Reply:
    return send(
        channel_stack.servers,
        "POST /api/v1/suggest",
        "POST",
        "/api/v1/suggest",
        raw,
        headers,
    )


def test_api_answers_every_request_the_schema_allows(channel_stack, suggest_schema):
    validator = Draft202012Validator(suggest_schema)

    @fuzz(150)
    @given(body=from_schema(suggest_schema))
    def run(body):
        raw = wire(body)
        reply = suggest(channel_stack, raw, auth_headers(GOOD_AUTH, "application/json"))
        data = check(reply, suggest_statuses(raw, "application/json", validator, False))
        if reply.status == 200:
            assert isinstance(data.get("objections"), list), str(reply)

    run()


NEAR_MISSES = st.fixed_dictionaries(
    {"text": st.one_of(TEXTS, near(MAX_MESSAGE), JSON_VALUES)},
    optional={
        "language": st.one_of(
            st.sampled_from(["en", "nl", "EN", "de", ""]), JSON_VALUES
        ),
        "extra": JSON_VALUES,
    },
)
RAW_API = st.one_of(
    st.builds(deep, st.sampled_from(["array", "object"]), DEPTHS),
    st.sampled_from(MALFORMED),
    st.binary(max_size=200),
    st.builds(
        lambda n: b'{"text":"' + b"a" * n + b'"}', st.sampled_from([65_600, 300_000])
    ),
)


def test_api_refuses_junk_with_a_documented_4xx(channel_stack, suggest_schema):
    validator = Draft202012Validator(suggest_schema)

    @fuzz(500)
    @given(
        body=st.one_of(JSON_VALUES, NEAR_MISSES, NEAR_MISSES),
        raw=st.one_of(st.none(), st.none(), RAW_API),
        content_type=st.sampled_from(CONTENT_TYPES[-3:] * 3 + CONTENT_TYPES),
    )
    @example(body=None, raw=b"[" * 3000 + b"]" * 3000, content_type="application/json")
    @example(body={"text": "hal\x00lo"}, raw=None, content_type="application/json")
    @example(body={"text": "\udc00"}, raw=None, content_type="application/json")
    def run(body, raw, content_type):
        data = wire(body) if raw is None else raw.replace(b"@SENDER@", b"x")
        reply = suggest(channel_stack, data, auth_headers(GOOD_AUTH, content_type))
        check(reply, suggest_statuses(data, content_type, validator, raw is not None))

    run()


@fuzz(200)
@given(
    authorization=st.one_of(st.sampled_from(BAD_AUTH), ASCII, st.just(GOOD_AUTH)),
    route=st.sampled_from(["/api/v1/suggest", "/api/v1/objections"]),
)
def test_api_token_is_required(channel_stack, authorization, route):
    good = authorization in (GOOD_AUTH, "Bearer old-rotated-token")
    method = "POST" if route.endswith("suggest") else "GET"
    raw = wire({"text": "I have no time"}) if method == "POST" else None
    reply = send(
        channel_stack.servers,
        f"{method} {route}",
        method,
        route,
        raw,
        auth_headers(authorization, "application/json"),
    )
    check(reply, {200} if good else {401})
    if reply.status == 401:
        assert reply.headers.get("WWW-Authenticate", "").startswith("Bearer")


STACK_ROUTES = {
    "/api/v1/suggest": "POST",
    "/api/v1/objections": "GET",
    "/api/v1/openapi.json": "GET",
    SLACK: "POST",
    TEAMS: "POST",
}


@fuzz(250)
@given(
    route_method=st.sampled_from(
        [(r, m) for r, allowed in STACK_ROUTES.items() for m in METHODS if m != allowed]
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
    authorization=st.sampled_from([None, GOOD_AUTH]),
)
@example(route_method=("/api/v1/suggest", "GET"), content_type=None, authorization=None)
def test_api_and_channel_webhooks_refuse_wrong_methods(
    channel_stack, route_method, content_type, authorization
):
    route, method = route_method
    body = None if method in ("GET", "HEAD") else wire({"text": "hallo"})
    reply = send(
        channel_stack.servers,
        f"{method} {route}",
        method,
        route,
        body,
        auth_headers(authorization, content_type),
    )
    check(reply, method_statuses(STACK_ROUTES[route], method))


@fuzz(50)
@given(query=st.text(st.sampled_from("ab=&%+;0?/"), max_size=30), headers=JUNK_HEADERS)
def test_openapi_document_is_always_served(channel_stack, query, headers):
    reply = send(
        channel_stack.servers,
        "GET /api/v1/openapi.json",
        "GET",
        f"/api/v1/openapi.json?{query}",
        None,
        headers,
    )
    data = check(reply, {200})
    assert data["openapi"].startswith("3.1")


# -- Slack ---------------------------------------------------------------------------
_stamps = itertools.count(1)


def slack_dm(user: str, text: Any, **more: Any) -> Dict[str, Any]:
    """A direct message as the Events API sends it."""
    return {
        "type": "event_callback",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "event_id": f"Ev{uuid.uuid4().hex}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": SLACK_BOT_USER, "is_bot": True}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{uuid.uuid4().hex[:10].upper()}",
            "user": user,
            "text": text,
            "ts": f"{int(time.time())}.{next(_stamps):06d}",
            **more,
        },
    }


def refused_text(text: Any) -> bool:
    """A channel message text that must not be stored. Slack and Teams strip the
    text first, and str.strip() also drops some C0 controls (\x1c-\x1f, \x0b,
    \x0c): what stays is judged."""
    return not isinstance(text, str) or text_verdict(text.strip(), MAX_MESSAGE) is False


def settled_and_absent(
    servers: Servers, stored: Callable[..., list], refused: List[Tuple[str, str]]
) -> None:
    """Refused messages are not answered later either (Slack and Teams answer in
    the background). `refused` holds (sender prefix, what was sent)."""
    if refused:
        time.sleep(2)
    for prefix, what in refused:
        rows = stored(servers, prefix)
        assert not rows, f"stored for a refused request: {what}\n{rows[:2]}"


SLACK_FORGERIES = [
    "unsigned", "timestamp only", "signature only", "wrong secret", "stale",
    "future", "other body", "garbage signature", "text timestamp", "v1 scheme",
    "empty signature",
]  # fmt: skip


def forged_slack_headers(kind: str, raw: bytes, junk: str) -> Dict[str, str]:
    now = int(time.time())
    good = slack_signature(raw)
    return {
        "unsigned": {},
        "timestamp only": {"X-Slack-Request-Timestamp": str(now)},
        "signature only": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "wrong secret": slack_signature(raw, secret="not-the-secret"),
        "stale": slack_signature(raw, timestamp=now - 400 - len(junk)),
        "future": slack_signature(raw, timestamp=now + 400 + len(junk)),
        "other body": slack_signature(raw + b" "),
        "garbage signature": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": f"v0={junk}",
        },
        "text timestamp": {
            "X-Slack-Request-Timestamp": junk or "x",
            "X-Slack-Signature": good["X-Slack-Signature"],
        },
        "v1 scheme": {
            **good,
            "X-Slack-Signature": good["X-Slack-Signature"].replace("v0=", "v1="),
        },
        "empty signature": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": "",
        },
    }[kind]


def test_slack_refuses_unsigned_and_forged_requests(channel_stack, stored):
    servers, refused = channel_stack.servers, []

    @fuzz(250)
    @given(
        kind=st.sampled_from(SLACK_FORGERIES),
        junk=ASCII,
        text=st.one_of(PHRASES, TEXTS),
        content_type=st.sampled_from(
            ["application/json", "application/x-www-form-urlencoded", None]
        ),
    )
    def run(kind, junk, text, content_type):
        prefix = f"fuzz-{uuid.uuid4().hex}"
        event = slack_dm(prefix, text)
        raw = wire(event)
        if content_type == "application/x-www-form-urlencoded":
            raw = urllib.parse.urlencode({"payload": json.dumps(event)}).encode()
        headers = {
            **content_headers(content_type),
            **forged_slack_headers(kind, raw, junk),
        }
        reply = send(servers, f"POST {SLACK} (forged)", "POST", SLACK, raw, headers)
        check(reply, {401, 403})
        refused.append((prefix, f"{kind}: {reply}"))

    run()
    settled_and_absent(servers, stored, refused)


SLACK_KINDS = ["json", "bytes", "deep", "dm", "form", "other type"]
JUNK_KINDS = ("json", "bytes", "deep")


def draw_junk(data: st.DataObject, kind: str, prefix: str) -> Tuple[bytes, Any]:
    """(a body Slack or Teams would never send, the JSON it holds or None):
    any JSON value, arbitrary or malformed bytes, or deep nesting; @SENDER@
    becomes `prefix`."""
    if kind == "json":
        readable = data.draw(JSON_VALUES, label="body")
        return wire(readable), readable
    junk = st.one_of(st.binary(max_size=200), st.sampled_from(MALFORMED))
    raw = data.draw(junk if kind == "bytes" else DEEP, label="raw")
    raw = raw.replace(b"@SENDER@", prefix.encode())
    return raw, parsed(raw)


def test_slack_signed_junk_gets_a_4xx(channel_stack, stored):
    """Signed bodies Slack would never send: a 4xx when they are not a JSON object
    (or form with a JSON payload); an object that is no message may be ignored
    with a 200, as Slack's other events are."""
    servers, refused = channel_stack.servers, []
    for raw in (b"[" * 3000 + b"]" * 3000, deep("object", 3000)):
        headers = {**JSON, **slack_signature(raw)}
        check(
            send(servers, f"POST {SLACK} (signed)", "POST", SLACK, raw, headers), {400}
        )

    @fuzz(400)
    @given(kind=st.sampled_from(SLACK_KINDS), data=st.data())
    def run(kind, data):
        prefix = f"fuzz-{uuid.uuid4().hex}"
        content_type: Optional[str] = "application/json"
        readable: Any = None  # the object the body holds, if any
        if kind in JUNK_KINDS:
            raw, readable = draw_junk(data, kind, prefix)
        elif kind == "dm":
            suffix = data.draw(st.one_of(st.just(""), SHORT_TEXT), label="user suffix")
            text = data.draw(st.one_of(PHRASES, TEXTS, JSON_VALUES), label="text")
            more = data.draw(
                st.dictionaries(
                    st.sampled_from(["subtype", "thread_ts", "channel_type", "bot_id"]),
                    JSON_VALUES,
                    max_size=2,
                ),
                label="more",
            )
            readable = slack_dm(prefix + suffix, text, **more)
            raw = wire(readable)
            if refused_text(text) or sender_verdict(prefix + suffix) is False:
                refused.append((prefix, f"text {text!r}, user suffix {suffix!r}"))
        elif kind == "form":
            content_type = "application/x-www-form-urlencoded"
            payload = data.draw(
                st.one_of(JSON_VALUES.map(json.dumps), SHORT_TEXT), label="payload"
            )
            raw = b"payload=" + query_value(payload).encode()
            try:
                readable = json.loads(payload)
            except ValueError:
                pass
        else:
            content_type = data.draw(
                st.sampled_from(CONTENT_TYPES[:10]), label="content type"
            )
            raw = wire(slack_dm(prefix, "hallo"))
            refused.append((prefix, f"content type {content_type!r}"))
        headers = {**content_headers(content_type), **slack_signature(raw)}
        reply = send(servers, f"POST {SLACK} (signed)", "POST", SLACK, raw, headers)
        check(reply, None if isinstance(readable, dict) else FOUR_XX)
        if 400 <= reply.status < 500:
            refused.append((prefix, str(reply)))

    run()
    settled_and_absent(servers, stored, refused)


# -- Teams ---------------------------------------------------------------------------
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(fake: Any, **more: Any) -> Dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": TEAMS_APP_ID,
        "iat": now,
        "nbf": now - 10,
        "exp": now + 3600,
        "serviceurl": fake.service_url,
        **more,
    }


def teams_activity(
    fake: Any, user: str, text: Any = "hallo", **more: Any
) -> Dict[str, Any]:
    return {
        "type": "message",
        "id": f"act-{uuid.uuid4().hex}",
        "channelId": "msteams",
        "serviceUrl": fake.service_url,
        "from": {"id": user, "name": "Fuzz"},
        "conversation": {
            "id": f"a:{user}",
            "conversationType": "personal",
            "tenantId": TEAMS_TENANT,
        },
        "recipient": {"id": f"28:{TEAMS_APP_ID}", "name": "Overstag"},
        "text": text,
        "channelData": {"tenant": {"id": TEAMS_TENANT}},
        **more,
    }


TEAMS_FORGERIES = [
    "none", "garbage", "bearer garbage", "basic", "other key", "unknown kid",
    "no kid", "wrong audience", "wrong issuer", "expired", "not yet valid",
    "no expiry", "hs256 with the app password", "alg none", "tampered payload",
    "token for another service url", "activity for another service url",
    "other tenant", "unendorsed channel",
]  # fmt: skip


def forged_teams_request(
    kind: str, fake: Any, user: str, junk: str
) -> Tuple[Optional[str], Dict[str, Any]]:
    """(Authorization header, activity) of one forgery."""
    now = int(time.time())
    activity = teams_activity(fake, user)
    header = fake.sign()
    if kind in ("none", "garbage", "bearer garbage", "basic"):
        return {
            "none": None,
            "garbage": junk,
            "bearer garbage": f"Bearer {junk}x",
            "basic": f"Basic {header}",
        }[kind], activity
    if kind == "other tenant":
        other = "99999999-0000-0000-0000-000000000000"
        activity["channelData"]["tenant"]["id"] = other
        activity["conversation"]["tenantId"] = other
    elif kind == "unendorsed channel":
        activity["channelId"] = "slack"
    elif kind == "activity for another service url":
        activity["serviceUrl"] = "https://attacker.example/"
    else:
        head, _, signature = header.split(".")
        header = {
            "other key": lambda: fake.sign(key=OTHER_KEY),
            "unknown kid": lambda: fake.sign(kid="no-such-key"),
            "no kid": lambda: jwt.encode(claims(fake), fake.key, algorithm="RS256"),
            "wrong audience": lambda: fake.sign({"aud": "someone-else"}),
            "wrong issuer": lambda: fake.sign({"iss": "https://login.example.com"}),
            "expired": lambda: fake.sign(
                {"exp": now - 3600, "iat": now - 7200, "nbf": now - 7200}
            ),
            "not yet valid": lambda: fake.sign(
                {"nbf": now + 3600, "iat": now + 3600, "exp": now + 7200}
            ),
            "no expiry": lambda: jwt.encode(
                {k: v for k, v in claims(fake).items() if k != "exp"},
                fake.key,
                algorithm="RS256",
                headers={"kid": fake.kid},
            ),
            "hs256 with the app password": lambda: jwt.encode(
                claims(fake),
                TEAMS_PASSWORD,
                algorithm="HS256",
                headers={"kid": fake.kid},
            ),
            "alg none": lambda: (
                b64(json.dumps({"alg": "none", "kid": fake.kid}).encode())
                + "."
                + b64(json.dumps(claims(fake)).encode())
                + "."
            ),
            "tampered payload": lambda: ".".join(
                [head, b64(json.dumps(claims(fake, extra=junk)).encode()), signature]
            ),
            "token for another service url": lambda: fake.sign(
                service_url="https://attacker.example/"
            ),
        }[kind]()
    return f"Bearer {header}", activity


def teams_post(
    servers: Servers, label: str, raw: bytes, authorization: Optional[str]
) -> Reply:
    return send(
        servers,
        f"POST {TEAMS} ({label})",
        "POST",
        TEAMS,
        raw,
        auth_headers(authorization, "application/json"),
    )


# the HS256 forgery's key is the app password, shorter than PyJWT likes
@pytest.mark.filterwarnings("ignore:The HMAC key")
def test_teams_refuses_unsigned_and_forged_requests(channel_stack, stored):
    servers, fake, refused = channel_stack.servers, channel_stack.teams, []

    @fuzz(250)
    @given(kind=st.sampled_from(TEAMS_FORGERIES), junk=ASCII)
    def run(kind, junk):
        prefix = f"29:fuzz-{uuid.uuid4().hex}"
        authorization, activity = forged_teams_request(kind, fake, prefix, junk)
        reply = teams_post(servers, "forged", wire(activity), authorization)
        check(reply, {401, 403})
        refused.append((prefix, f"{kind}: {reply}"))

    run()
    settled_and_absent(servers, stored, refused)


ACTIVITY_FIELDS = ["type", "from", "conversation", "recipient", "entities",
                   "channelData", "id", "attachments", "value",
                   "serviceUrl"]  # fmt: skip


def test_teams_signed_junk_gets_a_4xx(channel_stack, stored):
    """A valid token with a body that is no activity object is a 400; an object
    may be refused (its serviceUrl does not match) or ignored, never a 5xx."""
    servers, fake, refused = channel_stack.servers, channel_stack.teams, []

    for raw in (b"[" * 3000 + b"]" * 3000, deep("object", 3000)):
        check(teams_post(servers, "signed", raw, f"Bearer {fake.sign()}"), {400})

    @fuzz(400)
    @given(
        kind=st.sampled_from(["json", "bytes", "deep", "activity", "activity"]),
        data=st.data(),
    )
    def run(kind, data):
        prefix = f"29:fuzz-{uuid.uuid4().hex}"
        if kind in JUNK_KINDS:
            raw, readable = draw_junk(data, kind, prefix)
        else:
            suffix = data.draw(
                st.one_of(st.just(""), st.just(""), SHORT_TEXT), label="user suffix"
            )
            text = data.draw(st.one_of(PHRASES, TEXTS, JSON_VALUES), label="text")
            overrides = data.draw(
                st.dictionaries(
                    st.sampled_from(ACTIVITY_FIELDS), JSON_VALUES, max_size=2
                ),
                label="overrides",
            )
            readable = {**teams_activity(fake, prefix + suffix, text), **overrides}
            raw = wire(readable)
            if refused_text(text) or sender_verdict(prefix + suffix) is False:
                what = f"text {text!r}, user suffix {suffix!r}, {overrides!r}"
                refused.append((prefix, what))
        reply = teams_post(servers, "signed", raw, f"Bearer {fake.sign()}")
        check(reply, None if isinstance(readable, dict) else {400})
        if 400 <= reply.status < 500:
            refused.append((prefix, str(reply)))

    run()
    settled_and_absent(servers, stored, refused)


# -- at the end ----------------------------------------------------------------------
def test_servers_survived_the_fuzzing(servers, channel_stack, stored):
    """Both launchers still run both servers (conftest.py checks them after this
    test too), no shared 'default' conversation appeared, and no request got a
    5xx other than a 503."""
    for each in (servers, channel_stack.servers):
        assert not stored(each, "default", exact=True)
    errors = {
        route: {
            s: n
            for s, n in counts.items()
            if s.isdigit() and int(s) >= 500 and s != "503"
        }
        for route, counts in STATS.items()
    }
    assert not {route: e for route, e in errors.items() if e}
