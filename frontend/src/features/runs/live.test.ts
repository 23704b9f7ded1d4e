import { describe, expect, it } from "vitest";
import { applyEvent } from "./live";
import { barsOf, shortName } from "./Timeline";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe("following a run", () => {
  it("folds node events into statuses; run-level events do not touch nodes", () => {
    const statuses = new Map<string, string>();
    applyEvent(statuses, { seq: 1, kind: "STATUS", runStatus: "RUNNING", statusText: "running", message: "", payload: {}, createdAt: at(0) });
    applyEvent(statuses, { seq: 2, kind: "NODE_STARTED", uniqueId: "model.a", nodeStatus: "RUNNING", message: "", payload: {}, createdAt: at(1) });
    expect(statuses.get("model.a")).toBe("running");
    applyEvent(statuses, { seq: 3, kind: "NODE_FINISHED", uniqueId: "model.a", nodeStatus: "SUCCESS", statusText: "success", message: "", payload: {}, createdAt: at(2) });
    expect([...statuses]).toEqual([["model.a", "success"]]);
  });

  it("draws a bar per started node, open until it finishes", () => {
    const bars = barsOf(
      [{ uniqueId: "model.a", status: "success", startedAt: at(0), finishedAt: at(2) }],
      [
        { kind: "NODE_STARTED", uniqueId: "model.b", createdAt: at(3) },
        { kind: "NODE_STARTED", uniqueId: "model.c", createdAt: at(4) },
        { kind: "NODE_FINISHED", uniqueId: "model.c", nodeStatus: "ERROR", statusText: "error", createdAt: at(6) },
      ],
    );
    expect(bars.map((b) => [b.uniqueId, b.status, b.end === null])).toEqual([
      ["model.a", "success", false],
      ["model.b", "running", true],
      ["model.c", "error", false],
    ]);
  });

  it("reads the server's enum members and the events' words as one spelling", () => {
    const bars = barsOf(
      [
        { uniqueId: "model.a", status: "RUNTIME_ERROR", startedAt: at(0), finishedAt: at(2) },
        { uniqueId: "model.b", status: "UNKNOWN", statusText: "sparkled", startedAt: at(0), finishedAt: at(2) },
        { uniqueId: "model.c", status: "RUNNING", startedAt: at(1), finishedAt: null },
      ],
      [{ kind: "NODE_FINISHED", uniqueId: "model.c", nodeStatus: "UNKNOWN", statusText: "Sparkled", createdAt: at(3) }],
    );
    expect(bars.map((b) => [b.uniqueId, b.status])).toEqual([
      ["model.a", "runtime error"],
      ["model.b", "sparkled"],
      ["model.c", "sparkled"],
    ]);
    const statuses = new Map<string, string>();
    applyEvent(statuses, { seq: 1, kind: "NODE_FINISHED", uniqueId: "model.a", nodeStatus: "NO_OP", statusText: "no-op", message: "", payload: {}, createdAt: at(1) });
    expect(statuses.get("model.a")).toBe("no-op");
  });
});

describe("timeline labels", () => {
  it("name a node as a reader would", () => {
    expect(shortName("model.shop.stg_orders")).toBe("stg_orders");
    expect(shortName("test.shop.not_null_stg_orders_id.e2cfb1f9aa")).toBe("not_null_stg_orders_id");
    expect(shortName("source.shop.raw.orders")).toBe("raw.orders");
  });
});
