// Ctrl/Cmd+K: jump to any view, node, run or plan of the environment.
import { queryOptions, useQuery } from "@tanstack/react-query";
import {
  KBarAnimator,
  KBarPortal,
  KBarPositioner,
  KBarProvider,
  KBarResults,
  KBarSearch,
  useKBar,
  useMatches,
  useRegisterActions,
  type Action,
} from "kbar";
import { useMemo, type ReactNode } from "react";
import { useNavigate } from "react-router";
import { graphql } from "../gql";
import { request } from "../lib/graphql";
import { uiEvents } from "../lib/events";
import { useLogicalGraph } from "../features/graph/api";
import { TEST_TYPES } from "../lib/graph/model";
import { useEnvironment } from "../lib/environment";
import { VIEWS } from "./views";

const RecentQuery = graphql(`
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
`);


export function CommandPalette({ base, children }: { base: string; children: ReactNode }) {
  const navigate = useNavigate();
  const actions = useMemo<Action[]>(
    () =>
      VIEWS.map(({ path, title }) => ({
        id: `view:${path || "dashboard"}`,
        name: title,
        section: "Views",
        perform: () => navigate(path ? `${base}/${path}` : base),
      })),
    [base, navigate],
  );
  return (
    <KBarProvider actions={actions}>
      <DynamicActions base={base} />
      <KBarPortal>
        <KBarPositioner className="kbar-positioner">
          <KBarAnimator className="kbar">
            <KBarSearch className="kbar-search" defaultPlaceholder="Jump to a node, run, plan or view…" />
            <Results />
          </KBarAnimator>
        </KBarPositioner>
      </KBarPortal>
      {children}
    </KBarProvider>
  );
}

/** The environment's recent runs and plans, offered as palette actions. */
function recentQuery(environmentId: string | undefined) {
  return queryOptions({
    queryKey: ["palette", "recent", environmentId] as const,
    enabled: !!environmentId,
    queryFn: () => request(RecentQuery, { environmentId: environmentId! }),
  });
}

function DynamicActions({ base }: { base: string }) {
  // Thousands of node actions are registered only while the palette is open, and the graph is only
  // fetched for it then (it is shared with the workspace's cached copy).
  const { open } = useKBar((state) => ({ open: state.visualState !== "hidden" }));
  return open ? <OpenPaletteActions base={base} /> : null;
}

function OpenPaletteActions({ base }: { base: string }) {
  const navigate = useNavigate();
  const environment = useEnvironment();
  const env = environment.data;
  const { graph } = useLogicalGraph(env?.latestGraphVersion?.id);
  const recent = useQuery(recentQuery(env?.id));
  const nodeActions = useMemo<Action[]>(
    () =>
      (graph?.nodes ?? [])
        .filter((n) => !TEST_TYPES.has(n.resource_type))
        .map((n) => ({
          id: `node:${n.unique_id}`,
          name: n.name,
          subtitle: n.unique_id,
          keywords: n.unique_id,
          section: "Nodes",
          perform: () => {
            navigate(`${base}/graph?focus=${encodeURIComponent(n.unique_id)}`);
            uiEvents.emit("graph:focus", { uniqueId: n.unique_id });
          },
        })),
    [graph, base, navigate],
  );
  const otherActions = useMemo<Action[]>(() => {
    const runs = (recent.data?.runs.nodes ?? []).map((r) => ({
      id: `run:${r.id}`,
      name: `Run #${r.number} — ${r.status.toLowerCase().replace("_", " ")}`,
      subtitle: r.createdAt ?? "",
      section: "Runs",
      perform: () => navigate(`${base}/runs/${encodeURIComponent(r.id)}`),
    }));
    const node = recent.data?.node;
    const plans =
      node && "plans" in node
        ? node.plans.nodes.map((p) => ({
            id: `plan:${p.id}`,
            name: `Plan ${p.id.slice(-8)} — ${p.status.toLowerCase()}`,
            subtitle: p.createdAt ?? "",
            section: "Plans",
            perform: () => navigate(`${base}/plans/${encodeURIComponent(p.id)}`),
          }))
        : [];
    return [...runs, ...plans];
  }, [recent.data, base, navigate]);
  useRegisterActions(nodeActions, [nodeActions]);
  useRegisterActions(otherActions, [otherActions]);
  return null;
}

function Results() {
  const { results } = useMatches();
  return (
    <KBarResults
      items={results.slice(0, 60)}
      onRender={({ item, active }) =>
        typeof item === "string" ? (
          <div className="kbar-section">{item}</div>
        ) : (
          <div className={`kbar-item${active ? " active" : ""}`}>
            <span>{item.name}</span>
            {item.subtitle && <small>{item.subtitle}</small>}
          </div>
        )
      }
    />
  );
}
