// Runs: the list, one run, and its live feeds (graphql-transport-ws subscriptions that resume from a cursor).
import { graphql } from "../../gql";
import type { RunStatus, RunTrigger } from "../../gql/graphql";

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
export const RUN_TRIGGERS: Record<RunTrigger, string> = { MANUAL: "manual", CLI: "cli", RETRY: "retry", API: "api" };

/** A run's status as its `status` events carry it (the domain's value) in the schema's enum form. */
export function runStatusOf(eventStatus: string): RunStatus {
  return eventStatus.toUpperCase() as RunStatus;
}

export const RunsQuery = graphql(`
  query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {
    runs(environmentId: $environmentId, status: $status, trigger: $trigger, actor: $actor, first: $first, after: $after) {
      nodes {
        id
        status
        reason
        trigger
        actor
        attempt
        createdAt
        startedAt
        finishedAt
        durationSeconds
        queueWaitSeconds
        estimatedCost
        actualCost
        regressions
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
      status
      reason
      trigger
      actor
      attempt
      traceId
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
      limits
      plan {
        id
        status
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
      nodes {
        uniqueId
        resourceType
        status
        startedAt
        finishedAt
        executionTime
        rowsAffected
        queryId
        message
        estimatedCost
        actualCost
        regression
      }
    }
  }
`);

export const RunEventsSubscription = graphql(`
  subscription RunEvents($runId: ID!, $after: Int!) {
    runEvents(runId: $runId, after: $after) {
      cursor
      events {
        seq
        kind
        uniqueId
        status
        message
        payload
        createdAt
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
