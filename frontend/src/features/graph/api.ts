// Server state of the workspace: the whole graph of a version in one document, one node's details,
// and the status of each node in the environment's latest run.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { graphql } from "../../gql";
import { request } from "../../lib/graphql";
import { buildGraph, type LogicalGraph, type LogicalGraphDocument } from "./model";

const GraphDocumentQuery = graphql(`
  query GraphDocument($id: ID!) {
    graphVersion(id: $id) {
      id
      contentHash
      graph
    }
  }
`);

export function useLogicalGraph(versionId: string | null | undefined) {
  const query = useQuery({
    queryKey: ["graph-document", versionId],
    enabled: !!versionId,
    // A graph version never changes: fetch it once.
    staleTime: Infinity,
    queryFn: async () => {
      const { graphVersion } = await request(GraphDocumentQuery, { id: versionId! });
      if (!graphVersion) throw new Error("this graph version is gone or not yours to see");
      performance.mark("dvt:graph-fetched");
      return graphVersion.graph as LogicalGraphDocument;
    },
  });
  const graph = useMemo<LogicalGraph | null>(() => (query.data ? buildGraph(query.data) : null), [query.data]);
  return { ...query, graph };
}

export const NodeDetailQuery = graphql(`
  query NodeDetail($versionId: ID!, $uniqueId: String!) {
    graphVersion(id: $versionId) {
      id
      node(uniqueId: $uniqueId) {
        id
        uniqueId
        name
        resourceType
        packageName
        path
        description
        materialized
        tags
        owner
        group
        access
        language
        rawCode
        compiledCode
        relationName
        dependsOn
        config
        columns {
          name
          dataType
          description
          tags
        }
        tests {
          uniqueId
          name
          resourceType
        }
        runHistory {
          invocationId
          status
          executionTime
          completedAt
          rowsAffected
          message
        }
      }
    }
  }
`);

export function useNodeDetail(versionId: string | null | undefined, uniqueId: string | null) {
  return useQuery({
    queryKey: ["node-detail", versionId, uniqueId],
    enabled: !!versionId && !!uniqueId,
    staleTime: Infinity,
    queryFn: () => request(NodeDetailQuery, { versionId: versionId!, uniqueId: uniqueId! }),
    select: (data) => data.graphVersion?.node ?? null,
  });
}

export const LatestRunQuery = graphql(`
  query LatestRunStatus($environmentId: ID!) {
    runs(environmentId: $environmentId, first: 1) {
      nodes {
        id
        status
        createdAt
        nodes {
          uniqueId
          status
          actualCost
          estimatedCost
          executionTime
        }
      }
    }
  }
`);

export function useLatestRun(environmentId: string | null | undefined) {
  return useQuery({
    queryKey: ["latest-run", environmentId],
    enabled: !!environmentId,
    queryFn: () => request(LatestRunQuery, { environmentId: environmentId! }),
    select: (data) => data.runs.nodes[0] ?? null,
    // While a run is going, the workspace follows it live (RunFollower); otherwise this is enough.
    refetchInterval: 30_000,
  });
}
