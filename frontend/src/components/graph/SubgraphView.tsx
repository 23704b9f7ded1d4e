// A small drawing of chosen nodes (a plan's, a diff's impact), laid out in the worker like the workspace.
import { useEffect, useMemo, useState } from "react";
import { Loading } from "../States";
import { GraphCanvas, NODE_SIZE } from "./GraphCanvas";
import { layoutKey, runLayout } from "./layout/client";
import { subgraph, type LogicalGraph } from "../../lib/graph/model";

export const MAX_SUBGRAPH = 400;

export function SubgraphView({
  graph,
  ids,
  highlighted,
  status = new Map(),
  onSelect,
}: {
  graph: LogicalGraph;
  ids: ReadonlySet<string>;
  highlighted: ReadonlySet<string>;
  status?: ReadonlyMap<string, string>;
  onSelect?: (uniqueId: string) => void;
}) {
  const view = useMemo(() => subgraph(graph, new Set([...ids].slice(0, MAX_SUBGRAPH))), [graph, ids]);
  const [positions, setPositions] = useState<Record<string, { x: number; y: number }> | null>(null);
  useEffect(() => {
    let current = true;
    setPositions(null);
    void layoutKey(graph.contentHash, { subgraph: view.items.map((i) => i.id).sort() })
      .then((key) => runLayout(key, { nodes: view.items.map((i) => ({ id: i.id, ...NODE_SIZE })), edges: view.edges }))
      .then((result) => current && setPositions(result.positions));
    return () => {
      current = false;
    };
  }, [graph, view]);
  if (!view.items.length) return <div className="state">Nothing to draw.</div>;
  if (!positions) return <Loading what="layout" />;
  return (
    <div className="subgraph">
      {ids.size > MAX_SUBGRAPH && <div className="state">Showing {MAX_SUBGRAPH} of {ids.size} nodes.</div>}
      <GraphCanvas
        view={view}
        positions={positions}
        status={status}
        highlighted={highlighted}
        highlightedGroups={new Set()}
        selected={null}
        viewport={null}
        onItemClick={(item) => onSelect?.(item.id)}
        onItemDoubleClick={() => undefined}
        onPin={() => undefined}
        onViewport={() => undefined}
      />
    </div>
  );
}
