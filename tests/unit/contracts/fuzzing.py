"""What the body fuzzers share: strategies for hostile request bodies, what every answer
to one must be, and the fuzzers' settings.

Three kinds of body, from the outside in: arbitrary bytes (most are not JSON); arbitrary
JSON (most are not the right object), made of the values that break things: NUL
characters, lone surrogates, huge numbers (10**400), NaN and infinities, deep nesting,
wrong types; and a valid body with a few of its fields, at any depth, replaced by such
values or removed, which gets furthest into validation and past it.

A fuzz test takes `FUZZ` as its settings: 200 examples, enough for a few seconds a test.
A longer run is one environment variable away, e.g.

    FUZZ_PROFILE=fuzz-long uv run pytest --timeout=0 tests/unit/gateway/test_fuzz_bodies.py

(`fuzz-long`: 20,000 examples a test, a few minutes each, past the suite's 300 s
per-test timeout, hence `--timeout=0`). No example database is written: a failure prints
its falsifying example, and the repository stays clean.

Every answer to bad input is a refusal (`assert_refused`): never a 500, never
`retryable: true` (sending it again cannot cure it), always the error shape with a code of
the catalogue and that code's status. What is accepted must be storable
(`assert_storable`): no NUL, nothing that cannot be encoded as UTF-8.
"""

import copy
import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from contracts.errors import CATALOGUE, ErrorCode

settings.register_profile(
    "fuzz",
    max_examples=200,
    deadline=None,
    database=None,
    # A fuzz test reuses one app across its examples on purpose (building it is slow).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("fuzz-long", settings.get_profile("fuzz"), max_examples=20_000)
FUZZ = settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz"))

LONE_SURROGATES = [chr(0xD800), chr(0xDBFF), chr(0xDC00), chr(0xDFFF), chr(0xDC00) + chr(0xD800)]
NASTY_TEXT = [
    "\x00",
    "bet-\x00-1",
    *LONE_SURROGATES,
    f"bet-{chr(0xD800)}-1",
    "",
    " ",
    "x" * 129,
    "x" * 257,
    "x" * 501,
    "\U0001f3b0",
    "\ufeff\u202e\uffff",
    "\\",
    '"',
    "USD\n",
    "00000000-0000-0000-0000-000000000000",
]
HUGE_NUMBERS = [
    -1,
    0,
    1,
    2**31,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**15,
    10**15 + 1,
    10**18,
    10**18 + 1,
    10**400,
    -(10**400),
]

# The nasty text above, text with a NUL, any text at all (surrogates included), and text
# that is storable (other control characters, emoji and all), which must be accepted.
texts = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.tuples(st.text(max_size=8), st.text(max_size=8)).map("\x00".join),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40),
)
numbers = (
    st.integers()
    | st.sampled_from(HUGE_NUMBERS)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e400, -1e400, 10.0, 10.5, 1e-400])
)
scalars = st.none() | st.booleans() | numbers | texts
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=20,
)


@st.composite
def encoded(draw: st.DrawFn, value: Any) -> bytes:
    """`value` as JSON bytes: escaped (`\\u0000`, `\\ud800`) as most encoders send it, or
    raw, a lone surrogate then encoded as UTF-8 would encode it (invalid UTF-8)."""
    if draw(st.sampled_from([True, True, True, False])):
        return json.dumps(value).encode()
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def deeply_nested(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(min_value=1, max_value=5_000))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
    return opener * depth + b"1" + closer * depth


@st.composite
def damaged(draw: st.DrawFn, valid: dict[str, Any]) -> bytes:
    """`valid` with one to three of its fields (at any depth) replaced by a hostile value
    or removed, or with a hostile field added, as JSON bytes; sometimes one field holds
    a deeply nested value instead."""
    body = copy.deepcopy(valid)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        container, key = draw(st.sampled_from(_slots(body)))
        if isinstance(container, dict) and len(body) > 1 and draw(st.integers(0, 5)) == 0:
            del container[key]
        else:
            container[key] = draw(st.one_of(texts, numbers, json_values))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        container, key = draw(st.sampled_from(_slots(body)))
        container[key] = "NESTED"
        return draw(encoded(body)).replace(b'"NESTED"', draw(deeply_nested()), 1)
    if draw(st.booleans()):
        body[draw(texts)] = draw(json_values)
    return draw(encoded(body))


def _slots(body: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of `body`, nested ones included."""
    keys: list[Any] = list(body) if isinstance(body, dict) else list(range(len(body)))
    found = [(body, key) for key in keys]
    for key in keys:
        if isinstance(body[key], dict | list) and body[key]:
            found += _slots(body[key])
    return found


def hostile_bodies(valid: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Any of the three kinds of body, the damaged valid one most often."""
    return st.one_of(
        st.binary(max_size=512),
        json_values.flatmap(encoded),
        deeply_nested(),
        damaged(valid),
        damaged(valid),
        damaged(valid),
    )


def assert_refused(status: int, body: object) -> None:
    """`status` and `body` are a refusal of bad input."""
    assert status < 500, body
    assert isinstance(body, dict), body
    assert set(body) == {"success", "error", "code", "retryable"}, body
    assert body["success"] is False, body
    assert body["retryable"] is False, body
    assert isinstance(body["error"], str), body
    assert CATALOGUE[ErrorCode(body["code"])].status == status, body


def assert_storable(accepted: BaseModel) -> None:
    """Every string of `accepted` can be stored in PostgreSQL."""
    for text in _strings(accepted.model_dump()):
        assert "\x00" not in text, accepted
        text.encode()  # a lone surrogate raises UnicodeEncodeError


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []
