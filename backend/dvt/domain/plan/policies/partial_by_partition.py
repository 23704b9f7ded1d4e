"""`partial_by_partition`: PARTIAL for incremental models that declare a partition contract, never otherwise.

The contract lives in the model's `meta`:

    meta:
      dvt:
        partition:
          column: order_date           # what the model's incremental filter uses
          granularity: day             # day is the one granularity for now
          start_var: dvt_partition_start
          end_var: dvt_partition_end
          lookback_days: 1             # re-run this many days before the last success, for late data

The model reads the vars (`{{ var('dvt_partition_start') }}`) in its incremental filter. DVT runs only
the days since its last success; a changed definition, a full refresh or no success on record means a
full build instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dvt.domain.plan.context import PlanContext
from dvt.domain.plan.plan import Action, Decision

REBUILDING_CHANGES = frozenset({"body", "configs", "contract", "relation"})


def partition_contract(meta: dict[str, Any]) -> dict[str, Any] | None:
    dvt = meta.get("dvt")
    contract = dvt.get("partition") if isinstance(dvt, dict) else None
    if not isinstance(contract, dict) or not isinstance(contract.get("column"), str):
        return None
    return contract


class PartialByPartition:
    id = "partial_by_partition"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        if not context.config.enabled(self.id) or context.request.full_refresh or not context.request.as_of:
            return []
        out = []
        as_of = date.fromisoformat(context.request.as_of)
        for uid in context.planned():
            node = context.nodes[uid]
            if node.resource_type != "model" or node.materialized != "incremental":
                continue
            contract = partition_contract(node.meta) or partition_contract(node.config.get("meta") or {})
            if contract is None:
                continue
            if context.modifications.get(uid, frozenset()) & REBUILDING_CHANGES or uid in context.new_nodes:
                out.append(Decision(uid, self.id, "FULL_BUILD_AFTER_CHANGE", "its definition changed: a full build"))
                continue
            history = context.history.get(uid)
            if history is None or history.last_success_at is None:
                out.append(Decision(uid, self.id, "FULL_BUILD_NO_SUCCESS", "no successful run to start from"))
                continue
            lookback = int(contract.get("lookback_days", 0))
            start = date.fromisoformat(history.last_success_at[:10]) - timedelta(days=lookback)
            partition = {
                "column": contract["column"],
                "granularity": contract.get("granularity", "day"),
                "vars": {
                    contract.get("start_var", "dvt_partition_start"): start.isoformat(),
                    contract.get("end_var", "dvt_partition_end"): as_of.isoformat(),
                },
            }
            message = f"only {contract['column']} from {start} to {as_of}"
            out.append(
                Decision(uid, self.id, "PARTITIONS_SINCE_LAST_SUCCESS", message, Action.PARTIAL, partition=partition)
            )
        return out
