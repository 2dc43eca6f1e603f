"""Reading a service's Prometheus `/metrics` page: for the e2e observability tests and
for the benchmark, which reads the gateway's gauges and histograms between runs."""

import re

import httpx


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels` (0 if none)."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(match[3])
    return total


async def scrape(url: str) -> str:
    """The `/metrics` page of the service at `url`."""
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"{url}/metrics")
    assert response.status_code == 200, response.text
    return response.text
