// Cross-feature UI events (mitt): a view announces, others react, without importing each other.
import mitt from "mitt";

export type UiEvents = {
  /** Focus the graph workspace on a node (from search, the palette, a plan or a run). */
  "graph:focus": { uniqueId: string };
};

export const uiEvents = mitt<UiEvents>();
