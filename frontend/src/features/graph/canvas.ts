// CanvasState: the user's layout of a project's graph, saved through the API with a revision number.
// A save names the revision it started from; if another save landed first, the server refuses it and
// hands back what is stored, and the user chooses — neither layout is silently lost.
import { z } from "zod";
import { graphql } from "../../gql";
import { request } from "../../lib/graphql";
import type { WorkspaceState } from "./store";

export const CanvasQuery = graphql(`
  query CanvasState($projectId: ID!) {
    canvasState(projectId: $projectId) {
      revision
      state
      updatedAt
    }
  }
`);

export const SaveCanvas = graphql(`
  mutation SaveCanvasState($input: SaveCanvasStateInput!) {
    saveCanvasState(input: $input) {
      __typename
      ... on CanvasState {
        revision
        state
        updatedAt
      }
      ... on CanvasConflictError {
        message
        current {
          revision
          state
          updatedAt
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const placed = z.object({ x: z.number(), y: z.number(), pinned: z.boolean() });

/** What the client reads back: lenient on missing keys (older saves), strict on types. */
export const canvasDocument = z.object({
  version: z.literal(1),
  viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number().positive() }).nullable().optional(),
  positions: z.record(z.string(), placed).default({}),
  groups: z.record(z.string(), z.object({ label: z.string(), members: z.array(z.string()) })).optional(),
  collapsed: z.array(z.string()).default([]),
  expanded: z.array(z.string()).default([]),
  mode: z.enum(["focused", "overview"]).default("overview"),
  groupBy: z.enum(["folder", "package", "tag", "resource_type"]).default("folder"),
  focus: z.string().nullable().default(null),
  depth: z.number().int().min(1).max(10).default(2),
});

export type CanvasDocument = z.infer<typeof canvasDocument>;

export type Saved = Pick<WorkspaceState, "mode" | "focus" | "depth" | "groupBy" | "expanded" | "positions" | "viewport">;

export function toDocument(state: Saved): CanvasDocument {
  // Rounded: the server caps the document at 2 MiB, and sub-pixel precision is noise.
  const round = (n: number) => Math.round(n * 10) / 10;
  const positions: CanvasDocument["positions"] = {};
  for (const [id, spot] of Object.entries(state.positions)) {
    if (spot.pinned) positions[id] = { x: round(spot.x), y: round(spot.y), pinned: true };
  }
  const viewport = state.viewport;
  return {
    version: 1,
    viewport: viewport ? { x: round(viewport.x), y: round(viewport.y), zoom: viewport.zoom } : null,
    positions,
    groups: {},
    collapsed: [],
    expanded: state.expanded,
    mode: state.mode,
    groupBy: state.groupBy,
    focus: state.focus,
    depth: state.depth,
  };
}

export function fromDocument(raw: unknown): Saved | null {
  const parsed = canvasDocument.safeParse(raw);
  if (!parsed.success) return null;
  const doc = parsed.data;
  return {
    mode: doc.mode,
    focus: doc.focus,
    depth: doc.depth,
    groupBy: doc.groupBy,
    expanded: doc.expanded,
    positions: doc.positions,
    viewport: doc.viewport ?? null,
  };
}

export type SaveOutcome =
  | { kind: "saved"; revision: number }
  | { kind: "conflict"; message: string; revision: number; theirs: unknown }
  | { kind: "error"; message: string };

export async function saveCanvas(projectId: string, expectedRevision: number, state: Saved): Promise<SaveOutcome> {
  const { saveCanvasState: result } = await request(SaveCanvas, {
    input: { projectId, expectedRevision, state: toDocument(state) },
  });
  if (result.__typename === "CanvasState") return { kind: "saved", revision: result.revision };
  if (result.__typename === "CanvasConflictError") {
    return { kind: "conflict", message: result.message, revision: result.current?.revision ?? 0, theirs: result.current?.state };
  }
  return { kind: "error", message: "message" in result ? result.message : "the layout could not be saved" };
}
