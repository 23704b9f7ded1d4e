// Runs' data access, in one place: the list, one run, the mutations on runs, and its live feeds
// (graphql-transport-ws subscriptions that resume from a cursor, in live.ts). Other features reach runs
// only through this module; query keys come from `runKeys` alone.
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { graphql } from "../../gql";
import type { RunNodesQuery as RunNodesResult, RunStatus, RunTrigger, TriggerRunInput } from "../../gql/graphql";
import { request } from "../../lib/graphql";
import { useRemainingPages } from "../../lib/pages";

export { applyEvent, useRunEvents, type LiveEvent, type RunFeed } from "./live";

/** Every run status, in lifecycle order, each saying whether the run is still going (the schema's RunStatus). */
const GOING: Record<RunStatus, boolean> = {
  QUEUED: true,
  PLANNING: true,
  AWAITING_APPROVAL: true,
  AWAITING_WORKER: true,
  RUNNING: true,
  SUCCESS: false,
  WARNING: false,
  FAILED: false,
  CANCELED: false,
};
export const RUN_STATUSES = Object.keys(GOING) as RunStatus[];
export const ACTIVE: ReadonlySet<string> = new Set(RUN_STATUSES.filter((s) => GOING[s]));
/** Every trigger (the schema's RunTrigger), as people read it. */
export const RUN_TRIGGERS: Record<RunTrigger, string> = {
  MANUAL: "manual",
  CLI: "cli",
  RETRY: "retry",
  API: "api",
  SCHEDULE: "schedule",
  JOB_COMPLETION: "after another job",
};

export interface RunFilters {
  status: RunStatus | "";
  trigger: RunTrigger | "";
  actor: string;
}

export const runKeys = {
  all: ["runs"] as const,
  lists: () => [...runKeys.all, "list"] as const,
  list: (environmentId: string | undefined, filters: RunFilters) => [...runKeys.lists(), environmentId, filters] as const,
  detail: (runId: string) => [...runKeys.all, "detail", runId] as const,
  // Under the run's key: invalidating the run reads its nodes again too.
  nodes: (runId: string) => [...runKeys.detail(runId), "nodes"] as const,
  // A sealed plan never changes: its estimates are read once per plan.
  estimates: (planId: string) => [...runKeys.all, "estimates", planId] as const,
};

