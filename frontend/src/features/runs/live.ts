// Following a run live: node statuses as its events arrive; a reconnect's replay is dropped by seq.
import { useEffect, useState } from "react";
import { graphql } from "../../gql";
import { subscribe } from "../../lib/subscriptions";
import { statusWord } from "../../lib/vocabulary";
import type { NodeStatus, RunEventKind, RunStatus } from "../../gql/graphql";

export const RunEventsSubscription = graphql(`
  subscription RunEvents($runId: ID!, $after: Int!) {
    runEvents(runId: $runId, after: $after) {
      cursor
      events {
        seq
        kind
        uniqueId
        runStatus
        nodeStatus
        statusText
        message
        payload
        createdAt
      }
    }
  }
`);

export interface LiveEvent {
  seq: number;
  kind: RunEventKind;
  uniqueId?: string | null;
  runStatus?: RunStatus | null;
  nodeStatus?: NodeStatus | null;
  statusText?: string | null;
  message: string;
  payload: unknown;
  createdAt: string;
}

/** Fold one event into node statuses: what the graph colours and the timeline draws. */
export function applyEvent(statuses: Map<string, string>, event: LiveEvent): Map<string, string> {
  if (!event.uniqueId) return statuses;
  if (event.kind === "NODE_STARTED") statuses.set(event.uniqueId, "running");
  else if (event.kind === "NODE_FINISHED" && event.nodeStatus) statuses.set(event.uniqueId, statusWord(event.nodeStatus, event.statusText));
  return statuses;
}

export interface RunFeed {
  events: LiveEvent[];
  /** The run's status as its latest `status` event says. */
  runStatus: RunStatus | null;
  connected: boolean;
  /** The server completed the feed: the run has ended and every event has arrived. */
  complete: boolean;
  error: string | null;
}

const EMPTY: RunFeed = { events: [], runStatus: null, connected: false, complete: false, error: null };

/** Every event of a run, replayed then live, while `active`; stops when the run ends. */
export function useRunEvents(runId: string | null, active: boolean): RunFeed {
  const [feed, setFeed] = useState<RunFeed>(EMPTY);
  useEffect(() => {
    setFeed(EMPTY);
    if (!runId || !active) return;
    let cursor = 0;
    const stop = subscribe(RunEventsSubscription, { runId, after: 0 }, {
      next: (data) => {
        const batch = data.runEvents;
        const fresh: LiveEvent[] = batch.events.filter((e) => e.seq > cursor);
        cursor = Math.max(cursor, batch.cursor);
        setFeed((current) => {
          const status = [...fresh].reverse().find((e) => e.runStatus)?.runStatus ?? current.runStatus;
          return { ...current, events: [...current.events, ...fresh], runStatus: status, connected: true, error: null };
        });
      },
      error: (error) => setFeed((current) => ({ ...current, connected: false, error: error.message })),
      complete: () => setFeed((current) => ({ ...current, connected: false, complete: true })),
    });
    return stop;
  }, [runId, active]);
  return feed;
}
