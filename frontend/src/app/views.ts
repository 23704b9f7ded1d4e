// The views of an environment, in the order the navigation and the command palette list them.
export const VIEWS: readonly { path: string; label: string; title: string }[] = [
  { path: "", label: "Dashboard", title: "Dashboard" },
  { path: "graph", label: "Graph", title: "Graph workspace" },
  { path: "plans", label: "Plans", title: "Plans" },
  { path: "runs", label: "Runs", title: "Runs" },
  { path: "jobs", label: "Jobs", title: "Jobs" },
  { path: "artifacts", label: "Artifacts", title: "Artifacts" },
  { path: "diff", label: "Diff", title: "Diff" },
  { path: "docs", label: "Docs", title: "Docs" },
  { path: "settings", label: "Settings", title: "Settings" },
];
