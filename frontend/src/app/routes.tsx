import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, type LoaderFunctionArgs, type Params } from "react-router";
import { docsListQuery } from "../features/docs/api";
import { planItemsQuery, planQuery } from "../features/plans/api";
import { runNodesQuery, runQuery } from "../features/runs/api";
import { jobQuery } from "../features/jobs/api";
import { currentSession } from "../lib/auth";
import { queryClient } from "./queryClient";
import { Loading } from "../components/States";
import { LoginPage } from "../features/auth/LoginPage";
import { OidcCallback } from "../features/auth/OidcCallback";
import { DashboardPage } from "../features/dashboard/DashboardPage";
import { RunsPage } from "../features/runs/RunsPage";
import { Home, RequireSession, Shell } from "./Shell";

// Views that pull in React Flow or Monaco load on first visit.
const GraphPage = lazy(() => import("../features/graph/GraphPage"));
const PlansPage = lazy(() => import("../features/plans/PlansPage"));
const PlanPage = lazy(() => import("../features/plans/PlanPage"));
const RunDetailPage = lazy(() => import("../features/runs/RunDetailPage"));
const JobsPage = lazy(() => import("../features/jobs/JobsPage"));
const JobPage = lazy(() => import("../features/jobs/JobPage"));
const ArtifactsPage = lazy(() => import("../features/artifacts/ArtifactsPage"));
const DiffPage = lazy(() => import("../features/diff/DiffPage"));
const DocsPage = lazy(() => import("../features/docs/DocsPage"));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));
const SetupPage = lazy(() => import("../features/settings/SetupPage"));

// A view's first data is asked for as its route matches, while the view's code is still on its way: the
// table's rows then arrive with it rather than a round trip after it. The views read the same cache.
function prefetch(start: (params: Params) => unknown) {
  return ({ params }: LoaderFunctionArgs) => {
    if (currentSession()) void Promise.resolve(start(params)).catch(() => undefined); // the view shows failures
    return null;
  };
}

const prefetchDocs = prefetch(({ project = "", env = "" }) => queryClient.prefetchInfiniteQuery(docsListQuery(project, env, "")));

const later = (view: ReactNode) => <Suspense fallback={<Loading what="view" />}>{view}</Suspense>;

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  { path: "/oidc/callback", element: <OidcCallback /> },
  { path: "/", element: <Home /> },
  { path: "/setup", element: <RequireSession>{later(<SetupPage />)}</RequireSession> },
  {
    path: "/p/:project/e/:env",
    element: <Shell />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: "graph", element: later(<GraphPage />) },
      { path: "plans", element: later(<PlansPage />) },
      { path: "plans/:planId", loader: prefetch(({ planId = "" }) => Promise.all([queryClient.prefetchQuery(planQuery(planId)), queryClient.prefetchInfiniteQuery(planItemsQuery(planId))])), element: later(<PlanPage />) },
      { path: "runs", element: <RunsPage /> },
      {
        path: "runs/:runId",
        loader: prefetch(({ runId = "" }) => Promise.all([queryClient.prefetchQuery(runQuery(runId)), queryClient.prefetchInfiniteQuery(runNodesQuery(runId))])),
        element: later(<RunDetailPage />),
      },
      { path: "jobs", element: later(<JobsPage />) },
      { path: "jobs/:jobId", loader: prefetch(({ jobId = "" }) => queryClient.prefetchQuery(jobQuery(jobId))), element: later(<JobPage />) },
      { path: "artifacts", element: later(<ArtifactsPage />) },
      { path: "diff", element: later(<DiffPage />) },
      { path: "docs", loader: prefetchDocs, element: later(<DocsPage />) },
      { path: "settings", element: later(<SettingsPage />) },
    ],
  },
  { path: "*", element: <Navigate to="/" replace /> },
]);
