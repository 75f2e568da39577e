"""Each application counts on its own registry: two in one process never mix, and nothing
lands in prometheus_client's global registry."""

from __future__ import annotations

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.app import build_application
from bot.settings import Settings


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples}


def test_two_applications_in_one_process_count_apart(tmp_path):
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db")
    first, second = build_application(settings), build_application(settings)
    first.metrics.handled("slack", "command", "elephant", "ok", 0.01)
    first.metrics.settled("cadences", "prompt", "sent", 3)
    first.metrics.retried("teams", "rate_limited")
    first.metrics.scheduler_role("standby")

    counted = _samples(first.metrics.exposition("")[0])
    assert counted[("partnerops_requests_total", (
        ("command", "elephant"), ("kind", "command"), ("platform", "slack"),
        ("status", "ok")))] == 1
    assert counted[("partnerops_deliveries_total", (
        ("feature", "cadences"), ("kind", "prompt"), ("status", "sent")))] == 3
    assert counted[("partnerops_retries_total", (
        ("platform", "teams"), ("reason", "rate_limited")))] == 1
    assert [counted[("partnerops_scheduler_role", (("role", role),))]
            for role in ("leader", "standby", "off")] == [0, 1, 0]
    assert not any(name.startswith(("partnerops_requests_total", "partnerops_deliveries"))
                   for name, _ in _samples(second.metrics.exposition("")[0]))
    assert not any(family.name.startswith("partnerops") for family in REGISTRY.collect())


def test_openmetrics_is_served_to_whoever_asks_for_it(tmp_path):
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db")
    body, content_type = build_application(settings).metrics.exposition(
        "application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
    assert body.endswith(b"# EOF\n")
