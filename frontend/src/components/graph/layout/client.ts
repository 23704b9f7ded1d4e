// The main thread's side of layout: post to the worker, await positions, cache them by the graph's
// content hash and the view, so reopening a view (or reloading) does not lay it out again.
import type { Engine, LayoutInput, Positions } from "./engines";
import type { LayoutRequest, LayoutResponse } from "./layout.worker";

export interface LayoutResult {
  positions: Positions;
  engine: Engine;
  ms: number;
  cached: boolean;
}

const MAX_CACHED = 64;
const memory = new Map<string, LayoutResult>();
let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();

function layoutWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
    const waiting = pending.get(event.data.id);
    if (!waiting) return;
    pending.delete(event.data.id);
    if (event.data.ok) {
      const { positions, engine, ms } = event.data;
      waiting.resolve({ positions, engine, ms, cached: false });
    } else waiting.reject(new Error(event.data.error));
  };
  return worker;
}

/**
 * Start the worker and ELK inside it before there is anything to lay out: loading ELK costs about a
 * second, which then overlaps the fetch of the graph instead of following it.
 */
export function warmLayout(): void {
  if (worker) return;
  // A small graph with a cycle runs ELK's whole layered pipeline once, so the first real layout is
  // not also the one that compiles it.
  const ids = Array.from({ length: 12 }, (_, i) => `w${i}`);
  const nodes = ids.map((id) => ({ id, width: 200, height: 40 }));
  const edges = ids.map((id, i) => ({ id: `${id}>`, source: id, target: ids[(i * 5 + 1) % ids.length]! }));
  const request: LayoutRequest = { id: 0, input: { nodes, edges }, prefer: "elk" };
  layoutWorker().postMessage(request);
}

/** A stable key for a layout: the same graph content and the same view give the same drawing. */
export async function layoutKey(contentHash: string, view: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(view));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${contentHash}:${hex}`;
}

function sessionCached(key: string): LayoutResult | null {
  try {
    const raw = sessionStorage.getItem(`dvt.layout.${key}`);
    return raw ? { ...(JSON.parse(raw) as LayoutResult), cached: true } : null;
  } catch {
    return null;
  }
}

function remember(key: string, result: LayoutResult): void {
  memory.set(key, result);
  if (memory.size > MAX_CACHED) memory.delete(memory.keys().next().value as string);
  try {
    sessionStorage.setItem(`dvt.layout.${key}`, JSON.stringify(result));
  } catch {
    // storage full: the memory cache still holds it
  }
}

const inFlight = new Map<string, Promise<LayoutResult>>();

export async function runLayout(key: string, input: LayoutInput, prefer: Engine = "elk"): Promise<LayoutResult> {
  const hit = memory.get(key) ?? sessionCached(key);
  if (hit) return { ...hit, cached: true };
  // The same view asked for twice while its layout runs waits for that one.
  const running = inFlight.get(key);
  if (running) return running;
  const id = nextId++;
  const promise = new Promise<LayoutResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: LayoutRequest = { id, input, prefer };
    layoutWorker().postMessage(request);
  })
    .then((result) => {
      remember(key, result);
      return result;
    })
    .finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}
