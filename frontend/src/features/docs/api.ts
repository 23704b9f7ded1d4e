// The docs' data access: the documented nodes of a version, searched on the server and paged.
import { infiniteQueryOptions } from "@tanstack/react-query";
import { graphql } from "../../gql";
import type { ResourceType } from "../../gql/graphql";
import { request } from "../../lib/graphql";

export const DOCS_PAGE = 200;
/** The kinds the list shows until the reader picks others. */
export const DEFAULT_DOC_TYPES: readonly ResourceType[] = ["MODEL", "SOURCE", "SEED", "SNAPSHOT", "EXPOSURE"];

export const docsKeys = {
  all: ["docs"] as const,
  list: (versionId: string | undefined, search: string, types: readonly string[]) => [...docsKeys.all, versionId, search, types] as const,
};

const DocsListQuery = graphql(`
  query DocsList($id: ID!, $filter: NodeFilterInput, $after: String, $first: Int!) {
    graphVersion(id: $id) {
      id
      nodes(first: $first, after: $after, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          uniqueId
          name
          resourceType
          resourceTypeText
          description
          packageName
        }
      }
    }
  }
`);

export function docsListQuery(versionId: string | undefined, search: string, types: readonly ResourceType[] = DEFAULT_DOC_TYPES) {
  return infiniteQueryOptions({
    queryKey: docsKeys.list(versionId, search, types),
    enabled: !!versionId,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      request(DocsListQuery, {
        id: versionId!,
        after: pageParam,
        first: DOCS_PAGE,
        filter: { search: search || null, resourceTypes: types.length ? [...types] : null },
      }),
    getNextPageParam: (last) => (last.graphVersion?.nodes.pageInfo.hasNextPage ? last.graphVersion.nodes.pageInfo.endCursor : null),
  });
}
