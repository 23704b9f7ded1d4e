// The layout worker: receives a graph, answers with positions. One at a time, in order.
import { layout, type Engine, type LayoutInput } from "./engines";

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
  prefer: Engine;
}

export type LayoutResponse =
  | { id: number; ok: true; positions: Record<string, { x: number; y: number }>; engine: Engine; ms: number }
  | { id: number; ok: false; error: string };

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { id, input, prefer } = event.data;
  const started = performance.now();
  try {
    const result = await layout(input, prefer);
    const response: LayoutResponse = { id, ok: true, ...result, ms: performance.now() - started };
    self.postMessage(response);
  } catch (error) {
    const response: LayoutResponse = { id, ok: false, error: String(error) };
    self.postMessage(response);
  }
};
