import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DataTable, VIRTUAL_FROM } from "./DataTable";

interface Item {
  id: string;
  size: number;
}

const items = (count: number): Item[] => Array.from({ length: count }, (_, i) => ({ id: `model.shop.m${i}`, size: i }));
const columns = [
  { id: "id", header: "Node", cell: (i: Item) => i.id },
  { id: "size", header: "Size", cell: (i: Item) => i.size },
];
const drawnRows = (container: HTMLElement) => container.querySelectorAll("tbody tr:not(.table-spacer)");

// jsdom lays nothing out: give the scrolling box a browser's height and each row a row's height.
const heights = ["clientHeight", "offsetHeight"].map((name) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)] as const);
const rect = Element.prototype.getBoundingClientRect;
beforeAll(() => {
  for (const [name] of heights)
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: function (this: HTMLElement) { return this.tagName === "TR" ? 31 : 620; } });
  Element.prototype.getBoundingClientRect = function (this: Element) {
    return DOMRect.fromRect({ width: 800, height: this.tagName === "TR" ? 31 : 620 });
  };
});
afterAll(() => {
  for (const [name, descriptor] of heights) if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
  Element.prototype.getBoundingClientRect = rect;
});
afterEach(cleanup);

describe("DataTable", () => {
  it("draws every row of a short table", () => {
    const { container } = render(<DataTable label="t" rows={items(VIRTUAL_FROM)} columns={columns} rowKey={(i) => i.id} empty="none" />);
    expect(drawnRows(container)).toHaveLength(VIRTUAL_FROM);
  });

  it("keeps only the rows in view of a long table in the DOM, and the filter still reaches any row", () => {
    const { container, getByLabelText } = render(
      <DataTable label="t" rows={items(6_000)} columns={columns} rowKey={(i) => i.id} empty="none" filterable />,
    );
    const drawn = drawnRows(container).length;
    expect(drawn).toBeGreaterThan(10); // a screenful…
    expect(drawn).toBeLessThan(100); // …not six thousand
    expect(container.querySelector("table")?.getAttribute("aria-rowcount")).toBe("6001");
    act(() => void fireEvent.change(getByLabelText("filter t"), { target: { value: "m5999" } }));
    const rows = drawnRows(container);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain("model.shop.m5999");
  });

  it("virtualises a table that will be long from its first page, and counts the rows still to come", () => {
    const { container } = render(<DataTable label="t" rows={items(100)} total={6_000} columns={columns} rowKey={(i) => i.id} empty="none" />);
    expect(drawnRows(container).length).toBeLessThan(100); // a screenful of the first page, not all of it
    expect(container.querySelector("table")?.getAttribute("aria-rowcount")).toBe("6001");
  });

  it("sorts every row, not only the drawn ones", () => {
    const { container, getByRole } = render(<DataTable label="t" rows={items(1_000)} columns={columns} rowKey={(i) => i.id} empty="none" />);
    const header = getByRole("columnheader", { name: /Size/ });
    while (!header.textContent?.includes("▼")) act(() => void fireEvent.click(header));
    expect(drawnRows(container)[0]?.textContent).toContain("model.shop.m999");
  });
});
