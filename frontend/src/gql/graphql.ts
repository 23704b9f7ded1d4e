/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** How much a change matters to what reads the node */
export type ChangeCategory =
  | 'BREAKING'
  | 'METADATA_ONLY'
  | 'NON_BREAKING';

export type ChangePasswordInput = {
  currentPassword: string;
  newPassword: string;
};

export type ConfigurePlanningInput = {
  environmentId: string | number;
  /** Settings by policy id, e.g. {"limit_cost_budget": {"mode": "trim"}} */
  policies: unknown;
  /** {"price_per_compute_hour": 2.5}; on Snowflake {"warehouse_size": "SMALL", "price_per_credit": 3} */
  rateCard: unknown;
};

export type CreateApiTokenInput = {
  name: string;
  roles: Array<string>;
};

export type CreateEnvironmentInput = {
  /** duckdb, postgres or snowflake */
  adapter: string;
  gitRef?: string;
  name?: string | null | undefined;
  project: string;
  /** Non-secret connection settings */
  settings?: unknown;
  slug: string;
};

export type CreateJobInput = {
  /** Run after this job's runs */
  afterJobId?: string | number | null | undefined;
  afterOutcome?: JobAfterOutcome | null | undefined;
  /** Five cron fields; with `timezone` */
  cron?: string | null | undefined;
  environmentId: string | number;
  misfire?: JobMisfirePolicy | null | undefined;
  name: string;
  overlap?: JobOverlapPolicy | null | undefined;
  paused?: boolean;
  /** Each a dbt command line: `build -s tag:daily --exclude x --full-refresh` (one step in this phase) */
  steps: Array<string>;
  timeoutSeconds?: number | null | undefined;
  /** An IANA time zone (default UTC) */
  timezone?: string | null | undefined;
};

export type CreatePlanInput = {
  environmentId: string | number;
  exclude?: Array<string> | null | undefined;
  fullRefresh?: boolean;
  /** eager, cautious, buildable or empty */
  indirectSelection?: string;
  /** Plan the commit this branch, tag or sha names now (dbt parses it if DVT never did); without it, the environment's current graph */
  ref?: string | null | undefined;
  /** dbt selection (--select) */
  select?: Array<string> | null | undefined;
  /** A YAML selector of the project */
  selector?: string | null | undefined;
  /** The graph version to compare with; the previous one when omitted */
  stateVersionId?: string | number | null | undefined;
  vars?: unknown;
};

export type CreateProjectInput = {
  name?: string | null | undefined;
  organization?: string;
  /** Git URL or local path of the dbt project */
  repository: string;
  slug: string;
  subdirectory?: string | null | undefined;
};

export type DecidePlanInput = {
  /** The fingerprint you reviewed: a different plan is refused */
  fingerprint: string;
  planId: string | number;
  reason?: string | null | undefined;
};

/** HISTORY: the node's own runs; SIMILAR: nodes like it */
export type EstimateConfidence =
  | 'HISTORY'
  | 'NONE'
  | 'SIMILAR';

export type GrantRoleInput = {
  /** user:SUBJECT, group:NAME or token:ID */
  principal: string;
  /** viewer, editor or admin */
  role: string;
  /** / (the tenant), /o/ORG, /o/ORG/p/PROJECT, /o/ORG/p/PROJECT/e/ENV */
  scope: string;
};

export type IngestArtifactsInput = {
  /** Create project and environment on first use */
  createMissing?: boolean;
  environment: string;
  /** manifest.json, run_results.json, catalog.json, sources.json */
  files: Array<File>;
  project: string;
};

/** On which outcome of the upstream job's run */
export type JobAfterOutcome =
  | 'ALWAYS'
  | 'FAILURE'
  | 'SUCCESS';

/** What became of one fire of a job */
export type JobFireOutcome =
  | 'FAILED'
  | 'MISSED'
  | 'SKIPPED'
  | 'TRIGGERED'
  | 'WAITING';

export type JobInput = {
  jobId: string | number;
};

/** Fires missed while no DVT process was up */
export type JobMisfirePolicy =
  | 'RUN_ONCE'
  | 'SKIP';

/** What a fire does while the job's run is active */
export type JobOverlapPolicy =
  | 'CANCEL'
  | 'QUEUE'
  | 'SKIP';

export type NodeFilterInput = {
  packages?: Array<string> | null | undefined;
  pathPrefix?: string | null | undefined;
  /** UNKNOWN keeps the nodes of every type this server does not know */
  resourceTypes?: Array<ResourceType> | null | undefined;
  search?: string | null | undefined;
  tags?: Array<string> | null | undefined;
};

/** A node's status in a run or a dbt result; UNKNOWN: a word this server does not know */
export type NodeStatus =
  | 'EPHEMERAL'
  | 'ERROR'
  | 'FAIL'
  | 'INTERRUPTED'
  | 'NOT_RUN'
  | 'NO_OP'
  | 'PARTIAL_SUCCESS'
  | 'PASS'
  | 'PENDING'
  | 'RUNNING'
  | 'RUNTIME_ERROR'
  | 'SKIPPED'
  | 'SUCCESS'
  | 'UNKNOWN'
  | 'WARN';

/** What a plan does with a node */
export type PlanAction =
  | 'PARTIAL'
  | 'RUN'
  | 'SKIP';

/** EXPIRED: its time ran out or the graph changed a node it runs */
export type PlanStatus =
  | 'APPROVED'
  | 'DRAFT'
  | 'EXPIRED'
  | 'REJECTED';

/** A dbt resource type; UNKNOWN: a type this server does not know (a newer dbt's) */
export type ResourceType =
  | 'ANALYSIS'
  | 'EXPOSURE'
  | 'FUNCTION'
  | 'METRIC'
  | 'MODEL'
  | 'OPERATION'
  | 'SAVED_QUERY'
  | 'SEED'
  | 'SEMANTIC_MODEL'
  | 'SNAPSHOT'
  | 'SOURCE'
  | 'SQL_OPERATION'
  | 'TEST'
  | 'UNIT_TEST'
  | 'UNKNOWN';

