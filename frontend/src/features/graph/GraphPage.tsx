// The Graph Workspace: a graph version as an overview of groups or a node's neighbourhood, laid out
// off the main thread, coloured by the latest (or a chosen) run — live while it runs.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/States";
import { useEnvironment } from "../../lib/environment";
import { uiEvents } from "../../lib/events";
import { statusWord } from "../../lib/vocabulary";
import { planNodesQuery } from "../plans/api";
import { ACTIVE, applyEvent, runQuery, useRunEvents, useRunNodes } from "../runs/api";
import { useLatestRun, useLogicalGraph } from "./api";
import { GraphCanvas, GROUP_SIZE, NODE_SIZE } from "../../components/graph/GraphCanvas";
import { layoutKey, runLayout, warmLayout } from "../../components/graph/layout/client";
import { GROUP_PREFIX, groupKey, layoutEdges, neighbourhood, overview, subgraph, type ViewGraph } from "../../lib/graph/model";
import { NodePanel } from "./NodePanel";
import { placeNodes, useWorkspace } from "./store";
import { Toolbar } from "./Toolbar";
import { useCanvasSync } from "./useCanvasSync";

const NO_STATUS: ReadonlyMap<string, string> = new Map();

export default function GraphPage() {
  const environment = useEnvironment();
  const [params] = useSearchParams();
  const env = environment.data;
  const versionId = params.get("version") ?? env?.latestGraphVersion?.id;
  const graphQuery = useLogicalGraph(versionId);
  const { graph } = graphQuery;
  const canvas = useCanvasSync(env?.project?.id, !!graph);
  const status = useStatuses(env?.id, params.get("run"));
  const planId = params.get("plan");
  const plan = useQuery(planNodesQuery(planId));

  const ws = useWorkspace();
  useEffect(warmLayout, []);
  // Links (?focus=, the palette, a plan) focus the workspace once the saved canvas is restored.
  useEffect(() => {
    const focus = params.get("focus");
    if (focus && graph && !canvas.loading) useWorkspace.getState().focusOn(focus);
  }, [params, graph, canvas.loading]);
  useEffect(() => {
    const onFocus = ({ uniqueId }: { uniqueId: string }) => useWorkspace.getState().focusOn(uniqueId);
    uiEvents.on("graph:focus", onFocus);
    return () => uiEvents.off("graph:focus", onFocus);
  }, []);

  const highlighted = useMemo(() => {
    const ids = new Set<string>();
    for (const item of plan.data ?? []) if (item.action !== "SKIP") ids.add(item.uniqueId);
    for (const id of ws.highlight?.uniqueIds ?? []) ids.add(id);
    return ids;
  }, [plan.data, ws.highlight]);

  // Statuses change the drawing only through a status filter; otherwise they only colour it.
  const statusFilter = ws.filter.statuses.length ? status.map : NO_STATUS;
  const view = useMemo<ViewGraph | null>(() => {
    if (!graph) return null;
    if (ws.mode === "focused" && ws.focus && graph.byId.has(ws.focus)) {
      return subgraph(graph, neighbourhood(graph, ws.focus, ws.depth, ws.depth));
    }
    return overview(graph, ws.groupBy, new Set(ws.expanded), ws.filter, statusFilter);
  }, [graph, ws.mode, ws.focus, ws.depth, ws.groupBy, ws.expanded, ws.filter, statusFilter]);

  const highlightedGroups = useMemo(() => {
    const groups = new Set<string>();
    if (!graph) return groups;
    for (const id of highlighted) {
      const node = graph.byId.get(id);
      if (node) groups.add(GROUP_PREFIX + groupKey(node, ws.groupBy));
    }
    return groups;
  }, [graph, highlighted, ws.groupBy]);

  const [layout, setLayout] = useState<{ for: ViewGraph; positions: Record<string, { x: number; y: number }>; engine: string } | null>(null);
  const [layoutError, setLayoutError] = useState<Error | null>(null);
  useEffect(() => {
    if (!view || !graph) return;
    let current = true;
    const spec = { mode: ws.mode, focus: ws.focus, depth: ws.depth, groupBy: ws.groupBy, expanded: [...ws.expanded].sort(), filter: ws.filter, items: view.items.length };
    performance.mark("dvt:layout-requested");
    void layoutKey(graph.contentHash, spec)
      .then((key) =>
        runLayout(key, {
          nodes: view.items.map((item) => ({ id: item.id, ...(item.kind === "group" ? GROUP_SIZE : NODE_SIZE) })),
          edges: layoutEdges(view),
        }),
      )
      .then((result) => {
        if (!current) return;
        setLayout({ for: view, positions: result.positions, engine: result.engine });
        setLayoutError(null);
        // Read by the benchmark (e2e/spa.bench.mjs): when the drawing appeared and what its layout cost.
        performance.mark("dvt:layout-received");
        (window as { __dvtLastLayout?: unknown }).__dvtLastLayout = { ms: result.ms, cached: result.cached, items: view.items.length };

      })
      .catch((error: Error) => current && setLayoutError(error));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, graph]);

  const positions = useMemo(() => (layout ? placeNodes(layout.positions, ws.positions) : {}), [layout, ws.positions]);
  const selectedCost = useMemo(() => {
    const found = status.run?.nodes.find((n) => n.uniqueId === ws.selected);
    return found ? { estimated: found.estimatedCost, actual: found.actualCost } : null;
  }, [status.run, ws.selected]);

  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error) return <ErrorState error={environment.error} />;
  if (!env) return <Empty title="No such environment" />;
  if (!versionId) return <Empty title="No graph yet">Ingest this environment's artifacts to see its graph.</Empty>;
  if (graphQuery.isPending) return <Loading what="graph" />;
  if (graphQuery.error || !graph) return <ErrorState error={graphQuery.error} retry={() => void graphQuery.refetch()} />;

  const ready = layout && layout.for === view;
  return (
    <div className="workspace">
      <Toolbar graph={graph} onFocus={(id) => ws.focusOn(id)} />
      <div className="workspace-status">
        <span>
          {ws.mode === "focused" ? `Focused on ${ws.focus} (depth ${ws.depth})` : `Overview by ${ws.groupBy}`} ·{" "}
          {view?.items.length ?? 0} shown of {graph.nodes.length} nodes
          {layout && ` · layout: ${layout.engine} ·`}
        </span>
        {status.live && <span className="badge badge-live">live: run {status.live.slice(-8)}</span>}
        {planId && <span className="badge badge-wait">plan nodes highlighted: {highlighted.size}</span>}
        {ws.highlight && (
          <span className="badge badge-wait">
            {ws.highlight.reason}: {ws.highlight.uniqueIds.length} highlighted{" "}
            <button type="button" className="link" aria-label="clear highlight" onClick={() => ws.setHighlight(null)}>
              ✕
            </button>
          </span>
        )}
        <SyncBadge sync={canvas.sync} />
        {canvas.sync.kind === "conflict" && (
          <span className="conflict" role="alert">
            Your layout was saved elsewhere (revision {canvas.sync.revision}).{" "}
            <button type="button" onClick={canvas.keepMine}>
              Keep mine
            </button>{" "}
            <button type="button" onClick={canvas.takeTheirs}>
              Load theirs
            </button>
          </span>
        )}
      </div>
      <div className="workspace-body">
        {layoutError && <ErrorState error={layoutError} />}
        {!ready && !layoutError && <Loading what="layout" />}
        {ready && view && (
          <GraphCanvas
            view={view}
            engine={layout.engine}
            positions={positions}
            status={status.map}
            highlighted={highlighted}
            highlightedGroups={highlightedGroups}
            selected={ws.selected}
            viewport={ws.viewport}
            onItemClick={(item) => (item.kind === "group" ? ws.toggleGroup(item.label) : ws.select(item.id))}
            onItemDoubleClick={(item) => item.kind === "node" && ws.focusOn(item.id)}
            onPin={(id, x, y) => ws.pin(id, x, y)}
            onViewport={(v) => ws.setViewport(v)}
          />
        )}
        {ws.selected && graph.byId.has(ws.selected) && (
          <NodePanel
            versionId={versionId}
            uniqueId={ws.selected}
            cost={selectedCost}
            onFocus={() => ws.focusOn(ws.selected!)}
            onClose={() => ws.select(null)}
          />
        )}
      </div>
    </div>
  );
}

