// A run's nodes on a time axis (Gantt): one bar per node from its start to its end, growing while it runs.
import { statusClass } from "../../components/States";

export interface Bar {
  uniqueId: string;
  status: string;
  start: number; // ms since epoch
  end: number | null;
}

export function Timeline({ bars, now }: { bars: Bar[]; now: number }) {
  if (!bars.length) return <div className="state">No node has started yet.</div>;
  const origin = Math.min(...bars.map((b) => b.start));
  const finish = Math.max(...bars.map((b) => b.end ?? now), origin + 1);
  const span = finish - origin;
  return (
    <div className="timeline" role="list" aria-label="timeline">
      {bars.map((bar) => {
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
      })}
    </div>
  );
}

/** Bars from the run's stored nodes, overlaid with live events (a node running now has no end yet). */
export function barsOf(
  nodes: readonly { uniqueId: string; status: string; startedAt?: string | null; finishedAt?: string | null }[],
  events: readonly { kind: string; uniqueId?: string | null; status?: string | null; createdAt: string }[],
): Bar[] {
  const bars = new Map<string, Bar>();
  for (const node of nodes) {
    if (!node.startedAt) continue;
    bars.set(node.uniqueId, {
      uniqueId: node.uniqueId,
      status: node.status,
      start: Date.parse(node.startedAt),
      end: node.finishedAt ? Date.parse(node.finishedAt) : null,
    });
  }
  for (const event of events) {
    if (!event.uniqueId) continue;
    const at = Date.parse(event.createdAt);
    const bar = bars.get(event.uniqueId);
    if (event.kind === "node_started" && !bar) bars.set(event.uniqueId, { uniqueId: event.uniqueId, status: "running", start: at, end: null });
    else if (event.kind === "node_finished" && bar) {
      bar.status = event.status ?? bar.status;
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