export type RetireSecretInput = {
  environmentId: string | number;
  name: string;
};

export type RevokeApiTokenInput = {
  tokenId: string;
};

export type RevokeRoleInput = {
  grantId: string;
};

/** What a run's event records; UNKNOWN: a kind this server does not know (a newer worker's) */
export type RunEventKind =
  | 'CANCEL_REQUESTED'
  | 'INGEST_FAILED'
  | 'INVOCATION_FINISHED'
  | 'INVOCATION_STARTED'
  | 'NODE_FINISHED'
  | 'NODE_STARTED'
  | 'SELECTION_MISMATCH'
  | 'STAGE'
  | 'STATUS'
  | 'UNKNOWN'
  | 'WORKER_LOST';

/** Where a run is in its lifecycle */
export type RunStatus =
  | 'AWAITING_APPROVAL'
  | 'AWAITING_WORKER'
  | 'CANCELED'
  | 'FAILED'
  | 'PLANNING'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCESS'
  | 'WARNING';

/** Who or what started a run */
export type RunTrigger =
  | 'API'
  | 'CLI'
  | 'JOB_COMPLETION'
  | 'MANUAL'
  | 'RETRY'
  | 'SCHEDULE';

export type SaveCanvasStateInput = {
  /** The revision your layout was based on: 0 before the first save. Another one is a conflict */
  expectedRevision: number;
  projectId: string | number;
  /** The CanvasState v1 document (schema/contracts/canvas-state.v1.schema.json) */
  state: unknown;
};

export type SetQuotasInput = {
  /** An environment's global id; the tenant's quotas when omitted */
  environmentId?: string | number | null | undefined;
  maxConcurrentRuns?: number | null | undefined;
  monthlyCostBudget?: number | null | undefined;
};

export type SetSecretInput = {
  /** The environment's global id */
  environmentId: string | number;
  /** Upper snake case; dbt sees DBT_ENV_SECRET_<NAME> */
  name: string;
  /** Write-only: no field of the API ever returns it */
  value: string;
};

export type TriggerRunInput = {
  environmentId: string | number;
  exclude?: Array<string> | null | undefined;
  fullRefresh?: boolean;
  /** A key of the client's choosing: the same key again (in this environment) returns the run it made instead of a new one, so a retried call never runs twice */
  idempotencyKey?: string | null | undefined;
  /** Run this plan; without it, a worker plans the selection below from the commit the environment's branch names when the run's turn comes (the run is `planning` meanwhile) */
  planId?: string | number | null | undefined;
  select?: Array<string> | null | undefined;
  selector?: string | null | undefined;
  vars?: unknown;
};

export type UpdateJobInput = {
  afterJobId?: string | number | null | undefined;
  afterOutcome?: JobAfterOutcome | null | undefined;
  /** Stop running after another job */
  clearAfter?: boolean;
  /** Remove the schedule */
  clearSchedule?: boolean;
  cron?: string | null | undefined;
  jobId: string | number;
  misfire?: JobMisfirePolicy | null | undefined;
  name?: string | null | undefined;
  overlap?: JobOverlapPolicy | null | undefined;
  /** Each a dbt command line: `build -s tag:daily --exclude x --full-refresh` (one step in this phase) */
  steps?: Array<string> | null | undefined;
  timeoutSeconds?: number | null | undefined;
  timezone?: string | null | undefined;
};

export type PaletteRecentQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type PaletteRecentQuery = { runs: { nodes: Array<{ id: string, number: number, status: RunStatus, createdAt: string | null }> }, node:
    | { plans: { nodes: Array<{ id: string, status: PlanStatus, createdAt: string | null }> } }
    | Record<PropertyKey, never>
   | null };

export type VersionArtifactsQueryVariables = Exact<{
  id: string | number;
}>;


export type VersionArtifactsQuery = { graphVersion: { id: string, sequence: number, artifacts: Array<{ id: string, kind: string, schemaVersion: string, dbtVersion: string | null, generatedAt: string | null, invocationId: string | null, sha256: string, sizeBytes: number, fileName: string, createdAt: string, downloadPath: string }> } | null };

export type ChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type ChangePasswordMutation = { changePassword:
    | { __typename: 'PasswordChanged' }
    | { __typename: 'ValidationError', message: string }
   };

export type DashboardQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type DashboardQuery = { runs: { nodes: Array<{ id: string, number: number, status: RunStatus, trigger: RunTrigger, actor: string, actorName: string, createdAt: string | null, durationSeconds: number | null, actualCost: number | null }> }, node:
    | { plans: { nodes: Array<{ id: string, status: PlanStatus, createdByName: string, createdAt: string | null, approvalsRequired: Array<{ role: string, reason: string }> }> }, invocations: { nodes: Array<{ invocationId: string, command: string | null, createdAt: string, sourceFreshness: Array<{ uniqueId: string, status: NodeStatus, statusText: string, maxLoadedAt: string | null, ageSeconds: number | null, error: string | null }> }> } }
    | Record<PropertyKey, never>
   | null };

export type DashboardRunNodesQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardRunNodesQuery = { run: { id: string, nodes: Array<{ uniqueId: string, status: NodeStatus, statusText: string, executionTime: number | null, message: string | null }> } | null };

export type VersionDiffQueryVariables = Exact<{
  base: string | number;
  head: string | number;
}>;


export type VersionDiffQuery = { diff: { impacted: Array<string>, changedMacros: Array<string>, added: Array<{ uniqueId: string, resourceType: ResourceType, resourceTypeText: string, category: ChangeCategory }>, removed: Array<{ uniqueId: string, resourceType: ResourceType, resourceTypeText: string, category: ChangeCategory }>, modified: Array<{ uniqueId: string, resourceType: ResourceType, resourceTypeText: string, category: ChangeCategory, stateModified: Array<string>, changes: Array<{ kind: string, category: ChangeCategory, message: string }> }> } | null };

export type NodeCodeQueryVariables = Exact<{
  versionId: string | number;
  uniqueId: string;
}>;


