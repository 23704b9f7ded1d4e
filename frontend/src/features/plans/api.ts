// Plans' data access, in one place: the environment's plans, one plan, its nodes for the graph, and the
// mutations that make and decide plans. Query keys come from `planKeys` alone.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreatePlanInput, DecidePlanInput, PlanDetailQuery } from "../../gql/graphql";
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
            createdByName
            createdAt
            decidedByName
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
      createdByName
      createdAt
      expiresAt
      decidedByName
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
      # Its items come from the contract document: thousands of typed items cost seconds to serialise.
      document
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

/** A plan item as the plan's contract has it (schema/contracts/execution-plan.v2.schema.json). */
interface PlanItemDoc {
  unique_id: string;
  resource_type: string;
  action: string;
  wave: number;
  priority: number;
  estimate: { p50_ms: number; p90_ms: number; p50_cost_micros: number; p90_cost_micros: number; confidence: string; evidence: string };
  decisions: { policy: string; reason: string; message: string; action: string | null; final: boolean }[];
}

const MICROS = 1_000_000; // cost micro-units per currency unit, as the contract counts them

export interface PlanItem {
  uniqueId: string;
  resourceType: string;
  action: string;
  wave: number;
  priority: number;
  estimate: { p50Ms: number; p90Ms: number; p50Cost: number; p90Cost: number; confidence: string; evidence: string };
  decisions: { policy: string; reason: string; message: string; action: string | null; final: boolean }[];
}

/** The items of a plan's contract document, as the page reads them (costs in currency units). */
export function planItemsOf(document: unknown): PlanItem[] {
  const items = ((document as { items?: PlanItemDoc[] } | null)?.items ?? []) as PlanItemDoc[];
  return items.map((i) => ({
    uniqueId: i.unique_id,
    resourceType: i.resource_type,
    action: i.action,
    wave: i.wave,
    priority: i.priority,
    estimate: {
      p50Ms: i.estimate.p50_ms,
      p90Ms: i.estimate.p90_ms,
      p50Cost: i.estimate.p50_cost_micros / MICROS,
      p90Cost: i.estimate.p90_cost_micros / MICROS,
      confidence: i.estimate.confidence,
      evidence: i.estimate.evidence,
    },
    decisions: i.decisions,
  }));
}

// Module-level, so TanStack Query maps the items once per fetch rather than once per render.
const selectPlan = (data: PlanDetailQuery) => (data.plan ? { ...data.plan, items: planItemsOf(data.plan.document) } : null);

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
