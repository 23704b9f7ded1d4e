import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate } from "react-router";
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
const ArtifactsPage = lazy(() => import("../features/artifacts/ArtifactsPage"));
const DiffPage = lazy(() => import("../features/diff/DiffPage"));
const DocsPage = lazy(() => import("../features/docs/DocsPage"));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));
const SetupPage = lazy(() => import("../features/settings/SetupPage"));

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
      { path: "plans/:planId", element: later(<PlanPage />) },
      { path: "runs", element: <RunsPage /> },
      { path: "runs/:runId", element: later(<RunDetailPage />) },
      { path: "artifacts", element: later(<ArtifactsPage />) },
      { path: "diff", element: later(<DiffPage />) },
      { path: "docs", element: later(<DocsPage />) },
      { path: "settings", element: later(<SettingsPage />) },
    ],
  },
  { path: "*", element: <Navigate to="/" replace /> },
]);