export const RunsQuery = graphql(`
  query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {
    runs(environmentId: $environmentId, status: $status, trigger: $trigger, actor: $actor, first: $first, after: $after) {
      nodes {
        id
        number
        status
        reason
        trigger
        actor
        actorName
        attempt
        createdAt
        startedAt
        finishedAt
        durationSeconds
        queueWaitSeconds
        estimatedCost
        actualCost
        regressions
        job {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const RunQuery = graphql(`
  query RunDetail($id: ID!) {
    run(id: $id) {
      id
      number
      status
      reason
      trigger
      actor
      actorName
      attempt
      traceId
      commitSha
      worker
      exitCode
      createdAt
      startedAt
      finishedAt
      cancelRequestedAt
      durationSeconds
      queueWaitSeconds
      estimatedCost
      actualCost
      regressions
      artifacts
      eventCount
      nodeCount
      limits
      plan {
        id
        status
      }
      job {
        id
        name
      }
      retryOf {
        id
      }
      graphVersion {
        id
        sequence
        artifacts {
          id
          kind
          schemaVersion
          dbtVersion
          sizeBytes
          fileName
          downloadPath
        }
      }
    }
  }
`);

// A run's nodes, a page at a time: thousands of them in one answer take the server seconds to write.
// Each page starts after the previous page's last unique id (the database reads that page alone).
export const RunNodesQuery = graphql(`
  query RunNodes($id: ID!, $first: Int!, $after: String) {
    run(id: $id) {
      id
      nodes(first: $first, after: $after) {
        uniqueId
        status
        statusText
        startedAt
        finishedAt
        executionTime
        rowsAffected
        message
        estimatedCost
        actualCost
        regression
      }
    }
  }
`);

// What the run's plan runs, with each node's p50 estimate: the progress's M and its ETA. A page at a time, as
// the plan's own table reads its items.
const RunPlanEstimatesQuery = graphql(`
  query RunPlanEstimates($id: ID!, $first: Int!, $offset: Int!) {
    plan(id: $id) {
      id
      items(first: $first, offset: $offset) {
        uniqueId
        action
        estimate {
          p50Ms
        }
      }
    }
  }
`);

export const RunLogsSubscription = graphql(`
  subscription RunLogs($runId: ID!, $after: Int!) {
    runLogs(runId: $runId, after: $after) {
      cursor
      chunks {
        seq
        stream
        text
      }
    }
  }
`);

// What every run mutation answers: the run, or the error to show.
export const RunOutcome = graphql(`
  fragment RunOutcome on RunResult {
    __typename
    ... on Run {
      id
      status
    }
    ... on Error {
      message
    }
  }
`);

export const TriggerRun = graphql(`
  mutation TriggerRun($input: TriggerRunInput!) {
    triggerRun(input: $input) {
      ...RunOutcome
    }
  }
`);

export const CancelRun = graphql(`
  mutation CancelRun($runId: ID!) {
    cancelRun(runId: $runId) {
      ...RunOutcome
    }
  }
`);

export const RetryRun = graphql(`
  mutation RetryRun($runId: ID!) {
    retryRun(runId: $runId) {
      ...RunOutcome
    }
  }
`);

/** The environment's runs, newest first; refreshed often while one of them is going. */
export function runListQuery(environmentId: string | undefined, filters: RunFilters) {
  return queryOptions({
    queryKey: runKeys.list(environmentId, filters),
    enabled: !!environmentId,
    placeholderData: keepPreviousData,
    queryFn: () =>
      request(RunsQuery, {
        environmentId: environmentId!,
        status: filters.status ? [filters.status] : null,
        trigger: filters.trigger || null,
        actor: filters.actor || null,
        first: 100,
      }),
    // Lists refresh while something is going; a finished list stays put.
    refetchInterval: (query) => (query.state.data?.runs.nodes.some((r) => ACTIVE.has(r.status)) ? 2000 : 15_000),
  });
}

/** One run with its nodes, costs and artifacts. */
export function runQuery(runId: string | null | undefined) {
  return queryOptions({
    queryKey: runKeys.detail(runId ?? ""),
    enabled: !!runId,
    queryFn: () => request(RunQuery, { id: runId! }),
    select: (data) => data.run,
  });
}

// The first page is small, so the table shows as soon as a screenful is in; the rest follow in pages as
// large as the server gives (its MAX_ROWS), behind the table.
const FIRST_NODE_PAGE = 60;
const NODE_PAGE = 1000;

export function runNodesQuery(runId: string | null | undefined) {
  return infiniteQueryOptions({
    queryKey: runKeys.nodes(runId ?? ""),
    enabled: !!runId,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => request(RunNodesQuery, { id: runId!, first: pageParam === null ? FIRST_NODE_PAGE : NODE_PAGE, after: pageParam }),
    getNextPageParam: (last, pages) => {
      const nodes = last.run?.nodes ?? [];
      return nodes.length === (pages.length === 1 ? FIRST_NODE_PAGE : NODE_PAGE) ? nodes.at(-1)!.uniqueId : undefined;
    },
  });
}

/** One node of a run as its page reads it. */
export type RunNode = NonNullable<RunNodesResult["run"]>["nodes"][number];

/** Every node of a run, read a page at a time: the first page shows at once, the rest follow in order once
 * `more` (see useRemainingPages). */
export function useRunNodes(runId: string | null | undefined, more = true) {
  const query = useInfiniteQuery(runNodesQuery(runId));
  useRemainingPages(query, more);
  const nodes = useMemo(() => query.data?.pages.flatMap((p) => p.run?.nodes ?? []) ?? [], [query.data]);
  return { ...query, nodes, complete: !!query.data && !query.hasNextPage };
}

const ESTIMATE_PAGE = 1000;

/** The plan's nodes that run (RUN and PARTIAL items): unique id -> p50 estimate in ms. */
export function plannedEstimatesQuery(planId: string | null | undefined) {
  return infiniteQueryOptions({
    queryKey: runKeys.estimates(planId ?? ""),
    enabled: !!planId,
    staleTime: Infinity,
    initialPageParam: 0,
    queryFn: ({ pageParam }) => request(RunPlanEstimatesQuery, { id: planId!, first: ESTIMATE_PAGE, offset: pageParam }),
    getNextPageParam: (last, pages) => ((last.plan?.items.length ?? 0) === ESTIMATE_PAGE ? pages.length * ESTIMATE_PAGE : undefined),
  });
}

export function usePlannedEstimates(planId: string | null | undefined) {
  const query = useInfiniteQuery(plannedEstimatesQuery(planId));
  useRemainingPages(query, true);
  const planned = useMemo(() => {
    const map = new Map<string, number>();
    for (const page of query.data?.pages ?? []) for (const item of page.plan?.items ?? []) if (item.action !== "SKIP") map.set(item.uniqueId, item.estimate.p50Ms);
    return map;
  }, [query.data]);
  return { planned, complete: !!query.data && !query.hasNextPage };
}

/** Start a run (of a plan, or of a selection planned now); the answer is the run or the refusal. */
export function useTriggerRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: TriggerRunInput) => (await request(TriggerRun, { input })).triggerRun,
    onSuccess: () => client.invalidateQueries({ queryKey: runKeys.lists() }),
  });
}

export function useCancelRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (runId: string) => (await request(CancelRun, { runId })).cancelRun,
    onSettled: (_result, _error, runId) => client.invalidateQueries({ queryKey: runKeys.detail(runId) }),
  });
}

export function useRetryRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (runId: string) => (await request(RetryRun, { runId })).retryRun,
    onSuccess: () => client.invalidateQueries({ queryKey: runKeys.lists() }),
  });
}
