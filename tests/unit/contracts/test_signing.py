"""HMAC signatures over the raw bytes, with timestamps and rotation."""

import hashlib
import hmac

import pytest
from pydantic import SecretStr

from contracts.signing import (
    CASINO_SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    sign,
    signature_headers,
    verify,
)

BODY = b'{"sessionToken":"s"}'


def test_a_signature_is_the_hex_hmac_sha256_of_the_exact_bytes() -> None:
    expected = hmac.new(b"k", BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, "k") == expected
    verify(BODY, expected, ["k"])


def test_a_secret_from_settings_signs_and_verifies_as_its_value() -> None:
    secret = SecretStr("k")

    assert sign(BODY, secret) == sign(BODY, "k")
    verify(BODY, sign(BODY, "k"), [SecretStr("old"), secret])


@pytest.mark.parametrize(
    "signature",
    [None, "", "zz" * 32, "ab" * 31, "ab" * 33, sign(BODY, "other"), sign(BODY + b" ", "k")],
    ids=["missing", "empty", "non-hex", "short", "long", "other-secret", "other-bytes"],
)
def test_anything_but_the_right_signature_is_refused(signature: str | None) -> None:
    with pytest.raises(SignatureError):
        verify(BODY, signature, ["k"])


def test_other_json_bytes_of_the_same_object_do_not_verify() -> None:
    pretty = b'{\n  "sessionToken": "s"\n}'
    with pytest.raises(SignatureError):
        verify(pretty, sign(BODY, "k"), ["k"])
    verify(pretty, sign(pretty, "k"), ["k"])


def test_any_configured_secret_verifies_during_rotation() -> None:
    verify(BODY, sign(BODY, "old"), ["new", "old"])
    verify(BODY, sign(BODY, "new"), ["new", "old"])
    with pytest.raises(SignatureError):
        verify(BODY, sign(BODY, "retired"), ["new", "old"])


def test_a_timestamped_signature_covers_the_timestamp_and_has_a_tolerance() -> None:
    headers = signature_headers(BODY, "k", CASINO_SIGNATURE_HEADER, timestamp=1_000)
    signature, stamp = headers[CASINO_SIGNATURE_HEADER], headers[TIMESTAMP_HEADER]
    verify(BODY, signature, ["k"], timestamp=stamp, now=1_100)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, signature, ["k"], timestamp=stamp, now=1_000 + 301)
    with pytest.raises(SignatureError):  # the timestamp is part of what is signed
        verify(BODY, signature, ["k"], timestamp="1001", now=1_000)
    with pytest.raises(SignatureError):
        verify(BODY, signature, ["k"], timestamp="soon", now=1_000)


def test_a_required_timestamp_must_be_present() -> None:
    with pytest.raises(SignatureError, match="required"):
        verify(BODY, sign(BODY, "k"), ["k"], require_timestamp=True)
