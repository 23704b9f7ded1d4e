// Every view shows one of these while it has nothing else to show: loading, empty, or what went wrong.
import type { ReactNode } from "react";
import { statusWord } from "../lib/vocabulary";

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong</strong>
      <div>{message}</div>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

const STATUS_CLASS: Record<string, string> = {
  success: "ok",
  pass: "ok",
  approved: "ok",
  warning: "warn",
  warn: "warn",
  failed: "bad",
  error: "bad",
  fail: "bad",
  "runtime error": "bad",
  "partial success": "warn",
  rejected: "bad",
  canceled: "muted",
  skipped: "muted",
  expired: "muted",
  running: "live",
  queued: "wait",
  planning: "wait",
  awaiting_approval: "wait",
  awaiting_worker: "wait",
  draft: "wait",
};

// Keys are dbt's lower-case words: the schema's enums (RUNNING, RUNTIME_ERROR) and the words of the graph
// document and live events (success, runtime error) both read through statusWord, and show as people read them.
// `text`: the stored word beside a node status, shown when the server reads it UNKNOWN.
export function StatusBadge({ status, text }: { status: string | null | undefined; text?: string | null }) {
  const shown = statusWord(status, text) || "none";
  return <span className={`badge badge-${STATUS_CLASS[shown] ?? "muted"}`}>{shown.replaceAll("_", " ")}</span>;
}

export function statusClass(status: string | null | undefined): string {
  const word = statusWord(status);
  return word ? (STATUS_CLASS[word] ?? "muted") : "none";
}

/** The outcome of an action the user just took: a success to confirm, or what went wrong. */
export type NoticeValue = { ok: boolean; text: string } | null;

export function Notice({ value }: { value: NoticeValue }) {
  if (!value) return null;
  return (
    <div className={value.ok ? "state-ok" : "state-error"} role={value.ok ? "status" : "alert"}>
      {value.text}
    </div>
  );
}
