// The frame around every view: who you are, where you are (tenant, organization, project, environment),
// the views of this environment, and the command palette.
import { useEffect, useSyncExternalStore } from "react";
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { Empty, ErrorState, Loading } from "../components/States";
import { ChangePassword } from "../features/auth/ChangePassword";
import { currentSession } from "../lib/auth";
import { endSession } from "../lib/session";
import { CommandPalette } from "./CommandPalette";
import { useProjects, useRoute } from "../lib/environment";
import { VIEWS } from "./views";

function subscribeSession(notify: () => void) {
  window.addEventListener("dvt:session", notify);
  window.addEventListener("storage", notify);
  return () => {
    window.removeEventListener("dvt:session", notify);
    window.removeEventListener("storage", notify);
  };
}

export function useSession() {
  const raw = useSyncExternalStore(subscribeSession, () => localStorage.getItem("dvt.token"));
  return raw ? currentSession() : null;
}

export function RequireSession({ children }: { children: React.ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (session.mustChangePassword) return <ChangePassword />;
  return <>{children}</>;
}

/** `/`: go to the first environment this caller can see. */
export function Home() {
  return (
    <RequireSession>
      <FirstEnvironment />
    </RequireSession>
  );
}

function FirstEnvironment() {
  const projects = useProjects();
  if (projects.isPending) return <Loading what="projects" />;
  if (projects.error) return <ErrorState error={projects.error} retry={() => void projects.refetch()} />;
  for (const org of projects.data.organizations) {
    for (const project of org.projects) {
      const env = project.environments[0];
      if (env) return <Navigate to={`/p/${project.slug}/e/${env.slug}`} replace />;
    }
  }
  return (
    <Empty title="No project yet">
      <Link to="/setup">Create a project and an environment</Link>, then ingest its dbt artifacts from the
      environment's settings (or <code>dvt ingest target/manifest.json --project my-project --environment dev</code>).
    </Empty>
  );
}


export function Shell() {
  return (
    <RequireSession>
      <Frame />
    </RequireSession>
  );
}

function Frame() {
  const { base, project, env } = useRoute();
  // The graph is the view most sessions open: its layout engine starts once the first view has loaded
  // (idle), so that loading it does not compete with the view itself; the graph page warms it at once.
  useEffect(() => {
    const warm = () => void import("../components/graph/layout/client").then((layout) => layout.warmLayout());
    const idle = window.requestIdleCallback?.(warm, { timeout: 3000 });
    if (idle === undefined) warm();
    return () => {
      if (idle !== undefined) window.cancelIdleCallback(idle);
    };
  }, []);
  const projects = useProjects();
  const navigate = useNavigate();
  const choices = (projects.data?.organizations ?? []).flatMap((org) =>
    org.projects.flatMap((p) =>
      p.environments.map((e) => ({ value: `/p/${p.slug}/e/${e.slug}`, label: `${org.slug} / ${p.slug} / ${e.slug}` })),
    ),
  );
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">DVT</span>
        <span className="tenant" title="tenant">
          {projects.data?.tenant?.name ?? "…"}
        </span>
        <label className="switcher">
          <span className="sr-only">Environment</span>
          <select
            aria-label="Environment"
            value={base}
            onChange={(event) => navigate(event.target.value)}
          >
            {!choices.some((c) => c.value === base) && <option value={base}>{`${project} / ${env}`}</option>}
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <nav className="views">
          {VIEWS.map(({ path, label }) => (
            <NavLink key={path} to={path ? `${base}/${path}` : base} end={!path}>
              {label}
            </NavLink>
          ))}
        </nav>
        <span className="hint">Ctrl+K</span>
        <span className="viewer">{projects.data?.viewer.displayName}</span>
        <button
          type="button"
          className="link"
          onClick={() => {
            // An OIDC session also ends at the provider, which sends the browser back to /login.
            void endSession().then(() => navigate("/login"));
          }}
        >
          Sign out
        </button>
      </header>
      <main className="content">
        <CommandPalette base={base}>
          <Outlet />
        </CommandPalette>
      </main>
    </div>
  );
}
