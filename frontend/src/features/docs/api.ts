// The docs' data access: the documented nodes of a version, searched on the server and paged.
import { infiniteQueryOptions } from "@tanstack/react-query";
import { graphql } from "../../gql";
import type { ResourceType } from "../../gql/graphql";
import { request } from "../../lib/graphql";

export const DOCS_PAGE = 200;
// The first page holds a screenful and a little more, so the list shows as soon as the server can write it.
const FIRST_DOCS_PAGE = 60;
/** The kinds the list shows until the reader picks others. */
export const DEFAULT_DOC_TYPES: readonly ResourceType[] = ["MODEL", "SOURCE", "SEED", "SNAPSHOT", "EXPOSURE"];

export const docsKeys = {
  all: ["docs"] as const,
  list: (project: string, env: string, search: string, types: readonly string[]) => [...docsKeys.all, project, env, search, types] as const,
};

// Asked of the environment, not of a version id: the list needs no answer before its own, so it is one
// round trip from the page opening (its latest version's id comes with it).
const DocsListQuery = graphql(`
  query DocsList($project: String!, $env: String!, $filter: NodeFilterInput, $after: String, $first: Int!) {
    environment(project: $project, slug: $env) {
      id
      latestGraphVersion {
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
  }
`);

export function docsListQuery(project: string, env: string, search: string, types: readonly ResourceType[] = DEFAULT_DOC_TYPES) {
  return infiniteQueryOptions({
    queryKey: docsKeys.list(project, env, search, types),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      request(DocsListQuery, {
        project,
        env,
        after: pageParam,
        first: pageParam === null ? FIRST_DOCS_PAGE : DOCS_PAGE,
        filter: { search: search || null, resourceTypes: types.length ? [...types] : null },
      }),
    getNextPageParam: (last) => {
      const nodes = last.environment?.latestGraphVersion?.nodes;
      return nodes?.pageInfo.hasNextPage ? nodes.pageInfo.endCursor : null;
    },
  });
}
