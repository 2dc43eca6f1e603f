"""The soak's verdict: a run passes only with a clean ledger check, every planned fault
injected and recovered from, every request answered and every operation counted; and
`--faults` names only faults the soak knows."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from tests.soak.options import fault_kinds
from tests.soak.report import verdict


def result(**changes: Any) -> dict[str, Any]:
    passed: dict[str, Any] = {
        "ledger_check": {"passed": True, "violations": 0},
        "faults_planned": ["worker-kill", "rabbitmq-restart", "worker-kill"],
        "faults": [
            {"kind": "worker-kill", "error": None, "at_s": 20.0, "recovery_s": 3.0},
            {"kind": "rabbitmq-restart", "error": None, "at_s": 40.0, "recovery_s": 0.0},
            {"kind": "worker-kill", "error": None, "at_s": 60.0, "recovery_s": 2.5},
        ],
        "operations": {"planned": 100, "done": 100, "no_answer": 0},
    }
    return passed | changes


def test_a_clean_run_passes() -> None:
    assert verdict(result()) == []


def test_a_violation_fails_the_run() -> None:
    reasons = verdict(result(ledger_check={"passed": False, "violations": 2}))
    assert reasons == ["the ledger check failed (2 violation(s))"]


def test_a_fault_not_injected_or_failed_fails_the_run() -> None:
    faults = [
        {"kind": "worker-kill", "error": None, "at_s": 20.0, "recovery_s": 3.0},
        {"kind": "rabbitmq-restart", "error": "CalledProcessError: …", "at_s": 40.0},
    ]
    assert verdict(result(faults=faults)) == [
        "rabbitmq-restart: 0 of 1 injected",
        "worker-kill: 1 of 2 injected",
    ]


def test_a_system_never_back_to_normal_after_a_fault_fails_the_run() -> None:
    faults = [
        {"kind": "worker-kill", "error": None, "at_s": 20.0, "recovery_s": None},
        {"kind": "rabbitmq-restart", "error": None, "at_s": 40.0, "recovery_s": 0.0},
        {"kind": "worker-kill", "error": None, "at_s": 60.0, "recovery_s": 2.5},
    ]
    assert verdict(result(faults=faults)) == ["worker-kill at 20 s: never back to normal"]


def test_a_request_without_an_answer_or_a_lost_operation_fails_the_run() -> None:
    operations = {"planned": 100, "done": 99, "no_answer": 1}
    assert verdict(result(operations=operations)) == [
        "1 request(s) got no answer",
        "99 operations done of 100",
    ]


def test_faults_are_named_by_kind() -> None:
    assert fault_kinds("worker-kill, link-drop") == ["worker-kill", "link-drop"]
    assert fault_kinds("none") == []
    with pytest.raises(argparse.ArgumentTypeError, match="not a fault: power-cut"):
        fault_kinds("worker-kill,power-cut")
