// The LogicalGraph as the workspace reads it, and the pure functions that turn it into a view:
// a node's neighbourhood, or an overview of groups. Nothing here touches the DOM or the network.

export interface GraphNodeSummary {
  node_uuid: string;
  unique_id: string;
  resource_type: string;
  name: string;
  package_name: string;
  path: string | null;
  tags: string[];
  materialized: string | null;
}

export interface GraphEdgeSummary {
  parent_uuid: string;
  child_uuid: string;
  kind: string;
}

export interface LogicalGraphDocument {
  content_hash: string;
  sequence: number;
  nodes: GraphNodeSummary[];
  edges: GraphEdgeSummary[];
}

export interface LogicalGraph {
  contentHash: string;
  nodes: GraphNodeSummary[];
  byId: Map<string, GraphNodeSummary>;
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
}

export function buildGraph(doc: LogicalGraphDocument): LogicalGraph {
  const byId = new Map<string, GraphNodeSummary>();
  const byUuid = new Map<string, string>();
  for (const node of doc.nodes) {
    byId.set(node.unique_id, node);
    byUuid.set(node.node_uuid, node.unique_id);
  }
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const edge of doc.edges) {
    const parent = byUuid.get(edge.parent_uuid);
    const child = byUuid.get(edge.child_uuid);
    // dbt is the source of truth: an edge to a node the manifest does not hold is dropped, never drawn.
    if (!parent || !child) continue;
    push(children, parent, child);
    push(parents, child, parent);
  }
  return { contentHash: doc.content_hash, nodes: doc.nodes, byId, parents, children };
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The node, its ancestors up to `upstream` hops and descendants up to `downstream` hops. */
export function neighbourhood(graph: LogicalGraph, uniqueId: string, upstream: number, downstream: number): Set<string> {
  const found = new Set<string>();
  if (!graph.byId.has(uniqueId)) return found;
  found.add(uniqueId);
  walk(graph.parents, uniqueId, upstream, found);
  walk(graph.children, uniqueId, downstream, found);
  return found;
}

function walk(next: Map<string, string[]>, start: string, depth: number, found: Set<string>): void {
  let frontier = [start];
  for (let hop = 0; hop < depth && frontier.length; hop++) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const other of next.get(id) ?? []) {
        if (!found.has(other)) {
          found.add(other);
          following.push(other);
        }
      }
    }
    frontier = following;
  }
}

export type GroupBy = "folder" | "package" | "tag" | "resource_type";

export function groupKey(node: GraphNodeSummary, by: GroupBy): string {
  switch (by) {
    case "package":
      return node.package_name;
    case "tag":
      return node.tags[0] ?? "(untagged)";
    case "resource_type":
      return node.resource_type;
    case "folder": {
      const path = node.path ?? "";
      const slash = path.lastIndexOf("/");
      return `${node.package_name}/${slash > 0 ? path.slice(0, slash) : "(root)"}`;
    }
  }
}

export interface NodeFilter {
  resourceTypes: string[]; // empty: every type
  tags: string[];
  packages: string[];
  statuses: string[]; // from the latest run; empty: any
  text: string;
}

export const TEST_TYPES = new Set(["test", "unit_test"]);

export function emptyFilter(): NodeFilter {
  return { resourceTypes: [], tags: [], packages: [], statuses: [], text: "" };
}

