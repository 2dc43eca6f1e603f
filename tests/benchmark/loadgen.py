"""The load generator: signed wallet callbacks over HTTP at the scheduled times.

Each generator is a process of its own (one asyncio loop, one keep-alive client with up
to one connection per request in flight, `http_client`), taking its share of one
common timeline (`schedule`), so that several can be used when one Python process
cannot produce the offered rate. Each
reports the CPU time it used: a generator near 100 % of a core, or one that sends
requests late (send lag), is itself the bottleneck, and the report says so.

Every request is what a provider sends: the exact bytes signed with HMAC-SHA256 and a
timestamp (`contracts.signing`).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from contracts.signing import CASINO_SIGNATURE_HEADER, signature_headers
from tests.benchmark.http_client import HttpError, KeepAliveClient
from tests.benchmark.schedule import run_open_loop
from tests.benchmark.stats import OK, Sample
from tests.benchmark.workload import Workload

REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class GeneratorConfig:
    gateway_url: str
    secret: str
    tokens: list[str]
    rate: float
    duration_s: float
    max_outstanding: int
    start_epoch: float  # wall-clock time at which the common timeline starts
    stride: int = 1
    offset: int = 0
    seed: int = 0
    prefix: str = "bench"


@dataclass(frozen=True)
class GeneratorResult:
    samples: list[Sample]
    sent: int
    skipped: int
    peak_outstanding: int
    elapsed_s: float  # from the timeline's start to this generator's last answer
    cpu_s: float


def outcome_code(status: int, body: bytes) -> str:
    """`OK` for a success reply, else the error body's `code` (or `HTTP_<status>`)."""
    try:
        reply = json.loads(body)
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        return OK if status == 200 else f"HTTP_{status}"
    if status == 200 and reply.get("success") is True:
        return OK
    return str(reply.get("code") or f"HTTP_{status}")


async def _generate(config: GeneratorConfig) -> GeneratorResult:
    workload = Workload(config.tokens, seed=config.seed, prefix=config.prefix)
    start = time.monotonic() + (config.start_epoch - time.time())
    cpu_before = time.process_time()
    http = KeepAliveClient(config.gateway_url, timeout_s=REQUEST_TIMEOUT_S)
    try:

        async def send(_: int, due: float) -> Sample:
            operation = workload.next()
            raw = json.dumps(operation.body, separators=(",", ":")).encode()
            headers = {"content-type": "application/json"} | signature_headers(
                raw, config.secret, CASINO_SIGNATURE_HEADER, timestamp=int(time.time())
            )
            sent_at = time.monotonic()
            try:
                status, reply = await http.post(f"/casino/{operation.kind}", raw, headers)
                code = outcome_code(status, reply)
            except (OSError, HttpError, TimeoutError, asyncio.IncompleteReadError) as error:
                code = f"TRANSPORT_{type(error).__name__}"
            answered = time.monotonic()
            if code == OK and operation.bet is not None:
                workload.accepted(operation.bet)
            return Sample(operation.kind, code, answered - due, sent_at - due)

        run = await run_open_loop(
            send,
            rate=config.rate,
            duration_s=config.duration_s,
            max_outstanding=config.max_outstanding,
            start=start,
            stride=config.stride,
            offset=config.offset,
        )
    finally:
        await http.close()
    samples = [sample for sample in run.results if isinstance(sample, Sample)]
    return GeneratorResult(
        samples,
        run.sent,
        run.skipped,
        run.peak_outstanding,
        run.end - run.start,
        time.process_time() - cpu_before,
    )


def generate(config: GeneratorConfig) -> GeneratorResult:
    """One generator, run to the end of its share of the timeline (a process's entry)."""
    return asyncio.run(_generate(config))


def run_generators(configs: list[GeneratorConfig]) -> list[GeneratorResult]:
    """Run the generators in processes of their own (spawned: no inherited event loop)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(configs), mp_context=context) as pool:
        return list(pool.map(generate, configs))
