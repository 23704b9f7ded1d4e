/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query PaletteRecent($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 20) {\n      nodes {\n        id\n        number\n        status\n        createdAt\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 20) {\n          nodes {\n            id\n            status\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.PaletteRecentDocument,
    "\n  query VersionArtifacts($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      sequence\n      artifacts {\n        id\n        kind\n        schemaVersion\n        dbtVersion\n        generatedAt\n        invocationId\n        sha256\n        sizeBytes\n        fileName\n        createdAt\n        downloadPath\n      }\n    }\n  }\n": typeof types.VersionArtifactsDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query Dashboard($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 100) {\n      nodes {\n        id\n        number\n        status\n        trigger\n        actor\n        actorName\n        createdAt\n        durationSeconds\n        actualCost\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            approvalsRequired {\n              role\n              reason\n            }\n          }\n        }\n        invocations(first: 20) {\n          nodes {\n            invocationId\n            command\n            createdAt\n            sourceFreshness {\n              uniqueId\n              status\n              statusText\n              maxLoadedAt\n              ageSeconds\n              error\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  query DashboardRunNodes($id: ID!) {\n    run(id: $id) {\n      id\n      nodes {\n        uniqueId\n        status\n        statusText\n        executionTime\n        message\n      }\n    }\n  }\n": typeof types.DashboardRunNodesDocument,
    "\n  query VersionDiff($base: ID!, $head: ID!) {\n    diff(base: $base, head: $head) {\n      added {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      removed {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      modified {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n        stateModified\n        changes {\n          kind\n          category\n          message\n        }\n      }\n      impacted\n      changedMacros\n    }\n  }\n": typeof types.VersionDiffDocument,
    "\n  query NodeCode($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        rawCode\n        language\n      }\n    }\n  }\n": typeof types.NodeCodeDocument,
    "\n  query DocsList($project: String!, $env: String!, $filter: NodeFilterInput, $after: String, $first: Int!) {\n    environment(project: $project, slug: $env) {\n      id\n      latestGraphVersion {\n        id\n        nodes(first: $first, after: $after, filter: $filter) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            uniqueId\n            name\n            resourceType\n            resourceTypeText\n            description\n            packageName\n          }\n        }\n      }\n    }\n  }\n": typeof types.DocsListDocument,
    "\n  query GraphVersions($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        graphVersions(first: 100) {\n          nodes {\n            id\n            sequence\n            contentHash\n            dbtVersion\n            manifestSchemaVersion\n            invocationId\n            generatedAt\n            nodeCount\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.GraphVersionsDocument,
    "\n  query GraphDocument($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      contentHash\n      graph\n    }\n  }\n": typeof types.GraphDocumentDocument,
    "\n  query NodeDetail($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        uniqueId\n        name\n        resourceType\n        resourceTypeText\n        packageName\n        path\n        description\n        materialized\n        tags\n        owner\n        group\n        access\n        language\n        rawCode\n        compiledCode\n        relationName\n        dependsOn\n        config\n        columns {\n          name\n          dataType\n          description\n          tags\n        }\n        tests {\n          uniqueId\n          name\n          resourceType\n          resourceTypeText\n        }\n        runHistory {\n          invocationId\n          status\n          statusText\n          executionTime\n          completedAt\n          rowsAffected\n          message\n        }\n      }\n    }\n  }\n": typeof types.NodeDetailDocument,
    "\n  query LatestRunStatus($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 1) {\n      nodes {\n        id\n        status\n        createdAt\n        nodes {\n          uniqueId\n          status\n          statusText\n          actualCost\n          estimatedCost\n          executionTime\n        }\n      }\n    }\n  }\n": typeof types.LatestRunStatusDocument,
    "\n  query CanvasState($projectId: ID!) {\n    canvasState(projectId: $projectId) {\n      revision\n      state\n      updatedAt\n    }\n  }\n": typeof types.CanvasStateDocument,
    "\n  mutation SaveCanvasState($input: SaveCanvasStateInput!) {\n    saveCanvasState(input: $input) {\n      __typename\n      ... on CanvasState {\n        revision\n        state\n        updatedAt\n      }\n      ... on CanvasConflictError {\n        message\n        current {\n          revision\n          state\n          updatedAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SaveCanvasStateDocument,
    "\n  fragment JobFields on Job {\n    id\n    name\n    paused\n    cron\n    timezone\n    nextFireAt\n    timeoutSeconds\n    overlap\n    misfire\n    afterOutcome\n    afterJob {\n      id\n      name\n    }\n    steps {\n      commandLine\n    }\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  query EnvironmentJobs($environmentId: ID!) {\n    jobs(environmentId: $environmentId) {\n      ...JobFields\n      runs(first: 1) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentJobsDocument,
    "\n  query JobDetail($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n      createdBy\n      createdAt\n      updatedAt\n      nextFires(count: 5)\n      fires(first: 20) {\n        fireAt\n        trigger\n        outcome\n        reason\n        createdAt\n        run {\n          id\n          number\n          status\n        }\n      }\n      runs(first: 20) {\n        nodes {\n          id\n          number\n          status\n          trigger\n          commitSha\n          createdAt\n          durationSeconds\n        }\n      }\n    }\n  }\n": typeof types.JobDetailDocument,
    "\n  query SchedulePreview($cron: String!, $timezone: String!) {\n    schedulePreview(cron: $cron, timezone: $timezone, count: 5) {\n      __typename\n      ... on SchedulePreview {\n        fires\n      }\n      ... on ValidationError {\n        message\n      }\n    }\n  }\n": typeof types.SchedulePreviewDocument,
    "\n  fragment JobOutcome on JobResult {\n    __typename\n    ... on Job {\n      id\n      name\n    }\n    ... on Error {\n      message\n    }\n  }\n": typeof types.JobOutcomeFragmentDoc,
    "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": typeof types.CreateJobDocument,
    "\n  mutation UpdateJob($input: UpdateJobInput!) {\n    updateJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": typeof types.UpdateJobDocument,
    "\n  mutation DeleteJob($input: JobInput!) {\n    deleteJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": typeof types.DeleteJobDocument,
    "\n  mutation PauseJob($input: JobInput!) {\n    pauseJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": typeof types.PauseJobDocument,
    "\n  mutation ResumeJob($input: JobInput!) {\n    resumeJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": typeof types.ResumeJobDocument,
    "\n  mutation TriggerJob($input: JobInput!) {\n    triggerJob(input: $input) {\n      ...RunOutcome\n    }\n  }\n": typeof types.TriggerJobDocument,
    "\n  query EnvironmentPlans($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            decidedByName\n            totals {\n              run\n              skip\n              partial\n              p50Cost\n            }\n            approvalsRequired {\n              role\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentPlansDocument,
    "\n  fragment PlanOutcome on PlanResult {\n    __typename\n    ... on Plan {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n": typeof types.PlanOutcomeFragmentDoc,
    "\n  mutation CreatePlan($input: CreatePlanInput!) {\n    createPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": typeof types.CreatePlanDocument,
    "\n  query PlanDetail($id: ID!) {\n    plan(id: $id) {\n      id\n      fingerprint\n      status\n      createdByName\n      commitSha\n      createdAt\n      expiresAt\n      decidedByName\n      decidedAt\n      decisionNote\n      explanation\n      request\n      steps {\n        index\n        command\n        request\n      }\n      selected\n      totals {\n        run\n        skip\n        partial\n        p50Ms\n        p90Ms\n        p50Cost\n        p90Cost\n        budgetRemaining\n      }\n      approvalsRequired {\n        policy\n        reason\n        role\n      }\n      itemCount\n      headVersion {\n        id\n        sequence\n      }\n      baseVersion {\n        id\n        sequence\n      }\n    }\n  }\n": typeof types.PlanDetailDocument,
    "\n  mutation ApprovePlan($input: DecidePlanInput!) {\n    approvePlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": typeof types.ApprovePlanDocument,
    "\n  mutation RejectPlan($input: DecidePlanInput!) {\n    rejectPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": typeof types.RejectPlanDocument,
    "\n  query PlanItems($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        step\n        action\n        wave\n        why\n        estimate {\n          p50Cost\n          p50Ms\n          confidence\n        }\n      }\n    }\n  }\n": typeof types.PlanItemsDocument,
    "\n  query PlanNodes($id: ID!) {\n    plan(id: $id) {\n      id\n      items {\n        uniqueId\n        action\n      }\n    }\n  }\n": typeof types.PlanNodesDocument,
    "\n  query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {\n    runs(environmentId: $environmentId, status: $status, trigger: $trigger, actor: $actor, first: $first, after: $after) {\n      nodes {\n        id\n        number\n        status\n        reason\n        trigger\n        actor\n        actorName\n        attempt\n        createdAt\n        startedAt\n        finishedAt\n        durationSeconds\n        queueWaitSeconds\n        estimatedCost\n        actualCost\n        regressions\n        job {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.RunsDocument,
    "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      number\n      status\n      reason\n      trigger\n      actor\n      actorName\n      attempt\n      traceId\n      commitSha\n      worker\n      exitCode\n      createdAt\n      startedAt\n      finishedAt\n      cancelRequestedAt\n      durationSeconds\n      queueWaitSeconds\n      estimatedCost\n      actualCost\n      regressions\n      artifacts\n      eventCount\n      nodeCount\n      limits\n      plan {\n        id\n        status\n      }\n      job {\n        id\n        name\n      }\n      retryOf {\n        id\n      }\n      graphVersion {\n        id\n        sequence\n        artifacts {\n          id\n          kind\n          schemaVersion\n          dbtVersion\n          sizeBytes\n          fileName\n          downloadPath\n        }\n      }\n    }\n  }\n": typeof types.RunDetailDocument,
    "\n  query RunNodes($id: ID!, $first: Int!, $after: String) {\n    run(id: $id) {\n      id\n      nodes(first: $first, after: $after) {\n        uniqueId\n        status\n        statusText\n        startedAt\n        finishedAt\n        executionTime\n        rowsAffected\n        message\n        estimatedCost\n        actualCost\n        regression\n      }\n    }\n  }\n": typeof types.RunNodesDocument,
    "\n  query RunPlanEstimates($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        action\n        estimate {\n          p50Ms\n        }\n      }\n    }\n  }\n": typeof types.RunPlanEstimatesDocument,
    "\n  subscription RunLogs($runId: ID!, $after: Int!) {\n    runLogs(runId: $runId, after: $after) {\n      cursor\n      chunks {\n        seq\n        stream\n        text\n      }\n    }\n  }\n": typeof types.RunLogsDocument,
    "\n  fragment RunOutcome on RunResult {\n    __typename\n    ... on Run {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n": typeof types.RunOutcomeFragmentDoc,
    "\n  mutation TriggerRun($input: TriggerRunInput!) {\n    triggerRun(input: $input) {\n      ...RunOutcome\n    }\n  }\n": typeof types.TriggerRunDocument,
    "\n  mutation CancelRun($runId: ID!) {\n    cancelRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n": typeof types.CancelRunDocument,
    "\n  mutation RetryRun($runId: ID!) {\n    retryRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n": typeof types.RetryRunDocument,
    "\n  subscription RunEvents($runId: ID!, $after: Int!) {\n    runEvents(runId: $runId, after: $after) {\n      cursor\n      events {\n        seq\n        kind\n        uniqueId\n        runStatus\n        nodeStatus\n        statusText\n        message\n        payload\n        createdAt\n      }\n    }\n  }\n": typeof types.RunEventsDocument,
    "\n  query AccessOverview {\n    grants {\n      id\n      principal\n      role\n      scope\n      grantedBy\n      createdAt\n    }\n    apiTokens {\n      id\n      name\n      roles\n      createdByName\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": typeof types.AccessOverviewDocument,
    "\n  mutation GrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.GrantRoleDocument,
    "\n  mutation RevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RevokeRoleDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      __typename\n      ... on CreatedApiToken {\n        token\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  mutation ConfigurePlanning($input: ConfigurePlanningInput!) {\n    configurePlanning(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.ConfigurePlanningDocument,
    "\n  mutation SetQuotas($input: SetQuotasInput!) {\n    setQuotas(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SetQuotasDocument,
    "\n  query EnvironmentPlanning($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        policies\n        rateCard\n        quotas {\n          maxConcurrentRuns\n          monthlyCostBudget\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentPlanningDocument,
    "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateProjectDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateEnvironmentDocument,
    "\n  mutation IngestArtifacts($input: IngestArtifactsInput!) {\n    ingestArtifacts(input: $input) {\n      __typename\n      ... on IngestResult {\n        created\n        nodes\n        sources\n        edges\n        warnings\n        graphVersion {\n          sequence\n        }\n      }\n      ... on ArtifactRejectedError {\n        file\n        problem\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.IngestArtifactsDocument,
    "\n  query EnvironmentSecrets($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        secrets {\n          name\n          envVar\n          version\n          createdAt\n          rotatedAt\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentSecretsDocument,
    "\n  mutation SetSecret($input: SetSecretInput!) {\n    setSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.SetSecretDocument,
    "\n  mutation RetireSecret($input: RetireSecretInput!) {\n    retireSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RetireSecretDocument,
    "\n  query CurrentEnvironment($project: String!, $env: String!) {\n    environment(project: $project, slug: $env) {\n      id\n      slug\n      name\n      adapter\n      gitRef\n      scope\n      quotas {\n        maxConcurrentRuns\n        monthlyCostBudget\n      }\n      rateCard\n      currency\n      project {\n        id\n        slug\n        name\n        repository\n        organization {\n          slug\n        }\n      }\n      latestGraphVersion {\n        id\n        sequence\n        contentHash\n        dbtVersion\n        nodeCount\n        createdAt\n      }\n    }\n  }\n": typeof types.CurrentEnvironmentDocument,
    "\n  query Projects {\n    tenant {\n      slug\n      name\n    }\n    viewer {\n      subject\n      displayName\n      kind\n    }\n    organizations {\n      slug\n      name\n      projects {\n        slug\n        name\n        environments {\n          slug\n          name\n        }\n      }\n    }\n  }\n": typeof types.ProjectsDocument,
    "\n  query PermissionsOn($scope: String!) {\n    permissionsOn(scope: $scope)\n  }\n": typeof types.PermissionsOnDocument,
};
const documents: Documents = {
    "\n  query PaletteRecent($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 20) {\n      nodes {\n        id\n        number\n        status\n        createdAt\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 20) {\n          nodes {\n            id\n            status\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": types.PaletteRecentDocument,
    "\n  query VersionArtifacts($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      sequence\n      artifacts {\n        id\n        kind\n        schemaVersion\n        dbtVersion\n        generatedAt\n        invocationId\n        sha256\n        sizeBytes\n        fileName\n        createdAt\n        downloadPath\n      }\n    }\n  }\n": types.VersionArtifactsDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  query Dashboard($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 100) {\n      nodes {\n        id\n        number\n        status\n        trigger\n        actor\n        actorName\n        createdAt\n        durationSeconds\n        actualCost\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            approvalsRequired {\n              role\n              reason\n            }\n          }\n        }\n        invocations(first: 20) {\n          nodes {\n            invocationId\n            command\n            createdAt\n            sourceFreshness {\n              uniqueId\n              status\n              statusText\n              maxLoadedAt\n              ageSeconds\n              error\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  query DashboardRunNodes($id: ID!) {\n    run(id: $id) {\n      id\n      nodes {\n        uniqueId\n        status\n        statusText\n        executionTime\n        message\n      }\n    }\n  }\n": types.DashboardRunNodesDocument,
    "\n  query VersionDiff($base: ID!, $head: ID!) {\n    diff(base: $base, head: $head) {\n      added {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      removed {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      modified {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n        stateModified\n        changes {\n          kind\n          category\n          message\n        }\n      }\n      impacted\n      changedMacros\n    }\n  }\n": types.VersionDiffDocument,
    "\n  query NodeCode($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        rawCode\n        language\n      }\n    }\n  }\n": types.NodeCodeDocument,
    "\n  query DocsList($project: String!, $env: String!, $filter: NodeFilterInput, $after: String, $first: Int!) {\n    environment(project: $project, slug: $env) {\n      id\n      latestGraphVersion {\n        id\n        nodes(first: $first, after: $after, filter: $filter) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            uniqueId\n            name\n            resourceType\n            resourceTypeText\n            description\n            packageName\n          }\n        }\n      }\n    }\n  }\n": types.DocsListDocument,
    "\n  query GraphVersions($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        graphVersions(first: 100) {\n          nodes {\n            id\n            sequence\n            contentHash\n            dbtVersion\n            manifestSchemaVersion\n            invocationId\n            generatedAt\n            nodeCount\n            createdAt\n          }\n        }\n      }\n    }\n  }\n": types.GraphVersionsDocument,
    "\n  query GraphDocument($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      contentHash\n      graph\n    }\n  }\n": types.GraphDocumentDocument,
    "\n  query NodeDetail($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        uniqueId\n        name\n        resourceType\n        resourceTypeText\n        packageName\n        path\n        description\n        materialized\n        tags\n        owner\n        group\n        access\n        language\n        rawCode\n        compiledCode\n        relationName\n        dependsOn\n        config\n        columns {\n          name\n          dataType\n          description\n          tags\n        }\n        tests {\n          uniqueId\n          name\n          resourceType\n          resourceTypeText\n        }\n        runHistory {\n          invocationId\n          status\n          statusText\n          executionTime\n          completedAt\n          rowsAffected\n          message\n        }\n      }\n    }\n  }\n": types.NodeDetailDocument,
    "\n  query LatestRunStatus($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 1) {\n      nodes {\n        id\n        status\n        createdAt\n        nodes {\n          uniqueId\n          status\n          statusText\n          actualCost\n          estimatedCost\n          executionTime\n        }\n      }\n    }\n  }\n": types.LatestRunStatusDocument,
    "\n  query CanvasState($projectId: ID!) {\n    canvasState(projectId: $projectId) {\n      revision\n      state\n      updatedAt\n    }\n  }\n": types.CanvasStateDocument,
    "\n  mutation SaveCanvasState($input: SaveCanvasStateInput!) {\n    saveCanvasState(input: $input) {\n      __typename\n      ... on CanvasState {\n        revision\n        state\n        updatedAt\n      }\n      ... on CanvasConflictError {\n        message\n        current {\n          revision\n          state\n          updatedAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SaveCanvasStateDocument,
    "\n  fragment JobFields on Job {\n    id\n    name\n    paused\n    cron\n    timezone\n    nextFireAt\n    timeoutSeconds\n    overlap\n    misfire\n    afterOutcome\n    afterJob {\n      id\n      name\n    }\n    steps {\n      commandLine\n    }\n  }\n": types.JobFieldsFragmentDoc,
    "\n  query EnvironmentJobs($environmentId: ID!) {\n    jobs(environmentId: $environmentId) {\n      ...JobFields\n      runs(first: 1) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": types.EnvironmentJobsDocument,
    "\n  query JobDetail($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n      createdBy\n      createdAt\n      updatedAt\n      nextFires(count: 5)\n      fires(first: 20) {\n        fireAt\n        trigger\n        outcome\n        reason\n        createdAt\n        run {\n          id\n          number\n          status\n        }\n      }\n      runs(first: 20) {\n        nodes {\n          id\n          number\n          status\n          trigger\n          commitSha\n          createdAt\n          durationSeconds\n        }\n      }\n    }\n  }\n": types.JobDetailDocument,
    "\n  query SchedulePreview($cron: String!, $timezone: String!) {\n    schedulePreview(cron: $cron, timezone: $timezone, count: 5) {\n      __typename\n      ... on SchedulePreview {\n        fires\n      }\n      ... on ValidationError {\n        message\n      }\n    }\n  }\n": types.SchedulePreviewDocument,
    "\n  fragment JobOutcome on JobResult {\n    __typename\n    ... on Job {\n      id\n      name\n    }\n    ... on Error {\n      message\n    }\n  }\n": types.JobOutcomeFragmentDoc,
    "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": types.CreateJobDocument,
    "\n  mutation UpdateJob($input: UpdateJobInput!) {\n    updateJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": types.UpdateJobDocument,
    "\n  mutation DeleteJob($input: JobInput!) {\n    deleteJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": types.DeleteJobDocument,
    "\n  mutation PauseJob($input: JobInput!) {\n    pauseJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": types.PauseJobDocument,
    "\n  mutation ResumeJob($input: JobInput!) {\n    resumeJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n": types.ResumeJobDocument,
    "\n  mutation TriggerJob($input: JobInput!) {\n    triggerJob(input: $input) {\n      ...RunOutcome\n    }\n  }\n": types.TriggerJobDocument,
    "\n  query EnvironmentPlans($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            decidedByName\n            totals {\n              run\n              skip\n              partial\n              p50Cost\n            }\n            approvalsRequired {\n              role\n            }\n          }\n        }\n      }\n    }\n  }\n": types.EnvironmentPlansDocument,
    "\n  fragment PlanOutcome on PlanResult {\n    __typename\n    ... on Plan {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n": types.PlanOutcomeFragmentDoc,
    "\n  mutation CreatePlan($input: CreatePlanInput!) {\n    createPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": types.CreatePlanDocument,
    "\n  query PlanDetail($id: ID!) {\n    plan(id: $id) {\n      id\n      fingerprint\n      status\n      createdByName\n      commitSha\n      createdAt\n      expiresAt\n      decidedByName\n      decidedAt\n      decisionNote\n      explanation\n      request\n      steps {\n        index\n        command\n        request\n      }\n      selected\n      totals {\n        run\n        skip\n        partial\n        p50Ms\n        p90Ms\n        p50Cost\n        p90Cost\n        budgetRemaining\n      }\n      approvalsRequired {\n        policy\n        reason\n        role\n      }\n      itemCount\n      headVersion {\n        id\n        sequence\n      }\n      baseVersion {\n        id\n        sequence\n      }\n    }\n  }\n": types.PlanDetailDocument,
    "\n  mutation ApprovePlan($input: DecidePlanInput!) {\n    approvePlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": types.ApprovePlanDocument,
    "\n  mutation RejectPlan($input: DecidePlanInput!) {\n    rejectPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n": types.RejectPlanDocument,
    "\n  query PlanItems($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        step\n        action\n        wave\n        why\n        estimate {\n          p50Cost\n          p50Ms\n          confidence\n        }\n      }\n    }\n  }\n": types.PlanItemsDocument,
    "\n  query PlanNodes($id: ID!) {\n    plan(id: $id) {\n      id\n      items {\n        uniqueId\n        action\n      }\n    }\n  }\n": types.PlanNodesDocument,
    "\n  query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {\n    runs(environmentId: $environmentId, status: $status, trigger: $trigger, actor: $actor, first: $first, after: $after) {\n      nodes {\n        id\n        number\n        status\n        reason\n        trigger\n        actor\n        actorName\n        attempt\n        createdAt\n        startedAt\n        finishedAt\n        durationSeconds\n        queueWaitSeconds\n        estimatedCost\n        actualCost\n        regressions\n        job {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.RunsDocument,
    "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      number\n      status\n      reason\n      trigger\n      actor\n      actorName\n      attempt\n      traceId\n      commitSha\n      worker\n      exitCode\n      createdAt\n      startedAt\n      finishedAt\n      cancelRequestedAt\n      durationSeconds\n      queueWaitSeconds\n      estimatedCost\n      actualCost\n      regressions\n      artifacts\n      eventCount\n      nodeCount\n      limits\n      plan {\n        id\n        status\n      }\n      job {\n        id\n        name\n      }\n      retryOf {\n        id\n      }\n      graphVersion {\n        id\n        sequence\n        artifacts {\n          id\n          kind\n          schemaVersion\n          dbtVersion\n          sizeBytes\n          fileName\n          downloadPath\n        }\n      }\n    }\n  }\n": types.RunDetailDocument,
    "\n  query RunNodes($id: ID!, $first: Int!, $after: String) {\n    run(id: $id) {\n      id\n      nodes(first: $first, after: $after) {\n        uniqueId\n        status\n        statusText\n        startedAt\n        finishedAt\n        executionTime\n        rowsAffected\n        message\n        estimatedCost\n        actualCost\n        regression\n      }\n    }\n  }\n": types.RunNodesDocument,
    "\n  query RunPlanEstimates($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        action\n        estimate {\n          p50Ms\n        }\n      }\n    }\n  }\n": types.RunPlanEstimatesDocument,
    "\n  subscription RunLogs($runId: ID!, $after: Int!) {\n    runLogs(runId: $runId, after: $after) {\n      cursor\n      chunks {\n        seq\n        stream\n        text\n      }\n    }\n  }\n": types.RunLogsDocument,
    "\n  fragment RunOutcome on RunResult {\n    __typename\n    ... on Run {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n": types.RunOutcomeFragmentDoc,
    "\n  mutation TriggerRun($input: TriggerRunInput!) {\n    triggerRun(input: $input) {\n      ...RunOutcome\n    }\n  }\n": types.TriggerRunDocument,
    "\n  mutation CancelRun($runId: ID!) {\n    cancelRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n": types.CancelRunDocument,
    "\n  mutation RetryRun($runId: ID!) {\n    retryRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n": types.RetryRunDocument,
    "\n  subscription RunEvents($runId: ID!, $after: Int!) {\n    runEvents(runId: $runId, after: $after) {\n      cursor\n      events {\n        seq\n        kind\n        uniqueId\n        runStatus\n        nodeStatus\n        statusText\n        message\n        payload\n        createdAt\n      }\n    }\n  }\n": types.RunEventsDocument,
    "\n  query AccessOverview {\n    grants {\n      id\n      principal\n      role\n      scope\n      grantedBy\n      createdAt\n    }\n    apiTokens {\n      id\n      name\n      roles\n      createdByName\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": types.AccessOverviewDocument,
    "\n  mutation GrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.GrantRoleDocument,
    "\n  mutation RevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RevokeRoleDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      __typename\n      ... on CreatedApiToken {\n        token\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  mutation ConfigurePlanning($input: ConfigurePlanningInput!) {\n    configurePlanning(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.ConfigurePlanningDocument,
    "\n  mutation SetQuotas($input: SetQuotasInput!) {\n    setQuotas(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SetQuotasDocument,
    "\n  query EnvironmentPlanning($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        policies\n        rateCard\n        quotas {\n          maxConcurrentRuns\n          monthlyCostBudget\n        }\n      }\n    }\n  }\n": types.EnvironmentPlanningDocument,
    "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateProjectDocument,
    "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateEnvironmentDocument,
    "\n  mutation IngestArtifacts($input: IngestArtifactsInput!) {\n    ingestArtifacts(input: $input) {\n      __typename\n      ... on IngestResult {\n        created\n        nodes\n        sources\n        edges\n        warnings\n        graphVersion {\n          sequence\n        }\n      }\n      ... on ArtifactRejectedError {\n        file\n        problem\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.IngestArtifactsDocument,
    "\n  query EnvironmentSecrets($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        secrets {\n          name\n          envVar\n          version\n          createdAt\n          rotatedAt\n        }\n      }\n    }\n  }\n": types.EnvironmentSecretsDocument,
    "\n  mutation SetSecret($input: SetSecretInput!) {\n    setSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.SetSecretDocument,
    "\n  mutation RetireSecret($input: RetireSecretInput!) {\n    retireSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RetireSecretDocument,
    "\n  query CurrentEnvironment($project: String!, $env: String!) {\n    environment(project: $project, slug: $env) {\n      id\n      slug\n      name\n      adapter\n      gitRef\n      scope\n      quotas {\n        maxConcurrentRuns\n        monthlyCostBudget\n      }\n      rateCard\n      currency\n      project {\n        id\n        slug\n        name\n        repository\n        organization {\n          slug\n        }\n      }\n      latestGraphVersion {\n        id\n        sequence\n        contentHash\n        dbtVersion\n        nodeCount\n        createdAt\n      }\n    }\n  }\n": types.CurrentEnvironmentDocument,
    "\n  query Projects {\n    tenant {\n      slug\n      name\n    }\n    viewer {\n      subject\n      displayName\n      kind\n    }\n    organizations {\n      slug\n      name\n      projects {\n        slug\n        name\n        environments {\n          slug\n          name\n        }\n      }\n    }\n  }\n": types.ProjectsDocument,
    "\n  query PermissionsOn($scope: String!) {\n    permissionsOn(scope: $scope)\n  }\n": types.PermissionsOnDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PaletteRecent($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 20) {\n      nodes {\n        id\n        number\n        status\n        createdAt\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 20) {\n          nodes {\n            id\n            status\n            createdAt\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').PaletteRecentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionArtifacts($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      sequence\n      artifacts {\n        id\n        kind\n        schemaVersion\n        dbtVersion\n        generatedAt\n        invocationId\n        sha256\n        sizeBytes\n        fileName\n        createdAt\n        downloadPath\n      }\n    }\n  }\n"): typeof import('./graphql').VersionArtifactsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 100) {\n      nodes {\n        id\n        number\n        status\n        trigger\n        actor\n        actorName\n        createdAt\n        durationSeconds\n        actualCost\n      }\n    }\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            approvalsRequired {\n              role\n              reason\n            }\n          }\n        }\n        invocations(first: 20) {\n          nodes {\n            invocationId\n            command\n            createdAt\n            sourceFreshness {\n              uniqueId\n              status\n              statusText\n              maxLoadedAt\n              ageSeconds\n              error\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').DashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardRunNodes($id: ID!) {\n    run(id: $id) {\n      id\n      nodes {\n        uniqueId\n        status\n        statusText\n        executionTime\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').DashboardRunNodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionDiff($base: ID!, $head: ID!) {\n    diff(base: $base, head: $head) {\n      added {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      removed {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n      }\n      modified {\n        uniqueId\n        resourceType\n        resourceTypeText\n        category\n        stateModified\n        changes {\n          kind\n          category\n          message\n        }\n      }\n      impacted\n      changedMacros\n    }\n  }\n"): typeof import('./graphql').VersionDiffDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeCode($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        rawCode\n        language\n      }\n    }\n  }\n"): typeof import('./graphql').NodeCodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DocsList($project: String!, $env: String!, $filter: NodeFilterInput, $after: String, $first: Int!) {\n    environment(project: $project, slug: $env) {\n      id\n      latestGraphVersion {\n        id\n        nodes(first: $first, after: $after, filter: $filter) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            uniqueId\n            name\n            resourceType\n            resourceTypeText\n            description\n            packageName\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').DocsListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GraphVersions($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        graphVersions(first: 100) {\n          nodes {\n            id\n            sequence\n            contentHash\n            dbtVersion\n            manifestSchemaVersion\n            invocationId\n            generatedAt\n            nodeCount\n            createdAt\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').GraphVersionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GraphDocument($id: ID!) {\n    graphVersion(id: $id) {\n      id\n      contentHash\n      graph\n    }\n  }\n"): typeof import('./graphql').GraphDocumentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeDetail($versionId: ID!, $uniqueId: String!) {\n    graphVersion(id: $versionId) {\n      id\n      node(uniqueId: $uniqueId) {\n        id\n        uniqueId\n        name\n        resourceType\n        resourceTypeText\n        packageName\n        path\n        description\n        materialized\n        tags\n        owner\n        group\n        access\n        language\n        rawCode\n        compiledCode\n        relationName\n        dependsOn\n        config\n        columns {\n          name\n          dataType\n          description\n          tags\n        }\n        tests {\n          uniqueId\n          name\n          resourceType\n          resourceTypeText\n        }\n        runHistory {\n          invocationId\n          status\n          statusText\n          executionTime\n          completedAt\n          rowsAffected\n          message\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').NodeDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LatestRunStatus($environmentId: ID!) {\n    runs(environmentId: $environmentId, first: 1) {\n      nodes {\n        id\n        status\n        createdAt\n        nodes {\n          uniqueId\n          status\n          statusText\n          actualCost\n          estimatedCost\n          executionTime\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').LatestRunStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CanvasState($projectId: ID!) {\n    canvasState(projectId: $projectId) {\n      revision\n      state\n      updatedAt\n    }\n  }\n"): typeof import('./graphql').CanvasStateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveCanvasState($input: SaveCanvasStateInput!) {\n    saveCanvasState(input: $input) {\n      __typename\n      ... on CanvasState {\n        revision\n        state\n        updatedAt\n      }\n      ... on CanvasConflictError {\n        message\n        current {\n          revision\n          state\n          updatedAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').SaveCanvasStateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on Job {\n    id\n    name\n    paused\n    cron\n    timezone\n    nextFireAt\n    timeoutSeconds\n    overlap\n    misfire\n    afterOutcome\n    afterJob {\n      id\n      name\n    }\n    steps {\n      commandLine\n    }\n  }\n"): typeof import('./graphql').JobFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentJobs($environmentId: ID!) {\n    jobs(environmentId: $environmentId) {\n      ...JobFields\n      runs(first: 1) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EnvironmentJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobDetail($id: ID!) {\n    job(id: $id) {\n      ...JobFields\n      createdBy\n      createdAt\n      updatedAt\n      nextFires(count: 5)\n      fires(first: 20) {\n        fireAt\n        trigger\n        outcome\n        reason\n        createdAt\n        run {\n          id\n          number\n          status\n        }\n      }\n      runs(first: 20) {\n        nodes {\n          id\n          number\n          status\n          trigger\n          commitSha\n          createdAt\n          durationSeconds\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').JobDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchedulePreview($cron: String!, $timezone: String!) {\n    schedulePreview(cron: $cron, timezone: $timezone, count: 5) {\n      __typename\n      ... on SchedulePreview {\n        fires\n      }\n      ... on ValidationError {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').SchedulePreviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobOutcome on JobResult {\n    __typename\n    ... on Job {\n      id\n      name\n    }\n    ... on Error {\n      message\n    }\n  }\n"): typeof import('./graphql').JobOutcomeFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n"): typeof import('./graphql').CreateJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateJob($input: UpdateJobInput!) {\n    updateJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n"): typeof import('./graphql').UpdateJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteJob($input: JobInput!) {\n    deleteJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n"): typeof import('./graphql').DeleteJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseJob($input: JobInput!) {\n    pauseJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n"): typeof import('./graphql').PauseJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeJob($input: JobInput!) {\n    resumeJob(input: $input) {\n      ...JobOutcome\n    }\n  }\n"): typeof import('./graphql').ResumeJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TriggerJob($input: JobInput!) {\n    triggerJob(input: $input) {\n      ...RunOutcome\n    }\n  }\n"): typeof import('./graphql').TriggerJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentPlans($environmentId: ID!) {\n    node(id: $environmentId) {\n      ... on Environment {\n        plans(first: 50) {\n          nodes {\n            id\n            status\n            createdByName\n            createdAt\n            decidedByName\n            totals {\n              run\n              skip\n              partial\n              p50Cost\n            }\n            approvalsRequired {\n              role\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EnvironmentPlansDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PlanOutcome on PlanResult {\n    __typename\n    ... on Plan {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n"): typeof import('./graphql').PlanOutcomeFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePlan($input: CreatePlanInput!) {\n    createPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n"): typeof import('./graphql').CreatePlanDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanDetail($id: ID!) {\n    plan(id: $id) {\n      id\n      fingerprint\n      status\n      createdByName\n      commitSha\n      createdAt\n      expiresAt\n      decidedByName\n      decidedAt\n      decisionNote\n      explanation\n      request\n      steps {\n        index\n        command\n        request\n      }\n      selected\n      totals {\n        run\n        skip\n        partial\n        p50Ms\n        p90Ms\n        p50Cost\n        p90Cost\n        budgetRemaining\n      }\n      approvalsRequired {\n        policy\n        reason\n        role\n      }\n      itemCount\n      headVersion {\n        id\n        sequence\n      }\n      baseVersion {\n        id\n        sequence\n      }\n    }\n  }\n"): typeof import('./graphql').PlanDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApprovePlan($input: DecidePlanInput!) {\n    approvePlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n"): typeof import('./graphql').ApprovePlanDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectPlan($input: DecidePlanInput!) {\n    rejectPlan(input: $input) {\n      ...PlanOutcome\n    }\n  }\n"): typeof import('./graphql').RejectPlanDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanItems($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        step\n        action\n        wave\n        why\n        estimate {\n          p50Cost\n          p50Ms\n          confidence\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').PlanItemsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlanNodes($id: ID!) {\n    plan(id: $id) {\n      id\n      items {\n        uniqueId\n        action\n      }\n    }\n  }\n"): typeof import('./graphql').PlanNodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Runs($environmentId: ID!, $status: [RunStatus!], $trigger: RunTrigger, $actor: String, $first: Int, $after: String) {\n    runs(environmentId: $environmentId, status: $status, trigger: $trigger, actor: $actor, first: $first, after: $after) {\n      nodes {\n        id\n        number\n        status\n        reason\n        trigger\n        actor\n        actorName\n        attempt\n        createdAt\n        startedAt\n        finishedAt\n        durationSeconds\n        queueWaitSeconds\n        estimatedCost\n        actualCost\n        regressions\n        job {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').RunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunDetail($id: ID!) {\n    run(id: $id) {\n      id\n      number\n      status\n      reason\n      trigger\n      actor\n      actorName\n      attempt\n      traceId\n      commitSha\n      worker\n      exitCode\n      createdAt\n      startedAt\n      finishedAt\n      cancelRequestedAt\n      durationSeconds\n      queueWaitSeconds\n      estimatedCost\n      actualCost\n      regressions\n      artifacts\n      eventCount\n      nodeCount\n      limits\n      plan {\n        id\n        status\n      }\n      job {\n        id\n        name\n      }\n      retryOf {\n        id\n      }\n      graphVersion {\n        id\n        sequence\n        artifacts {\n          id\n          kind\n          schemaVersion\n          dbtVersion\n          sizeBytes\n          fileName\n          downloadPath\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RunDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunNodes($id: ID!, $first: Int!, $after: String) {\n    run(id: $id) {\n      id\n      nodes(first: $first, after: $after) {\n        uniqueId\n        status\n        statusText\n        startedAt\n        finishedAt\n        executionTime\n        rowsAffected\n        message\n        estimatedCost\n        actualCost\n        regression\n      }\n    }\n  }\n"): typeof import('./graphql').RunNodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunPlanEstimates($id: ID!, $first: Int!, $offset: Int!) {\n    plan(id: $id) {\n      id\n      items(first: $first, offset: $offset) {\n        uniqueId\n        action\n        estimate {\n          p50Ms\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RunPlanEstimatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunLogs($runId: ID!, $after: Int!) {\n    runLogs(runId: $runId, after: $after) {\n      cursor\n      chunks {\n        seq\n        stream\n        text\n      }\n    }\n  }\n"): typeof import('./graphql').RunLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RunOutcome on RunResult {\n    __typename\n    ... on Run {\n      id\n      status\n    }\n    ... on Error {\n      message\n    }\n  }\n"): typeof import('./graphql').RunOutcomeFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TriggerRun($input: TriggerRunInput!) {\n    triggerRun(input: $input) {\n      ...RunOutcome\n    }\n  }\n"): typeof import('./graphql').TriggerRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRun($runId: ID!) {\n    cancelRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n"): typeof import('./graphql').CancelRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryRun($runId: ID!) {\n    retryRun(runId: $runId) {\n      ...RunOutcome\n    }\n  }\n"): typeof import('./graphql').RetryRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunEvents($runId: ID!, $after: Int!) {\n    runEvents(runId: $runId, after: $after) {\n      cursor\n      events {\n        seq\n        kind\n        uniqueId\n        runStatus\n        nodeStatus\n        statusText\n        message\n        payload\n        createdAt\n      }\n    }\n  }\n"): typeof import('./graphql').RunEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccessOverview {\n    grants {\n      id\n      principal\n      role\n      scope\n      grantedBy\n      createdAt\n    }\n    apiTokens {\n      id\n      name\n      roles\n      createdByName\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"): typeof import('./graphql').AccessOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').GrantRoleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').RevokeRoleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      __typename\n      ... on CreatedApiToken {\n        token\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').CreateApiTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($input: RevokeApiTokenInput!) {\n    revokeApiToken(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').RevokeApiTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfigurePlanning($input: ConfigurePlanningInput!) {\n    configurePlanning(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ConfigurePlanningDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetQuotas($input: SetQuotasInput!) {\n    setQuotas(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').SetQuotasDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentPlanning($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        policies\n        rateCard\n        quotas {\n          maxConcurrentRuns\n          monthlyCostBudget\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EnvironmentPlanningDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').CreateProjectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').CreateEnvironmentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IngestArtifacts($input: IngestArtifactsInput!) {\n    ingestArtifacts(input: $input) {\n      __typename\n      ... on IngestResult {\n        created\n        nodes\n        sources\n        edges\n        warnings\n        graphVersion {\n          sequence\n        }\n      }\n      ... on ArtifactRejectedError {\n        file\n        problem\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').IngestArtifactsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentSecrets($id: ID!) {\n    node(id: $id) {\n      ... on Environment {\n        id\n        secrets {\n          name\n          envVar\n          version\n          createdAt\n          rotatedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EnvironmentSecretsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSecret($input: SetSecretInput!) {\n    setSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').SetSecretDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetireSecret($input: RetireSecretInput!) {\n    retireSecret(input: $input) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').RetireSecretDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrentEnvironment($project: String!, $env: String!) {\n    environment(project: $project, slug: $env) {\n      id\n      slug\n      name\n      adapter\n      gitRef\n      scope\n      quotas {\n        maxConcurrentRuns\n        monthlyCostBudget\n      }\n      rateCard\n      currency\n      project {\n        id\n        slug\n        name\n        repository\n        organization {\n          slug\n        }\n      }\n      latestGraphVersion {\n        id\n        sequence\n        contentHash\n        dbtVersion\n        nodeCount\n        createdAt\n      }\n    }\n  }\n"): typeof import('./graphql').CurrentEnvironmentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Projects {\n    tenant {\n      slug\n      name\n    }\n    viewer {\n      subject\n      displayName\n      kind\n    }\n    organizations {\n      slug\n      name\n      projects {\n        slug\n        name\n        environments {\n          slug\n          name\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ProjectsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PermissionsOn($scope: String!) {\n    permissionsOn(scope: $scope)\n  }\n"): typeof import('./graphql').PermissionsOnDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
