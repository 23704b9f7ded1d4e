"""A run's limits: the worker's, with a job's shorter timeout applied."""

from __future__ import annotations

from dvt.application.run_ports import RunLimits


def test_a_jobs_shorter_timeout_caps_the_workers_and_a_longer_one_does_not() -> None:
    worker = RunLimits(timeout_seconds=600.0, cpu_seconds=60)
    assert worker.capped({"timeout_seconds": 120}) == RunLimits(timeout_seconds=120.0, cpu_seconds=60)
    assert worker.capped({"timeout_seconds": 3600}) == worker
    assert worker.capped({}) == worker


def test_capping_limits_already_capped_changes_nothing() -> None:
    once = RunLimits(timeout_seconds=600.0).capped({"timeout_seconds": 90})
    assert once.capped(once.to_json()) == once
