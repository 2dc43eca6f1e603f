"""The back office in-process over the real database: signing in, the CSRF token and the
roles guarding every change, changes made through the domain's own functions (and so its
rules) and recorded in the audit log with the operator's name; a password never stored
or logged in clear."""

import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from casino.backoffice import audit_log
from casino.backoffice.app import build_app
from casino.backoffice.resources import open_back_office
from casino.backoffice.settings import BackOfficeSettings
from casino.database import Database
from casino.operators import accounts
from casino.operators.tables import Role
from casino.protection import limit_store
from casino.providers import registry
from casino.tools.seed import create_player
from casino.vocabulary import LimitKind
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox

PASSWORD = "an operator's password"
Client = Callable[[str, Role], Awaitable[httpx.AsyncClient]]


@pytest_asyncio.fixture(loop_scope="session")
async def app(casino_database_url: str, amqp_url: str) -> AsyncIterator[Starlette]:
    settings = BackOfficeSettings(
        environment="development",
        casino_database_url=casino_database_url,
        amqp_url=amqp_url,
        provider_database_url=None,
    )
    app = build_app(settings)
    async with open_back_office(settings) as office:  # what the lifespan does
        app.state.back_office = office
        yield app


@pytest_asyncio.fixture(loop_scope="session")
async def signed_in(app: Starlette, database: Database) -> AsyncIterator[Client]:
    """A client signed in as a new operator of the role given."""
    clients: list[httpx.AsyncClient] = []

    async def sign_in(name: str, role: Role) -> httpx.AsyncClient:
        await accounts.add_operator(database, name, role, PASSWORD)
        client = _client(app)
        clients.append(client)
        token = _token((await client.get("/sign-in")).text)
        answer = await client.post(
            "/sign-in", data={"csrf_token": token, "name": name, "password": PASSWORD}
        )
        assert answer.status_code == 303, answer.text
        return client

    yield sign_in
    for client in clients:
        await client.aclose()


async def test_pages_need_a_signed_in_operator(app: Starlette) -> None:
    async with _client(app) as client:
        for path in ("/", "/players", "/providers", "/audit", "/dead-letters"):
            answer = await client.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/sign-in?next=")


