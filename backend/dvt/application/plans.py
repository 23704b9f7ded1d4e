"""Making, reading, approving and rejecting execution plans.

A plan is made from inputs only (graph versions, history, freshness, quotas, policy settings, the
request and its `as_of` day), sealed by the sha256 of its canonical JSON, and stored whole. Approving
approves exactly that fingerprint; a newer graph version or the end of its time to live expires it.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.collector import collector_paused
from dvt.application.commit_graphs import CommitGraphs
from dvt.application.plain_json import plain_json
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import GraphVersionRecord, NodeHistoryRecord, Page, PlanRecord
from dvt.application.run_ports import CommitUnavailable, ParseFailed
from dvt.application.tenancy import visible_environment
from dvt.application.units import joined
from dvt.application.visibility import note, only_visible, visible_environments
from dvt.domain.audit import AuditEvent
from dvt.domain.authorization import Permission
from dvt.domain.errors import ConflictError, NotFoundError, ValidationError
from dvt.domain.graph.comparison import macro_changes, modifications, state_modified
from dvt.domain.graph.diff import GraphDiff, diff
from dvt.domain.graph.model import ArtifactKind, ArtifactMetadata, GraphNode, Macro, Manifest
from dvt.domain.graph.order import topological_ranks
from dvt.domain.graph.selection import GraphIndex, Selection, fresher_sources, select
from dvt.domain.plan.compose import make_plan
from dvt.domain.plan.context import RUNNABLE, NodeHistory, PlanContext, PolicyConfig
from dvt.domain.plan.engine import selection_decisions
from dvt.domain.plan.estimate import RateCard, estimate
from dvt.domain.plan.plan import MICROS, Estimate, ExecutionPlan, PlanRequest, PlanStatus
from dvt.domain.plan.policies.registry import PolicyRegistry
from dvt.domain.plan.steps import join_steps
from dvt.domain.runs import COMMAND_RESOURCE_TYPES
from dvt.domain.tenancy import Environment, TenantScope

HISTORY_RUNS = 20  # successful executions per node that estimates look at
GRAPH_CACHE_SIZE = 4
VERDICTS_KEPT = 1024  # (plan, graph version) staleness verdicts remembered per process
PLAN = "plan"  # its kind in Access.whereabouts


def seal(plan: ExecutionPlan) -> tuple[bytes, str]:
    sealed, body = plan.sealed(plain_json)
    return body, sealed.fingerprint


class VersionGraph:
    """One graph version loaded for planning (or a state manifest given as such); immutable, so cached.

    Its selection index is built when first asked for: a plan selects on the head only, so the base it
    compares with never needs one.
    """

    __slots__ = ("_by_uuid_id", "_index", "_ranks", "macros", "nodes", "uuids", "version")

    def __init__(
        self,
        version: GraphVersionRecord | None,
        nodes: dict[str, GraphNode],
        uuids: dict[str, uuid.UUID],
        macros: dict[str, Macro],
        index: GraphIndex | None = None,
    ) -> None:
        self.version = version
        self.nodes = nodes
        self.uuids = uuids
        self.macros = macros
        self._index = index
        self._ranks: dict[str, int] | None = None
        self._by_uuid_id: dict[uuid.UUID, str] | None = None

    @property
    def index(self) -> GraphIndex:
        if self._index is None:
            version = self.version
            self._index = GraphIndex.from_nodes(
                self.nodes.values(),
                project_name=version.project_name if version else None,
                selectors=version.selectors if version else {},
            )
        return self._index

    @property
    def ranks(self) -> dict[str, int]:
        """Topological ranks of the whole version: every plan on it orders its nodes by them."""
        if self._ranks is None:
            self._ranks = topological_ranks(self.nodes, self.index.parents, self.index.children)
        return self._ranks

    @property
    def by_uuid_id(self) -> dict[uuid.UUID, str]:
        """node_uuid -> unique_id: how history rows, keyed by node_uuid, find their nodes."""
        if self._by_uuid_id is None:
            self._by_uuid_id = {u: uid for uid, u in self.uuids.items()}
        return self._by_uuid_id

    def by_uuid(self) -> dict[uuid.UUID, GraphNode]:
        return {u: self.nodes[uid] for uid, u in self.uuids.items()}


class GraphCache:
    """The few graph versions planned most recently, per process (versions never change)."""

    def __init__(self, size: int = GRAPH_CACHE_SIZE) -> None:
        self._size = size
        self._graphs: OrderedDict[uuid.UUID, VersionGraph] = OrderedDict()
        # The state comparison of a (base, head) pair, with what it has worked out so far: both versions are
        # immutable, so a second plan on the same pair compares nothing again.
        self._states: OrderedDict[tuple[uuid.UUID | None, uuid.UUID], _State] = OrderedDict()

    def cached(self, version_id: uuid.UUID) -> VersionGraph | None:
        return self._graphs.get(version_id)

    def state(self, head: VersionGraph, base: VersionGraph | None) -> _State:
        if head.version is None or (base is not None and base.version is None):
            return _State(head, base)  # a manifest given as the state is not kept
        key = (base.version.id if base and base.version else None, head.version.id)
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = _State(head, base)
            while len(self._states) > self._size:
                self._states.popitem(last=False)
        self._states.move_to_end(key)
        return found

    async def load(self, uow: UnitOfWork, scope: TenantScope, version: GraphVersionRecord) -> VersionGraph:
        cached = self._graphs.get(version.id)
        if cached is not None and cached.version is not None and cached.version.tenant_id == scope.tenant_id:
            self._graphs.move_to_end(version.id)
            return cached
        graphs = uow.graphs(scope)
        # Another version of the same environment already in memory lends its unchanged nodes (most of them).
        like = next(
            (
                g
                for g in reversed(self._graphs.values())
                if g.version is not None
                and g.version.tenant_id == scope.tenant_id
                and g.version.environment_id == version.environment_id
            ),
            None,
        )
        rows = await graphs.all_nodes(version.id, (like.version.id, like.by_uuid()) if like and like.version else None)
        nodes = {node.unique_id: node for _, node in rows}
        macros = _macros(await graphs.macros(version.id))
        graph = VersionGraph(version, nodes, {n.unique_id: u for u, n in rows}, macros)
        self._graphs[version.id] = graph
        while len(self._graphs) > self._size:
            self._graphs.popitem(last=False)
        return graph


class _State:
    """dbt's `state:` view of the head against the base (dbt's `same_*` rules), computed per node when asked.

    Without a base every node is new, as dbt treats a node the state manifest does not hold.
    """

    def __init__(self, head: VersionGraph, base: VersionGraph | None) -> None:
        self._head = head
        self._old = base.nodes if base else {}
        self._old_macros = base.macros if base else {}
        self._changes = macro_changes(self._old_macros, head.macros)
        self._modified: dict[str, bool] = {}
        self._kinds: dict[str, frozenset[str]] = {}
        self.selections: dict[tuple[tuple[str, ...], tuple[str, ...], str, str], _Chosen] = {}  # (..., command)

    def is_new(self, unique_id: str) -> bool:
        return unique_id not in self._old

    def is_modified(self, unique_id: str) -> bool:
        if unique_id not in self._modified:
            self._modified[unique_id] = state_modified(
                self._old.get(unique_id),
                self._head.nodes[unique_id],
                self._old_macros,
                self._head.macros,
                changes=self._changes,
            )
        return self._modified[unique_id]

    def modifications(self, unique_id: str) -> frozenset[str]:
        if unique_id not in self._kinds:
            self._kinds[unique_id] = modifications(
                self._old.get(unique_id),
                self._head.nodes[unique_id],
                self._old_macros,
                self._head.macros,
                changes=self._changes,
            )
        return self._kinds[unique_id]


class _Chosen:
    """A selection on a (base, head) pair and what follows from it on the pair alone: kept with the pair's
    state, so the next plan of the same request on the same versions works none of it out again."""

    __slots__ = ("decided", "history", "modifications", "new_nodes", "runnable", "selection")

    def __init__(self, selection: Selection, head: VersionGraph, state: _State, *, compared: bool) -> None:
        selected = selection.unique_ids
        self.selection = selection
        self.new_nodes = frozenset(uid for uid in selected if state.is_new(uid)) if compared else frozenset()
        self.modifications = {uid: state.modifications(uid) for uid in selected - self.new_nodes} if compared else {}
        self.runnable = [uid for uid in sorted(selected) if head.nodes[uid].resource_type in RUNNABLE]
        self.decided = selection_decisions(head.nodes, selected, selection.reasons)
        # (the environment's history mark and rate card, the runnable nodes' history, their estimates)
        self.history: tuple[tuple[tuple[int, int], RateCard], dict[str, NodeHistory], dict[str, Estimate]] | None = None


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class PlanService:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        registry: PolicyRegistry,
        *,
        ttl: timedelta = timedelta(hours=24),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        graphs: GraphCache | None = None,
        commits: CommitGraphs | None = None,
    ) -> None:
        self._units = units
        self._commits = commits  # None: plans read uploaded graphs only (`--ref` is refused)
        self._registry = registry
        self._ttl = ttl
        self._clock = clock
        self._graphs = graphs or GraphCache()
        # Why a plan may not run against a graph version (None: it may): both are immutable, so a list of plans
        # asks once per (plan, latest version), not once per page view. Time to live is checked before this.
        self._verdicts: OrderedDict[tuple[uuid.UUID, uuid.UUID], str | None] = OrderedDict()
        # Called when a plan is approved or rejected, in the decision's transaction before its audit record (the
        # run service releases or fails its waiting runs): the decision and its consequences commit together.
        self.decided_listeners: list[Callable[[UnitOfWork, TenantScope, PlanRecord], Awaitable[None]]] = []

    async def _environment(self, uow: UnitOfWork, access: Access, environment_id: uuid.UUID) -> tuple[Environment, str]:
        return await visible_environment(uow, access, environment_id)

    async def create(
        self,
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        state: Manifest | None = None,
        *,
        ref: str | None = None,
    ) -> PlanRecord:
        """Plan what `dbt build` would do for this request, explain it, cost it, and store it sealed.

        The head is the environment's current graph, or with `ref` (a branch, tag or sha) the graph of the
        commit it names now, parsed from the repository if it never was. The base to compare with is `state` (a
        manifest, like dbt's `--state`), else the request's state version, else the version before the head.
        """
        head = await self._commit_head(access, environment_id, ref) if ref is not None else None
        with collector_paused():  # a plan makes no cycles; the graphs in memory make collections slow
            async with self._units() as uow:
                stored, made = await self.draft(uow, access, environment_id, request, state, head=head)
                await record(uow.audit(access.scope), made)
                await uow.commit()
        return stored

    async def draft(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        state: Manifest | None = None,
        *,
        head: GraphVersionRecord | None = None,
        created_by: str | None = None,
    ) -> tuple[PlanRecord, AuditEvent]:
        """`create` in the caller's transaction: the stored plan and its audit event, which the caller records
        last (the audit chain's lock is the last one a command takes) before it commits.

        `head`: the graph to plan on (a commit's), else the environment's current one. `created_by`: who the plan
        is made for when DVT makes it (a worker planning a person's run), else the caller."""
        return await self.draft_steps(
            uow, access, environment_id, [("build", request)], state, head=head, created_by=created_by
        )

    async def draft_steps(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        steps: Sequence[tuple[str, PlanRequest]],
        state: Manifest | None = None,
        *,
        head: GraphVersionRecord | None = None,
        created_by: str | None = None,
    ) -> tuple[PlanRecord, AuditEvent]:
        """`draft` of a job's planned steps, each a (dbt command, request): each step is planned on the same graph
        as a plan of its own (of what its command executes, with the budget the steps before it left), and the
        step plans are stored as one plan (`join_steps`). One step of `build` is `draft`'s plan."""
        today = self._clock().date().isoformat()
        steps = [(command, request if request.as_of else replace(request, as_of=today)) for command, request in steps]
        environment, where = await self._environment(uow, access, environment_id)
        access.require(Permission.PLAN, where, "plan runs in this environment")
        head_version = head if head is not None else await uow.graphs(access.scope).latest_version(environment.id)
        if head_version is None:
            raise ValidationError(f"environment {environment.slug!r} has no graph yet: ingest its artifacts first")
        if head_version.environment_id != environment.id:
            raise NotFoundError("graph version not found in this environment")
        graph = await self._graphs.load(uow, access.scope, head_version)
        made: list[tuple[str, ExecutionPlan]] = []
        spent = 0  # what the steps before this one are estimated to cost: the budget they leave
        for command, request in steps:
            base_version = None
            if state is not None:
                base: VersionGraph | None = _manifest_graph(state)
            else:
                base_version = await self._base_version(uow, access.scope, head_version, request.state_version_id)
                base = await self._graphs.load(uow, access.scope, base_version) if base_version else None
            context = await self._context(uow, access, environment, request, graph, base, command)
            if spent and context.budget_remaining_micros is not None:
                context = replace(context, budget_remaining_micros=max(0, context.budget_remaining_micros - spent))
            step_plan = make_plan(
                context,
                self._registry.ordered(),
                environment_id=environment.id,
                base_version_id=base_version.id if base_version else None,
                head_version_id=head_version.id,
            )
            spent += step_plan.totals.p50_cost_micros
            made.append((command, step_plan))
        plan = join_steps(made)
        body, fingerprint = seal(plan)
        approved_by_policy = not plan.approvals_required
        stored = await uow.plans(access.scope).add(
            PlanRecord(
                id=uuid.uuid4(),
                environment_id=environment.id,
                base_version_id=plan.base_version_id,
                head_version_id=plan.head_version_id,
                status=(PlanStatus.APPROVED if approved_by_policy else PlanStatus.DRAFT).value,
                fingerprint=fingerprint,
                document=body,
                summary=_summary(plan),
                created_by=created_by or access.actor.label,
                created_at=None,
                expires_at=self._clock() + self._ttl,
                decided_by="policy" if approved_by_policy else None,
                decided_at=self._clock() if approved_by_policy else None,
                decision_note="no approval required by policy" if approved_by_policy else None,
                commit_sha=head_version.commit_sha,
            )
        )
        details = {"fingerprint": fingerprint, "run": plan.totals.run, "skip": plan.totals.skip}
        return stored, access.event("plan.create", "plan", stored.id, details)

    async def _commit_head(self, access: Access, environment_id: uuid.UUID, ref: str) -> GraphVersionRecord:
        """The graph of the commit `ref` names (parsed now if never before), for a caller who may plan here."""
        if self._commits is None:
            raise ValidationError("this DVT plans from uploaded artifacts only: --ref needs a worker's dbt")
        async with self._units() as uow:
            _, where = await self._environment(uow, access, environment_id)
        access.require(Permission.PLAN, where, "plan runs in this environment")
        try:
            return (await self._commits.graph_of(access.scope, environment_id, ref)).version
        except CommitUnavailable as error:
            raise ValidationError(str(error)) from None
        except ParseFailed as error:
            raise ValidationError(f"dbt could not parse {ref!r}: {error}") from None

    async def _base_version(
        self, uow: UnitOfWork, scope: TenantScope, head: GraphVersionRecord, state: uuid.UUID | None
    ) -> GraphVersionRecord | None:
        if state is None:
            return await uow.graphs(scope).previous_version(head)
        found = await uow.graphs(scope).versions_by_ids([state])
        if not found or found[0].environment_id != head.environment_id:
            raise NotFoundError("state graph version not found in this environment")
        return found[0]

    async def _context(
        self,
        uow: UnitOfWork,
        access: Access,
        environment: Environment,
        request: PlanRequest,
        head: VersionGraph,
        base: VersionGraph | None,
        command: str = "build",
    ) -> PlanContext:
        results = uow.results(access.scope)
        state = self._graphs.state(head, base)
        # `result:` reads the environment's last run; `source_status:` compares its last two freshness checks.
        # Both are read only when the request may use them (a YAML selector may use anything).
        wanted = " ".join((*request.select, *request.exclude))
        last_statuses: dict[str, str] = {}
        source_status: dict[str, str] = {}
        if request.selector or "result:" in wanted:
            last_statuses = await results.last_run_statuses(environment.id)
        if request.selector or "source_status:" in wanted:
            checks = await results.freshness_runs(environment.id, 2)
            source_status = fresher_sources(checks[1], checks[0]) if len(checks) == 2 else {}
        # Selecting on graphs and state alone gives the same answer for the same pair of versions: kept beside
        # the pair's state. A selector, `result:` or `source_status:` also reads history, which moves on.
        key = (tuple(request.select), tuple(request.exclude), request.indirect_selection, command)
        pure = not request.selector and "result:" not in wanted and "source_status:" not in wanted
        chosen = state.selections.get(key) if pure else None
        if chosen is None:
            selection = select(
                head.index,
                request.select,
                request.exclude,
                selector=request.selector,
                indirect=request.indirect_selection,
                state=state,
                results=last_statuses,
                source_status=source_status,
            )
            executed = COMMAND_RESOURCE_TYPES[command]  # `dbt seed -s x` seeds only the seeds x selects
            if executed is not None:
                kept = frozenset(u for u in selection.unique_ids if head.nodes[u].resource_type in executed)
                selection = replace(selection, unique_ids=kept)
            chosen = _Chosen(selection, head, state, compared=base is not None)
            if pure:
                state.selections[key] = chosen
        selection = chosen.selection
        rate = RateCard.parse(environment.rate_card, environment.adapter.value)
        history, estimates = await self._history_of(uow, access.scope, environment.id, head, chosen, rate)
        budget = await self._budget_remaining(uow, access.scope, environment, rate)
        return PlanContext(
            request=request,
            nodes=head.nodes,
            node_uuids=head.uuids,
            parents=head.index.parents,
            children=head.index.children,
            selected=selection.unique_ids,
            selection_reasons=selection.reasons,
            new_nodes=chosen.new_nodes,
            modifications=chosen.modifications,
            history=history,
            freshness=await results.latest_freshness(environment.id),
            estimates=estimates,
            budget_remaining_micros=budget,
            config=PolicyConfig(environment.policies),
            ranks=head.ranks,
            selection_decided=chosen.decided,
        )

    async def _history_of(
        self,
        uow: UnitOfWork,
        scope: TenantScope,
        environment_id: uuid.UUID,
        head: VersionGraph,
        chosen: _Chosen,
        rate: RateCard,
    ) -> tuple[dict[str, NodeHistory], dict[str, Estimate]]:
        """The history and estimates of the selection's runnable nodes. Kept with the selection until the
        environment's results move (their mark) or its rate card changes: the plans made between two runs
        read and weigh the same history, so only the first of them does."""
        results = uow.results(scope)
        mark = (await results.history_mark(environment_id), rate)
        kept = chosen.history
        if kept is not None and kept[0] == mark:
            return kept[1], kept[2]
        rows = await results.history_for(environment_id, [head.uuids[u] for u in chosen.runnable], HISTORY_RUNS)
        history, durations = await self._history(uow, scope, head, rows)
        estimates = estimate(head.nodes, chosen.runnable, durations, head.index.parents, rate)
        chosen.history = (mark, history, estimates)
        return history, estimates

    async def _history(
        self, uow: UnitOfWork, scope: TenantScope, head: VersionGraph, rows: list[NodeHistoryRecord]
    ) -> tuple[dict[str, NodeHistory], dict[str, list[int]]]:
        """What the environment's past runs say about each node, and its recent successful durations (ms).

        One pass over the rows (newest first per node) collects what the estimate and the policies read.
        """
        by_uuid = head.by_uuid_id
        last_success: dict[str, str | None] = {}  # when its latest success ended
        succeeded: dict[str, uuid.UUID] = {}  # the graph version of its latest success with a known version
        last_status: dict[str, str] = {}
        durations: dict[str, list[int]] = {}
        for node_uuid, status, execution_time, completed_at, ok, latest, version in rows:
            uid = by_uuid.get(node_uuid)
            if uid is None:
                continue
            if latest:
                last_status[uid] = status
            if ok:
                if uid not in last_success:
                    last_success[uid] = completed_at
                if version is not None and uid not in succeeded:
                    succeeded[uid] = version
                if execution_time is not None:
                    if uid in durations:
                        durations[uid].append(round(execution_time * 1000))
                    else:
                        durations[uid] = [round(execution_time * 1000)]
        changed = await self._changed_since_success(uow, scope, head, succeeded)
        history = {
            uid: NodeHistory(
                last_success_at=last_success.get(uid),
                changed_since_success=changed.get(uid),
                last_status=last_status.get(uid),
                durations_ms=tuple(durations.get(uid, ())),
            )
            for uid in last_success.keys() | last_status.keys()
        }
        return history, durations

    async def _changed_since_success(
        self, uow: UnitOfWork, scope: TenantScope, head: VersionGraph, succeeded: Mapping[str, uuid.UUID]
    ) -> dict[str, frozenset[str]]:
        """Per node with a success on record (the graph version of its latest success): how it differs now from
        the node that succeeded (dbt's rules)."""
        assert head.version is not None
        same = {uid: frozenset[str]() for uid, version in succeeded.items() if version == head.version.id}
        older = {uid: version for uid, version in succeeded.items() if uid not in same}
        if not older:
            return same
        found = dict(same)
        # A version in memory (usually the base the plan compares with) is compared through its cached state
        # against the head: what one plan worked out for a node, the next plan on the same pair reuses.
        rest: dict[str, uuid.UUID] = {}
        states = {v: (g, self._graphs.state(head, g)) for v in set(older.values()) if (g := self._graphs.cached(v))}
        for uid, version in older.items():
            cached, state = states.get(version, (None, None))
            if cached is not None and state is not None and uid in cached.nodes:
                found[uid] = (
                    (state.modifications(uid) or frozenset({"definition"})) if state.is_modified(uid) else frozenset()
                )
            else:
                rest[uid] = version
        if not rest:
            return found
        graphs = uow.graphs(scope)
        then = await graphs.nodes_by_keys([(version, head.uuids[uid]) for uid, version in rest.items()])
        macros = {v: _macros(await graphs.macros(v)) for v in sorted(set(rest.values()))}
        changes = {v: macro_changes(m, head.macros) for v, m in macros.items()}
        for uid, version in rest.items():
            old = then.get((version, head.uuids[uid]))
            if old is None:
                continue  # that version lost its nodes (pruned): no evidence either way, so no success
            new, before = head.nodes[uid], macros[version]
            if state_modified(old, new, before, head.macros, changes=changes[version]):
                kinds = modifications(old, new, before, head.macros, changes=changes[version])
                found[uid] = kinds or frozenset({"definition"})
            else:
                found[uid] = frozenset()
        return found

    async def _budget_remaining(
        self, uow: UnitOfWork, scope: TenantScope, environment: Environment, rate: RateCard
    ) -> int | None:
        limits = [q.monthly_cost_budget for q in (environment.quotas,) if q.monthly_cost_budget is not None]
        tenants = await uow.platform.tenants_by_ids([scope.tenant_id])
        tenant_budget = tenants[0].quotas.monthly_cost_budget if tenants else None
        if not limits and tenant_budget is None:
            return None
        used = await uow.results(scope).seconds_since(_month_start(self._clock()))
        remaining: list[int] = []
        if limits:
            remaining.append(round(limits[0] * MICROS) - rate.cost_micros(round(used.get(environment.id, 0) * 1000)))
        if tenant_budget is not None:
            # Other environments are priced at this environment's rate: a tenant-wide approximation.
            remaining.append(round(tenant_budget * MICROS) - rate.cost_micros(round(sum(used.values()) * 1000)))
        return max(0, min(remaining))

    async def diff(self, access: Access, base_id: uuid.UUID, head_id: uuid.UUID) -> GraphDiff:
        """What changed between two graph versions the caller may view (of any environments of the tenant)."""
        async with self._units() as uow:
            versions = {v.id: v for v in await uow.graphs(access.scope).versions_by_ids([base_id, head_id])}
            if base_id not in versions or head_id not in versions:
                raise NotFoundError("graph version not found")
            for version in versions.values():
                await self._environment(uow, access, version.environment_id)
            base = await self._graphs.load(uow, access.scope, versions[base_id])
            head = await self._graphs.load(uow, access.scope, versions[head_id])
        return diff(_as_manifest(base), _as_manifest(head))

    async def plan(self, access: Access, plan_id: uuid.UUID) -> PlanRecord | None:
        found = await self.plans_by_ids(access, [plan_id])
        return found[0] if found else None

    async def plans_by_ids(self, access: Access, ids: list[uuid.UUID]) -> list[PlanRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, PLAN, await uow.plans(access.scope).by_ids(ids))

    async def plans(
        self, access: Access, environment_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Page[PlanRecord]:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return Page([], False)
            page = await uow.plans(access.scope).of_environment(environment_id, before, limit)
        note(access, PLAN, page.items)
        return page

    async def status(self, access: Access, plan: PlanRecord, uow: UnitOfWork | None = None) -> PlanStatus:
        """The plan's status now: a draft or approved plan expires exactly when a run of it may no longer
        start (`staleness`): its time ran out, or the graph changed a node it runs. Not found for a caller
        who may not view the plan."""
        async with joined(self._units, uow) as (uow, _):
            if not await visible_environments(uow, access, [plan.environment_id]):
                raise NotFoundError("plan not found")
            stored = PlanStatus(plan.status)
            if stored in (PlanStatus.REJECTED, PlanStatus.EXPIRED):
                return stored
            stale = await self.staleness(access.scope, plan, uow)
        return PlanStatus.EXPIRED if stale is not None else stored

    async def staleness(self, scope: TenantScope, plan: PlanRecord, uow: UnitOfWork | None = None) -> str | None:
        """Why a run of this plan may not start now, or None: its time ran out, or the graph moved on.

        A newer graph version moves the graph for a run only where it changes a node the plan runs (dbt's
        `state:modified` rules): each run ingests its own manifest as a new version, and that alone must not
        stop the runs queued behind it. Reads in the caller's `uow` when given (dispatch holds locks in it).
        """
        if self._clock() >= plan.expires_at:
            return "plan_expired: its time to live ran out; make a new plan"
        async with joined(self._units, uow) as (uow, _):
            graphs = uow.graphs(scope)
            latest = await graphs.latest_version(plan.environment_id)
            if latest is None:
                return "graph_moved: the environment has no graph any more"
            if latest.id == plan.head_version_id:
                return None
            if (plan.id, latest.id) in self._verdicts:
                return self._verdicts[(plan.id, latest.id)]
            found = await graphs.versions_by_ids([plan.head_version_id])
            if not found:
                return "graph_moved: the plan's graph version is gone"
            head = await self._graphs.load(uow, scope, found[0])
            now = await self._graphs.load(uow, scope, latest)
        planned = [item.unique_id for item in ExecutionPlan.from_document(plan.document).executed()]
        changes = macro_changes(head.macros, now.macros)
        moved = [
            uid
            for uid in planned
            if uid not in now.nodes
            or state_modified(head.nodes[uid], now.nodes[uid], head.macros, now.macros, changes=changes)
        ]
        named = ", ".join(moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")
        verdict = f"graph_moved: {len(moved)} planned nodes changed since the plan ({named}); re-plan the run"
        self._verdicts[(plan.id, latest.id)] = verdict if moved else None
        while len(self._verdicts) > VERDICTS_KEPT:
            self._verdicts.popitem(last=False)
        return verdict if moved else None

    async def approve(self, access: Access, plan_id: uuid.UUID, fingerprint: str) -> PlanRecord:
        return await self._decide(access, plan_id, fingerprint, PlanStatus.APPROVED, None)

    async def reject(self, access: Access, plan_id: uuid.UUID, fingerprint: str, reason: str | None) -> PlanRecord:
        return await self._decide(access, plan_id, fingerprint, PlanStatus.REJECTED, reason)

    async def _decide(
        self, access: Access, plan_id: uuid.UUID, fingerprint: str, verdict: PlanStatus, note: str | None
    ) -> PlanRecord:
        async with self._units() as uow:
            plan = await uow.plans(access.scope).get(plan_id, for_update=True)
            if plan is None:
                raise NotFoundError("plan not found")
            _, where = await self._environment(uow, access, plan.environment_id)
            verb = "approve" if verdict is PlanStatus.APPROVED else "reject"
            access.require(Permission.APPROVE, where, f"{verb} plans in this environment")
            if fingerprint != plan.fingerprint:
                raise ConflictError(f"the plan's fingerprint is {plan.fingerprint}, not {fingerprint}: review it again")
            current = await self.status(access, plan, uow)
            if current is not PlanStatus.DRAFT:
                raise ConflictError(f"the plan is {current.value}: only a draft plan can be decided")
            decided = await uow.plans(access.scope).decide(plan_id, verdict.value, access.actor.label, note)
            for listener in self.decided_listeners:
                await listener(uow, access.scope, decided)
            details = {"fingerprint": fingerprint, **({"reason": note} if note else {})}
            await record(uow.audit(access.scope), access.event(f"plan.{verb}", "plan", plan_id, details))
            await uow.commit()
        return decided

    async def configure(
        self, access: Access, environment_id: uuid.UUID, policies: Mapping[str, Any], rate_card: Mapping[str, Any]
    ) -> Environment:
        """Policy settings (by policy id) and the rate card of an environment; an admin of it sets them."""
        known = {p.id for p in self._registry.ordered()}
        unknown = sorted(set(policies) - known)
        if unknown:
            raise ValidationError(f"unknown policies {unknown}: known are {sorted(known)}")
        if any(not isinstance(v, Mapping) for v in policies.values()):
            raise ValidationError('each policy\'s settings are an object, e.g. {"enabled": false}')
        async with self._units() as uow:
            environment, where = await self._environment(uow, access, environment_id)
            access.require(Permission.ADMIN, where, "configure planning in this environment")
            RateCard.parse(rate_card, environment.adapter.value)  # refuse a card that cannot price anything
            await uow.tenancy(access.scope).set_planning(environment_id, dict(policies), dict(rate_card))
            details = {"policies": sorted(policies), "rate_card": dict(rate_card)}
            await record(
                uow.audit(access.scope), access.event("environment.configure", "environment", environment_id, details)
            )
            await uow.commit()
            refreshed = await uow.tenancy(access.scope).environments_by_ids([environment_id])
        return refreshed[0]


def _as_manifest(graph: VersionGraph) -> Manifest:
    version = graph.version
    assert version is not None
    metadata = ArtifactMetadata(
        ArtifactKind.MANIFEST, version.manifest_schema_version, version.dbt_version, version.generated_at,
        version.invocation_id, version.adapter_type, version.project_name,
    )  # fmt: skip
    return Manifest(metadata, tuple(graph.nodes.values()), version.selectors, dict(version.counts), graph.macros)


def _macros(stored: bytes) -> dict[str, Macro]:
    return {
        uid: Macro(m["checksum"], tuple(m["depends_on_macros"]), m.get("package_name", ""))
        for uid, m in orjson.loads(stored).items()
    }


def _manifest_graph(manifest: Manifest) -> VersionGraph:
    nodes = {node.unique_id: node for node in manifest.nodes}
    return VersionGraph(None, nodes, {}, dict(manifest.macros), GraphIndex.from_manifest(manifest))


def _summary(plan: ExecutionPlan) -> dict[str, Any]:
    totals = plan.totals
    return {
        "run": totals.run,
        "skip": totals.skip,
        "partial": totals.partial,
        "p50_ms": totals.p50_ms,
        "p50_cost_micros": totals.p50_cost_micros,
        "approvals_required": [
            {"policy": a.policy, "reason": a.reason, "role": a.role} for a in plan.approvals_required
        ],
    }