export type NodeCodeQuery = { graphVersion: { id: string, node: { id: string, rawCode: string | null, language: string | null } | null } | null };

export type DocsListQueryVariables = Exact<{
  project: string;
  env: string;
  filter?: NodeFilterInput | null | undefined;
  after?: string | null | undefined;
  first: number;
}>;


export type DocsListQuery = { environment: { id: string, latestGraphVersion: { id: string, nodes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ uniqueId: string, name: string, resourceType: ResourceType, resourceTypeText: string, description: string, packageName: string }> } } | null } | null };

export type GraphVersionsQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type GraphVersionsQuery = { node:
    | { graphVersions: { nodes: Array<{ id: string, sequence: number, contentHash: string, dbtVersion: string | null, manifestSchemaVersion: string, invocationId: string | null, generatedAt: string | null, nodeCount: number, createdAt: string }> } }
    | Record<PropertyKey, never>
   | null };

export type GraphDocumentQueryVariables = Exact<{
  id: string | number;
}>;


export type GraphDocumentQuery = { graphVersion: { id: string, contentHash: string, graph: unknown } | null };

export type NodeDetailQueryVariables = Exact<{
  versionId: string | number;
  uniqueId: string;
}>;


export type NodeDetailQuery = { graphVersion: { id: string, node: { id: string, uniqueId: string, name: string, resourceType: ResourceType, resourceTypeText: string, packageName: string, path: string | null, description: string, materialized: string | null, tags: Array<string>, owner: string | null, group: string | null, access: string | null, language: string | null, rawCode: string | null, compiledCode: string | null, relationName: string | null, dependsOn: Array<string>, config: unknown, columns: Array<{ name: string, dataType: string | null, description: string, tags: Array<string> }>, tests: Array<{ uniqueId: string, name: string, resourceType: ResourceType, resourceTypeText: string }>, runHistory: Array<{ invocationId: string, status: NodeStatus, statusText: string, executionTime: number | null, completedAt: string | null, rowsAffected: number | null, message: string | null }> } | null } | null };

export type LatestRunStatusQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type LatestRunStatusQuery = { runs: { nodes: Array<{ id: string, status: RunStatus, createdAt: string | null, nodes: Array<{ uniqueId: string, status: NodeStatus, statusText: string, actualCost: number | null, estimatedCost: number | null, executionTime: number | null }> }> } };

export type CanvasStateQueryVariables = Exact<{
  projectId: string | number;
}>;


export type CanvasStateQuery = { canvasState: { revision: number, state: unknown, updatedAt: string } | null };

export type SaveCanvasStateMutationVariables = Exact<{
  input: SaveCanvasStateInput;
}>;