async def test_a_wrong_password_is_refused_and_never_logged(
    app: Starlette, database: Database, unique: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = f"wrong-{unique}"
    await accounts.add_operator(database, name, Role.OPERATOR, PASSWORD)
    caplog.set_level(logging.DEBUG)
    async with _client(app) as client:
        token = _token((await client.get("/sign-in")).text)
        wrong = "the wrong password, typed by mistake"
        answer = await client.post(
            "/sign-in", data={"csrf_token": token, "name": name, "password": wrong}
        )
        assert answer.status_code == 401
        assert (await client.get("/")).status_code == 303  # still not signed in
    assert wrong not in caplog.text
    assert PASSWORD not in caplog.text
    assert wrong not in answer.text


async def test_the_sign_in_form_needs_its_csrf_token(
    app: Starlette, database: Database, unique: str
) -> None:
    name = f"nocsrf-{unique}"
    await accounts.add_operator(database, name, Role.OPERATOR, PASSWORD)
    async with _client(app) as client:
        await client.get("/sign-in")
        answer = await client.post("/sign-in", data={"name": name, "password": PASSWORD})
        assert answer.status_code == 403
        assert (await client.get("/")).status_code == 303


async def test_an_operator_s_limit_is_set_by_the_domain_s_rules_and_audited(
    signed_in: Client, database: Database, unique: str
) -> None:
    name = f"alice-{unique}"
    client = await signed_in(name, Role.OPERATOR)
    player = await create_player(database, 100_000, "USD")
    page = await client.get(f"/players/{player.user_id}")
    assert page.status_code == 200
    assert "1,000.00" in page.text  # the balance, with the currency's decimals
    answer = await client.post(
        f"/players/{player.user_id}/limits",
        data={"csrf_token": _token(page.text), "currency": "USD", "max_bet": "20.00"},
    )
    assert answer.status_code == 303
    limits = await limit_store.read_limits(database, player.user_id, "USD")
    assert limits.value(LimitKind.MAX_BET) == 2000
    async with database() as db:
        set_by = (
            await db.execute(
                text("SELECT set_by FROM casino_player_limits WHERE user_id = :u"),
                {"u": player.user_id},
            )
        ).scalar_one()
    assert set_by == f"backoffice:{name}"
    # A raise waits for the cooling-off: the rule of the domain, not of the page.
    page = await client.get(f"/players/{player.user_id}")
    await client.post(
        f"/players/{player.user_id}/limits",
        data={"csrf_token": _token(page.text), "currency": "USD", "max_bet": "50"},
    )
    limits = await limit_store.read_limits(database, player.user_id, "USD")
    assert limits.value(LimitKind.MAX_BET) == 2000
    assert [(p.kind, p.value) for p in limits.pending] == [(LimitKind.MAX_BET, 5000)]
    entries = await audit_log.recent(database, operator_name=name)
    assert [(e.action, e.subject, e.details["outcome"]) for e in entries] == [
        ("set limits", f"player {player.user_id}", "done"),
        ("set limits", f"player {player.user_id}", "done"),
    ]
    assert entries[1].details["changes"] == {"maxBet": 2000}
    log_page = await client.get("/audit")
    assert name in log_page.text
    assert "set limits" in log_page.text


async def test_a_refusal_of_the_domain_is_shown_and_audited(
    signed_in: Client, database: Database, unique: str
) -> None:
    name = f"bob-{unique}"
    client = await signed_in(name, Role.OPERATOR)
    player = await create_player(database, 0, "USD")
    page = await client.get(f"/players/{player.user_id}")
    answer = await client.post(
        f"/players/{player.user_id}/exclusion",
        data={"csrf_token": _token(page.text), "length": "until", "until": "2001-01-01T00:00"},
        follow_redirects=True,
    )
    assert "Refused (INVALID_REQUEST)" in answer.text
    [entry] = await audit_log.recent(database, operator_name=name)
    assert entry.details["outcome"] == "refused"
    assert entry.details["code"] == "INVALID_REQUEST"


async def test_a_viewer_reads_but_every_change_is_refused_and_nothing_changes(
    signed_in: Client, database: Database, unique: str
) -> None:
    name = f"victor-{unique}"
    client = await signed_in(name, Role.VIEWER)
    player = await create_player(database, 0, "USD")
    provider = await _new_provider(database, unique)
    page = await client.get(f"/players/{player.user_id}")
    assert page.status_code == 200
    assert "Change limits" not in page.text  # no form offered
    token = _token(page.text)
    changes = [
        (f"/players/{player.user_id}/limits", {"currency": "USD", "max_bet": "1"}),
        (f"/players/{player.user_id}/exclusion", {"length": "permanent"}),
        (f"/providers/{provider}/disable", {}),
        (f"/providers/{provider}/rotate-secret", {}),
        (f"/providers/{provider}/retire-secrets", {}),
        ("/campaigns/grant", {"user_id": str(player.user_id)}),
        (f"/campaigns/{uuid.uuid4()}/cancel", {}),
        ("/reconciliation/run", {}),
        ("/dead-letters/requeue", {"queue": "q", "message_key": "k"}),
        ("/dead-letters/discard", {"queue": "q", "message_key": "k", "reason": "r"}),
    ]
    for path, fields in changes:
        answer = await client.post(path, data={"csrf_token": token, **fields})
        assert answer.status_code == 403, path
        assert "viewers cannot change anything" in answer.text
    limits = await limit_store.read_limits(database, player.user_id, "USD")
    assert limits.in_force == {}
    assert limits.pending == []
    async with database() as db:
        assert await _count(db, "casino_player_exclusions", f"user_id = '{player.user_id}'") == 0
    [listed] = [p for p in await registry.list_providers(database) if p.code == provider]
    assert listed.enabled
    assert listed.callback_secrets == 1
    assert await audit_log.recent(database, operator_name=name) == []


async def test_a_post_without_its_csrf_token_changes_nothing(
    signed_in: Client, database: Database, unique: str
) -> None:
    client = await signed_in(f"carol-{unique}", Role.OPERATOR)
    player = await create_player(database, 0, "USD")
    for token in (None, "forged-token"):
        fields = {"currency": "USD", "max_bet": "1"}
        answer = await client.post(
            f"/players/{player.user_id}/limits",
            data=fields if token is None else {**fields, "csrf_token": token},
        )
        assert answer.status_code == 403
        assert "security token is missing or wrong" in answer.text
    assert (await limit_store.read_limits(database, player.user_id, "USD")).in_force == {}


async def test_a_rotated_secret_is_shown_once_and_never_recorded(
    signed_in: Client, database: Database, unique: str
) -> None:
    name = f"dave-{unique}"
    client = await signed_in(name, Role.OPERATOR)
    provider = await _new_provider(database, unique)
    page = await client.get("/providers")
    answer = await client.post(
        f"/providers/{provider}/rotate-secret", data={"csrf_token": _token(page.text)}
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    secret = re.search(r'<code class="secret" id="secret">([^<]+)</code>', answer.text)
    assert secret is not None
    assert secret.group(1) not in (await client.get("/providers")).text
    [entry] = await audit_log.recent(database, operator_name=name)
    assert entry.action == "rotate provider secret"
    assert secret.group(1) not in str(entry)


async def test_a_disabled_operator_s_session_ends_at_the_next_click(
    signed_in: Client, database: Database, unique: str
) -> None:
    name = f"erin-{unique}"
    client = await signed_in(name, Role.OPERATOR)
    assert (await client.get("/players")).status_code == 200
    await accounts.disable_operator(database, name)
    assert (await client.get("/players")).status_code == 303


async def test_sign_out_ends_the_session(signed_in: Client, unique: str) -> None:
    client = await signed_in(f"frank-{unique}", Role.VIEWER)
    page = await client.get("/players")
    answer = await client.post("/sign-out", data={"csrf_token": _token(page.text)})
    assert answer.status_code == 303
    assert (await client.get("/players")).status_code == 303


async def test_every_page_answers_a_signed_in_viewer(
    signed_in: Client, database: Database, unique: str
) -> None:
    client = await signed_in(f"grace-{unique}", Role.VIEWER)
    player = await create_player(database, 500, "JPY")
    for path in (
        "/", "/players", f"/players?q={player.user_id}", f"/players/{player.user_id}",
        "/rounds", "/providers", "/campaigns", "/reconciliation", "/dead-letters", "/audit",
        "/cluster", "/conformance",
    ):  # fmt: skip
        answer = await client.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
    assert "not available yet" in (await client.get("/cluster")).text
    assert (await client.get(f"/players/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/rounds/demo-provider/no-such-round")).status_code == 404


async def _new_provider(database: Database, unique: str) -> str:
    code = f"bo-{unique}"
    await registry.add_provider(database, SecretBox((DEVELOPMENT_KEY,)), code, "http://x.test")
    return code


async def test_every_form_of_an_operator_s_pages_carries_the_session_s_token(
    signed_in: Client, database: Database, unique: str
) -> None:
    client = await signed_in(f"heidi-{unique}", Role.OPERATOR)
    player = await create_player(database, 0, "USD")
    await _new_provider(database, unique)
    for path in (f"/players/{player.user_id}", "/providers", "/campaigns", "/reconciliation"):
        page = (await client.get(path)).text
        token = _token(page)  # the sign-out form's
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert len(forms) > 1, path  # sign-out and at least one change
        for form in forms:
            assert f'name="csrf_token" value="{token}"' in form, (path, form)


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://backoffice.test"
    )


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)


async def _count(db: AsyncSession, table: str, where: str = "true") -> int:
    return int((await db.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"))).scalar_one())
