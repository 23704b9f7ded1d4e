// Jobs' data access, in one place: the environment's jobs, one job with its fires and runs, the schedule
// preview a form asks for before saving, and the mutations. Query keys come from `jobKeys` alone.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { graphql } from "../../gql";
import type { CreateJobInput, JobAfterOutcome, JobFireOutcome, JobMisfirePolicy, JobOverlapPolicy, UpdateJobInput } from "../../gql/graphql";
import { request } from "../../lib/graphql";
import { runKeys } from "../runs/api";

export const jobKeys = {
  all: ["jobs"] as const,
  list: (environmentId: string | undefined) => [...jobKeys.all, "list", environmentId] as const,
  detail: (jobId: string) => [...jobKeys.all, "detail", jobId] as const,
  preview: (cron: string, timezone: string) => [...jobKeys.all, "preview", cron, timezone] as const,
};

/** The policies and outcomes as people read them (the schema's enums). */
export const OVERLAP_POLICIES: Record<JobOverlapPolicy, string> = {
  SKIP: "skip the fire",
  QUEUE: "queue behind the active run",
  CANCEL: "cancel the active run",
};
export const MISFIRE_POLICIES: Record<JobMisfirePolicy, string> = {
  RUN_ONCE: "run once on return",
  SKIP: "skip missed fires",
};
export const AFTER_OUTCOMES: Record<JobAfterOutcome, string> = {
  SUCCESS: "on success",
  FAILURE: "on failure",
  ALWAYS: "always",
};
export const FIRE_OUTCOMES: Record<JobFireOutcome, string> = {
  TRIGGERED: "triggered",
  SKIPPED: "skipped",
  WAITING: "waiting",
  MISSED: "missed",
  FAILED: "failed",
};

export const JobFields = graphql(`
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
`);

export const JobsQuery = graphql(`
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
`);

export const JobQuery = graphql(`
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
`);

export const SchedulePreviewQuery = graphql(`
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
`);

// What every job mutation answers: the job, or the error to show.
export const JobOutcome = graphql(`
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
`);

const CreateJob = graphql(`
  mutation CreateJob($input: CreateJobInput!) {
    createJob(input: $input) {
      ...JobOutcome
    }
  }
`);

const UpdateJob = graphql(`
  mutation UpdateJob($input: UpdateJobInput!) {
    updateJob(input: $input) {
      ...JobOutcome
    }
  }
`);

const DeleteJob = graphql(`
  mutation DeleteJob($input: JobInput!) {
    deleteJob(input: $input) {
      ...JobOutcome
    }
  }
`);

const PauseJob = graphql(`
  mutation PauseJob($input: JobInput!) {
    pauseJob(input: $input) {
      ...JobOutcome
    }
  }
`);

const ResumeJob = graphql(`
  mutation ResumeJob($input: JobInput!) {
    resumeJob(input: $input) {
      ...JobOutcome
    }
  }
`);

const TriggerJob = graphql(`
  mutation TriggerJob($input: JobInput!) {
    triggerJob(input: $input) {
      ...RunOutcome
    }
  }
`);

export function jobListQuery(environmentId: string | undefined) {
  return queryOptions({
    queryKey: jobKeys.list(environmentId),
    enabled: !!environmentId,
    queryFn: () => request(JobsQuery, { environmentId: environmentId! }),
    select: (data) => data.jobs,
    // Next fires move and last runs end: a list left open stays current.
    refetchInterval: 15_000,
  });
}

export function jobQuery(jobId: string) {
  return queryOptions({
    queryKey: jobKeys.detail(jobId),
    enabled: !!jobId,
    queryFn: () => request(JobQuery, { id: jobId }),
    select: (data) => data.job,
    refetchInterval: 10_000,
  });
}

/** The next five fires of a schedule not yet saved, or the server's reason it is not one. */
export function schedulePreviewQuery(cron: string, timezone: string) {
  return queryOptions({
    queryKey: jobKeys.preview(cron, timezone),
    enabled: !!cron.trim(),
    queryFn: () => request(SchedulePreviewQuery, { cron, timezone: timezone || "UTC" }),
    select: (data) => data.schedulePreview,
    // The fires shown stay until the next answer: the list does not flicker while typing.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** Every job mutation changes what lists and pages of jobs show. */
function useJobMutation<I, R>(call: (input: I) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: call, onSettled: () => client.invalidateQueries({ queryKey: jobKeys.all }) });
}

export const useCreateJob = () => useJobMutation(async (input: CreateJobInput) => (await request(CreateJob, { input })).createJob);
export const useUpdateJob = () => useJobMutation(async (input: UpdateJobInput) => (await request(UpdateJob, { input })).updateJob);
export const useDeleteJob = () => useJobMutation(async (jobId: string) => (await request(DeleteJob, { input: { jobId } })).deleteJob);
export const usePauseJob = () =>
  useJobMutation(async ({ jobId, paused }: { jobId: string; paused: boolean }) =>
    paused ? (await request(PauseJob, { input: { jobId } })).pauseJob : (await request(ResumeJob, { input: { jobId } })).resumeJob,
  );

/** Run a job now: the answer is its run or the refusal; the runs lists read again. */
export function useTriggerJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (jobId: string) => (await request(TriggerJob, { input: { jobId } })).triggerJob,
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: jobKeys.all }), client.invalidateQueries({ queryKey: runKeys.lists() })]),
  });
}
