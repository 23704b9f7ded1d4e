// Plans' data access, in one place: the environment's plans, one plan, its nodes for the graph, and the
// mutations that make and decide plans. Query keys come from `planKeys` alone.
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useRemainingPages } from "../../lib/pages";
import type { CreatePlanInput, DecidePlanInput, PlanDetailQuery, PlanItemsQuery } from "../../gql/graphql";
import { request } from "../../lib/graphql";

export const planKeys = {
  all: ["plans"] as const,
  lists: () => [...planKeys.all, "list"] as const,
  list: (environmentId: string | undefined) => [...planKeys.lists(), environmentId] as const,
  detail: (planId: string) => [...planKeys.all, "detail", planId] as const,
  nodes: (planId: string) => [...planKeys.all, "nodes", planId] as const,
  items: (planId: string) => [...planKeys.all, "items", planId] as const,
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
      commitSha
      createdAt
      expiresAt
      decidedByName
      decidedAt
      decisionNote
      explanation
      request
      steps {
        index
        command
        request
      }
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
      itemCount
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

// Its items with what the table shows, a page at a time: the first page is small, so the table shows before
// the server has written thousands of items.
const PlanItemsQuery = graphql(`
  query PlanItems($id: ID!, $first: Int!, $offset: Int!) {
    plan(id: $id) {
      id
      items(first: $first, offset: $offset) {
        uniqueId
        step
        action
        wave
        why
        estimate {
          p50Cost
          p50Ms
          confidence
        }
      }
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

/** A plan item as the plan's table shows it (costs in the rate card's currency). */
export type PlanItem = NonNullable<PlanItemsQuery["plan"]>["items"][number];

export function planQuery(planId: string) {
  return queryOptions({
    queryKey: planKeys.detail(planId),
    queryFn: () => request(PlanQuery, { id: planId }),
    select: (data: PlanDetailQuery) => data.plan,
  });
}

// The first page is small, so the table shows as soon as a screenful is in; the rest follow behind it in
// pages whose answer the page takes in within one short task each.
const FIRST_ITEM_PAGE = 60;
const ITEM_PAGE = 1000;

export function planItemsQuery(planId: string) {
  return infiniteQueryOptions({
    queryKey: planKeys.items(planId),
    initialPageParam: 0,
    queryFn: ({ pageParam }) => request(PlanItemsQuery, { id: planId, first: pageParam === 0 ? FIRST_ITEM_PAGE : ITEM_PAGE, offset: pageParam }),
    getNextPageParam: (last, pages) => {
      const read = pages.reduce((sum, p) => sum + (p.plan?.items.length ?? 0), 0);
      return (last.plan?.items.length ?? 0) === (pages.length === 1 ? FIRST_ITEM_PAGE : ITEM_PAGE) ? read : undefined;
    },
  });
}

/** Every item of a plan, read a page at a time: the first page shows at once, the rest follow in order once
 * `more` (see useRemainingPages). */
export function usePlanItems(planId: string, more = true) {
  const query = useInfiniteQuery(planItemsQuery(planId));
  useRemainingPages(query, more);
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.plan?.items ?? []) ?? [], [query.data]);
  return { ...query, items, complete: !!query.data && !query.hasNextPage };
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
