import { graphql } from "../../gql";

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
      createdBy
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
