// The diff's data access: what changed between two graph versions, and one node's code in both.
import { queryOptions } from "@tanstack/react-query";
import { graphql } from "../../gql";
import { request } from "../../lib/graphql";

export const diffKeys = {
  all: ["diff"] as const,
  versions: (base: string | undefined, head: string | undefined) => [...diffKeys.all, base, head] as const,
  code: (base: string, head: string, uniqueId: string) => [...diffKeys.all, "code", base, head, uniqueId] as const,
};

const DiffQuery = graphql(`
  query VersionDiff($base: ID!, $head: ID!) {
    diff(base: $base, head: $head) {
      added {
        uniqueId
        resourceType
        resourceTypeText
        category
      }
      removed {
        uniqueId
        resourceType
        resourceTypeText
        category
      }
      modified {
        uniqueId
        resourceType
        resourceTypeText
        category
        stateModified
        changes {
          kind
          category
          message
        }
      }
      impacted
      changedMacros
    }
  }
`);

const CodeQuery = graphql(`
  query NodeCode($versionId: ID!, $uniqueId: String!) {
    graphVersion(id: $versionId) {
      id
      node(uniqueId: $uniqueId) {
        id
        rawCode
        language
      }
    }
  }
`);

export function diffQuery(base: string | undefined, head: string | undefined) {
  return queryOptions({
    queryKey: diffKeys.versions(base, head),
    enabled: !!base && !!head,
    queryFn: () => request(DiffQuery, { base: base!, head: head! }),
    select: (d) => d.diff,
  });
}

export function codeDiffQuery(base: string, head: string, uniqueId: string) {
  return queryOptions({
    queryKey: diffKeys.code(base, head, uniqueId),
    queryFn: async () => {
      const [before, after] = await Promise.all([request(CodeQuery, { versionId: base, uniqueId }), request(CodeQuery, { versionId: head, uniqueId })]);
      return { before: before.graphVersion?.node, after: after.graphVersion?.node };
    },
  });
}