function SyncBadge({ sync }: { sync: ReturnType<typeof useCanvasSync>["sync"] }) {
  const text =
    sync.kind === "saving"
      ? "saving layout…"
      : sync.kind === "saved"
        ? `layout saved (revision ${sync.revision})`
        : sync.kind === "error"
          ? `layout not saved: ${sync.message}`
          : sync.revision
            ? `layout revision ${sync.revision}`
            : "layout not saved yet";
  return (
    <span className={`sync sync-${sync.kind}`} data-revision={sync.revision}>
      {text}
    </span>
  );
}

/** Node statuses from a chosen run or the latest one, followed live while it is going. */
function useStatuses(environmentId: string | undefined, runId: string | null) {
  const latest = useLatestRun(runId ? undefined : environmentId);
  const chosen = useQuery(runQuery(runId));
  const chosenNodes = useRunNodes(runId);
  const run = useMemo(
    () => (runId ? (chosen.data ? { ...chosen.data, nodes: chosenNodes.nodes } : undefined) : latest.data),
    [runId, chosen.data, chosenNodes.nodes, latest.data],
  );
  const active = !!run && ACTIVE.has(run.status);
  const feed = useRunEvents(run?.id ?? null, active);
  const map = useMemo(() => {
    const statuses = new Map<string, string>();
    for (const node of run?.nodes ?? []) statuses.set(node.uniqueId, statusWord(node.status, node.statusText));
    for (const event of feed.events) applyEvent(statuses, event);
    return statuses as ReadonlyMap<string, string>;
  }, [run, feed.events]);
  return { map, run, live: active ? run?.id : null };
}
