"""A run's progress: "N of M nodes" of what the plan runs, and the p50 estimates of what is left."""

from __future__ import annotations

from dvt.domain.runs import run_progress

PLANNED = {"seed.raw": 2_000, "model.stg": 3_000, "model.eph": 1_000, "test.not_null": 500}


def test_counts_what_the_plan_runs_and_adds_up_what_is_left() -> None:
    statuses = {"seed.raw": "success", "model.stg": "running", "model.eph": "ephemeral", "test.not_null": "pending"}
    progress = run_progress(PLANNED, statuses)
    assert (progress.finished, progress.total, progress.eta_seconds) == (1, 3, 3.5)
    assert progress.text() == "1 of 3 nodes · about 4 s left by the plan's p50 estimates"


def test_any_end_is_finished_and_a_finished_run_shows_no_eta() -> None:
    statuses = {"seed.raw": "error", "model.stg": "skipped", "model.eph": "ephemeral", "test.not_null": "not_run"}
    progress = run_progress(PLANNED, statuses)
    assert (progress.finished, progress.total, progress.eta_seconds) == (3, 3, 0)
    assert progress.text() == "3 of 3 nodes"


def test_without_a_plan_there_is_no_estimate() -> None:
    assert run_progress({}, {}).eta_seconds is None
    assert run_progress({"model.a": 0}, {}).text() == "0 of 1 node · about 0 s left by the plan's p50 estimates"
