"""The real wallet against a reference model of the protocol (`wallet_model.py`).

Hypothesis plays random sequences of getBalance, debit, credit (0 too) and rollback over
a few sessions (two players, one of them with a wallet in a second currency and a
session at a second provider, a session that ends halfway, a token nobody issued), with
retries of earlier requests, reused transactionIds with other payloads, batches, copies
of one request sent at once, and bets racing their own rollback. Every reply, and every
balance and ledger row count in the database, is checked against the model after each
step; a failure is shrunk to a short sequence of steps and printed.

Requests sent at once may be decided in any order: the model accepts every serial order
and takes the one observed. Unrelated requests are not sent at once on purpose: which
came first would change what every later step expects, so a failure could not be
replayed, nor shrunk (`test_wallet_concurrency.py` has those races).

The requests take the provider's real path from the gateway on: the gateway's RPC client,
RabbitMQ, the wallet worker (single messages, and `wallet.batch` messages as the gateway
sends under load), PostgreSQL. Each example plays on new providers, players and
sessions, so examples share the database without meeting.

Hypothesis drives a synchronous state machine; the broker and the database live on the
test's event loop. So the machine runs in a thread of its own and each step hands its
coroutine to that loop (`Casino.run`). That harness (`Casino`, `Table`, `command`,
`running_wallet`) serves this one test, so it lives here, and the module is longer than most.

`scripts/test` runs the same bounded set of examples every time. A longer random search
is one command:

    WALLET_MODEL_EXAMPLES=2000 scripts/test tests/integration/casino/test_wallet_model.py

Shrinking a failure replays it many times against the real services: it can take minutes.
"""

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import aio_pika
import orjson
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from casino.database import Database, LedgerPool
from casino.models import Game, GameProvider, GameSession, User, Wallet
from casino.sessions import end_session
from casino.vocabulary import SessionStatus
from casino.wallet.consumer import build_wallet_broker
from contracts.rpc import (
    WALLET_BATCH_TYPE,
    AnyWalletCommand,
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
)
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest
from gateway.callbacks.batch_messages import batch_body
from gateway.rpc import RpcClient
from tests.integration.casino.wallet_model import (
    PROVIDERS,
    SESSIONS,
    UNKNOWN_SESSION,
    WALLETS,
    Credit,
    Debit,
    GetBalance,
    Model,
    MoneyRequest,
    Request,
    Rollback,
    serial_order,
)
from tests.support.processes import wait_until

pytestmark = pytest.mark.integration
T = TypeVar("T")

