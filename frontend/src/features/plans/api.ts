import { graphql } from "../../gql";

export const PlansQuery = graphql(`
  query EnvironmentPlans($environmentId: ID!) {
    node(id: $environmentId) {
      ... on Environment {
        plans(first: 50) {
          nodes {
            id
            status
            createdBy
            createdAt
            decidedBy
            totals {
              run
              skip
              partial
              p50Cost
            }
            approvalsRequired {
              role
            }
          }
        }
      }
    }
  }
`);

// What every plan mutation answers: the plan, or the error to show.
export const PlanOutcome = graphql(`
  fragment PlanOutcome on PlanResult {
    __typename
    ... on Plan {
      id
      status
    }
    ... on Error {
      message
    }
  }
`);

export const CreatePlan = graphql(`
  mutation CreatePlan($input: CreatePlanInput!) {
    createPlan(input: $input) {
      ...PlanOutcome
    }
  }
`);

export const PlanQuery = graphql(`
  query PlanDetail($id: ID!) {
    plan(id: $id) {
      id
      fingerprint
      status
      createdBy
      createdAt
      expiresAt
      decidedBy
      decidedAt
      decisionNote
      explanation
      request
      selected
      totals {
        run
        skip
        partial
        p50Ms
        p90Ms
        p50Cost
        p90Cost
        budgetRemaining
      }
      approvalsRequired {
        policy
        reason
        role
      }
      items {
        uniqueId
        resourceType
        action
        wave
        priority
        estimate {
          p50Ms
          p50Cost
          p90Cost
          confidence
          evidence
        }
        decisions {
          policy
          reason
          message
          action
          final
        }
      }
      headVersion {
        id
        sequence
      }
      baseVersion {
        id
        sequence
      }
    }
  }
`);

export const ApprovePlan = graphql(`
  mutation ApprovePlan($input: DecidePlanInput!) {
    approvePlan(input: $input) {
      ...PlanOutcome
    }
  }
`);

export const RejectPlan = graphql(`
  mutation RejectPlan($input: DecidePlanInput!) {
    rejectPlan(input: $input) {
      ...PlanOutcome
    }
  }
`);
