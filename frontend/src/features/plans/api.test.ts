import { describe, expect, it } from "vitest";
import { planItemsOf } from "./api";

describe("a plan's items from its contract document", () => {
  it("reads each item with its estimate in currency units and its decisions", () => {
    const document = {
      items: [
        {
          unique_id: "model.shop.orders",
          node_uuid: "0b5c…",
          resource_type: "model",
          action: "RUN",
          wave: 2,
          priority: 0,
          partition: null,
          estimate: { p50_ms: 1500, p90_ms: 3000, p50_cost_micros: 2_500_000, p90_cost_micros: 41, confidence: "high", evidence: "5 runs", runs: 5 },
          decisions: [{ policy: "selection", reason: "selected", message: "selected by state:modified+", action: "RUN", final: true }],
        },
      ],
    };
    const [item] = planItemsOf(document);
    expect(item?.uniqueId).toBe("model.shop.orders");
    expect(item?.wave).toBe(2);
    expect(item?.estimate.p50Cost).toBe(2.5);
    expect(item?.estimate.p90Cost).toBeCloseTo(0.000041);
    expect(item?.decisions[0]?.message).toBe("selected by state:modified+");
  });

  it("reads no items from a document without any", () => {
    expect(planItemsOf(null)).toEqual([]);
    expect(planItemsOf({})).toEqual([]);
  });
});
