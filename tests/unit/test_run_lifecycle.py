"""The run lifecycle's transition table, how a run's outcome is read, and what a retry selects."""

from __future__ import annotations

import itertools

import pytest

from dvt.domain.runs import (
    FINISHED,
    TRANSITIONS,
    EventAfterEnd,
    IllegalTransition,
    RunEventKind,
    RunStatus,
    check_event,
    check_transition,
    outcome,
    retry_selection,
    worker_presumed_lost,
)

S = RunStatus


def test_the_main_path_is_legal_step_by_step() -> None:
    path = [S.QUEUED, S.PLANNING, S.AWAITING_APPROVAL, S.AWAITING_WORKER, S.RUNNING, S.SUCCESS]
    for current, target in itertools.pairwise(path):
        check_transition(current, target)


def test_a_plan_that_needs_no_approval_goes_from_planning_straight_to_waiting_for_a_worker() -> None:
    check_transition(S.PLANNING, S.AWAITING_WORKER)


def test_only_a_run_waiting_for_a_worker_may_start_running() -> None:
    assert {s for s in RunStatus if S.RUNNING in TRANSITIONS[s]} == {S.AWAITING_WORKER}
    with pytest.raises(IllegalTransition, match="awaiting_approval run cannot become running"):
        check_transition(S.AWAITING_APPROVAL, S.RUNNING)


def test_a_run_waiting_for_a_worker_may_still_fail_or_be_canceled_but_never_go_back() -> None:
    check_transition(S.AWAITING_WORKER, S.FAILED)
    check_transition(S.AWAITING_WORKER, S.CANCELED)
    for back in (S.QUEUED, S.PLANNING, S.AWAITING_APPROVAL):
        with pytest.raises(IllegalTransition):
            check_transition(S.AWAITING_WORKER, back)


@pytest.mark.parametrize("finished", sorted(FINISHED))
def test_a_finished_run_never_moves_again(finished: RunStatus) -> None:
    for target in RunStatus:
        with pytest.raises(IllegalTransition):
            check_transition(finished, target)


def test_a_run_cannot_skip_approval_or_go_back() -> None:
    for current, target in [(S.QUEUED, S.RUNNING), (S.PLANNING, S.RUNNING), (S.RUNNING, S.QUEUED)]:
        with pytest.raises(IllegalTransition, match=f"{current.value} run cannot become {target.value}"):
            check_transition(current, target)


def test_every_state_can_be_canceled_until_it_finishes() -> None:
    assert all(S.CANCELED in TRANSITIONS[s] for s in RunStatus if s not in FINISHED)


def test_outcome_reads_dbt_exit_code_and_node_statuses() -> None:
    assert outcome(0, ["success", "pass"]) is S.SUCCESS
    assert outcome(0, ["success", "warn"]) is S.WARNING
    assert outcome(1, ["success", "warn", "error", "skipped"]) is S.FAILED
    assert outcome(0, ["fail"]) is S.FAILED  # a failing test is an error even if dbt exited 0
    assert outcome(2, []) is S.FAILED


def test_retry_takes_failed_and_unreached_nodes_and_rebuilds_a_model_whose_test_failed() -> None:
    planned = ["model.a", "model.b", "model.c", "test.b_unique", "model.d"]
    finished = {"model.a": "success", "model.b": "success", "test.b_unique": "fail", "model.c": "error"}
    chosen = retry_selection(planned, finished, {"model.b": ["test.b_unique"]}).unique_ids
    assert chosen == {"model.b", "test.b_unique", "model.c", "model.d"}


def test_retry_leaves_warnings_and_successes_alone() -> None:
    chosen = retry_selection(["model.a", "test.w"], {"model.a": "success", "test.w": "warn"}, {"model.a": ["test.w"]})
    assert chosen.unique_ids == frozenset()


@pytest.mark.parametrize("finished", sorted(FINISHED))
def test_a_finished_run_takes_no_event_but_its_own_terminal_status(finished: RunStatus) -> None:
    K = RunEventKind
    check_event(finished, K.STATUS, finished.value)  # the move that finished it writes this one
    for kind, status in [(K.NODE_FINISHED, "success"), (K.STAGE, None), (K.STATUS, "running"), (K.WORKER_LOST, None)]:
        with pytest.raises(EventAfterEnd):
            check_event(finished, kind, status)
    check_event(S.RUNNING, K.NODE_FINISHED, "success")


def test_a_silent_worker_is_lost_only_past_the_patience_and_with_the_decider_in_contact_as_long() -> None:
    assert worker_presumed_lost(31, 30, in_contact_seconds=600)
    assert not worker_presumed_lost(29, 30, in_contact_seconds=600)  # merely late
    assert not worker_presumed_lost(3600, 30, in_contact_seconds=5)  # the decider just came back itself
    assert not worker_presumed_lost(None, 30, in_contact_seconds=600)  # nothing to go by: never guess
