"""docs/PROTOCOL.md's error table and the error catalogue (`contracts.errors.CATALOGUE`)
agree both ways: every code, its HTTP status and whether it is retryable. A code added to
the catalogue without the document, or a status changed in one place only, fails here."""

from pathlib import Path

import pytest

from contracts.errors import CATALOGUE

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"
HEADER = ("code", "status", "retryable", "meaning")


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]


def documented_errors(markdown: str) -> dict[str, tuple[int, bool]]:
    """code → (status, retryable), from the table whose header is `HEADER`."""
    lines = iter(markdown.splitlines())
    for line in lines:
        if line.startswith("|") and tuple(_cells(line)) == HEADER:
            break
    else:
        raise AssertionError(f"no table headed {' | '.join(HEADER)} in {PROTOCOL.name}")
    next(lines)  # the |---| line
    table: dict[str, tuple[int, bool]] = {}
    for line in lines:
        if not line.startswith("|"):
            break
        code, status, retryable, _meaning = _cells(line)
        assert code not in table, f"{code} is listed twice"
        assert retryable in ("true", "false"), f"{code}: retryable is {retryable!r}"
        table[code] = (int(status), retryable == "true")
    return table


@pytest.fixture(scope="module")
def documented() -> dict[str, tuple[int, bool]]:
    return documented_errors(PROTOCOL.read_text(encoding="utf-8"))


def test_every_code_of_the_catalogue_is_documented_as_it_is(
    documented: dict[str, tuple[int, bool]],
) -> None:
    in_code = {code.value: (kind.status, kind.retryable) for code, kind in CATALOGUE.items()}
    differing = {
        code: {"catalogue": kind, "document": documented.get(code)}
        for code, kind in in_code.items()
        if documented.get(code) != kind
    }
    assert not differing, f"docs/PROTOCOL.md disagrees with contracts.errors: {differing}"


def test_every_documented_code_is_in_the_catalogue(
    documented: dict[str, tuple[int, bool]],
) -> None:
    in_code = {code.value for code in CATALOGUE}
    assert set(documented) <= in_code, set(documented) - in_code


def test_the_parser_reads_a_table_and_refuses_a_bad_flag() -> None:
    table = "| code | status | retryable | meaning |\n|---|---|---|---|\n| `A` | 409 | true | x |\n"
    assert documented_errors(table) == {"A": (409, True)}
    with pytest.raises(AssertionError):
        documented_errors(table.replace("true", "yes"))
