from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Union

from .async_base_client import AsyncBaseClient
from .base_model import UNSET

if TYPE_CHECKING:
    from .api_tokens import ApiTokens
    from .approve_plan import ApprovePlan
    from .base_model import UnsetType
    from .cancel_run import CancelRun
    from .create_api_token import CreateApiToken
    from .create_environment import CreateEnvironment
    from .create_job import CreateJob
    from .create_organization import CreateOrganization
    from .create_plan import CreatePlan
    from .create_project import CreateProject
    from .delete_job import DeleteJob
    from .environment import Environment
    from .environments import Environments
    from .grant_role import GrantRole
    from .grants import Grants
    from .ingest_artifacts import IngestArtifacts
    from .input_types import (
        CreateApiTokenInput,
        CreateEnvironmentInput,
        CreateJobInput,
        CreateOrganizationInput,
        CreatePlanInput,
        CreateProjectInput,
        DecidePlanInput,
        GrantRoleInput,
        IngestArtifactsInput,
        JobInput,
        RetireSecretInput,
        RevokeApiTokenInput,
        RevokeRoleInput,
        SetSecretInput,
        TriggerRunInput,
    )
    from .job import Job
    from .job_runs import JobRuns
    from .jobs import Jobs
    from .organizations import Organizations
    from .pause_job import PauseJob
    from .plan import Plan
    from .projects import Projects
    from .resume_job import ResumeJob
    from .retire_secret import RetireSecret
    from .revoke_api_token import RevokeApiToken
    from .revoke_role import RevokeRole
    from .run import Run
    from .run_events import RunEvents
    from .run_nodes import RunNodes
    from .runs import Runs
    from .secrets import Secrets
    from .set_secret import SetSecret
    from .trigger_job import TriggerJob
    from .trigger_run import TriggerRun
    from .viewer import Viewer


def gql(q: str) -> str:
    return q


