// Every view shows one of these while it has nothing else to show: loading, empty, or what went wrong.
import type { ReactNode } from "react";

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

// Keys are lower case: the schema's enums (RUNNING, AWAITING_APPROVAL) and dbt's node statuses (success, error)
// both read through here, and show as people read them.
export function StatusBadge({ status }: { status: string | null | undefined }) {
  const shown = status ? status.toLowerCase() : "none";
  return <span className={`badge badge-${STATUS_CLASS[shown] ?? "muted"}`}>{shown.replace("_", " ")}</span>;
}

export function statusClass(status: string | null | undefined): string {
  return status ? (STATUS_CLASS[status.toLowerCase()] ?? "muted") : "none";
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
