"""The book a batch of wallet commands is decided against: an in-memory view of the part
of the ledger the batch can touch, read under the locks its transaction holds.

Group commit: the wallet worker applies a batch of commands in one database transaction.
It locks the wallets of every session the batch names, reads the ledger rows the commands
can depend on (`casino.wallet.ledger.open_book`), decides each command in order against this
book (`casino.wallet.rules`), and writes the decided rows and balance moves back in a few
statements (`casino.wallet.ledger.write_book`) before one commit. Each decision sees the ones
made before it in the batch, exactly as if each command had been its own transaction in
that order: a retry of a transactionId decided three commands earlier is answered from
that decision, a rollback of a bet placed earlier in the batch refunds it.

Nothing here does I/O, so every rule can be read (and tested) as plain Python.
"""

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field, replace

from casino.vocabulary import Outcome, RoundStatus, TransactionType
from casino.wallet.free_rounds import Campaign
from casino.wallet.protection import NO_LIMITS, Limits, Losses, Periods
from contracts.money import MAX_BALANCE
from contracts.rpc import RpcReply

LedgerKey = tuple[uuid.UUID, str]
"""(provider, transactionId): a provider's transactionId is decided once."""
RoundKey = tuple[uuid.UUID, uuid.UUID, str]
"""(provider, wallet, roundId): rollback rule 2 goes by round."""


@dataclass(frozen=True)
class SessionWallet:
    """Who is playing: the session a token names, its wallet and the game's provider."""

    session_id: uuid.UUID
    wallet_id: uuid.UUID
    provider_id: uuid.UUID
    active: bool
    currency: str
    provider_code: str
    provider_enabled: bool
    user_id: uuid.UUID | None = None
    game_id: uuid.UUID | None = None
    started_at: dt.datetime | None = None
    limits: Limits = NO_LIMITS
    excluded: bool = False


@dataclass(frozen=True)
class RequestIdentity:
    """The fields of a money-moving request that make up its identity (docs/PROTOCOL.md: type,
    session, amount, round, original); description and reason do not count."""

    type: TransactionType
    transaction_id: str
    amount: int | None = None
    round_id: str | None = None
    original_transaction_id: str | None = None
    kind: str | None = None  # a credit's; "win" unless it says otherwise
    jackpot_contribution: int | None = None
    campaign: str | None = None  # the freeRoundsCampaignId, as sent
    closes_round: bool = False

    def fingerprint(self, session: SessionWallet) -> str:
        identity: dict[str, object] = {
            "type": self.type.value,
            "session": str(session.session_id),
            "amount": self.amount,
            "round": self.round_id,
            "original": self.original_transaction_id,
        }
        # The fields of rounds, payouts and free rounds count only when they say something
        # a seed client could not: so every fingerprint recorded before them still matches
        # its retry.
        extras = {
            "kind": self.kind if self.kind not in (None, "win") else None,
            "jackpotContribution": self.jackpot_contribution,
            "campaign": self.campaign,
            "roundClosed": self.closes_round or None,
        }
        identity |= {name: value for name, value in extras.items() if value is not None}
        canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One decided command: a row of `casino_transactions`, read or about to be written."""

    id: uuid.UUID
    provider_id: uuid.UUID
    transaction_id: str
    type: TransactionType
    outcome: Outcome
    error_code: str | None
    session_id: uuid.UUID
    wallet_id: uuid.UUID
    round_id: str | None
    amount: int
    original_transaction_id: str | None
    original_id: uuid.UUID | None
    related_transaction_id: str | None
    is_tombstone: bool
    fingerprint: str
    reply: dict[str, object]
    balance_before: int
    balance_after: int
    previous_id: uuid.UUID | None
    """The wallet's row before this one: the ledger is a chain per wallet, and the
    database refuses a row whose balance_before is not its previous row's balance_after
    (migration 0003)."""
    kind: str | None
    """A credit's kind: win, bonus, jackpot or promo (None for the other types)."""
    jackpot_contribution: int | None
    campaign_id: uuid.UUID | None
    """The free-round campaign of a free bet, its refund, or a bonus win."""
    closes_round: bool

    @property
    def key(self) -> LedgerKey:
        return (self.provider_id, self.transaction_id)

    @property
    def refunds_a_bet(self) -> bool:
        """An accepted rollback that returned money (at most one per bet)."""
        return (
            self.type == TransactionType.ROLLBACK
            and self.outcome == Outcome.ACCEPTED
            and self.amount > 0
        )

    @property
    def pays_a_round(self) -> bool:
        return self.type == TransactionType.CREDIT and self.outcome == Outcome.ACCEPTED


