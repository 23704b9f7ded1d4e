// The drawing: React Flow over laid-out view items. Thousands of nodes never reach the DOM at once:
// the workspace draws groups or a neighbourhood, and off-screen elements are not rendered.
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type NodeChange,
  type NodeProps,
  type Viewport as FlowViewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useEffect, useMemo, useState } from "react";
import { Handle, Position, useReactFlow } from "@xyflow/react";
import { statusClass } from "../States";
import type { ViewGraph, ViewItem } from "../../lib/graph/model";

/** Where the camera is: kept with the workspace so a reload comes back to the same view. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export const NODE_SIZE = { width: 200, height: 40 };
// Past this many items the view opens on its first layers at a readable zoom instead of fitting
// everything: a fitted drawing of a thousand nodes is unreadable, and every frame of a pan or zoom then
// repaints all of it (measured: 21 vs 37 frames/s panning 1,000 nodes, 60 vs 150 items fitted).
const FIT_ALL_UP_TO = 600;
const FIRST_VIEW_ITEMS = 60;
const LABELLED_EDGES = 200;
const CULL_ABOVE = 2_000;
// Below this zoom a node's 12px text is under 6px on screen: unreadable, and most of what a zoom step
// repaints (measured: half the frame time on a 1,000-node view). Nodes show only their colours there.
const TEXT_FROM_ZOOM = 0.5;

function firstLayers(view: ViewGraph, positions: Record<string, { x: number; y: number }>): { id: string }[] {
  return view.items
    .map((item) => ({ id: item.id, at: positions[item.id] ?? { x: 0, y: 0 } }))
    .sort((a, b) => a.at.x - b.at.x || a.at.y - b.at.y)
    .slice(0, FIRST_VIEW_ITEMS)
    .map(({ id }) => ({ id }));
}
export const GROUP_SIZE = { width: 240, height: 60 };

type ItemData = { item: ViewItem; status: string | null; highlighted: boolean; selected: boolean };

const DbtNode = memo(function DbtNode({ data }: NodeProps<Node<ItemData>>) {
  const { item, status, highlighted, selected } = data;
  return (
    <div
      className={`gnode rt-${item.resourceType} st-${statusClass(status)}${highlighted ? " hl" : ""}${selected ? " sel" : ""}`}
      data-unique-id={item.id}
      title={item.id}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="gnode-type">{item.resourceType}</span>
      <span className="gnode-label">{item.label}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const GroupNode = memo(function GroupNode({ data }: NodeProps<Node<ItemData>>) {
  const { item, highlighted } = data;
  return (
    <div className={`ggroup${highlighted ? " hl" : ""}`} data-group={item.label} title="click to open">
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="gnode-label">{item.label}</span>
      <span className="ggroup-count">{item.count} nodes</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { dbt: DbtNode, group: GroupNode };

export interface CanvasProps {
  view: ViewGraph;
  /** Which layout engine placed it (shown to the benchmark as data-engine). */
  engine?: string;
  positions: Record<string, { x: number; y: number }>;
  status: ReadonlyMap<string, string>;
  highlighted: ReadonlySet<string>;
  highlightedGroups: ReadonlySet<string>;
  selected: string | null;
  viewport: Viewport | null;
  onItemClick: (item: ViewItem) => void;
  onItemDoubleClick: (item: ViewItem) => void;
  onPin: (id: string, x: number, y: number) => void;
  onViewport: (viewport: Viewport) => void;
}

export function GraphCanvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({
  view,
  engine,
  positions,
  status,
  highlighted,
  highlightedGroups,
  selected,
  viewport,
  onItemClick,
  onItemDoubleClick,
  onPin,
  onViewport,
}: CanvasProps) {
  const nodes = useMemo<Node<ItemData>[]>(
    () =>
      view.items.map((item) => ({
        id: item.id,
        type: item.kind === "group" ? "group" : "dbt",
        position: positions[item.id] ?? { x: 0, y: 0 },
        data: {
          item,
          status: status.get(item.id) ?? null,
          highlighted: item.kind === "group" ? highlightedGroups.has(item.id) : highlighted.has(item.id),
          selected: selected === item.id,
        },
        draggable: true,
        connectable: false,
        width: item.kind === "group" ? GROUP_SIZE.width : NODE_SIZE.width,
        height: item.kind === "group" ? GROUP_SIZE.height : NODE_SIZE.height,
      })),
    [view, positions, status, highlighted, highlightedGroups, selected],
  );
  const edges = useMemo<Edge[]>(
    () =>
      view.edges.map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        // Labels are SVG text over a box, per edge: only where there are few enough to read.
        label: edge.weight > 1 && view.edges.length <= LABELLED_EDGES ? String(edge.weight) : undefined,
        className: highlighted.has(edge.source) && highlighted.has(edge.target) ? "hl" : undefined,
      })),
    [view, highlighted],
  );
  // React Flow moves a dragged node through its own changes; the computed nodes reset it on a new view.
  const [shown, setShown] = useState(nodes);
  useEffect(() => setShown(nodes), [nodes]);
  const flow = useReactFlow();
  useEffect(() => {
    if (viewport) void flow.setViewport(viewport);
    else if (view.items.length > FIT_ALL_UP_TO) void flow.fitView({ nodes: firstLayers(view, positions), maxZoom: 1 });
    else void flow.fitView({ maxZoom: 1.2, duration: 0 });
    // Refit only when the drawing itself changes, not on every pan (that would fight the user).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, positions]);
  useEffect(() => {
    // The drawing is on screen after this commit's next frame (read by the e2e benchmark).
    const frame = requestAnimationFrame(() => performance.mark("dvt:layout-shown"));
    return () => cancelAnimationFrame(frame);
  }, [view, positions]);
  const byId = useMemo(() => new Map(view.items.map((i) => [i.id, i])), [view]);
  const [far, setFar] = useState(false);
  const big = view.items.length > 300;
  // Culling off-screen elements makes every frame of a pan re-render the visible set; below a few
  // thousand items a pan that only moves one transformed layer is faster (measured: e2e/spa.bench.mjs).
  const huge = view.items.length > CULL_ABOVE;
  return (
    <div className={`canvas${far ? " lod-far" : ""}`} data-items={view.items.length} data-engine={engine}>
      <ReactFlow
        nodes={shown}
        edges={edges}
        onNodesChange={(changes: NodeChange<Node<ItemData>>[]) => setShown((current) => applyNodeChanges(changes, current))}
        nodeTypes={nodeTypes}
        minZoom={0.02}
        maxZoom={2}
        fitView={!viewport}
        defaultViewport={viewport ?? undefined}
        onlyRenderVisibleElements={huge}
        nodesConnectable={false}
        elementsSelectable
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, node) => {
          const item = byId.get(node.id);
          if (item) onItemClick(item);
        }}
        onNodeDoubleClick={(_, node) => {
          const item = byId.get(node.id);
          if (item) onItemDoubleClick(item);
        }}
        onNodeDragStop={(_, node) => onPin(node.id, node.position.x, node.position.y)}
        // Only the user's own pans and zooms belong in the saved canvas (a fitView has no event).
        onMove={(_, moved: FlowViewport) => setFar(moved.zoom < TEXT_FROM_ZOOM)}
        onMoveEnd={(event, moved: FlowViewport) => event && onViewport({ x: moved.x, y: moved.y, zoom: moved.zoom })}
      >
        {/* The dotted background repaints on every frame of a pan: only small views get it. */}
        {!big && <Background gap={24} />}
        <Controls showInteractive={false} />
        {!big && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