export function matches(node: GraphNodeSummary, filter: NodeFilter, status: ReadonlyMap<string, string>): boolean {
  if (filter.resourceTypes.length && !filter.resourceTypes.includes(node.resource_type)) return false;
  if (!filter.resourceTypes.length && TEST_TYPES.has(node.resource_type)) return false; // tests on demand
  if (filter.packages.length && !filter.packages.includes(node.package_name)) return false;
  if (filter.tags.length && !node.tags.some((t) => filter.tags.includes(t))) return false;
  if (filter.statuses.length && !filter.statuses.includes(status.get(node.unique_id) ?? "none")) return false;
  if (filter.text && !node.unique_id.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return true;
}

/** What the canvas draws: real nodes, or a group standing for many while collapsed. */
export interface ViewItem {
  id: string;
  kind: "node" | "group";
  label: string;
  resourceType: string;
  count: number; // members, for a group
  group?: string; // the group a node belongs to
  rank: number; // the node's layer in the DAG; for a group, its members' mean layer
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  weight: number;
}

export interface ViewGraph {
  items: ViewItem[];
  edges: ViewEdge[];
}

/** A set of real nodes and the edges among them. */
export function subgraph(graph: LogicalGraph, ids: Set<string>): ViewGraph {
  const items: ViewItem[] = [];
  const edges: ViewEdge[] = [];
  for (const id of ids) {
    const node = graph.byId.get(id);
    if (!node) continue;
    items.push({ id, kind: "node", label: node.name, resourceType: node.resource_type, count: 1, rank: layer(graph, id) });
    for (const child of graph.children.get(id) ?? []) {
      if (ids.has(child)) edges.push({ id: `${id}->${child}`, source: id, target: child, weight: 1 });
    }
  }
  return { items, edges };
}

export const GROUP_PREFIX = "group:";

/**
 * The overview: every matching node folded into its group unless the group is expanded. Edges between
 * groups are merged (weight = how many node edges they stand for), so thousands of nodes become a
 * drawing of tens of boxes until the user opens one.
 */
export function overview(
  graph: LogicalGraph,
  by: GroupBy,
  expanded: ReadonlySet<string>,
  filter: NodeFilter,
  status: ReadonlyMap<string, string>,
): ViewGraph {
  const itemOf = new Map<string, string>();
  const groups = new Map<string, ViewItem>();
  const items: ViewItem[] = [];
  for (const node of graph.nodes) {
    if (!matches(node, filter, status)) continue;
    const key = groupKey(node, by);
    const groupId = GROUP_PREFIX + key;
    if (expanded.has(key)) {
      itemOf.set(node.unique_id, node.unique_id);
      items.push({
        id: node.unique_id,
        kind: "node",
        label: node.name,
        resourceType: node.resource_type,
        count: 1,
        group: key,
        rank: layer(graph, node.unique_id),
      });
    } else {
      itemOf.set(node.unique_id, groupId);
      const group = groups.get(groupId);
      if (group) {
        // A running mean of the members' layers.
        group.count += 1;
        group.rank += (layer(graph, node.unique_id) - group.rank) / group.count;
      } else {
        const created: ViewItem = {
          id: groupId,
          kind: "group",
          label: key,
          resourceType: "group",
          count: 1,
          rank: layer(graph, node.unique_id),
        };
        groups.set(groupId, created);
        items.push(created);
      }
    }
  }
  const weights = new Map<string, ViewEdge>();
  for (const [parent, kids] of graph.children) {
    const source = itemOf.get(parent);
    if (!source) continue;
    for (const child of kids) {
      const target = itemOf.get(child);
      if (!target || target === source) continue;
      const id = `${source}->${target}`;
      const edge = weights.get(id);
      if (edge) edge.weight += 1;
      else weights.set(id, { id, source, target, weight: 1 });
    }
  }
  return { items, edges: [...weights.values()] };
}

const layerCache = new WeakMap<LogicalGraph, Map<string, number>>();

/** A node's layer: the longest path to it from a node without parents (sources and seeds are 0). */
export function layer(graph: LogicalGraph, uniqueId: string): number {
  let layers = layerCache.get(graph);
  if (!layers) {
    layers = new Map();
    const waiting = new Map<string, number>();
    const ready: string[] = [];
    for (const node of graph.nodes) {
      const count = graph.parents.get(node.unique_id)?.length ?? 0;
      waiting.set(node.unique_id, count);
      if (count === 0) {
        layers.set(node.unique_id, 0);
        ready.push(node.unique_id);
      }
    }
    while (ready.length) {
      const id = ready.pop()!;
      const next = layers.get(id)! + 1;
      for (const child of graph.children.get(id) ?? []) {
        layers.set(child, Math.max(layers.get(child) ?? 0, next));
        const left = waiting.get(child)! - 1;
        waiting.set(child, left);
        if (left === 0) ready.push(child);
      }
    }
    layerCache.set(graph, layers);
  }
  return layers.get(uniqueId) ?? 0;
}

/**
 * The edges a layout should honour. Node views are DAGs already: all of them. Between groups, edges run
 * both ways and densely (hundreds among tens of groups), which makes ELK slow and its drawing no clearer;
 * the layout gets only the edges that go forward in the DAG's layers, transitively reduced. Every real
 * edge is still drawn: this only says where boxes go.
 */
export function layoutEdges(view: ViewGraph): ViewEdge[] {
  if (!view.items.some((item) => item.kind === "group")) return view.edges;
  const rank = new Map(view.items.map((item) => [item.id, item.rank]));
  const forward = view.edges.filter((e) => (rank.get(e.source) ?? 0) < (rank.get(e.target) ?? 0));
  if (view.items.length > 500) return forward;
  const out = new Map<string, string[]>();
  for (const edge of forward) out.set(edge.source, [...(out.get(edge.source) ?? []), edge.target]);
  // Drop a -> c when c is reachable from a through another child of a.
  const reachableFrom = (start: string, skip: string): boolean => {
    const stack = (out.get(start) ?? []).filter((t) => t !== skip);
    const seen = new Set<string>(stack);
    while (stack.length) {
      const id = stack.pop()!;
      if (id === skip) return true;
      for (const next of out.get(id) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  };
  return forward.filter((edge) => !reachableFrom(edge.source, edge.target));
}

/** Search over names and unique ids, best first: exact name, prefix, then substring. */
export function searchNodes(graph: LogicalGraph, text: string, limit = 20): GraphNodeSummary[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const scored: [number, GraphNodeSummary][] = [];
  for (const node of graph.nodes) {
    const name = node.name.toLowerCase();
    const score = name === needle ? 0 : name.startsWith(needle) ? 1 : name.includes(needle) ? 2 : node.unique_id.toLowerCase().includes(needle) ? 3 : -1;
    if (score >= 0) scored.push([score, node]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].unique_id.localeCompare(b[1].unique_id));
  return scored.slice(0, limit).map(([, node]) => node);
}
