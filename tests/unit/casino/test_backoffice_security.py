"""The back office's own security pieces, without I/O: operators' passwords (Argon2, never
kept in clear), the CSRF token of a session, where a sign-in may send the browser next,
and the session secret's rules."""

from typing import Any

import pytest
from pydantic import SecretStr

from casino.backoffice import csrf
from casino.backoffice.pages.sign_in import _local
from casino.backoffice.settings import session_secret
from casino.operators import passwords
from casino.settings import CasinoSettings


def test_a_password_is_stored_as_an_argon2id_hash_that_does_not_contain_it() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert passwords.check("correct horse battery", stored)
    assert not passwords.check("correct horse batterY", stored)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert passwords.hash_password("same password!") != passwords.hash_password("same password!")


def test_an_unknown_operator_or_an_unreadable_hash_never_signs_in() -> None:
    assert not passwords.check("anything at all", None)
    assert not passwords.check("anything at all", "not a hash")


@pytest.mark.parametrize("password", ["short", "x" * (passwords.MAX_LENGTH + 1)])
def test_a_too_short_or_too_long_password_is_refused(password: str) -> None:
    with pytest.raises(passwords.WeakPasswordError):
        passwords.hash_password(password)


def test_a_session_keeps_its_csrf_token_and_only_it_is_valid() -> None:
    session: dict[str, object] = {}
    token = csrf.token(session)
    assert csrf.token(session) == token
    assert csrf.valid(session, token)
    assert not csrf.valid(session, token + "x")
    assert not csrf.valid(session, "")
    assert not csrf.valid(session, None)
    assert not csrf.valid({}, token)  # another session (or none) has no such token


def test_a_renewed_token_makes_the_old_one_worthless() -> None:
    session: dict[str, object] = {}
    old = csrf.token(session)
    new = csrf.renew(session)
    assert new != old
    assert csrf.valid(session, new)
    assert not csrf.valid(session, old)


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/players", "/players"),
        ("/rounds/demo-provider/r-1", "/rounds/demo-provider/r-1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
    ],
)
def test_after_signing_in_the_browser_only_goes_to_a_page_of_this_site(
    asked: str, goes_to: str
) -> None:
    assert _local(asked) == goes_to


def test_outside_development_the_session_secret_must_be_set_and_look_real() -> None:
    with pytest.raises(ValueError, match="BACK_OFFICE_SESSION_SECRET"):
        session_secret(CasinoSettings(environment="production", **_production_secrets()))
    with pytest.raises(ValueError, match="BACK_OFFICE_SESSION_SECRET"):
        session_secret(
            CasinoSettings(
                environment="production",
                back_office_session_secret=SecretStr("changeme"),
                **_production_secrets(),
            )
        )
    real = "k" * 48
    settings = CasinoSettings(
        environment="production",
        back_office_session_secret=SecretStr(real),
        **_production_secrets(),
    )
    assert session_secret(settings).get_secret_value() == real


def test_in_development_an_unset_session_secret_is_made_and_never_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = session_secret(CasinoSettings(environment="development"))
    assert len(made.get_secret_value()) >= 32
    assert "BACK_OFFICE_SESSION_SECRET is not set" in caplog.text
    assert made.get_secret_value() not in caplog.text


def _production_secrets() -> dict[str, Any]:
    from cryptography.fernet import Fernet

    return {
        "provider_secret": (SecretStr("p" * 40),),
        "provider_secrets_key": (SecretStr(Fernet.generate_key().decode()),),
    }
