// A run's nodes on a time axis (Gantt): one bar per node from its start to its end, growing while it runs.
// A long run's rows are virtualised like a table's: only the rows in view are in the DOM.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef } from "react";
import { VIRTUAL_FROM } from "../../components/DataTable";
import { statusClass } from "../../components/States";
import type { NodeStatus, RunEventKind } from "../../gql/graphql";
import { statusWord } from "../../lib/vocabulary";

export interface Bar {
  uniqueId: string;
  status: string;
  start: number; // ms since epoch
  end: number | null;
}

const ROW_HEIGHT = 18; // .timeline-row's height in app.css

export function Timeline({ bars, now }: { bars: Bar[]; now: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = bars.length > VIRTUAL_FROM;
  const virtualizer = useVirtualizer({
    count: virtual ? bars.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const [origin, finish] = useMemo(() => {
    let first = Infinity;
    let last = -Infinity;
    for (const b of bars) {
      first = Math.min(first, b.start);
      last = Math.max(last, b.end ?? now);
    }
    return [first, Math.max(last, first + 1)];
  }, [bars, now]);
  if (!bars.length) return <div className="state">No node has started yet.</div>;
  const span = finish - origin;
  const row = (bar: Bar) => {
    const left = ((bar.start - origin) / span) * 100;
    const width = Math.max((((bar.end ?? now) - bar.start) / span) * 100, 0.5);
    return (
      <div className="timeline-row" role="listitem" key={bar.uniqueId} data-unique-id={bar.uniqueId} data-status={bar.status}>
        <span className="timeline-label" title={bar.uniqueId}>
          {shortName(bar.uniqueId)}
        </span>
        <span className="timeline-track">
          <span
            className={`timeline-bar st-${statusClass(bar.status)}`}
            style={{ left: `${left}%`, width: `${width}%` }}
            title={`${bar.uniqueId}: ${bar.status}, ${(((bar.end ?? now) - bar.start) / 1000).toFixed(2)} s`}
          />
        </span>
      </div>
    );
  };
  if (!virtual) {
    return (
      <div className="timeline" role="list" aria-label="timeline">
        {bars.map(row)}
      </div>
    );
  }
  const items = virtualizer.getVirtualItems();
  return (
    <div className="timeline" role="list" aria-label="timeline" ref={scroller} data-rows={bars.length}>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        <div style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>{items.map((item) => row(bars[item.index]!))}</div>
      </div>
    </div>
  );
}

/** Bars from the run's stored nodes, overlaid with live events (a node running now has no end yet). */
export function barsOf(
  nodes: readonly { uniqueId: string; status: string; statusText?: string | null; startedAt?: string | null; finishedAt?: string | null }[],
  events: readonly { kind: RunEventKind; uniqueId?: string | null; nodeStatus?: NodeStatus | null; statusText?: string | null; createdAt: string }[],
): Bar[] {
  const bars = new Map<string, Bar>();
  for (const node of nodes) {
    if (!node.startedAt) continue;
    bars.set(node.uniqueId, {
      uniqueId: node.uniqueId,
      status: statusWord(node.status, node.statusText),
      start: Date.parse(node.startedAt),
      end: node.finishedAt ? Date.parse(node.finishedAt) : null,
    });
  }
  for (const event of events) {
    if (!event.uniqueId) continue;
    const at = Date.parse(event.createdAt);
    const bar = bars.get(event.uniqueId);
    if (event.kind === "NODE_STARTED" && !bar) bars.set(event.uniqueId, { uniqueId: event.uniqueId, status: "running", start: at, end: null });
    else if (event.kind === "NODE_FINISHED" && bar) {
      bar.status = event.nodeStatus ? statusWord(event.nodeStatus, event.statusText) : bar.status;
      bar.end = bar.end ?? at;
    }
  }
  return [...bars.values()].sort((a, b) => a.start - b.start);
}

/** model.shop.stg_orders -> stg_orders; a test's trailing hash is dropped; a source keeps source.table. */
export function shortName(uniqueId: string): string {
  const parts = uniqueId.split(".");
  if (parts.length < 3) return uniqueId;
  return parts[0] === "test" || parts[0] === "unit_test" ? parts[2]! : parts.slice(2).join(".");
}