class DvtClient(AsyncBaseClient):
    async def viewer(self, **kwargs: Any) -> "Viewer":
        from .viewer import Viewer

        query = gql("""
            query Viewer {
              viewer {
                kind
                subject
                displayName
              }
              tenant {
                id
                slug
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(query=query, operation_name="Viewer", variables=variables, **kwargs)
        data = self.get_data(response)
        return Viewer.model_validate(data)

    async def environment(self, project: str, slug: str, **kwargs: Any) -> "Environment":
        from .environment import Environment

        query = gql("""
            query Environment($project: String!, $slug: String!) {
              environment(project: $project, slug: $slug) {
                id
                slug
              }
            }
            """)
        variables: dict[str, object] = {"project": project, "slug": slug}
        response = await self.execute(query=query, operation_name="Environment", variables=variables, **kwargs)
        data = self.get_data(response)
        return Environment.model_validate(data)

    async def projects(self, organization: Union[str | None, "UnsetType"] = UNSET, **kwargs: Any) -> "Projects":
        from .projects import Projects

        query = gql("""
            query Projects($organization: String) {
              tenant {
                id
              }
              projects(organization: $organization) {
                id
                slug
                name
                repository
                subdirectory
                createdAt
                organization {
                  id
                }
              }
            }
            """)
        variables: dict[str, object] = {"organization": organization}
        response = await self.execute(query=query, operation_name="Projects", variables=variables, **kwargs)
        data = self.get_data(response)
        return Projects.model_validate(data)

    async def environments(self, project: str, **kwargs: Any) -> "Environments":
        from .environments import Environments

        query = gql("""
            query Environments($project: String!) {
              tenant {
                id
              }
              project(slug: $project) {
                id
                environments {
                  id
                  slug
                  name
                  adapter
                  gitRef
                  settings
                  rateCard
                  policies
                  createdAt
                  quotas {
                    maxConcurrentRuns
                    monthlyCostBudget
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"project": project}
        response = await self.execute(query=query, operation_name="Environments", variables=variables, **kwargs)
        data = self.get_data(response)
        return Environments.model_validate(data)

    async def create_plan(self, input: "CreatePlanInput", **kwargs: Any) -> "CreatePlan":
        from .create_plan import CreatePlan

        query = gql("""
            mutation CreatePlan($input: CreatePlanInput!) {
              createPlan(input: $input) {
                __typename
                ...PlanFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment PlanFields on Plan {
              id
              status
              fingerprint
              commitSha
              document
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="CreatePlan", variables=variables, **kwargs)
        data = self.get_data(response)
        return CreatePlan.model_validate(data)

    async def approve_plan(self, input: "DecidePlanInput", **kwargs: Any) -> "ApprovePlan":
        from .approve_plan import ApprovePlan

        query = gql("""
            mutation ApprovePlan($input: DecidePlanInput!) {
              approvePlan(input: $input) {
                __typename
                ...PlanFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment PlanFields on Plan {
              id
              status
              fingerprint
              commitSha
              document
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="ApprovePlan", variables=variables, **kwargs)
        data = self.get_data(response)
        return ApprovePlan.model_validate(data)

    async def plan(self, id: str, **kwargs: Any) -> "Plan":
        from .plan import Plan

        query = gql("""
            query Plan($id: ID!) {
              plan(id: $id) {
                ...PlanFields
              }
            }

            fragment PlanFields on Plan {
              id
              status
              fingerprint
              commitSha
              document
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(query=query, operation_name="Plan", variables=variables, **kwargs)
        data = self.get_data(response)
        return Plan.model_validate(data)

    async def trigger_run(self, input: "TriggerRunInput", **kwargs: Any) -> "TriggerRun":
        from .trigger_run import TriggerRun

        query = gql("""
            mutation TriggerRun($input: TriggerRunInput!) {
              triggerRun(input: $input) {
                __typename
                ...RunFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="TriggerRun", variables=variables, **kwargs)
        data = self.get_data(response)
        return TriggerRun.model_validate(data)

    async def cancel_run(self, run_id: str, **kwargs: Any) -> "CancelRun":
        from .cancel_run import CancelRun

        query = gql("""
            mutation CancelRun($runId: ID!) {
              cancelRun(runId: $runId) {
                __typename
                ...RunFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {"runId": run_id}
        response = await self.execute(query=query, operation_name="CancelRun", variables=variables, **kwargs)
        data = self.get_data(response)
        return CancelRun.model_validate(data)

    async def run(self, id: str, **kwargs: Any) -> "Run":
        from .run import Run

        query = gql("""
            query Run($id: ID!) {
              run(id: $id) {
                ...RunFields
              }
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(query=query, operation_name="Run", variables=variables, **kwargs)
        data = self.get_data(response)
        return Run.model_validate(data)

    async def run_nodes(
        self,
        id: str,
        first: Union[int | None, "UnsetType"] = UNSET,
        after: Union[str | None, "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "RunNodes":
        from .run_nodes import RunNodes

        query = gql("""
            query RunNodes($id: ID!, $first: Int, $after: String) {
              run(id: $id) {
                id
                nodeCount
                nodes(first: $first, after: $after) {
                  uniqueId
                  statusText
                  startedAt
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "first": first, "after": after}
        response = await self.execute(query=query, operation_name="RunNodes", variables=variables, **kwargs)
        data = self.get_data(response)
        return RunNodes.model_validate(data)

    async def runs(
        self,
        environment_id: str,
        first: Union[int | None, "UnsetType"] = UNSET,
        after: Union[str | None, "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "Runs":
        from .runs import Runs

        query = gql("""
            query Runs($environmentId: ID!, $first: Int, $after: String) {
              runs(environmentId: $environmentId, first: $first, after: $after) {
                nodes {
                  ...RunFields
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {
            "environmentId": environment_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(query=query, operation_name="Runs", variables=variables, **kwargs)
        data = self.get_data(response)
        return Runs.model_validate(data)

    async def job_runs(
        self,
        id: str,
        first: Union[int | None, "UnsetType"] = UNSET,
        after: Union[str | None, "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "JobRuns":
        from .job_runs import JobRuns

        query = gql("""
            query JobRuns($id: ID!, $first: Int, $after: String) {
              job(id: $id) {
                runs(first: $first, after: $after) {
                  nodes {
                    ...RunFields
                  }
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                }
              }
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "first": first, "after": after}
        response = await self.execute(query=query, operation_name="JobRuns", variables=variables, **kwargs)
        data = self.get_data(response)
        return JobRuns.model_validate(data)

    async def run_events(self, run_id: str, after: int, **kwargs: Any) -> AsyncIterator["RunEvents"]:
        from .run_events import RunEvents

        query = gql("""
            subscription RunEvents($runId: ID!, $after: Int! = 0) {
              runEvents(runId: $runId, after: $after) {
                cursor
                events {
                  seq
                  kind
                  uniqueId
                  runStatus
                  statusText
                }
              }
            }
            """)
        variables: dict[str, object] = {"runId": run_id, "after": after}
        async for data in self.execute_ws(query=query, operation_name="RunEvents", variables=variables, **kwargs):
            yield RunEvents.model_validate(data)

    async def jobs(self, environment_id: str, **kwargs: Any) -> "Jobs":
        from .jobs import Jobs

        query = gql("""
            query Jobs($environmentId: ID!) {
              jobs(environmentId: $environmentId) {
                ...JobFields
              }
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"environmentId": environment_id}
        response = await self.execute(query=query, operation_name="Jobs", variables=variables, **kwargs)
        data = self.get_data(response)
        return Jobs.model_validate(data)

    async def job(self, id: str, fires: int, **kwargs: Any) -> "Job":
        from .job import Job

        query = gql("""
            query Job($id: ID!, $fires: Int! = 10) {
              job(id: $id) {
                ...JobFields
                fires(first: $fires) {
                  fireAt
                  trigger
                  outcome
                  reason
                  run {
                    id
                  }
                }
              }
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"id": id, "fires": fires}
        response = await self.execute(query=query, operation_name="Job", variables=variables, **kwargs)
        data = self.get_data(response)
        return Job.model_validate(data)

    async def create_job(self, input: "CreateJobInput", **kwargs: Any) -> "CreateJob":
        from .create_job import CreateJob

        query = gql("""
            mutation CreateJob($input: CreateJobInput!) {
              createJob(input: $input) {
                __typename
                ...JobFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="CreateJob", variables=variables, **kwargs)
        data = self.get_data(response)
        return CreateJob.model_validate(data)

    async def pause_job(self, input: "JobInput", **kwargs: Any) -> "PauseJob":
        from .pause_job import PauseJob

        query = gql("""
            mutation PauseJob($input: JobInput!) {
              pauseJob(input: $input) {
                __typename
                ...JobFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="PauseJob", variables=variables, **kwargs)
        data = self.get_data(response)
        return PauseJob.model_validate(data)

    async def resume_job(self, input: "JobInput", **kwargs: Any) -> "ResumeJob":
        from .resume_job import ResumeJob

        query = gql("""
            mutation ResumeJob($input: JobInput!) {
              resumeJob(input: $input) {
                __typename
                ...JobFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="ResumeJob", variables=variables, **kwargs)
        data = self.get_data(response)
        return ResumeJob.model_validate(data)

    async def delete_job(self, input: "JobInput", **kwargs: Any) -> "DeleteJob":
        from .delete_job import DeleteJob

        query = gql("""
            mutation DeleteJob($input: JobInput!) {
              deleteJob(input: $input) {
                __typename
                ...JobFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment JobFields on Job {
              id
              name
              steps {
                commandLine
              }
              cron
              timezone
              afterJob {
                id
              }
              afterOutcome
              overlap
              misfire
              timeoutSeconds
              paused
              nextFireAt
              nextFires(count: 5)
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="DeleteJob", variables=variables, **kwargs)
        data = self.get_data(response)
        return DeleteJob.model_validate(data)

    async def trigger_job(self, input: "JobInput", **kwargs: Any) -> "TriggerJob":
        from .trigger_job import TriggerJob

        query = gql("""
            mutation TriggerJob($input: JobInput!) {
              triggerJob(input: $input) {
                __typename
                ...RunFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment RunFields on Run {
              id
              number
              status
              reason
              trigger
              commitSha
              createdAt
              startedAt
              finishedAt
              plan {
                id
              }
              job {
                name
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="TriggerJob", variables=variables, **kwargs)
        data = self.get_data(response)
        return TriggerJob.model_validate(data)

    async def ingest_artifacts(self, input: "IngestArtifactsInput", **kwargs: Any) -> "IngestArtifacts":
        from .ingest_artifacts import IngestArtifacts

        query = gql("""
            mutation IngestArtifacts($input: IngestArtifactsInput!) {
              ingestArtifacts(input: $input) {
                __typename
                ... on IngestResult {
                  graphVersion {
                    id
                  }
                  created
                  madeCurrent
                  nodes
                  sources
                  exposures
                  metrics
                  edges
                  artifacts {
                    kind
                    fileName
                    schemaVersion
                    dbtVersion
                    sha256
                    invocationId
                  }
                  warnings
                }
                ... on ArtifactRejectedError {
                  file
                  problem
                }
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="IngestArtifacts", variables=variables, **kwargs)
        data = self.get_data(response)
        return IngestArtifacts.model_validate(data)

    async def create_project(self, input: "CreateProjectInput", **kwargs: Any) -> "CreateProject":
        from .create_project import CreateProject

        query = gql("""
            mutation CreateProject($input: CreateProjectInput!) {
              createProject(input: $input) {
                __typename
                ...ProjectFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment ProjectFields on Project {
              id
              slug
              name
              repository
              subdirectory
              createdAt
              organization {
                id
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="CreateProject", variables=variables, **kwargs)
        data = self.get_data(response)
        return CreateProject.model_validate(data)

    async def create_environment(self, input: "CreateEnvironmentInput", **kwargs: Any) -> "CreateEnvironment":
        from .create_environment import CreateEnvironment

        query = gql("""
            mutation CreateEnvironment($input: CreateEnvironmentInput!) {
              createEnvironment(input: $input) {
                __typename
                ...EnvironmentFields
                ...ErrorFields
              }
            }

            fragment EnvironmentFields on Environment {
              id
              slug
              name
              adapter
              gitRef
              settings
              rateCard
              policies
              createdAt
              quotas {
                maxConcurrentRuns
                monthlyCostBudget
              }
              project {
                id
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="CreateEnvironment",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateEnvironment.model_validate(data)

    async def api_tokens(self, **kwargs: Any) -> "ApiTokens":
        from .api_tokens import ApiTokens

        query = gql("""
            query ApiTokens {
              tenant {
                id
              }
              apiTokens {
                ...ApiTokenFields
              }
            }

            fragment ApiTokenFields on ApiToken {
              id
              name
              roles
              createdBy
              createdAt
              lastUsedAt
              revokedAt
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(query=query, operation_name="ApiTokens", variables=variables, **kwargs)
        data = self.get_data(response)
        return ApiTokens.model_validate(data)

    async def create_api_token(self, input: "CreateApiTokenInput", **kwargs: Any) -> "CreateApiToken":
        from .create_api_token import CreateApiToken

        query = gql("""
            mutation CreateApiToken($input: CreateApiTokenInput!) {
              createApiToken(input: $input) {
                __typename
                ... on CreatedApiToken {
                  token
                  apiToken {
                    ...ApiTokenFields
                  }
                }
                ...ErrorFields
              }
            }

            fragment ApiTokenFields on ApiToken {
              id
              name
              roles
              createdBy
              createdAt
              lastUsedAt
              revokedAt
            }

            fragment ErrorFields on Error {
              message
              code
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="CreateApiToken", variables=variables, **kwargs)
        data = self.get_data(response)
        return CreateApiToken.model_validate(data)

    async def revoke_api_token(self, input: "RevokeApiTokenInput", **kwargs: Any) -> "RevokeApiToken":
        from .revoke_api_token import RevokeApiToken

        query = gql("""
            mutation RevokeApiToken($input: RevokeApiTokenInput!) {
              revokeApiToken(input: $input) {
                __typename
                ...ApiTokenFields
                ...ErrorFields
              }
            }

            fragment ApiTokenFields on ApiToken {
              id
              name
              roles
              createdBy
              createdAt
              lastUsedAt
              revokedAt
            }

            fragment ErrorFields on Error {
              message
              code
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="RevokeApiToken", variables=variables, **kwargs)
        data = self.get_data(response)
        return RevokeApiToken.model_validate(data)

    async def grants(self, **kwargs: Any) -> "Grants":
        from .grants import Grants

        query = gql("""
            query Grants {
              tenant {
                id
              }
              grants {
                ...GrantFields
              }
            }

            fragment GrantFields on Grant {
              id
              principal
              role
              scope
              grantedBy
              createdAt
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(query=query, operation_name="Grants", variables=variables, **kwargs)
        data = self.get_data(response)
        return Grants.model_validate(data)

    async def grant_role(self, input: "GrantRoleInput", **kwargs: Any) -> "GrantRole":
        from .grant_role import GrantRole

        query = gql("""
            mutation GrantRole($input: GrantRoleInput!) {
              grantRole(input: $input) {
                __typename
                ...GrantFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment GrantFields on Grant {
              id
              principal
              role
              scope
              grantedBy
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="GrantRole", variables=variables, **kwargs)
        data = self.get_data(response)
        return GrantRole.model_validate(data)

    async def revoke_role(self, input: "RevokeRoleInput", **kwargs: Any) -> "RevokeRole":
        from .revoke_role import RevokeRole

        query = gql("""
            mutation RevokeRole($input: RevokeRoleInput!) {
              revokeRole(input: $input) {
                __typename
                ...GrantFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment GrantFields on Grant {
              id
              principal
              role
              scope
              grantedBy
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="RevokeRole", variables=variables, **kwargs)
        data = self.get_data(response)
        return RevokeRole.model_validate(data)

    async def secrets(self, project: str, slug: str, **kwargs: Any) -> "Secrets":
        from .secrets import Secrets

        query = gql("""
            query Secrets($project: String!, $slug: String!) {
              environment(project: $project, slug: $slug) {
                id
                secrets {
                  ...SecretFields
                }
              }
            }

            fragment SecretFields on Secret {
              name
              envVar
              version
              keyVersion
              createdAt
              rotatedAt
            }
            """)
        variables: dict[str, object] = {"project": project, "slug": slug}
        response = await self.execute(query=query, operation_name="Secrets", variables=variables, **kwargs)
        data = self.get_data(response)
        return Secrets.model_validate(data)

    async def set_secret(self, input: "SetSecretInput", **kwargs: Any) -> "SetSecret":
        from .set_secret import SetSecret

        query = gql("""
            mutation SetSecret($input: SetSecretInput!) {
              setSecret(input: $input) {
                __typename
                ...SecretFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment SecretFields on Secret {
              name
              envVar
              version
              keyVersion
              createdAt
              rotatedAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="SetSecret", variables=variables, **kwargs)
        data = self.get_data(response)
        return SetSecret.model_validate(data)

    async def retire_secret(self, input: "RetireSecretInput", **kwargs: Any) -> "RetireSecret":
        from .retire_secret import RetireSecret

        query = gql("""
            mutation RetireSecret($input: RetireSecretInput!) {
              retireSecret(input: $input) {
                __typename
                ...SecretFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment SecretFields on Secret {
              name
              envVar
              version
              keyVersion
              createdAt
              rotatedAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(query=query, operation_name="RetireSecret", variables=variables, **kwargs)
        data = self.get_data(response)
        return RetireSecret.model_validate(data)

    async def organizations(self, **kwargs: Any) -> "Organizations":
        from .organizations import Organizations

        query = gql("""
            query Organizations {
              tenant {
                id
              }
              organizations {
                ...OrganizationFields
              }
            }

            fragment OrganizationFields on Organization {
              id
              slug
              name
              createdAt
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(query=query, operation_name="Organizations", variables=variables, **kwargs)
        data = self.get_data(response)
        return Organizations.model_validate(data)

    async def create_organization(self, input: "CreateOrganizationInput", **kwargs: Any) -> "CreateOrganization":
        from .create_organization import CreateOrganization

        query = gql("""
            mutation CreateOrganization($input: CreateOrganizationInput!) {
              createOrganization(input: $input) {
                __typename
                ...OrganizationFields
                ...ErrorFields
              }
            }

            fragment ErrorFields on Error {
              message
              code
            }

            fragment OrganizationFields on Organization {
              id
              slug
              name
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="CreateOrganization",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateOrganization.model_validate(data)