LONG_RUN = int(os.environ.get("WALLET_MODEL_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=LONG_RUN or 25,
    stateful_step_count=50 if LONG_RUN else 30,
    derandomize=not LONG_RUN,  # the same examples on every CI run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # Not the explain phase: it replays a failure many more times, traced, and against the
    # real services that takes minutes more.
    phases=[phase for phase in Phase if phase is not Phase.explain],
    report_multiple_bugs=False,
)
REPLY_WITHIN_SECONDS = 20.0
PREFETCH = 16

# Ids are many, as in play: repeats come from the rules that retry, reuse or cancel an
# earlier request, and from rollbacks naming the first few bet ids (tombstones a later bet
# may meet). Half the requests are on one session, where the rules meet.
bet_ids = st.sampled_from([f"b{n}" for n in range(1, 21)])
payout_ids = st.sampled_from([f"p{n}" for n in range(1, 21)])
rollback_ids = st.sampled_from([f"x{n}" for n in range(1, 21)])
originals = st.sampled_from(["b1", "b2", "b3", "b4", "p1", "x1"])
rounds = st.sampled_from([f"r{n}" for n in range(1, 7)])
sessions = st.just("A") | st.sampled_from([*SESSIONS, UNKNOWN_SESSION])
bet_amounts = st.integers(1, 500)
payout_amounts = st.just(0) | st.integers(1, 500)
debits = st.builds(Debit, session=sessions, tx=bet_ids, round=rounds, amount=bet_amounts)
credits = st.builds(
    Credit,
    session=sessions,
    tx=payout_ids,
    round=rounds,
    amount=payout_amounts,
    related=st.none() | bet_ids,
)
rollbacks = st.builds(Rollback, session=sessions, tx=rollback_ids, original=originals)
money_requests = debits | credits | rollbacks
any_request = money_requests | st.builds(GetBalance, sessions)
copies = st.integers(1, 4)


class WalletMachine(RuleBasedStateMachine):
    """Each rule sends requests to the real wallet and checks the replies with the model."""

    sent = Bundle("sent")
    bets = Bundle("bets")

    def __init__(self, casino: "Casino") -> None:
        super().__init__()
        self.casino = casino
        self.model = Model(balances={})
        self.table = Table({}, {}, {})
        self.races = 0

    @initialize(
        opening=st.fixed_dictionaries({wallet: st.integers(0, 1_000) for wallet in WALLETS})
    )
    def open_wallets(self, opening: dict[str, int]) -> None:
        self.table = self.casino.run(self.casino.lay_table(opening))
        self.model = Model(balances=dict(opening))

    @rule(targets=(sent, bets), bet=debits, copies=copies)
    def debit(self, bet: Debit, copies: int) -> Debit:
        """A bet, sent `copies` times at once: it is decided once."""
        self.at_once([bet] * copies)
        return bet

    @rule(target=sent, payout=credits, copies=copies)
    def credit(self, payout: Credit, copies: int) -> Credit:
        self.at_once([payout] * copies)
        return payout

    @rule(target=sent, rollback=rollbacks, copies=copies)
    def rollback(self, rollback: Rollback, copies: int) -> Rollback:
        """A rollback of any id: a bet, a payout (rule 1), another's (rule 6), unknown (5)."""
        self.at_once([rollback] * copies)
        return rollback

    @rule(
        target=sent,
        bet=bets,
        rollback_ids=st.lists(rollback_ids, min_size=1, max_size=2, unique=True),
    )
    def roll_back_bet(self, bet: Debit, rollback_ids: list[str]) -> MultipleResults[Rollback]:
        """Rollbacks of an earlier bet, in its session, one after the other: the first
        refunds it (rule 3) unless its round is paid (rule 2); a second one says who did
        (rule 4)."""
        rollbacks = [Rollback(bet.session, rollback_id, bet.tx) for rollback_id in rollback_ids]
        for rollback in rollbacks:
            self.at_once([rollback])
        return multiple(*rollbacks)

    @rule(target=sent, earlier=sent, rollback_id=rollback_ids)
    def roll_back_earlier(self, earlier: MoneyRequest, rollback_id: str) -> Rollback:
        """A rollback of any earlier request, in its session: a payout or a rollback is not
        a bet (rule 1)."""
        rollback = Rollback(earlier.session, rollback_id, earlier.tx)
        self.at_once([rollback])
        return rollback

    @rule(target=sent, bet=bets, payout_id=payout_ids, amount=payout_amounts)
    def pay_round(self, bet: Debit, payout_id: str, amount: int) -> Credit:
        """A payout in an earlier bet's round, in its session: the round is settled (rule 2)."""
        payout = Credit(bet.session, payout_id, bet.round, amount, bet.tx)
        self.at_once([payout])
        return payout

    @rule(earlier=sent, copies=copies, note=st.sampled_from([None, "again"]))
    def retry(self, earlier: MoneyRequest, copies: int, note: str | None) -> None:
        """An earlier request again; description, reason and related are not its payload."""
        match earlier:
            case Debit():
                earlier = replace(earlier, description=note)
            case Credit():
                earlier = replace(earlier, description=note, related=note)
            case Rollback():
                earlier = replace(earlier, reason=note)
        self.at_once([earlier] * copies)

    @rule(target=sent, earlier=sent, other=money_requests)
    def reuse_id(self, earlier: MoneyRequest, other: MoneyRequest) -> MoneyRequest:
        request = replace(other, tx=earlier.tx)
        self.at_once([request])
        return request

    @rule(session=sessions, amount=bet_amounts)
    def race(self, session: str, amount: int) -> None:
        """A bet in a new round and its rollback at once: the bet is placed and refunded, or
        the tombstone comes first and the bet is refused (rule 7). Either way the balance
        is unchanged and as many rows are written, and the ids are never used again: what
        follows does not depend on which came first.

        Both orders are played one after the other first, so that a rule broken in one
        order fails this step every time, whichever order the race takes: Hypothesis can
        only shrink a failure it can replay."""
        bet_first, rollback_first, racing = (
            self.new_bet_and_rollback(session, amount) for _ in range(3)
        )
        for request in [*bet_first, *reversed(rollback_first)]:
            self.at_once([request])
        self.at_once(racing)

    def new_bet_and_rollback(self, session: str, amount: int) -> list[Request]:
        self.races += 1
        bet = f"race{self.races}"
        return [Debit(session, bet, bet, amount), Rollback(session, f"{bet}-x", bet)]

    @rule(requests=st.lists(any_request, min_size=2, max_size=6))
    def send_batch(self, requests: list[Request]) -> None:
        """One `wallet.batch` message: decided in order, each as if alone."""
        replies = self.casino.run(self.casino.send_batch(self.table, requests))
        for request, reply in zip(requests, replies, strict=True):
            self.model.apply(request, reply)
        self.check_database()

    @rule(session=sessions)
    def read_balance(self, session: str) -> None:
        self.at_once([GetBalance(session)])

    @precondition(lambda machine: "A2" not in machine.model.ended)
    @rule()
    def end_session_a2(self) -> None:
        self.casino.run(end_session(self.casino.database, self.table.session_ids["A2"]))
        self.model.ended.add("A2")

    def at_once(self, requests: Sequence[Request]) -> None:
        """Send `requests` at once, check their replies, then the database."""
        replies = self.casino.run(self.casino.send(self.table, requests))
        self.model = serial_order(self.model, list(zip(requests, replies, strict=True)))
        self.check_database()

    def check_database(self) -> None:
        """Balances as stored, and one ledger row per decision (refusals record nothing)."""
        stored = self.casino.run(self.casino.stored(self.table))
        decisions = [decided.wallet for decided in self.model.decided.values()]
        expected = {
            wallet: (self.model.balances[wallet], decisions.count(wallet)) for wallet in WALLETS
        }
        assert stored == expected, f"(balance, ledger rows) stored: {stored}, model: {expected}"


@dataclass(frozen=True)
class Table:
    """What one example plays on: the model's session and wallet names, made real."""

    tokens: dict[str, str]
    session_ids: dict[str, uuid.UUID]
    wallet_ids: dict[str, uuid.UUID]


@dataclass(frozen=True)
class Casino:
    """The casino as the machine's thread reaches it: a running worker, the gateway's RPC
    client and the database, all on the test's event loop."""

    loop: asyncio.AbstractEventLoop
    database: Database
    client: RpcClient
    queue: str

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def lay_table(self, opening: dict[str, int]) -> Table:
        """New providers, players with wallets holding `opening`, and their sessions, in one
        transaction: Hypothesis replays examples many times while it shrinks a failure."""
        async with self.database.begin() as db:
            providers = {
                name: GameProvider(code=f"model-{uuid.uuid4().hex}", name=name)
                for name in PROVIDERS
            }
            players = {
                name: User(email=f"model-{uuid.uuid4().hex}@example.com", display_name=name)
                for name in {session.player for session in SESSIONS.values()}
            }
            db.add_all([*providers.values(), *players.values()])
            await db.flush()
            games = {
                name: Game(provider_id=provider.id, provider_game_code="slots", name="Slots")
                for name, provider in providers.items()
            }
            wallets = {
                session.wallet: Wallet(
                    user_id=players[session.player].id,
                    currency=session.currency,
                    balance=opening[session.wallet],
                    opening_balance=opening[session.wallet],
                )
                for session in SESSIONS.values()
            }
            db.add_all([*games.values(), *wallets.values()])
            await db.flush()
            sessions = {
                name: GameSession(
                    token=secrets.token_urlsafe(32),
                    user_id=players[session.player].id,
                    wallet_id=wallets[session.wallet].id,
                    game_id=games[session.provider].id,
                    status=SessionStatus.ACTIVE,
                )
                for name, session in SESSIONS.items()
            }
            db.add_all(sessions.values())
            await db.flush()
        return Table(
            tokens={UNKNOWN_SESSION: secrets.token_urlsafe(32)}
            | {name: session.token for name, session in sessions.items()},
            session_ids={name: session.id for name, session in sessions.items()},
            wallet_ids={name: wallet.id for name, wallet in wallets.items()},
        )

    async def send(self, table: Table, requests: Sequence[Request]) -> list[bytes]:
        """Each request in a message of its own, all at once; the replies as received."""
        bodies = [command(table, request).model_dump_json(by_alias=True) for request in requests]
        return await asyncio.gather(
            *(
                self.client.request(self.queue, body.encode(), reply_within=REPLY_WITHIN_SECONDS)
                for body in bodies
            )
        )

    async def send_batch(self, table: Table, requests: Sequence[Request]) -> list[bytes]:
        """The requests in one batch message; each reply as it would come alone (sorted-key
        JSON, as the worker writes it)."""
        body = batch_body([(f"model-{i}", command(table, r)) for i, r in enumerate(requests)])
        reply = await self.client.request(
            self.queue, body, reply_within=REPLY_WITHIN_SECONDS, message_type=WALLET_BATCH_TYPE
        )
        replies = orjson.loads(reply)["replies"]
        return [orjson.dumps(one, option=orjson.OPT_SORT_KEYS) for one in replies]

    async def stored(self, table: Table) -> dict[str, tuple[int, int]]:
        """Each wallet's balance and ledger row count, read with plain SQL."""
        query = text(
            "SELECT w.id, w.balance,"
            " (SELECT count(*) FROM casino_transactions t WHERE t.wallet_id = w.id) AS rows"
            " FROM casino_wallets w WHERE w.id = ANY(:ids)"
        )
        async with self.database() as db:
            found = await db.execute(query, {"ids": list(table.wallet_ids.values())})
            by_id = {row.id: (int(row.balance), int(row.rows)) for row in found}
        return {wallet: by_id[wallet_id] for wallet, wallet_id in table.wallet_ids.items()}


def command(table: Table, request: Request) -> AnyWalletCommand:
    token = table.tokens[request.session]
    match request:
        case GetBalance():
            return GetBalanceCommand(request=GetBalanceRequest(session_token=token))
        case Debit(_, tx, round_id, amount, description):
            return DebitCommand(
                request=DebitRequest(
                    session_token=token,
                    transaction_id=tx,
                    round_id=round_id,
                    amount=amount,
                    description=description,
                )
            )
        case Credit(_, tx, round_id, amount, related, description):
            return CreditCommand(
                request=CreditRequest(
                    session_token=token,
                    transaction_id=tx,
                    round_id=round_id,
                    amount=amount,
                    related_transaction_id=related,
                    description=description,
                )
            )
        case Rollback(_, tx, original, reason):
            return RollbackCommand(
                request=RollbackRequest(
                    session_token=token,
                    transaction_id=tx,
                    original_transaction_id=original,
                    reason=reason,
                )
            )


@asynccontextmanager
async def running_wallet(amqp_url: str, ledger: LedgerPool, queue: str) -> AsyncIterator[RpcClient]:
    """A wallet worker on its own queue, and the gateway's RPC client to call it."""
    broker = build_wallet_broker(amqp_url, ledger, queue=queue, prefetch=PREFETCH)
    client = RpcClient(amqp_url)

    async def client_ready() -> bool:
        return client.ready

    try:
        async with broker:
            await broker.start()
            await client.start()
            await wait_until(client_ready, "the RPC client's connection", within=10)
            yield client
    finally:
        await client.close()
        async with await aio_pika.connect(amqp_url) as connection:
            await (await connection.channel()).queue_delete(queue)


# A failure needs time to shrink (Hypothesis gives up after five minutes); a long run, all it takes.
@pytest.mark.timeout(0 if LONG_RUN else 900)
async def test_the_wallet_decides_as_the_protocol_says(
    amqp_url: str, ledger: LedgerPool, database: Database, unique: str
) -> None:
    async with running_wallet(amqp_url, ledger, f"casino.wallet.model-{unique}") as client:
        casino = Casino(
            asyncio.get_running_loop(), database, client, f"casino.wallet.model-{unique}"
        )
        # Hypothesis calls its factory with no arguments: any callable does, though its
        # annotation asks for a class.
        machine = lambda: WalletMachine(casino)  # noqa: E731
        await asyncio.to_thread(run_state_machine_as_test, machine, settings=SETTINGS)  # type: ignore[arg-type]
