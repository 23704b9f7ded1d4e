// Settings' data access, in one place: planning, secrets and access queries, and every write settings
// make (grants, tokens, planning, quotas, secrets, projects, environments, ingest) as a mutation that
// refreshes what it changed. Query keys come from `settingsKeys` alone.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { graphql } from "../../gql";
import type {
  ConfigurePlanningInput,
  CreateApiTokenInput,
  CreateEnvironmentInput,
  CreateProjectInput,
  GrantRoleInput,
  RetireSecretInput,
  RevokeApiTokenInput,
  RevokeRoleInput,
  SetQuotasInput,
  SetSecretInput,
} from "../../gql/graphql";
import { environmentKeys } from "../../lib/environment";
import { request, requestWithFiles } from "../../lib/graphql";

export const settingsKeys = {
  all: ["settings"] as const,
  access: () => [...settingsKeys.all, "access"] as const,
  planning: (environmentId: string) => [...settingsKeys.all, "planning", environmentId] as const,
  secrets: (environmentId: string) => [...settingsKeys.all, "secrets", environmentId] as const,
};

export const AccessQuery = graphql(`
  query AccessOverview {
    grants {
      id
      principal
      role
      scope
      grantedBy
      createdAt
    }
    apiTokens {
      id
      name
      roles
      createdByName
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);

export const GrantRole = graphql(`
  mutation GrantRole($input: GrantRoleInput!) {
    grantRole(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const RevokeRole = graphql(`
  mutation RevokeRole($input: RevokeRoleInput!) {
    revokeRole(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const CreateApiToken = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      __typename
      ... on CreatedApiToken {
        token
      }
      ... on Error {
        message
      }
    }
  }
`);

export const RevokeApiToken = graphql(`
  mutation RevokeApiToken($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const ConfigurePlanning = graphql(`
  mutation ConfigurePlanning($input: ConfigurePlanningInput!) {
    configurePlanning(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const SetQuotas = graphql(`
  mutation SetQuotas($input: SetQuotasInput!) {
    setQuotas(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const PlanningQuery = graphql(`
  query EnvironmentPlanning($id: ID!) {
    node(id: $id) {
      ... on Environment {
        id
        policies
        rateCard
        quotas {
          maxConcurrentRuns
          monthlyCostBudget
        }
      }
    }
  }
`);

export const CreateProject = graphql(`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const CreateEnvironment = graphql(`
  mutation CreateEnvironment($input: CreateEnvironmentInput!) {
    createEnvironment(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const IngestArtifacts = graphql(`
  mutation IngestArtifacts($input: IngestArtifactsInput!) {
    ingestArtifacts(input: $input) {
      __typename
      ... on IngestResult {
        created
        nodes
        sources
        edges
        warnings
        graphVersion {
          sequence
        }
      }
      ... on ArtifactRejectedError {
        file
        problem
      }
      ... on Error {
        message
      }
    }
  }
`);

export const SecretsQuery = graphql(`
  query EnvironmentSecrets($id: ID!) {
    node(id: $id) {
      ... on Environment {
        id
        secrets {
          name
          envVar
          version
          createdAt
          rotatedAt
        }
      }
    }
  }
`);

export const SetSecret = graphql(`
  mutation SetSecret($input: SetSecretInput!) {
    setSecret(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const RetireSecret = graphql(`
  mutation RetireSecret($input: RetireSecretInput!) {
    retireSecret(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const accessQuery = () => queryOptions({ queryKey: settingsKeys.access(), queryFn: () => request(AccessQuery) });

export function planningQuery(environmentId: string) {
  return queryOptions({
    queryKey: settingsKeys.planning(environmentId),
    queryFn: () => request(PlanningQuery, { id: environmentId }),
    select: (d) => (d.node && "policies" in d.node ? d.node : null),
  });
}

export function secretsQuery(environmentId: string) {
  return queryOptions({
    queryKey: settingsKeys.secrets(environmentId),
    queryFn: () => request(SecretsQuery, { id: environmentId }),
    select: (d) => (d.node && "secrets" in d.node ? d.node.secrets : []),
  });
}

/** A write whose answer is read from the mutation's field, and which refreshes these keys once settled. */
function useWrite<TInput, TResult>(write: (input: TInput) => Promise<TResult>, refreshes: (input: TInput) => readonly (readonly unknown[])[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSettled: (_result, _error, input) => Promise.all(refreshes(input).map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

export const useGrantRole = () => useWrite(async (input: GrantRoleInput) => (await request(GrantRole, { input })).grantRole, () => [settingsKeys.access()]);
export const useRevokeRole = () => useWrite(async (input: RevokeRoleInput) => (await request(RevokeRole, { input })).revokeRole, () => [settingsKeys.access()]);
export const useCreateApiToken = () =>
  useWrite(async (input: CreateApiTokenInput) => (await request(CreateApiToken, { input })).createApiToken, () => [settingsKeys.access()]);
export const useRevokeApiToken = () =>
  useWrite(async (input: RevokeApiTokenInput) => (await request(RevokeApiToken, { input })).revokeApiToken, () => [settingsKeys.access()]);
export const useConfigurePlanning = () =>
  useWrite(
    async (input: ConfigurePlanningInput) => (await request(ConfigurePlanning, { input })).configurePlanning,
    (input) => [settingsKeys.planning(String(input.environmentId)), environmentKeys.environments()],
  );
export const useSetQuotas = () =>
  useWrite(
    async (input: SetQuotasInput) => (await request(SetQuotas, { input })).setQuotas,
    (input) => [settingsKeys.planning(String(input.environmentId)), environmentKeys.environments()],
  );
export const useSetSecret = () =>
  useWrite(async (input: SetSecretInput) => (await request(SetSecret, { input })).setSecret, (input) => [settingsKeys.secrets(String(input.environmentId))]);
export const useRetireSecret = () =>
  useWrite(async (input: RetireSecretInput) => (await request(RetireSecret, { input })).retireSecret, (input) => [settingsKeys.secrets(String(input.environmentId))]);
export const useCreateProject = () =>
  useWrite(async (input: CreateProjectInput) => (await request(CreateProject, { input })).createProject, () => [environmentKeys.projects()]);
export const useCreateEnvironment = () =>
  useWrite(async (input: CreateEnvironmentInput) => (await request(CreateEnvironment, { input })).createEnvironment, () => [environmentKeys.projects()]);

/** Artifacts uploaded (GraphQL multipart): a new graph version may change every view, so everything is read again. */
export function useIngestArtifacts() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ project, environment, files }: { project: string; environment: string; files: File[] }) =>
      (
        await requestWithFiles(
          IngestArtifacts,
          { input: { project, environment, files: files.map(() => null) as unknown as File[], createMissing: false } },
          files.map((file, i) => ({ path: `variables.input.files.${i}`, file })),
        )
      ).ingestArtifacts,
    onSuccess: () => client.invalidateQueries(),
  });
}