@dataclass
class Book:
    """The session_wallets, balances and ledger rows a batch reads, and the rows it has decided.

    `balances` are those of the locked wallets, moved as commands are decided, and
    `newest` their newest ledger rows, which each decided row is chained to; `moves` is
    the net change per wallet that `write_book` applies with SQL arithmetic (and checks
    against `balances`).
    """

    session_wallets: dict[str, SessionWallet] = field(default_factory=dict)
    balances: dict[uuid.UUID, int] = field(default_factory=dict)
    newest: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    entries: dict[LedgerKey, Entry] = field(default_factory=dict)
    tombstoned: set[LedgerKey] = field(default_factory=set)
    refunds: dict[uuid.UUID, str] = field(default_factory=dict)
    """bet row id → transactionId of the rollback that returned its amount"""
    paid_rounds: set[RoundKey] = field(default_factory=set)
    decided: list[Entry] = field(default_factory=list)
    moves: dict[uuid.UUID, int] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    periods: Periods | None = None
    """The loss-limit periods `now` falls in; None keeps no running losses (tests)."""
    losses: dict[uuid.UUID, Losses] = field(default_factory=dict)
    """Each locked wallet's running losses, in the current periods once it is moved."""
    rounds: dict[RoundKey, RoundStatus] = field(default_factory=dict)
    """The status of each round the batch names that the ledger knows (absent: new)."""
    changed_rounds: dict[RoundKey, RoundStatus] = field(default_factory=dict)
    """Rounds opened or ended by the batch's decisions, as `write_book` must store them."""
    campaigns: dict[uuid.UUID, Campaign] = field(default_factory=dict)
    campaign_uses: dict[uuid.UUID, int] = field(default_factory=dict)
    """The net change of each campaign's rounds played (+1 a free bet, -1 its refund)."""

    def know(self, entry: Entry) -> None:
        """Take in a row read from the ledger (or just decided)."""
        self.entries[entry.key] = entry
        if entry.is_tombstone and entry.original_transaction_id is not None:
            self.tombstoned.add((entry.provider_id, entry.original_transaction_id))
        if entry.refunds_a_bet and entry.original_id is not None:
            self.refunds[entry.original_id] = entry.transaction_id
        if entry.pays_a_round and entry.round_id is not None:
            self.paid_rounds.add((entry.provider_id, entry.wallet_id, entry.round_id))

    def find(self, provider_id: uuid.UUID, transaction_id: str) -> Entry | None:
        return self.entries.get((provider_id, transaction_id))

    def balance(self, session: SessionWallet) -> int:
        return self.balances[session.wallet_id]

    def has_tombstone(self, session: SessionWallet, bet_id: str) -> bool:
        return (session.provider_id, bet_id) in self.tombstoned

    def refund_of(self, bet: Entry) -> str | None:
        """The transactionId of the rollback that already returned `bet`'s amount, if any."""
        return self.refunds.get(bet.id)

    def round_has_payout(self, bet: Entry) -> bool:
        return (bet.provider_id, bet.wallet_id, bet.round_id or "") in self.paid_rounds

    def round_status(self, session: SessionWallet, round_id: str) -> RoundStatus | None:
        """The round's status (None: no money went into it and nobody ended it)."""
        return self.rounds.get((session.provider_id, session.wallet_id, round_id))

    def play_in_round(self, session: SessionWallet, round_id: str, *, closes: bool) -> None:
        """Money was accepted in the round: it is open from now, closed if it said so."""
        key = (session.provider_id, session.wallet_id, round_id)
        status = self.rounds.get(key)
        if closes and status != RoundStatus.CLOSED:
            self._set_round(key, RoundStatus.CLOSED)
        elif status is None:
            self._set_round(key, RoundStatus.OPEN)

    def end_round(self, session: SessionWallet, round_id: str) -> None:
        key = (session.provider_id, session.wallet_id, round_id)
        if self.rounds.get(key) != RoundStatus.CLOSED:
            self._set_round(key, RoundStatus.CLOSED)

    def _set_round(self, key: RoundKey, status: RoundStatus) -> None:
        self.rounds[key] = self.changed_rounds[key] = status

    def campaign(self, campaign_id: uuid.UUID) -> Campaign | None:
        return self.campaigns.get(campaign_id)

    def count_free_round(self, campaign_id: uuid.UUID, rounds: int) -> None:
        """A free bet of the campaign was accepted (+1) or refunded (-1)."""
        campaign = self.campaigns[campaign_id]
        self.campaigns[campaign_id] = replace(campaign, rounds_used=campaign.rounds_used + rounds)
        self.campaign_uses[campaign_id] = self.campaign_uses.get(campaign_id, 0) + rounds

    def losses_of(self, session: SessionWallet) -> Losses:
        """The wallet's running losses in the current periods."""
        losses = self.losses.get(session.wallet_id, Losses())
        return losses.now_in(self.periods) if self.periods is not None else losses

    def record(
        self,
        session: SessionWallet,
        request: RequestIdentity,
        reply: RpcReply,
        *,
        move: int = 0,
        amount: int | None = None,
        round_id: str | None = None,
        bet: Entry | None = None,
        related_transaction_id: str | None = None,
        is_tombstone: bool = False,
        campaign_id: uuid.UUID | None = None,
    ) -> RpcReply:
        """Decide `request`: move `move` cents on the session's wallet and append its row with
        the reply it is answered with, so a retry gets exactly that reply."""
        balance_before = self.balances[session.wallet_id]
        balance = balance_before + move
        if amount is None:
            amount = request.amount or 0
        if balance < 0:
            raise AssertionError("a decision would overdraw the wallet")  # rules check first
        if balance > MAX_BALANCE:
            raise AssertionError("a decision would pass the balance ceiling")  # rules check first
        entry = Entry(
            id=uuid.uuid4(),
            provider_id=session.provider_id,
            transaction_id=request.transaction_id,
            type=request.type,
            outcome=Outcome.REJECTED if reply.error else Outcome.ACCEPTED,
            error_code=reply.error.code if reply.error else None,
            session_id=session.session_id,
            wallet_id=session.wallet_id,
            round_id=round_id or request.round_id,
            amount=amount,
            original_transaction_id=request.original_transaction_id,
            original_id=bet.id if bet else None,
            related_transaction_id=related_transaction_id,
            is_tombstone=is_tombstone,
            fingerprint=request.fingerprint(session),
            reply=reply.model_dump(mode="json", exclude_none=True),
            balance_before=balance_before,
            balance_after=balance,
            previous_id=self.newest[session.wallet_id],
            kind=(request.kind or "win") if request.type == TransactionType.CREDIT else None,
            jackpot_contribution=request.jackpot_contribution,
            campaign_id=campaign_id,
            closes_round=request.closes_round,
        )
        self.balances[session.wallet_id] = balance
        self.newest[session.wallet_id] = entry.id
        self.moves[session.wallet_id] = self.moves.get(session.wallet_id, 0) + move
        # Loss = bets - wins - refunds: exactly what left the wallet.
        self.losses[session.wallet_id] = self.losses_of(session).plus(-move)
        self.know(entry)
        self.decided.append(entry)
        return reply
