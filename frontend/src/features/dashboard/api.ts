// The dashboard's data access: the environment at a glance, and the node results of its latest finished run.
import { queryOptions } from "@tanstack/react-query";
import { graphql } from "../../gql";
import { request } from "../../lib/graphql";

export const dashboardKeys = {
  all: ["dashboard"] as const,
  environment: (environmentId: string | undefined) => [...dashboardKeys.all, environmentId] as const,
  runNodes: (runId: string | undefined) => [...dashboardKeys.all, "run-nodes", runId] as const,
};

const DashboardQuery = graphql(`
  query Dashboard($environmentId: ID!) {
    runs(environmentId: $environmentId, first: 100) {
      nodes {
        id
        number
        status
        trigger
        actor
        actorName
        createdAt
        durationSeconds
        actualCost
      }
    }
    node(id: $environmentId) {
      ... on Environment {
        plans(first: 50) {
          nodes {
            id
            status
            createdByName
            createdAt
            approvalsRequired {
              role
              reason
            }
          }
        }
        invocations(first: 20) {
          nodes {
            invocationId
            command
            createdAt
            sourceFreshness {
              uniqueId
              status
              statusText
              maxLoadedAt
              ageSeconds
              error
            }
          }
        }
      }
    }
  }
`);

// Node results of one run only: a hundred runs' nodes would be tens of thousands of rows every refresh.
const RunNodesQuery = graphql(`
  query DashboardRunNodes($id: ID!) {
    run(id: $id) {
      id
      nodes {
        uniqueId
        status
        statusText
        executionTime
        message
      }
    }
  }
`);

export function dashboardQuery(environmentId: string | undefined) {
  return queryOptions({
    queryKey: dashboardKeys.environment(environmentId),
    enabled: !!environmentId,
    queryFn: () => request(DashboardQuery, { environmentId: environmentId! }),
    refetchInterval: 10_000,
  });
}

export function runNodesQuery(runId: string | undefined) {
  return queryOptions({
    queryKey: dashboardKeys.runNodes(runId),
    enabled: !!runId,
    staleTime: Infinity, // a finished run's results do not change
    queryFn: () => request(RunNodesQuery, { id: runId! }),
    select: (d) => d.run?.nodes ?? [],
  });
}
