"""Actual cost of a run: per node at the environment's rate card (every adapter, with the regression check
against the plan's estimate; at the end of this module), and on Snowflake from its warehouse's query history,
matched by DVT's query tag.

Two figures per node, both shown: execution-only (each query's execution time at its warehouse size's
credit rate) and fully loaded (what the warehouse was billed while the run kept it up, idle time and the
60-second minimum included, shared among nodes by their execution time). The query comment DVT appends,
`/* {"dvt": {...}} */`, names the run and the node of every query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dvt.domain.plan.estimate import RateCard

MICROS = 1_000_000
# Snowflake's standard warehouse credits per hour, by size.
CREDITS_PER_HOUR: Mapping[str, float] = {
    "X-SMALL": 1, "SMALL": 2, "MEDIUM": 4, "LARGE": 8, "X-LARGE": 16, "2X-LARGE": 32, "3X-LARGE": 64,
    "4X-LARGE": 128, "5X-LARGE": 256, "6X-LARGE": 512,
}  # fmt: skip
MINIMUM_BILLED_SECONDS = 60  # each resume of a warehouse bills at least a minute
_COMMENT = re.compile(r"/\*\s*(\{\"dvt\".*?\})\s*\*/\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """One row of QUERY_HISTORY, as far as cost needs it."""

    query_id: str
    query_text: str
    warehouse: str
    warehouse_size: str
    start: datetime
    end: datetime
    execution_ms: int


@dataclass(frozen=True, slots=True)
class NodeCost:
    unique_id: str
    queries: int
    execution_ms: int
    execution_micros: int  # the queries' execution time only
    loaded_micros: int  # with the warehouse's idle and minimum-billed time shared in


@dataclass(frozen=True, slots=True)
class RunCost:
    nodes: dict[str, NodeCost]
    execution_micros: int
    loaded_micros: int
    billed_seconds: float
    unmatched_queries: int  # the run's queries that name no node (connection setup, introspection)


def dvt_tag(query_text: str) -> dict[str, str] | None:
    """The fields of DVT's query comment at the end of a query's text, or None."""
    found = _COMMENT.search(query_text)
    if found is None:
        return None
    try:
        tag = json.loads(found.group(1)).get("dvt")
    except (json.JSONDecodeError, AttributeError):
        return None
    return {str(k): str(v) for k, v in tag.items()} if isinstance(tag, dict) else None


def _rate_micros_per_ms(size: str, price_per_credit: float) -> float:
    credits = CREDITS_PER_HOUR.get(size.upper().replace("XSMALL", "X-SMALL"), 0.0)
    return credits * price_per_credit * MICROS / 3_600_000


def run_cost(
    rows: Iterable[QueryRecord], run_id: str, price_per_credit: float, auto_suspend_seconds: int = 600
) -> RunCost:
    """The cost of run `run_id` from its warehouses' query history rows (rows of other runs are ignored)."""
    mine = [(row, tag) for row in rows if (tag := dvt_tag(row.query_text)) and tag.get("run_id") == run_id]
    nodes: dict[str, list[QueryRecord]] = {}
    unmatched = 0
    for row, tag in mine:
        if tag.get("unique_id"):
            nodes.setdefault(tag["unique_id"], []).append(row)
        else:
            unmatched += 1
    execution = {
        uid: sum(r.execution_ms * _rate_micros_per_ms(r.warehouse_size, price_per_credit) for r in queries)
        for uid, queries in nodes.items()
    }
    billed_micros, billed_seconds = 0.0, 0.0
    by_warehouse: dict[str, list[QueryRecord]] = {}
    for row, _ in mine:
        by_warehouse.setdefault(row.warehouse, []).append(row)
    for queries in by_warehouse.values():
        seconds = _billed_seconds(queries, auto_suspend_seconds)
        billed_seconds += seconds
        billed_micros += seconds * 1000 * _rate_micros_per_ms(queries[0].warehouse_size, price_per_credit)
    total_execution = sum(execution.values())
    result = {
        uid: NodeCost(
            unique_id=uid,
            queries=len(queries),
            execution_ms=sum(r.execution_ms for r in queries),
            execution_micros=round(execution[uid]),
            loaded_micros=round(billed_micros * execution[uid] / total_execution) if total_execution else 0,
        )
        for uid, queries in nodes.items()
    }
    return RunCost(result, round(total_execution), round(billed_micros), billed_seconds, unmatched)


def _billed_seconds(queries: list[QueryRecord], auto_suspend_seconds: int) -> float:
    """Seconds the warehouse ran for these queries: busy spans, gaps shorter than auto-suspend (it stayed up),
    the auto-suspend tail after each last query, and at least a minute per resume."""
    spans = sorted((q.start, q.end) for q in queries)
    billed = 0.0
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if (next_start - end).total_seconds() <= auto_suspend_seconds:  # still up: the gap is billed
            end = max(end, next_end)
            continue
        billed += max(MINIMUM_BILLED_SECONDS, (end - start).total_seconds() + auto_suspend_seconds)
        start, end = next_start, next_end
    return billed + max(MINIMUM_BILLED_SECONDS, (end - start).total_seconds() + auto_suspend_seconds)


# -- a run's actual cost at its environment's rate card ---------------------------------------------------------

REGRESSION_FACTOR = 3  # actual above 3x the plan's p50 estimate, and by more than a second's worth


@dataclass(frozen=True, slots=True)
class NodeActual:
    """What one node's execution cost at the rate card, and whether that is a regression against its plan."""

    micros: int
    regression: bool


def node_actual(rate: RateCard, execution_seconds: float, estimate_micros: int | None) -> NodeActual:
    """A regression costs more than `REGRESSION_FACTOR` times its estimate and more than a second's worth over it
    (so a node estimated at nearly nothing does not flag on noise); a node with no estimate never is one."""
    actual = rate.cost_micros(round(execution_seconds * 1000))
    second = rate.cost_micros(1000)
    regression = bool(
        estimate_micros and actual > REGRESSION_FACTOR * estimate_micros and actual - estimate_micros > second
    )
    return NodeActual(actual, regression)
