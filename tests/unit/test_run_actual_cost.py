"""A node's actual cost at the rate card, the regression check against its plan's estimate, and a run's verdict."""

from __future__ import annotations

from dvt.adapters.artifacts.readers import read_artifact
from dvt.application.run_outcome import DbtResults, verdict
from dvt.application.run_ports import RunnerOutcome
from dvt.domain.cost import REGRESSION_FACTOR, node_actual
from dvt.domain.plan.estimate import RateCard
from dvt.domain.runs import RunStatus
from tests.api.test_plans_api import run_results

RATE = RateCard.parse({"price_per_compute_hour": 3.6}, "duckdb")  # 1,000 micros a second


def test_actual_cost_is_execution_time_at_the_rate_card() -> None:
    assert RATE.cost_micros(1000) == 1000
    assert node_actual(RATE, 2.5, None).micros == 2500


def test_a_regression_costs_more_than_three_times_its_estimate_and_over_a_seconds_worth_more() -> None:
    assert node_actual(RATE, 10.0, 3000).regression  # 10,000 > 3 x 3,000, and 7,000 over
    assert not node_actual(RATE, 9.0, 3000).regression  # 9,000 is not above 3 x 3,000
    assert not node_actual(RATE, 0.5, 100).regression  # 5 times the estimate, but under a second's worth over
    assert not node_actual(RATE, 100.0, 0).regression  # no estimate: never a regression
    assert not node_actual(RATE, 100.0, None).regression
    assert REGRESSION_FACTOR == 3


def test_the_verdict_reads_dbt_then_refusals() -> None:
    assert verdict(RunnerOutcome(exit_code=0), {"m": "success", "t": "warn"}, None) == (RunStatus.WARNING, None)
    assert verdict(RunnerOutcome(exit_code=1), {"m": "error"}, None) == (RunStatus.FAILED, "dbt_error")
    assert verdict(RunnerOutcome(exit_code=None, error="no git"), {}, None) == (RunStatus.FAILED, "setup: no git")
    assert verdict(RunnerOutcome(exit_code=0, timed_out=True), {}, None) == (RunStatus.FAILED, "timeout")
    refused = verdict(RunnerOutcome(exit_code=0), {"m": "success"}, "another project")
    assert refused == (RunStatus.FAILED, "artifacts_refused: another project")
    canceled = verdict(RunnerOutcome(exit_code=2, canceled=True), {}, "another project")
    assert canceled[0] is RunStatus.CANCELED  # a cancel stands, whatever the artifacts were


def test_run_results_are_read_through_the_artifact_reader() -> None:
    read = DbtResults.read(read_artifact, run_results("manifest.json", "inv-1", {"model.a.b": 1.5}))
    assert read.invocation_id == "inv-1"
    assert (read.nodes["model.a.b"].status, read.nodes["model.a.b"].execution_time) == ("success", 1.5)
    assert DbtResults.read(read_artifact, b"{not json") == DbtResults({}, None)  # unreadable: no results
    assert DbtResults.read(read_artifact, None) == DbtResults({}, None)
