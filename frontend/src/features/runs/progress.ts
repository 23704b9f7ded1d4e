// A run's progress as people ask for it: "N of M nodes" and an ETA. M is what the plan runs (its RUN and
// PARTIAL items; ephemeral models are compiled into others, so dbt never runs them), N those finished. The
// ETA adds up the plan's p50 estimates of what is left, less the time a running node has already had: the
// same serial sum as the plan's own "estimated execution" total, so both read alike (dbt's threads make it
// an upper bound).

/** Statuses that mean "not finished yet" (dbt's words, see lib/vocabulary). */
const UNFINISHED: ReadonlySet<string> = new Set(["", "pending", "running"]);

export interface Progress {
  finished: number;
  total: number;
  /** Seconds left by the estimates; null when nothing is estimated (no plan items read). */
  etaSeconds: number | null;
}

/**
 * @param planned the plan's nodes that run: unique id -> p50 estimate in ms
 * @param statuses each node's status word, as the run's nodes and its live events say
 * @param startedAt when each node that has started did, in ms since the epoch
 * @param now the clock, in ms since the epoch
 * @param dispatched the run's own nodes once all are read (fixed at dispatch), else null: a planned node the
 *   run was not given is not waited for
 */
export function progressOf(
  planned: ReadonlyMap<string, number>,
  statuses: ReadonlyMap<string, string>,
  startedAt: ReadonlyMap<string, number>,
  now: number,
  dispatched: ReadonlySet<string> | null = null,
): Progress {
  let total = 0;
  let finished = 0;
  let leftMs = 0;
  for (const [uniqueId, p50Ms] of planned) {
    const status = statuses.get(uniqueId) ?? "";
    if (status === "ephemeral" || (dispatched && !dispatched.has(uniqueId))) continue;
    total += 1;
    if (!UNFINISHED.has(status)) {
      finished += 1;
      continue;
    }
    const started = status === "running" ? startedAt.get(uniqueId) : undefined;
    // A node running past its estimate is about to finish, as far as the estimate knows: it adds nothing.
    leftMs += started === undefined ? p50Ms : Math.max(0, p50Ms - Math.max(0, now - started));
  }
  return { finished, total, etaSeconds: planned.size ? leftMs / 1000 : null };
}

/** "3 of 10 nodes", with the ETA while something is left. */
export function progressText({ finished, total, etaSeconds }: Progress, formatSeconds: (seconds: number) => string): string {
  const count = `${finished} of ${total} node${total === 1 ? "" : "s"}`;
  if (finished >= total || etaSeconds === null) return count;
  return `${count} · about ${formatSeconds(etaSeconds)} left by the plan's p50 estimates`;
}
