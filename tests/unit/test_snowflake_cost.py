"""Snowflake actual cost from recorded QUERY_HISTORY rows, matched to nodes by DVT's query comment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from dvt.domain.cost import QueryRecord, dvt_tag, run_cost

RUN = "6f1c2a9e-3b7d-4c55-9a0e-2d8b1f4e7c30"
OTHER_RUN = "0a9d8c7b-6e5f-4a3b-8c2d-1e0f9a8b7c6d"
T0 = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


def comment(run_id: str, unique_id: str = "") -> str:
    tag = {"dvt": {"run_id": run_id, "node_uuid": "", "unique_id": unique_id, "tenant": "acme",
                   "environment": "prod", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}}  # fmt: skip
    return f"\n/* {json.dumps(tag)} */"


def row(query_id: str, text: str, start_s: float, seconds: float, size: str = "X-Small") -> QueryRecord:
    """A QUERY_HISTORY row as Snowflake records it (WAREHOUSE_SIZE like 'X-Small', times in UTC)."""
    start = T0 + timedelta(seconds=start_s)
    return QueryRecord(
        query_id=query_id, query_text=text, warehouse="TRANSFORMING", warehouse_size=size,
        start=start, end=start + timedelta(seconds=seconds), execution_ms=round(seconds * 1000),
    )  # fmt: skip


HISTORY = [
    # dbt's connection setup and introspection: the run's, but no node's.
    row("01b8a1f2-0602-5d3e-0000-4a1d0002e1a2", "show terse objects in analytics.staging" + comment(RUN), 0, 0.4),
    row(
        "01b8a1f2-0602-5d3e-0000-4a1d0002e1b6",
        "create or replace transient table analytics.staging.stg_orders as (select * from raw.orders)"
        + comment(RUN, "model.shop.stg_orders"),
        1,
        12.0,
    ),
    row(
        "01b8a1f2-0602-5d3e-0000-4a1d0002e1c4",
        "create or replace table analytics.marts.fct_orders as (select ...)" + comment(RUN, "model.shop.fct_orders"),
        14,
        30.0,
    ),
    row(
        "01b8a1f2-0602-5d3e-0000-4a1d0002e1d8",
        "select count(*) from analytics.marts.fct_orders where order_id is null"
        + comment(RUN, "model.shop.fct_orders"),
        45,
        6.0,
    ),
    # Another run's query on the same warehouse: not this run's cost.
    row("01b8a1f2-0602-5d3e-0000-4a1d0002e1e0", "select 1" + comment(OTHER_RUN, "model.shop.other"), 50, 20.0),
]


def test_the_query_comment_names_the_run_and_the_node() -> None:
    tag = dvt_tag(HISTORY[1].query_text)
    assert tag is not None and tag["run_id"] == RUN and tag["unique_id"] == "model.shop.stg_orders"
    assert dvt_tag("select 1 /* not ours */") is None
    assert dvt_tag('select 1 /* {"dvt": broken */') is None


def test_execution_only_cost_prices_each_nodes_queries_at_its_warehouse_rate() -> None:
    cost = run_cost(HISTORY, RUN, price_per_credit=3.0)
    # X-Small: 1 credit an hour, $3 a credit: $3 an hour, 0.8333 micro-dollars a millisecond.
    assert cost.nodes["model.shop.stg_orders"].execution_micros == pytest.approx(12_000 * 3e6 / 3.6e6, abs=1)
    assert cost.nodes["model.shop.fct_orders"].queries == 2
    assert cost.nodes["model.shop.fct_orders"].execution_ms == 36_000
    assert "model.shop.other" not in cost.nodes and cost.unmatched_queries == 1


def test_fully_loaded_cost_shares_the_billed_warehouse_time_by_execution() -> None:
    cost = run_cost(HISTORY, RUN, price_per_credit=3.0, auto_suspend_seconds=60)
    # Up from 0 s to 51 s (the run's last query ends), then 60 s until it suspends: 111 s billed.
    assert cost.billed_seconds == pytest.approx(111)
    assert cost.loaded_micros == pytest.approx(111_000 * 3e6 / 3.6e6, abs=1)
    stg, fct = cost.nodes["model.shop.stg_orders"], cost.nodes["model.shop.fct_orders"]
    assert stg.loaded_micros + fct.loaded_micros == pytest.approx(cost.loaded_micros, abs=1)
    assert stg.loaded_micros / fct.loaded_micros == pytest.approx(12 / 36, rel=1e-3)
    assert stg.loaded_micros > stg.execution_micros  # idle time is part of what it cost


def test_a_warehouse_that_suspended_between_queries_bills_each_resume_at_least_a_minute() -> None:
    spread = [
        row("q1", "select 1" + comment(RUN, "model.shop.a"), 0, 2.0, "Medium"),
        row("q2", "select 2" + comment(RUN, "model.shop.b"), 3600, 2.0, "Medium"),
    ]
    cost = run_cost(spread, RUN, price_per_credit=2.0, auto_suspend_seconds=0)
    assert cost.billed_seconds == 120  # two resumes of 2 s each, billed a minute each
    assert cost.nodes["model.shop.a"].execution_micros == pytest.approx(2_000 * 4 * 2e6 / 3.6e6, abs=1)
