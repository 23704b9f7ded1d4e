// The workspace's UI state (Zustand): how the user looks at the graph, never the graph itself.
// Server state (the graph, runs, the saved canvas) lives in TanStack Query.
import { create } from "zustand";
import { emptyFilter, type GroupBy, type NodeFilter } from "../../lib/graph/model";

export type Mode = "focused" | "overview";

export interface Placed {
  x: number;
  y: number;
  pinned: boolean;
}

import type { Viewport } from "../../components/graph/GraphCanvas";

export type { Viewport };

export interface WorkspaceState {
  mode: Mode;
  focus: string | null;
  depth: number;
  groupBy: GroupBy;
  expanded: string[];
  filter: NodeFilter;
  selected: string | null;
  positions: Record<string, Placed>;
  viewport: Viewport | null;
  highlight: { uniqueIds: string[]; reason: string } | null;
  /** Bumped on every change the user makes that belongs in the saved canvas. */
  edits: number;
  focusOn: (uniqueId: string) => void;
  showOverview: () => void;
  setDepth: (depth: number) => void;
  setGroupBy: (groupBy: GroupBy) => void;
  toggleGroup: (key: string) => void;
  setExpanded: (keys: string[]) => void;
  setFilter: (patch: Partial<NodeFilter>) => void;
  select: (uniqueId: string | null) => void;
  pin: (id: string, x: number, y: number) => void;
  unpinAll: () => void;
  setViewport: (viewport: Viewport) => void;
  setHighlight: (highlight: WorkspaceState["highlight"]) => void;
  restore: (saved: Partial<Pick<WorkspaceState, "mode" | "focus" | "depth" | "groupBy" | "expanded" | "positions" | "viewport">>) => void;
  reset: () => void;
}

const initial = {
  mode: "overview" as Mode,
  focus: null,
  depth: 2,
  groupBy: "folder" as GroupBy,
  expanded: [] as string[],
  filter: emptyFilter(),
  selected: null,
  positions: {} as Record<string, Placed>,
  viewport: null,
  highlight: null,
  edits: 0,
};

export const useWorkspace = create<WorkspaceState>()((set) => ({
  ...initial,
  focusOn: (uniqueId) =>
    set((s) => ({ mode: "focused", focus: uniqueId, selected: uniqueId, viewport: null, edits: s.edits + 1 })),
  showOverview: () => set((s) => ({ mode: "overview", viewport: null, edits: s.edits + 1 })),
  setDepth: (depth) => set((s) => ({ depth: Math.max(1, Math.min(10, depth)), edits: s.edits + 1 })),
  setGroupBy: (groupBy) => set((s) => ({ groupBy, expanded: [], edits: s.edits + 1 })),
  toggleGroup: (key) =>
    set((s) => ({
      expanded: s.expanded.includes(key) ? s.expanded.filter((k) => k !== key) : [...s.expanded, key],
      edits: s.edits + 1,
    })),
  setExpanded: (keys) => set((s) => ({ expanded: keys, edits: s.edits + 1 })),
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch } })),
  select: (selected) => set({ selected }),
  pin: (id, x, y) => set((s) => ({ positions: { ...s.positions, [id]: { x, y, pinned: true } }, edits: s.edits + 1 })),
  unpinAll: () => set((s) => ({ positions: {}, edits: s.edits + 1 })),
  setViewport: (viewport) => set((s) => ({ viewport, edits: s.edits + 1 })),
  setHighlight: (highlight) => set({ highlight }),
  restore: (saved) => set({ ...saved }),
  // A highlight asked for by another view (a diff, a plan) outlives the restore of the saved canvas.
  reset: () => set((s) => ({ ...initial, filter: emptyFilter(), highlight: s.highlight })),
}));

/** Pinned nodes keep their place when the layout reruns; everything else takes the layout's. */
export function placeNodes(
  layout: Record<string, { x: number; y: number }>,
  pinned: Record<string, Placed>,
): Record<string, { x: number; y: number }> {
  const placed: Record<string, { x: number; y: number }> = { ...layout };
  for (const [id, spot] of Object.entries(pinned)) {
    if (spot.pinned && id in placed) placed[id] = { x: spot.x, y: spot.y };
  }
  return placed;
}
