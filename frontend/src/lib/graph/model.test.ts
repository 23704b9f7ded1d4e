import { describe, expect, it } from "vitest";
import {
  buildGraph,
  emptyFilter,
  GROUP_PREFIX,
  groupKey,
  layer,
  layoutEdges,
  neighbourhood,
  overview,
  searchNodes,
  subgraph,
  type LogicalGraphDocument,
} from "./model";

function doc(): LogicalGraphDocument {
  const node = (id: string, type: string, path: string, tags: string[] = []) => ({
    node_uuid: `u-${id}`,
    unique_id: `${type}.shop.${id}`,
    resource_type: type,
    name: id,
    package_name: "shop",
    path,
    tags,
    materialized: type === "model" ? "view" : null,
  });
  const nodes = [
    node("raw", "source", "models/staging/_sources.yml"),
    node("stg", "model", "models/staging/stg.sql", ["daily"]),
    node("int", "model", "models/intermediate/int.sql"),
    node("fct", "model", "models/marts/fct.sql", ["daily"]),
    node("dim", "model", "models/marts/dim.sql"),
    node("not_null_stg", "test", "models/staging/_staging.yml"),
  ];
  const edge = (a: string, b: string) => ({ parent_uuid: `u-${a}`, child_uuid: `u-${b}`, kind: "depends_on" });
  return {
    content_hash: "h",
    sequence: 1,
    nodes,
    edges: [edge("raw", "stg"), edge("stg", "int"), edge("int", "fct"), edge("stg", "dim"), edge("stg", "not_null_stg"), edge("ghost", "fct")],
  };
}

describe("the logical graph", () => {
  const graph = buildGraph(doc());

  it("drops an edge to a node the manifest does not hold", () => {
    expect(graph.parents.get("model.shop.fct")).toEqual(["model.shop.int"]);
  });

  it("takes a neighbourhood to the asked depth each way", () => {
    expect([...neighbourhood(graph, "model.shop.int", 1, 1)].sort()).toEqual(["model.shop.fct", "model.shop.int", "model.shop.stg"]);
    expect(neighbourhood(graph, "model.shop.int", 2, 0).has("source.shop.raw")).toBe(true);
    expect(neighbourhood(graph, "nope", 3, 3).size).toBe(0);
  });

  it("keeps only edges inside a subgraph", () => {
    const view = subgraph(graph, new Set(["model.shop.stg", "model.shop.int", "model.shop.dim"]));
    expect(view.items).toHaveLength(3);
    expect(view.edges.map((e) => e.id).sort()).toEqual(["model.shop.stg->model.shop.dim", "model.shop.stg->model.shop.int"]);
  });

  it("groups by folder, package, tag and type", () => {
    const stg = graph.byId.get("model.shop.stg")!;
    expect(groupKey(stg, "folder")).toBe("shop/models/staging");
    expect(groupKey(stg, "tag")).toBe("daily");
    expect(groupKey(graph.byId.get("model.shop.int")!, "tag")).toBe("(untagged)");
    expect(groupKey(stg, "resource_type")).toBe("model");
  });

  it("folds collapsed groups and merges the edges between them", () => {
    const view = overview(graph, "folder", new Set(), emptyFilter(), new Map());
    expect(view.items.map((i) => i.id).sort()).toEqual([
      `${GROUP_PREFIX}shop/models/intermediate`,
      `${GROUP_PREFIX}shop/models/marts`,
      `${GROUP_PREFIX}shop/models/staging`,
    ]);
    const staging = view.items.find((i) => i.label === "shop/models/staging")!;
    expect(staging.count).toBe(2); // the source and stg; the test is hidden until asked for
    const toMarts = view.edges.find((e) => e.source === staging.id && e.target === `${GROUP_PREFIX}shop/models/marts`);
    expect(toMarts?.weight).toBe(1);
  });

  it("shows the members of an expanded group, linked to the other groups", () => {
    const view = overview(graph, "folder", new Set(["shop/models/staging"]), emptyFilter(), new Map());
    expect(view.items.some((i) => i.id === "model.shop.stg" && i.group === "shop/models/staging")).toBe(true);
    expect(view.edges.some((e) => e.source === "model.shop.stg" && e.target === `${GROUP_PREFIX}shop/models/marts`)).toBe(true);
  });

  it("filters by type, tag and latest status", () => {
    const tests = overview(graph, "resource_type", new Set(["test"]), { ...emptyFilter(), resourceTypes: ["test"] }, new Map());
    expect(tests.items.map((i) => i.id)).toEqual(["test.shop.not_null_stg"]);
    const daily = overview(graph, "resource_type", new Set(["model"]), { ...emptyFilter(), tags: ["daily"] }, new Map());
    expect(daily.items.map((i) => i.id).sort()).toEqual(["model.shop.fct", "model.shop.stg"]);
    const failed = overview(graph, "resource_type", new Set(["model"]), { ...emptyFilter(), statuses: ["error"] }, new Map([["model.shop.dim", "error"]]));
    expect(failed.items.map((i) => i.id)).toEqual(["model.shop.dim"]);
  });

  it("places each node on the longest path from a root", () => {
    expect(["source.shop.raw", "model.shop.stg", "model.shop.int", "model.shop.fct", "model.shop.dim"].map((id) => layer(graph, id))).toEqual([0, 1, 2, 3, 2]);
  });

  it("lays groups out on forward, transitively reduced edges, and still draws every edge", () => {
    const view = overview(graph, "folder", new Set(), emptyFilter(), new Map());
    const staging = `${GROUP_PREFIX}shop/models/staging`;
    const intermediate = `${GROUP_PREFIX}shop/models/intermediate`;
    const marts = `${GROUP_PREFIX}shop/models/marts`;
    // staging -> marts is implied by staging -> intermediate -> marts
    expect(view.edges.map((e) => e.id).sort()).toEqual([`${intermediate}->${marts}`, `${staging}->${intermediate}`, `${staging}->${marts}`].sort());
    expect(layoutEdges(view).map((e) => e.id).sort()).toEqual([`${intermediate}->${marts}`, `${staging}->${intermediate}`].sort());
    const nodes = subgraph(graph, new Set(["model.shop.stg", "model.shop.int", "model.shop.dim"]));
    expect(layoutEdges(nodes)).toBe(nodes.edges);
  });

  it("searches names best first", () => {
    expect(searchNodes(graph, "st").map((n) => n.name)).toEqual(["stg", "not_null_stg"]);
    expect(searchNodes(graph, "  ")).toEqual([]);
  });
});
