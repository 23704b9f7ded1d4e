"""`skip_if_no_change`: SKIP what would rebuild the same thing from the same data.

A node is skipped only with evidence for each of: it succeeded before; its definition is the one that
succeeded (compared by dbt's `state:modified` rules with the node of the graph version that run used);
nothing upstream runs in this plan or ran after it; and every source it reads was last loaded before
that success (sources' freshness counts — without a freshness check there is no evidence, so it runs).
"""

from __future__ import annotations

from dvt.domain.plan.context import RUNNABLE, PlanContext
from dvt.domain.plan.plan import Action, Decision

_EXECUTES = frozenset({Action.RUN, Action.PARTIAL})


class SkipIfNoChange:
    id = "skip_if_no_change"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        if not context.config.enabled(self.id):
            return []
        actions = dict(context.actions)
        out: list[Decision] = []
        for uid in context.parents_first(context.selected):
            if actions.get(uid) is not Action.RUN or context.nodes[uid].resource_type not in RUNNABLE:
                continue
            reason, message = self._why_it_runs(context, uid, actions)
            if reason is None:
                actions[uid] = Action.SKIP
                when = context.history[uid].last_success_at
                out.append(
                    Decision(
                        uid,
                        self.id,
                        "UNCHANGED_SINCE_LAST_SUCCESS",
                        f"unchanged since it succeeded at {when}",
                        Action.SKIP,
                    )
                )
            else:
                out.append(Decision(uid, self.id, reason, message))
        return out

    def _why_it_runs(self, context: PlanContext, uid: str, actions: dict[str, Action]) -> tuple[str | None, str]:
        history = context.history.get(uid)
        if history is None or history.last_success_at is None or history.changed_since_success is None:
            return "NEVER_SUCCEEDED", "no successful run on record"
        if history.changed_since_success:
            changed = ", ".join(sorted(history.changed_since_success))
            return "CHANGED_SINCE_LAST_SUCCESS", f"changed since it last succeeded: {changed}"
        for parent in context.parents.get(uid, ()):
            if actions.get(parent) in _EXECUTES:
                return "UPSTREAM_WILL_RUN", f"{parent} runs in this plan"
            parent_node = context.nodes[parent]
            if parent_node.resource_type == "source":
                loaded = context.freshness.get(parent)
                if loaded is None:
                    return "NO_FRESHNESS_EVIDENCE", f"no freshness check of {parent} says it is unchanged"
                if loaded > history.last_success_at:
                    return "SOURCE_LOADED_SINCE", f"{parent} was loaded at {loaded}, after the last success"
                continue
            parent_history = context.history.get(parent)
            if (
                parent_history
                and parent_history.last_success_at
                and parent_history.last_success_at > history.last_success_at
            ):
                return "UPSTREAM_RAN_SINCE", f"{parent} ran after this node's last success"
        return None, ""
