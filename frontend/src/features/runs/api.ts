// Runs: the list, one run, and its live feeds (graphql-transport-ws subscriptions that resume from a cursor).
import { graphql } from "../../gql";

export const ACTIVE = new Set(["queued", "planning", "awaiting_approval", "awaiting_worker", "running"]);

export const RunsQuery = graphql(`
  query Runs($environmentId: ID!, $status: [String!], $trigger: String, $actor: String, $first: Int, $after: String) {
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
