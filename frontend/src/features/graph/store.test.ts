import { beforeEach, describe, expect, it } from "vitest";
import { placeNodes, useWorkspace } from "./store";
import { fromDocument, toDocument } from "./canvas";

describe("the workspace store", () => {
  beforeEach(() => useWorkspace.getState().reset());

  it("keeps pinned nodes where the user put them when the layout reruns", () => {
    const placed = placeNodes({ a: { x: 0, y: 0 }, b: { x: 10, y: 10 } }, { a: { x: 99, y: 98, pinned: true }, gone: { x: 1, y: 1, pinned: true } });
    expect(placed).toEqual({ a: { x: 99, y: 98 }, b: { x: 10, y: 10 } });
  });

  it("counts the edits that belong in the saved canvas, not selection or filters", () => {
    const before = useWorkspace.getState().edits;
    useWorkspace.getState().select("model.x");
    useWorkspace.getState().setFilter({ text: "x" });
    expect(useWorkspace.getState().edits).toBe(before);
    useWorkspace.getState().pin("model.x", 1, 2);
    useWorkspace.getState().toggleGroup("shop/models");
    useWorkspace.getState().focusOn("model.x");
    expect(useWorkspace.getState().edits).toBe(before + 3);
    expect(useWorkspace.getState().mode).toBe("focused");
  });

  it("clamps the depth to 1..10", () => {
    useWorkspace.getState().setDepth(40);
    expect(useWorkspace.getState().depth).toBe(10);
    useWorkspace.getState().setDepth(0);
    expect(useWorkspace.getState().depth).toBe(1);
  });

  it("round-trips through the CanvasState document", () => {
    const s = useWorkspace.getState();
    s.focusOn("model.a");
    s.pin("model.a", 5, 6);
    s.toggleGroup("g");
    s.setViewport({ x: 1, y: 2, zoom: 0.5 });
    const doc = toDocument(useWorkspace.getState());
    expect(doc.version).toBe(1);
    expect(fromDocument(JSON.parse(JSON.stringify(doc)))).toEqual({
      mode: "focused",
      focus: "model.a",
      depth: 2,
      groupBy: "folder",
      expanded: ["g"],
      positions: { "model.a": { x: 5, y: 6, pinned: true } },
      viewport: { x: 1, y: 2, zoom: 0.5 },
    });
  });

  it("refuses a saved document of the wrong shape instead of half-restoring it", () => {
    expect(fromDocument({ version: 2 })).toBeNull();
    expect(fromDocument({ version: 1, positions: { a: { x: "1", y: 0, pinned: true } } })).toBeNull();
    expect(fromDocument({ version: 1 })?.mode).toBe("overview");
  });
});
