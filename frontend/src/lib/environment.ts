// The environment a view works in comes from the URL (/p/:project/e/:env), so every view is a link.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { graphql } from "../gql";
import { request } from "./graphql";

export const EnvironmentQuery = graphql(`
  query CurrentEnvironment($project: String!, $env: String!) {
    environment(project: $project, slug: $env) {
      id
      slug
      name
      adapter
      gitRef
      scope
      quotas {
        maxConcurrentRuns
        monthlyCostBudget
      }
      rateCard
      currency
      project {
        id
        slug
        name
        repository
        organization {
          slug
        }
      }
      latestGraphVersion {
        id
        sequence
        contentHash
        dbtVersion
        nodeCount
        createdAt
      }
    }
  }
`);

/** Query keys of what every view shares: the current environment, the projects list, the caller's permissions. */
export const environmentKeys = {
  environment: (project: string, env: string) => ["environment", project, env] as const,
  environments: () => ["environment"] as const,
  projects: () => ["projects"] as const,
  permissions: (scope: string | null) => ["permissions", scope] as const,
};

export function useRoute(): { project: string; env: string; base: string } {
  const { project = "", env = "" } = useParams();
  return { project, env, base: `/p/${encodeURIComponent(project)}/e/${encodeURIComponent(env)}` };
}

export function environmentQuery(project: string, env: string) {
  return queryOptions({
    queryKey: environmentKeys.environment(project, env),
    queryFn: () => request(EnvironmentQuery, { project, env }),
  });
}

export function useEnvironment() {
  const { project, env } = useRoute();
  return useQuery({ ...environmentQuery(project, env), select: (data) => data.environment });
}

/** The currency every cost of this environment is in (its rate card's), for `money()`. */
export function useCurrency(): string {
  return useEnvironment().data?.currency ?? "USD";
}

export const ProjectsQuery = graphql(`
  query Projects {
    tenant {
      slug
      name
    }
    viewer {
      subject
      displayName
      kind
    }
    organizations {
      slug
      name
      projects {
        slug
        name
        environments {
          slug
          name
        }
      }
    }
  }
`);

export function useProjects() {
  return useQuery({ queryKey: environmentKeys.projects(), queryFn: () => request(ProjectsQuery), staleTime: 60_000 });
}

const PermissionsQuery = graphql(`
  query PermissionsOn($scope: String!) {
    permissionsOn(scope: $scope)
  }
`);

/** What the caller may do in this environment, so buttons they cannot use are not offered. */
export function usePermissions(): Set<string> {
  const environment = useEnvironment();
  const scope = environment.data?.scope || null;
  const query = useQuery({
    queryKey: environmentKeys.permissions(scope),
    enabled: !!scope,
    queryFn: () => request(PermissionsQuery, { scope: scope! }),
    staleTime: 60_000,
  });
  return new Set(query.data?.permissionsOn ?? []);
}