export type SaveCanvasStateMutation = { saveCanvasState:
    | { __typename: 'CanvasConflictError', message: string, current: { revision: number, state: unknown, updatedAt: string } | null }
    | { __typename: 'CanvasState', revision: number, state: unknown, updatedAt: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type JobFieldsFragment = { id: string, name: string, paused: boolean, cron: string | null, timezone: string | null, nextFireAt: string | null, timeoutSeconds: number, overlap: JobOverlapPolicy, misfire: JobMisfirePolicy, afterOutcome: JobAfterOutcome | null, afterJob: { id: string, name: string } | null, steps: Array<{ commandLine: string }> };

export type EnvironmentJobsQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type EnvironmentJobsQuery = { jobs: Array<{ id: string, name: string, paused: boolean, cron: string | null, timezone: string | null, nextFireAt: string | null, timeoutSeconds: number, overlap: JobOverlapPolicy, misfire: JobMisfirePolicy, afterOutcome: JobAfterOutcome | null, runs: { nodes: Array<{ id: string, number: number, status: RunStatus }> }, afterJob: { id: string, name: string } | null, steps: Array<{ commandLine: string }> }> };

export type JobDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type JobDetailQuery = { job: { createdBy: string, createdAt: string | null, updatedAt: string | null, nextFires: Array<string>, id: string, name: string, paused: boolean, cron: string | null, timezone: string | null, nextFireAt: string | null, timeoutSeconds: number, overlap: JobOverlapPolicy, misfire: JobMisfirePolicy, afterOutcome: JobAfterOutcome | null, fires: Array<{ fireAt: string, trigger: RunTrigger, outcome: JobFireOutcome, reason: string | null, createdAt: string | null, run: { id: string, number: number, status: RunStatus } | null }>, runs: { nodes: Array<{ id: string, number: number, status: RunStatus, trigger: RunTrigger, commitSha: string | null, createdAt: string | null, durationSeconds: number | null }> }, afterJob: { id: string, name: string } | null, steps: Array<{ commandLine: string }> } | null };

export type SchedulePreviewQueryVariables = Exact<{
  cron: string;
  timezone: string;
}>;


export type SchedulePreviewQuery = { schedulePreview:
    | { __typename: 'SchedulePreview', fires: Array<string> }
    | { __typename: 'ValidationError', message: string }
   };

type JobOutcome_ConflictError_Fragment = { __typename: 'ConflictError', message: string };

type JobOutcome_Job_Fragment = { __typename: 'Job', id: string, name: string };

type JobOutcome_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type JobOutcome_PermissionDeniedError_Fragment = { __typename: 'PermissionDeniedError', message: string };

type JobOutcome_ValidationError_Fragment = { __typename: 'ValidationError', message: string };

export type JobOutcomeFragment =
  | JobOutcome_ConflictError_Fragment
  | JobOutcome_Job_Fragment
  | JobOutcome_NotFoundError_Fragment
  | JobOutcome_PermissionDeniedError_Fragment
  | JobOutcome_ValidationError_Fragment
;

export type CreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type CreateJobMutation = { createJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Job', id: string, name: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type UpdateJobMutationVariables = Exact<{
  input: UpdateJobInput;
}>;


export type UpdateJobMutation = { updateJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Job', id: string, name: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type DeleteJobMutationVariables = Exact<{
  input: JobInput;
}>;


export type DeleteJobMutation = { deleteJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Job', id: string, name: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type PauseJobMutationVariables = Exact<{
  input: JobInput;
}>;


export type PauseJobMutation = { pauseJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Job', id: string, name: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type ResumeJobMutationVariables = Exact<{
  input: JobInput;
}>;


export type ResumeJobMutation = { resumeJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Job', id: string, name: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type TriggerJobMutationVariables = Exact<{
  input: JobInput;
}>;


export type TriggerJobMutation = { triggerJob:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'QuotaExceededError', message: string }
    | { __typename: 'Run', id: string, status: RunStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type EnvironmentPlansQueryVariables = Exact<{
  environmentId: string | number;
}>;


export type EnvironmentPlansQuery = { node:
    | { plans: { nodes: Array<{ id: string, status: PlanStatus, createdByName: string, createdAt: string | null, decidedByName: string | null, totals: { run: number, skip: number, partial: number, p50Cost: number }, approvalsRequired: Array<{ role: string }> }> } }
    | Record<PropertyKey, never>
   | null };

type PlanOutcome_ConflictError_Fragment = { __typename: 'ConflictError', message: string };

type PlanOutcome_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type PlanOutcome_PermissionDeniedError_Fragment = { __typename: 'PermissionDeniedError', message: string };

type PlanOutcome_Plan_Fragment = { __typename: 'Plan', id: string, status: PlanStatus };

type PlanOutcome_ValidationError_Fragment = { __typename: 'ValidationError', message: string };

export type PlanOutcomeFragment =
  | PlanOutcome_ConflictError_Fragment
  | PlanOutcome_NotFoundError_Fragment
  | PlanOutcome_PermissionDeniedError_Fragment
  | PlanOutcome_Plan_Fragment
  | PlanOutcome_ValidationError_Fragment
;

export type CreatePlanMutationVariables = Exact<{
  input: CreatePlanInput;
}>;


export type CreatePlanMutation = { createPlan:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Plan', id: string, status: PlanStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type PlanDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanDetailQuery = { plan: { id: string, fingerprint: string, status: PlanStatus, createdByName: string, commitSha: string | null, createdAt: string | null, expiresAt: string, decidedByName: string | null, decidedAt: string | null, decisionNote: string | null, explanation: string, request: unknown, selected: Array<string>, itemCount: number, steps: Array<{ index: number, command: string, request: unknown }>, totals: { run: number, skip: number, partial: number, p50Ms: number, p90Ms: number, p50Cost: number, p90Cost: number, budgetRemaining: number | null }, approvalsRequired: Array<{ policy: string, reason: string, role: string }>, headVersion: { id: string, sequence: number } | null, baseVersion: { id: string, sequence: number } | null } | null };

export type ApprovePlanMutationVariables = Exact<{
  input: DecidePlanInput;
}>;


export type ApprovePlanMutation = { approvePlan:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Plan', id: string, status: PlanStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type RejectPlanMutationVariables = Exact<{
  input: DecidePlanInput;
}>;


export type RejectPlanMutation = { rejectPlan:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Plan', id: string, status: PlanStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type PlanItemsQueryVariables = Exact<{
  id: string | number;
  first: number;
  offset: number;
}>;


export type PlanItemsQuery = { plan: { id: string, items: Array<{ uniqueId: string, step: number, action: PlanAction, wave: number, why: string, estimate: { p50Cost: number, p50Ms: number, confidence: EstimateConfidence } }> } | null };

export type PlanNodesQueryVariables = Exact<{
  id: string | number;
}>;


export type PlanNodesQuery = { plan: { id: string, items: Array<{ uniqueId: string, action: PlanAction }> } | null };

export type RunsQueryVariables = Exact<{
  environmentId: string | number;
  status?: Array<RunStatus> | RunStatus | null | undefined;
  trigger?: RunTrigger | null | undefined;
  actor?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type RunsQuery = { runs: { nodes: Array<{ id: string, number: number, status: RunStatus, reason: string | null, trigger: RunTrigger, actor: string, actorName: string, attempt: number, createdAt: string | null, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, queueWaitSeconds: number | null, estimatedCost: number | null, actualCost: number | null, regressions: number, job: { id: string, name: string } | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type RunDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type RunDetailQuery = { run: { id: string, number: number, status: RunStatus, reason: string | null, trigger: RunTrigger, actor: string, actorName: string, attempt: number, traceId: string, commitSha: string | null, worker: string | null, exitCode: number | null, createdAt: string | null, startedAt: string | null, finishedAt: string | null, cancelRequestedAt: string | null, durationSeconds: number | null, queueWaitSeconds: number | null, estimatedCost: number | null, actualCost: number | null, regressions: number, artifacts: unknown, eventCount: number, nodeCount: number, limits: unknown, plan: { id: string, status: PlanStatus } | null, job: { id: string, name: string } | null, retryOf: { id: string } | null, graphVersion: { id: string, sequence: number, artifacts: Array<{ id: string, kind: string, schemaVersion: string, dbtVersion: string | null, sizeBytes: number, fileName: string, downloadPath: string }> } | null } | null };

export type RunNodesQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type RunNodesQuery = { run: { id: string, nodes: Array<{ uniqueId: string, status: NodeStatus, statusText: string, startedAt: string | null, finishedAt: string | null, executionTime: number | null, rowsAffected: number | null, message: string | null, estimatedCost: number | null, actualCost: number | null, regression: boolean }> } | null };

export type RunPlanEstimatesQueryVariables = Exact<{
  id: string | number;
  first: number;
  offset: number;
}>;


export type RunPlanEstimatesQuery = { plan: { id: string, items: Array<{ uniqueId: string, action: PlanAction, estimate: { p50Ms: number } }> } | null };

export type RunLogsSubscriptionVariables = Exact<{
  runId: string | number;
  after: number;
}>;


export type RunLogsSubscription = { runLogs: { cursor: number, chunks: Array<{ seq: number, stream: string, text: string }> } };

type RunOutcome_ConflictError_Fragment = { __typename: 'ConflictError', message: string };

type RunOutcome_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type RunOutcome_PermissionDeniedError_Fragment = { __typename: 'PermissionDeniedError', message: string };

type RunOutcome_QuotaExceededError_Fragment = { __typename: 'QuotaExceededError', message: string };

type RunOutcome_Run_Fragment = { __typename: 'Run', id: string, status: RunStatus };

type RunOutcome_ValidationError_Fragment = { __typename: 'ValidationError', message: string };

export type RunOutcomeFragment =
  | RunOutcome_ConflictError_Fragment
  | RunOutcome_NotFoundError_Fragment
  | RunOutcome_PermissionDeniedError_Fragment
  | RunOutcome_QuotaExceededError_Fragment
  | RunOutcome_Run_Fragment
  | RunOutcome_ValidationError_Fragment
;

export type TriggerRunMutationVariables = Exact<{
  input: TriggerRunInput;
}>;


export type TriggerRunMutation = { triggerRun:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'QuotaExceededError', message: string }
    | { __typename: 'Run', id: string, status: RunStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type CancelRunMutationVariables = Exact<{
  runId: string | number;
}>;


export type CancelRunMutation = { cancelRun:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'QuotaExceededError', message: string }
    | { __typename: 'Run', id: string, status: RunStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type RetryRunMutationVariables = Exact<{
  runId: string | number;
}>;


export type RetryRunMutation = { retryRun:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'QuotaExceededError', message: string }
    | { __typename: 'Run', id: string, status: RunStatus }
    | { __typename: 'ValidationError', message: string }
   };

export type RunEventsSubscriptionVariables = Exact<{
  runId: string | number;
  after: number;
}>;


export type RunEventsSubscription = { runEvents: { cursor: number, events: Array<{ seq: number, kind: RunEventKind, uniqueId: string | null, runStatus: RunStatus | null, nodeStatus: NodeStatus | null, statusText: string | null, message: string, payload: unknown, createdAt: string }> } };

export type AccessOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type AccessOverviewQuery = { grants: Array<{ id: string, principal: string, role: string, scope: string, grantedBy: string, createdAt: string }>, apiTokens: Array<{ id: string, name: string, roles: Array<string>, createdByName: string, createdAt: string | null, lastUsedAt: string | null, revokedAt: string | null }> };

export type GrantRoleMutationVariables = Exact<{
  input: GrantRoleInput;
}>;


export type GrantRoleMutation = { grantRole:
    | { __typename: 'Grant' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type RevokeRoleMutationVariables = Exact<{
  input: RevokeRoleInput;
}>;


export type RevokeRoleMutation = { revokeRole:
    | { __typename: 'Grant' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
   };

export type CreateApiTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;


export type CreateApiTokenMutation = { createApiToken:
    | { __typename: 'CreatedApiToken', token: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type RevokeApiTokenMutationVariables = Exact<{
  input: RevokeApiTokenInput;
}>;


export type RevokeApiTokenMutation = { revokeApiToken:
    | { __typename: 'ApiToken' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type ConfigurePlanningMutationVariables = Exact<{
  input: ConfigurePlanningInput;
}>;


export type ConfigurePlanningMutation = { configurePlanning:
    | { __typename: 'Environment' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type SetQuotasMutationVariables = Exact<{
  input: SetQuotasInput;
}>;


export type SetQuotasMutation = { setQuotas:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Quotas' }
    | { __typename: 'ValidationError', message: string }
   };

export type EnvironmentPlanningQueryVariables = Exact<{
  id: string | number;
}>;


export type EnvironmentPlanningQuery = { node:
    | { id: string, policies: unknown, rateCard: unknown, quotas: { maxConcurrentRuns: number | null, monthlyCostBudget: number | null } }
    | Record<PropertyKey, never>
   | null };

export type CreateProjectMutationVariables = Exact<{
  input: CreateProjectInput;
}>;


export type CreateProjectMutation = { createProject:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Project' }
    | { __typename: 'ValidationError', message: string }
   };

export type CreateEnvironmentMutationVariables = Exact<{
  input: CreateEnvironmentInput;
}>;


export type CreateEnvironmentMutation = { createEnvironment:
    | { __typename: 'ConflictError', message: string }
    | { __typename: 'Environment' }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type IngestArtifactsMutationVariables = Exact<{
  input: IngestArtifactsInput;
}>;


export type IngestArtifactsMutation = { ingestArtifacts:
    | { __typename: 'ArtifactRejectedError', file: string, problem: string, message: string }
    | { __typename: 'IngestResult', created: boolean, nodes: number, sources: number, edges: number, warnings: Array<string>, graphVersion: { sequence: number } | null }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type EnvironmentSecretsQueryVariables = Exact<{
  id: string | number;
}>;


export type EnvironmentSecretsQuery = { node:
    | { id: string, secrets: Array<{ name: string, envVar: string, version: number, createdAt: string, rotatedAt: string | null }> }
    | Record<PropertyKey, never>
   | null };

export type SetSecretMutationVariables = Exact<{
  input: SetSecretInput;
}>;


export type SetSecretMutation = { setSecret:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Secret' }
    | { __typename: 'ValidationError', message: string }
   };

export type RetireSecretMutationVariables = Exact<{
  input: RetireSecretInput;
}>;


export type RetireSecretMutation = { retireSecret:
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'Secret' }
    | { __typename: 'ValidationError', message: string }
   };

export type CurrentEnvironmentQueryVariables = Exact<{
  project: string;
  env: string;
}>;


export type CurrentEnvironmentQuery = { environment: { id: string, slug: string, name: string, adapter: string, gitRef: string, scope: string, rateCard: unknown, currency: string, quotas: { maxConcurrentRuns: number | null, monthlyCostBudget: number | null }, project: { id: string, slug: string, name: string, repository: string, organization: { slug: string } | null } | null, latestGraphVersion: { id: string, sequence: number, contentHash: string, dbtVersion: string | null, nodeCount: number, createdAt: string } | null } | null };

export type ProjectsQueryVariables = Exact<{ [key: string]: never; }>;


export type ProjectsQuery = { tenant: { slug: string, name: string } | null, viewer: { subject: string, displayName: string, kind: string }, organizations: Array<{ slug: string, name: string, projects: Array<{ slug: string, name: string, environments: Array<{ slug: string, name: string }> }> }> };

export type PermissionsOnQueryVariables = Exact<{
  scope: string;
}>;


export type PermissionsOnQuery = { permissionsOn: Array<string> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const JobFieldsFragmentDoc = new TypedDocumentString(`
    fragment JobFields on Job {
  id
  name
  paused
  cron
  timezone
  nextFireAt
  timeoutSeconds
  overlap
  misfire
  afterOutcome
  afterJob {
    id
    name
  }
  steps {
    commandLine
  }
}
    `, {"fragmentName":"JobFields"}) as unknown as TypedDocumentString<JobFieldsFragment, unknown>;
export const JobOutcomeFragmentDoc = new TypedDocumentString(`
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}
    `, {"fragmentName":"JobOutcome"}) as unknown as TypedDocumentString<JobOutcomeFragment, unknown>;
export const PlanOutcomeFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"PlanOutcome"}) as unknown as TypedDocumentString<PlanOutcomeFragment, unknown>;
export const RunOutcomeFragmentDoc = new TypedDocumentString(`
    fragment RunOutcome on RunResult {
  __typename
  ... on Run {
    id
    status
  }
  ... on Error {
    message
  }
}
    `, {"fragmentName":"RunOutcome"}) as unknown as TypedDocumentString<RunOutcomeFragment, unknown>;
export const PaletteRecentDocument = new TypedDocumentString(`
    query PaletteRecent($environmentId: ID!) {
  runs(environmentId: $environmentId, first: 20) {
    nodes {
      id
      number
      status
      createdAt
    }
  }
  node(id: $environmentId) {
    ... on Environment {
      plans(first: 20) {
        nodes {
          id
          status
          createdAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PaletteRecentQuery, PaletteRecentQueryVariables>;
export const VersionArtifactsDocument = new TypedDocumentString(`
    query VersionArtifacts($id: ID!) {
  graphVersion(id: $id) {
    id
    sequence
    artifacts {
      id
      kind
      schemaVersion
      dbtVersion
      generatedAt
      invocationId
      sha256
      sizeBytes
      fileName
      createdAt
      downloadPath
    }
  }
}
    `) as unknown as TypedDocumentString<VersionArtifactsQuery, VersionArtifactsQueryVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const DashboardDocument = new TypedDocumentString(`
    query Dashboard($environmentId: ID!) {
  runs(environmentId: $environmentId, first: 100) {
    nodes {
      id
      number
      status
      trigger
      actor
      actorName
      createdAt
      durationSeconds
      actualCost
    }
  }
  node(id: $environmentId) {
    ... on Environment {
      plans(first: 50) {
        nodes {
          id
          status
          createdByName
          createdAt
          approvalsRequired {
            role
            reason
          }
        }
      }
      invocations(first: 20) {
        nodes {
          invocationId
          command
          createdAt
          sourceFreshness {
            uniqueId
            status
            statusText
            maxLoadedAt
            ageSeconds
            error
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardQuery, DashboardQueryVariables>;
export const DashboardRunNodesDocument = new TypedDocumentString(`
    query DashboardRunNodes($id: ID!) {
  run(id: $id) {
    id
    nodes {
      uniqueId
      status
      statusText
      executionTime
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRunNodesQuery, DashboardRunNodesQueryVariables>;
export const VersionDiffDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<VersionDiffQuery, VersionDiffQueryVariables>;
export const NodeCodeDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<NodeCodeQuery, NodeCodeQueryVariables>;
export const DocsListDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<DocsListQuery, DocsListQueryVariables>;
export const GraphVersionsDocument = new TypedDocumentString(`
    query GraphVersions($environmentId: ID!) {
  node(id: $environmentId) {
    ... on Environment {
      graphVersions(first: 100) {
        nodes {
          id
          sequence
          contentHash
          dbtVersion
          manifestSchemaVersion
          invocationId
          generatedAt
          nodeCount
          createdAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GraphVersionsQuery, GraphVersionsQueryVariables>;
export const GraphDocumentDocument = new TypedDocumentString(`
    query GraphDocument($id: ID!) {
  graphVersion(id: $id) {
    id
    contentHash
    graph
  }
}
    `) as unknown as TypedDocumentString<GraphDocumentQuery, GraphDocumentQueryVariables>;
export const NodeDetailDocument = new TypedDocumentString(`
    query NodeDetail($versionId: ID!, $uniqueId: String!) {
  graphVersion(id: $versionId) {
    id
    node(uniqueId: $uniqueId) {
      id
      uniqueId
      name
      resourceType
      resourceTypeText
      packageName
      path
      description
      materialized
      tags
      owner
      group
      access
      language
      rawCode
      compiledCode
      relationName
      dependsOn
      config
      columns {
        name
        dataType
        description
        tags
      }
      tests {
        uniqueId
        name
        resourceType
        resourceTypeText
      }
      runHistory {
        invocationId
        status
        statusText
        executionTime
        completedAt
        rowsAffected
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<NodeDetailQuery, NodeDetailQueryVariables>;
export const LatestRunStatusDocument = new TypedDocumentString(`
    query LatestRunStatus($environmentId: ID!) {
  runs(environmentId: $environmentId, first: 1) {
    nodes {
      id
      status
      createdAt
      nodes {
        uniqueId
        status
        statusText
        actualCost
        estimatedCost
        executionTime
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LatestRunStatusQuery, LatestRunStatusQueryVariables>;
export const CanvasStateDocument = new TypedDocumentString(`
    query CanvasState($projectId: ID!) {
  canvasState(projectId: $projectId) {
    revision
    state
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<CanvasStateQuery, CanvasStateQueryVariables>;
export const SaveCanvasStateDocument = new TypedDocumentString(`
    mutation SaveCanvasState($input: SaveCanvasStateInput!) {
  saveCanvasState(input: $input) {
    __typename
    ... on CanvasState {
      revision
      state
      updatedAt
    }
    ... on CanvasConflictError {
      message
      current {
        revision
        state
        updatedAt
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SaveCanvasStateMutation, SaveCanvasStateMutationVariables>;
export const EnvironmentJobsDocument = new TypedDocumentString(`
    query EnvironmentJobs($environmentId: ID!) {
  jobs(environmentId: $environmentId) {
    ...JobFields
    runs(first: 1) {
      nodes {
        id
        number
        status
      }
    }
  }
}
    fragment JobFields on Job {
  id
  name
  paused
  cron
  timezone
  nextFireAt
  timeoutSeconds
  overlap
  misfire
  afterOutcome
  afterJob {
    id
    name
  }
  steps {
    commandLine
  }
}`) as unknown as TypedDocumentString<EnvironmentJobsQuery, EnvironmentJobsQueryVariables>;
export const JobDetailDocument = new TypedDocumentString(`
    query JobDetail($id: ID!) {
  job(id: $id) {
    ...JobFields
    createdBy
    createdAt
    updatedAt
    nextFires(count: 5)
    fires(first: 20) {
      fireAt
      trigger
      outcome
      reason
      createdAt
      run {
        id
        number
        status
      }
    }
    runs(first: 20) {
      nodes {
        id
        number
        status
        trigger
        commitSha
        createdAt
        durationSeconds
      }
    }
  }
}
    fragment JobFields on Job {
  id
  name
  paused
  cron
  timezone
  nextFireAt
  timeoutSeconds
  overlap
  misfire
  afterOutcome
  afterJob {
    id
    name
  }
  steps {
    commandLine
  }
}`) as unknown as TypedDocumentString<JobDetailQuery, JobDetailQueryVariables>;
export const SchedulePreviewDocument = new TypedDocumentString(`
    query SchedulePreview($cron: String!, $timezone: String!) {
  schedulePreview(cron: $cron, timezone: $timezone, count: 5) {
    __typename
    ... on SchedulePreview {
      fires
    }
    ... on ValidationError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SchedulePreviewQuery, SchedulePreviewQueryVariables>;
export const CreateJobDocument = new TypedDocumentString(`
    mutation CreateJob($input: CreateJobInput!) {
  createJob(input: $input) {
    ...JobOutcome
  }
}
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<CreateJobMutation, CreateJobMutationVariables>;
export const UpdateJobDocument = new TypedDocumentString(`
    mutation UpdateJob($input: UpdateJobInput!) {
  updateJob(input: $input) {
    ...JobOutcome
  }
}
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<UpdateJobMutation, UpdateJobMutationVariables>;
export const DeleteJobDocument = new TypedDocumentString(`
    mutation DeleteJob($input: JobInput!) {
  deleteJob(input: $input) {
    ...JobOutcome
  }
}
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<DeleteJobMutation, DeleteJobMutationVariables>;
export const PauseJobDocument = new TypedDocumentString(`
    mutation PauseJob($input: JobInput!) {
  pauseJob(input: $input) {
    ...JobOutcome
  }
}
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<PauseJobMutation, PauseJobMutationVariables>;
export const ResumeJobDocument = new TypedDocumentString(`
    mutation ResumeJob($input: JobInput!) {
  resumeJob(input: $input) {
    ...JobOutcome
  }
}
    fragment JobOutcome on JobResult {
  __typename
  ... on Job {
    id
    name
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<ResumeJobMutation, ResumeJobMutationVariables>;
export const TriggerJobDocument = new TypedDocumentString(`
    mutation TriggerJob($input: JobInput!) {
  triggerJob(input: $input) {
    ...RunOutcome
  }
}
    fragment RunOutcome on RunResult {
  __typename
  ... on Run {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<TriggerJobMutation, TriggerJobMutationVariables>;
export const EnvironmentPlansDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<EnvironmentPlansQuery, EnvironmentPlansQueryVariables>;
export const CreatePlanDocument = new TypedDocumentString(`
    mutation CreatePlan($input: CreatePlanInput!) {
  createPlan(input: $input) {
    ...PlanOutcome
  }
}
    fragment PlanOutcome on PlanResult {
  __typename
  ... on Plan {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<CreatePlanMutation, CreatePlanMutationVariables>;
export const PlanDetailDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PlanDetailQuery, PlanDetailQueryVariables>;
export const ApprovePlanDocument = new TypedDocumentString(`
    mutation ApprovePlan($input: DecidePlanInput!) {
  approvePlan(input: $input) {
    ...PlanOutcome
  }
}
    fragment PlanOutcome on PlanResult {
  __typename
  ... on Plan {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<ApprovePlanMutation, ApprovePlanMutationVariables>;
export const RejectPlanDocument = new TypedDocumentString(`
    mutation RejectPlan($input: DecidePlanInput!) {
  rejectPlan(input: $input) {
    ...PlanOutcome
  }
}
    fragment PlanOutcome on PlanResult {
  __typename
  ... on Plan {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<RejectPlanMutation, RejectPlanMutationVariables>;
export const PlanItemsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<PlanItemsQuery, PlanItemsQueryVariables>;
export const PlanNodesDocument = new TypedDocumentString(`
    query PlanNodes($id: ID!) {
  plan(id: $id) {
    id
    items {
      uniqueId
      action
    }
  }
}
    `) as unknown as TypedDocumentString<PlanNodesQuery, PlanNodesQueryVariables>;
export const RunsDocument = new TypedDocumentString(`
    query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {
  runs(
    environmentId: $environmentId
    status: $status
    trigger: $trigger
    actor: $actor
    first: $first
    after: $after
  ) {
    nodes {
      id
      number
      status
      reason
      trigger
      actor
      actorName
      attempt
      createdAt
      startedAt
      finishedAt
      durationSeconds
      queueWaitSeconds
      estimatedCost
      actualCost
      regressions
      job {
        id
        name
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<RunsQuery, RunsQueryVariables>;
export const RunDetailDocument = new TypedDocumentString(`
    query RunDetail($id: ID!) {
  run(id: $id) {
    id
    number
    status
    reason
    trigger
    actor
    actorName
    attempt
    traceId
    commitSha
    worker
    exitCode
    createdAt
    startedAt
    finishedAt
    cancelRequestedAt
    durationSeconds
    queueWaitSeconds
    estimatedCost
    actualCost
    regressions
    artifacts
    eventCount
    nodeCount
    limits
    plan {
      id
      status
    }
    job {
      id
      name
    }
    retryOf {
      id
    }
    graphVersion {
      id
      sequence
      artifacts {
        id
        kind
        schemaVersion
        dbtVersion
        sizeBytes
        fileName
        downloadPath
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunDetailQuery, RunDetailQueryVariables>;
export const RunNodesDocument = new TypedDocumentString(`
    query RunNodes($id: ID!, $first: Int!, $after: String) {
  run(id: $id) {
    id
    nodes(first: $first, after: $after) {
      uniqueId
      status
      statusText
      startedAt
      finishedAt
      executionTime
      rowsAffected
      message
      estimatedCost
      actualCost
      regression
    }
  }
}
    `) as unknown as TypedDocumentString<RunNodesQuery, RunNodesQueryVariables>;
export const RunPlanEstimatesDocument = new TypedDocumentString(`
    query RunPlanEstimates($id: ID!, $first: Int!, $offset: Int!) {
  plan(id: $id) {
    id
    items(first: $first, offset: $offset) {
      uniqueId
      action
      estimate {
        p50Ms
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunPlanEstimatesQuery, RunPlanEstimatesQueryVariables>;
export const RunLogsDocument = new TypedDocumentString(`
    subscription RunLogs($runId: ID!, $after: Int!) {
  runLogs(runId: $runId, after: $after) {
    cursor
    chunks {
      seq
      stream
      text
    }
  }
}
    `) as unknown as TypedDocumentString<RunLogsSubscription, RunLogsSubscriptionVariables>;
export const TriggerRunDocument = new TypedDocumentString(`
    mutation TriggerRun($input: TriggerRunInput!) {
  triggerRun(input: $input) {
    ...RunOutcome
  }
}
    fragment RunOutcome on RunResult {
  __typename
  ... on Run {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<TriggerRunMutation, TriggerRunMutationVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($runId: ID!) {
  cancelRun(runId: $runId) {
    ...RunOutcome
  }
}
    fragment RunOutcome on RunResult {
  __typename
  ... on Run {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const RetryRunDocument = new TypedDocumentString(`
    mutation RetryRun($runId: ID!) {
  retryRun(runId: $runId) {
    ...RunOutcome
  }
}
    fragment RunOutcome on RunResult {
  __typename
  ... on Run {
    id
    status
  }
  ... on Error {
    message
  }
}`) as unknown as TypedDocumentString<RetryRunMutation, RetryRunMutationVariables>;
export const RunEventsDocument = new TypedDocumentString(`
    subscription RunEvents($runId: ID!, $after: Int!) {
  runEvents(runId: $runId, after: $after) {
    cursor
    events {
      seq
      kind
      uniqueId
      runStatus
      nodeStatus
      statusText
      message
      payload
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<RunEventsSubscription, RunEventsSubscriptionVariables>;
export const AccessOverviewDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<AccessOverviewQuery, AccessOverviewQueryVariables>;
export const GrantRoleDocument = new TypedDocumentString(`
    mutation GrantRole($input: GrantRoleInput!) {
  grantRole(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<GrantRoleMutation, GrantRoleMutationVariables>;
export const RevokeRoleDocument = new TypedDocumentString(`
    mutation RevokeRole($input: RevokeRoleInput!) {
  revokeRole(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeRoleMutation, RevokeRoleMutationVariables>;
export const CreateApiTokenDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const RevokeApiTokenDocument = new TypedDocumentString(`
    mutation RevokeApiToken($input: RevokeApiTokenInput!) {
  revokeApiToken(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const ConfigurePlanningDocument = new TypedDocumentString(`
    mutation ConfigurePlanning($input: ConfigurePlanningInput!) {
  configurePlanning(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ConfigurePlanningMutation, ConfigurePlanningMutationVariables>;
export const SetQuotasDocument = new TypedDocumentString(`
    mutation SetQuotas($input: SetQuotasInput!) {
  setQuotas(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SetQuotasMutation, SetQuotasMutationVariables>;
export const EnvironmentPlanningDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<EnvironmentPlanningQuery, EnvironmentPlanningQueryVariables>;
export const CreateProjectDocument = new TypedDocumentString(`
    mutation CreateProject($input: CreateProjectInput!) {
  createProject(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CreateProjectMutation, CreateProjectMutationVariables>;
export const CreateEnvironmentDocument = new TypedDocumentString(`
    mutation CreateEnvironment($input: CreateEnvironmentInput!) {
  createEnvironment(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CreateEnvironmentMutation, CreateEnvironmentMutationVariables>;
export const IngestArtifactsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<IngestArtifactsMutation, IngestArtifactsMutationVariables>;
export const EnvironmentSecretsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<EnvironmentSecretsQuery, EnvironmentSecretsQueryVariables>;
export const SetSecretDocument = new TypedDocumentString(`
    mutation SetSecret($input: SetSecretInput!) {
  setSecret(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SetSecretMutation, SetSecretMutationVariables>;
export const RetireSecretDocument = new TypedDocumentString(`
    mutation RetireSecret($input: RetireSecretInput!) {
  retireSecret(input: $input) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RetireSecretMutation, RetireSecretMutationVariables>;
export const CurrentEnvironmentDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<CurrentEnvironmentQuery, CurrentEnvironmentQueryVariables>;
export const ProjectsDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ProjectsQuery, ProjectsQueryVariables>;
export const PermissionsOnDocument = new TypedDocumentString(`
    query PermissionsOn($scope: String!) {
  permissionsOn(scope: $scope)
}
    `) as unknown as TypedDocumentString<PermissionsOnQuery, PermissionsOnQueryVariables>;