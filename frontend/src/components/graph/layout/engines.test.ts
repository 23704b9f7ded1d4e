import { describe, expect, it } from "vitest";
import { dagreLayout, elkLayout, layout } from "./engines";

const chain = {
  nodes: ["a", "b", "c", "d"].map((id) => ({ id, width: 100, height: 30 })),
  edges: [
    { id: "a-b", source: "a", target: "b" },
    { id: "b-c", source: "b", target: "c" },
    { id: "a-d", source: "a", target: "d" },
    { id: "x-a", source: "x", target: "a" }, // an edge to a node not drawn is ignored
  ],
};

describe("layout engines", () => {
  it("ELK places every node, parents left of their children", async () => {
    const p = await elkLayout(chain);
    expect(Object.keys(p).sort()).toEqual(["a", "b", "c", "d"]);
    expect(p.a!.x).toBeLessThan(p.b!.x);
    expect(p.b!.x).toBeLessThan(p.c!.x);
  });

  it("dagre tight-tree places every node left to right too", () => {
    const p = dagreLayout(chain);
    expect(Object.keys(p).sort()).toEqual(["a", "b", "c", "d"]);
    expect(p.a!.x).toBeLessThan(p.b!.x);
    expect(p.b!.x).toBeLessThan(p.c!.x);
  });

  it("uses ELK unless asked for dagre", async () => {
    expect((await layout(chain)).engine).toBe("elk");
    expect((await layout(chain, "dagre")).engine).toBe("dagre");
  });
});
