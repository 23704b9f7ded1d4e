// Two graph versions compared: added, removed and modified nodes with their change category, the code
// diff of a modified node in Monaco's diff editor, and the downstream it impacts drawn on the graph.
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useEnvironment, useRoute } from "../../lib/environment";
import { resourceTypeWord } from "../../lib/vocabulary";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading } from "../../components/States";
import { SubgraphView } from "../../components/graph/SubgraphView";
import { showInWorkspace, useGraphVersions, useLogicalGraph } from "../graph/api";
import { codeDiffQuery, diffQuery } from "./api";

const DiffView = lazy(() => import("../../components/DiffView"));

export default function DiffPage() {
  const environment = useEnvironment();
  const { base: basePath } = useRoute();
  const navigate = useNavigate();
  const versions = useGraphVersions(environment.data?.id);
  const [chosen, setChosen] = useState<{ base?: string; head?: string }>({});
  const list = versions.data ?? [];
  const head = chosen.head ?? list[0]?.id;
  const base = chosen.base ?? list[1]?.id;
  const diff = useQuery(diffQuery(base, head));
  const [open, setOpen] = useState<string | null>(null);
  const { graph } = useLogicalGraph(head);
  const changed = useMemo(() => {
    const ids = new Set<string>();
    for (const n of diff.data?.added ?? []) ids.add(n.uniqueId);
    for (const n of diff.data?.modified ?? []) ids.add(n.uniqueId);
    return ids;
  }, [diff.data]);
  const drawn = useMemo(() => new Set([...changed, ...(diff.data?.impacted ?? [])]), [changed, diff.data]);

  if (environment.isPending || versions.isPending) return <Loading what="graph versions" />;
  if (versions.error) return <ErrorState error={versions.error} />;
  if (list.length < 2) return <Empty title="One graph version only">Diff needs two: ingest or run again to make another.</Empty>;
  const rows = [
    ...(diff.data?.added ?? []).map((n) => ({ ...n, change: "added", details: "" })),
    ...(diff.data?.removed ?? []).map((n) => ({ ...n, change: "removed", details: "" })),
    ...(diff.data?.modified ?? []).map((n) => ({ ...n, change: "modified", details: n.changes.map((c) => c.message).join("; ") })),
  ];
  return (
    <div className="page">
      <h1>Diff</h1>
      <div className="filters">
        <VersionSelect label="Base" versions={list} value={base} onChange={(id) => setChosen((c) => ({ ...c, base: id }))} />
        <VersionSelect label="Head" versions={list} value={head} onChange={(id) => setChosen((c) => ({ ...c, head: id }))} />
      </div>
      {diff.isPending && <Loading what="diff" />}
      {diff.error && <ErrorState error={diff.error} />}
      {diff.data && (
        <>
          <p className="summary">
            {diff.data.added.length} added · {diff.data.removed.length} removed · {diff.data.modified.length} modified ·{" "}
            {diff.data.impacted.length} impacted downstream
            {diff.data.changedMacros.length > 0 && ` · macros changed: ${diff.data.changedMacros.join(", ")}`}
          </p>
          <DataTable
            label="changes"
            rows={rows}
            rowKey={(r) => `${r.change}:${r.uniqueId}`}
            filterable
            empty="These versions hold the same nodes."
            onRowClick={(r) => r.change === "modified" && setOpen(r.uniqueId)}
            columns={[
              { id: "change", header: "Change", cell: (r) => <span className={`change change-${r.change}`}>{r.change}</span>, value: (r) => r.change },
              { id: "node", header: "Node", cell: (r) => r.uniqueId },
              { id: "type", header: "Type", cell: (r) => resourceTypeWord(r.resourceType, r.resourceTypeText) },
              { id: "category", header: "Category", cell: (r) => r.category.toLowerCase().replace("_", " "), value: (r) => r.category.toLowerCase() },
              { id: "details", header: "What changed", cell: (r) => r.details },
            ]}
          />
          {open && base && head && <CodeDiff base={base} head={head} uniqueId={open} onClose={() => setOpen(null)} />}
          <section>
            <h2>
              Changed and impacted on the graph{" "}
              <button
                type="button"
                className="link"
                onClick={() => {
                  showInWorkspace(drawn, "diff");
                  navigate(`${basePath}/graph?version=${encodeURIComponent(head!)}`);
                }}
              >
                open in the workspace
              </button>
            </h2>
            {graph ? <SubgraphView graph={graph} ids={drawn} highlighted={changed} onSelect={(id) => setOpen(id)} /> : <Loading what="graph" />}
          </section>
        </>
      )}
    </div>
  );
}

function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: { id: string; sequence: number; createdAt: string }[];
  value: string | undefined;
  onChange: (id: string) => void;
}) {
  return (
    <label>
      {label}
      <select aria-label={`${label} version`} value={value} onChange={(e) => onChange(e.target.value)}>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            version {v.sequence} ({new Date(v.createdAt).toLocaleString()})
          </option>
        ))}
      </select>
    </label>
  );
}

function CodeDiff({ base, head, uniqueId, onClose }: { base: string; head: string; uniqueId: string; onClose: () => void }) {
  const code = useQuery(codeDiffQuery(base, head, uniqueId));
  return (
    <section className="code-diff" aria-label="code diff">
      <h2>
        {uniqueId}{" "}
        <button type="button" className="link" onClick={onClose}>
          close
        </button>
      </h2>
      {code.isPending && <Loading what="code" />}
      {code.error && <ErrorState error={code.error} />}
      {code.data && (
        <Suspense fallback={<Loading what="editor" />}>
          <DiffView
            original={code.data.before?.rawCode ?? ""}
            modified={code.data.after?.rawCode ?? ""}
            language={code.data.after?.language === "python" ? "python" : "sql"}
          />
        </Suspense>
      )}
    </section>
  );
}
