// The graph's data access, in one place: the environment's graph versions, the whole graph of a version
// in one document, one node's details, the status of each node in the latest run, the saved canvas; and
// the one command other views give the workspace (show these nodes). Query keys come from `graphKeys`.
import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { graphql } from "../../gql";
import { request } from "../../lib/graphql";
import { buildGraph, type LogicalGraph, type LogicalGraphDocument } from "../../lib/graph/model";
import { CanvasQuery, saveCanvas, type Saved } from "./canvas";
import { useWorkspace } from "./store";

export const graphKeys = {
  all: ["graph"] as const,
  versions: (environmentId: string | undefined) => [...graphKeys.all, "versions", environmentId] as const,
  document: (versionId: string | null | undefined) => [...graphKeys.all, "document", versionId] as const,
  node: (versionId: string | null | undefined, uniqueId: string | null) => [...graphKeys.all, "node", versionId, uniqueId] as const,
  latestRun: (environmentId: string | null | undefined) => [...graphKeys.all, "latest-run", environmentId] as const,
  canvas: (projectId: string | undefined) => [...graphKeys.all, "canvas", projectId] as const,
};

const VersionsQuery = graphql(`
  query GraphVersions($environmentId: ID!) {
    node(id: $environmentId) {
      ... on Environment {
        graphVersions(first: 100) {
          nodes {
            id
            sequence
            contentHash
            dbtVersion
            manifestSchemaVersion
            invocationId
            generatedAt
            nodeCount
            createdAt
          }
        }
      }
    }
  }
`);

/** The environment's graph versions, newest first. */
export function useGraphVersions(environmentId: string | undefined) {
  return useQuery({
    queryKey: graphKeys.versions(environmentId),
    enabled: !!environmentId,
    queryFn: () => request(VersionsQuery, { environmentId: environmentId! }),
    select: (data) => (data.node && "graphVersions" in data.node ? data.node.graphVersions.nodes : []),
  });
}

/** Open the workspace with these nodes highlighted (the caller navigates to it). */
export function showInWorkspace(uniqueIds: Iterable<string>, reason: string): void {
  useWorkspace.getState().setHighlight({ uniqueIds: [...uniqueIds], reason });
}

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
    queryKey: graphKeys.document(versionId),
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
        resourceTypeText
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
          resourceTypeText
        }
        runHistory {
          invocationId
          status
          statusText
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
    queryKey: graphKeys.node(versionId, uniqueId),
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
          statusText
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
    queryKey: graphKeys.latestRun(environmentId),
    enabled: !!environmentId,
    queryFn: () => request(LatestRunQuery, { environmentId: environmentId! }),
    select: (data) => data.runs.nodes[0] ?? null,
    // While a run is going, the workspace follows it live (RunFollower); otherwise this is enough.
    refetchInterval: 30_000,
  });
}

/** The project's saved workspace (CanvasState); restored once, then saved as it changes. */
export function canvasQuery(projectId: string | undefined) {
  return queryOptions({
    queryKey: graphKeys.canvas(projectId),
    enabled: !!projectId,
    queryFn: () => request(CanvasQuery, { projectId: projectId! }),
    select: (data) => data.canvasState,
    staleTime: Infinity,
  });
}

/** Save the workspace over the revision it started from; a conflict is an outcome, not an error. */
// The workspace keeps the revision it saved itself: the stored query is its starting point only.
export function useSaveCanvas(projectId: string | undefined) {
  return useMutation({
    mutationFn: ({ expected, state }: { expected: number; state: Saved }) => saveCanvas(projectId!, expected, state),
  });
}
