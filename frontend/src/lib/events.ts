// Cross-feature UI events (mitt): a view announces, others react, without importing each other.
import mitt from "mitt";

export type UiEvents = {
  /** Focus the graph workspace on a node (from search, the palette, a plan or a run). */
  "graph:focus": { uniqueId: string };
  /** Nodes to highlight on the graph (a plan's RUN/PARTIAL nodes, a diff's impact). */
  "graph:highlight": { uniqueIds: string[]; reason: string };
  /** A run changed state: lists may refetch. */
  "run:changed": { runId: string };
};

export const uiEvents = mitt<UiEvents>();
