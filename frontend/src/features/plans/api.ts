// Plans' data access, in one place: the environment's plans, one plan, its nodes for the graph, and the
// mutations that make and decide plans. Query keys come from `planKeys` alone.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreatePlanInput, DecidePlanInput, PlanAction, PlanDetailQuery } from "../../gql/graphql";
import { request } from "../../lib/graphql";

export const planKeys = {
  all: ["plans"] as const,
  lists: () => [...planKeys.all, "list"] as const,
  list: (environmentId: string | undefined) => [...planKeys.lists(), environmentId] as const,
  detail: (planId: string) => [...planKeys.all, "detail", planId] as const,
  nodes: (planId: string) => [...planKeys.all, "nodes", planId] as const,
};

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
      # Its items as one JSON list of what the table shows: thousands of typed items cost seconds to
      # serialise, and the whole contract document is ten times the bytes.
      itemSummaries
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

const PlanNodesQuery = graphql(`
  query PlanNodes($id: ID!) {
    plan(id: $id) {
      id
      items {
        uniqueId
        action
      }
    }
  }
`);

export function planListQuery(environmentId: string | undefined) {
  return queryOptions({
    queryKey: planKeys.list(environmentId),
    enabled: !!environmentId,
    queryFn: () => request(PlansQuery, { environmentId: environmentId! }),
    select: (data) => (data.node && "plans" in data.node ? data.node.plans.nodes : []),
  });
}

/** A plan item as the plan's table shows it (the schema's `Plan.itemSummaries`; costs in currency units). */
export interface PlanItem {
  uniqueId: string;
  resourceType: string;
  action: PlanAction;
  wave: number;
  why: string;
  p50Cost: number;
  p50Ms: number;
  confidence: string;
}

/** The items of a plan's `itemSummaries` (none when it has none). */
export function planItemsOf(summaries: unknown): PlanItem[] {
  return Array.isArray(summaries) ? (summaries as PlanItem[]) : [];
}

// Module-level, so TanStack Query maps the items once per fetch rather than once per render.
const selectPlan = (data: PlanDetailQuery) => (data.plan ? { ...data.plan, items: planItemsOf(data.plan.itemSummaries) } : null);

export function planQuery(planId: string) {
  return queryOptions({
    queryKey: planKeys.detail(planId),
    queryFn: () => request(PlanQuery, { id: planId }),
    select: selectPlan,
  });
}

/** A plan's nodes and actions only: what the graph highlights. */
export function planNodesQuery(planId: string | null) {
  return queryOptions({
    queryKey: planKeys.nodes(planId ?? ""),
    enabled: !!planId,
    queryFn: () => request(PlanNodesQuery, { id: planId! }),
    select: (data) => data.plan?.items ?? [],
  });
}

export function useCreatePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreatePlanInput) => (await request(CreatePlan, { input })).createPlan,
    onSuccess: () => client.invalidateQueries({ queryKey: planKeys.lists() }),
  });
}

/** Approve or reject a plan; either way its page and the lists read it again. */
export function useDecidePlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ approve, input }: { approve: boolean; input: DecidePlanInput }) =>
      approve ? (await request(ApprovePlan, { input })).approvePlan : (await request(RejectPlan, { input })).rejectPlan,
    onSettled: () => client.invalidateQueries({ queryKey: planKeys.all }),
  });
}
