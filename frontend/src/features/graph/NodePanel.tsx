// The side panel of a selected node: what it is, its code (Monaco), columns, tests, run history, cost.
import { lazy, Suspense, useState } from "react";
import { DataTable } from "../../components/DataTable";
import { ErrorState, Loading, StatusBadge } from "../../components/States";
import { useCurrency } from "../../lib/environment";
import { duration, money } from "../../lib/format";
import { resourceTypeWord } from "../../lib/vocabulary";
import { useNodeDetail } from "./api";

const CodeView = lazy(() => import("../../components/CodeView"));

export interface NodeCost {
  estimated: number | null | undefined;
  actual: number | null | undefined;
}

export function NodePanel({
  versionId,
  uniqueId,
  cost,
  onFocus,
  onClose,
}: {
  versionId: string;
  uniqueId: string;
  cost: NodeCost | null;
  onFocus: () => void;
  onClose: () => void;
}) {
  const node = useNodeDetail(versionId, uniqueId);
  const currency = useCurrency();
  const [code, setCode] = useState<"raw" | "compiled">("raw");
  return (
    <aside className="panel" aria-label="node details">
      <div className="panel-head">
        <strong>{uniqueId}</strong>
        <button type="button" className="link" onClick={onFocus}>
          Focus
        </button>
        <button type="button" className="link" aria-label="close" onClick={onClose}>
          ✕
        </button>
      </div>
      {node.isPending && <Loading what="node" />}
      {node.error && <ErrorState error={node.error} />}
      {node.data === null && <div className="state">This node is not in this graph version.</div>}
      {node.data && (
        <div className="panel-body">
          <dl className="facts">
            <dt>Type</dt>
            <dd>{resourceTypeWord(node.data.resourceType, node.data.resourceTypeText)}</dd>
            <dt>Materialized</dt>
            <dd>{node.data.materialized ?? "—"}</dd>
            <dt>Package</dt>
            <dd>{node.data.packageName}</dd>
            <dt>Path</dt>
            <dd>{node.data.path ?? "—"}</dd>
            <dt>Relation</dt>
            <dd>{node.data.relationName ?? "—"}</dd>
            <dt>Tags</dt>
            <dd>{node.data.tags.join(", ") || "—"}</dd>
            <dt>Owner / group</dt>
            <dd>
              {node.data.owner ?? "—"} / {node.data.group ?? "—"}
            </dd>
            <dt>Cost (latest run)</dt>
            <dd>
              estimated {money(cost?.estimated, currency)} · actual {money(cost?.actual, currency)}
            </dd>
          </dl>
          {node.data.description && <p className="description">{node.data.description}</p>}
          {(node.data.rawCode || node.data.compiledCode) && (
            <section>
              <h3>
                Code{" "}
                <button type="button" className={code === "raw" ? "tab on" : "tab"} onClick={() => setCode("raw")}>
                  source
                </button>
                <button
                  type="button"
                  className={code === "compiled" ? "tab on" : "tab"}
                  onClick={() => setCode("compiled")}
                  disabled={!node.data.compiledCode}
                >
                  compiled
                </button>
              </h3>
              <Suspense fallback={<Loading what="editor" />}>
                <CodeView
                  value={(code === "raw" ? node.data.rawCode : node.data.compiledCode) ?? ""}
                  language={node.data.language === "python" ? "python" : "sql"}
                  height={220}
                />
              </Suspense>
            </section>
          )}
          <section>
            <h3>Columns ({node.data.columns.length})</h3>
            <DataTable
              rows={node.data.columns}
              empty="No columns documented or in the catalog."
              columns={[
                { id: "name", header: "Name", cell: (c) => c.name },
                { id: "type", header: "Type", cell: (c) => c.dataType ?? "—" },
                { id: "description", header: "Description", cell: (c) => c.description },
              ]}
            />
          </section>
          <section>
            <h3>Tests ({node.data.tests.length})</h3>
            <ul className="plain">
              {node.data.tests.map((t) => (
                <li key={t.uniqueId}>{t.name}</li>
              ))}
            </ul>
          </section>
          <section>
            <h3>Run history</h3>
            <DataTable
              rows={node.data.runHistory}
              empty="Never run in this environment."
              columns={[
                { id: "status", header: "Status", cell: (r) => <StatusBadge status={r.status} text={r.statusText} /> },
                { id: "time", header: "Time", cell: (r) => duration(r.executionTime) },
                { id: "rows", header: "Rows", cell: (r) => r.rowsAffected ?? "—" },
                { id: "at", header: "Completed", cell: (r) => r.completedAt ?? "—" },
              ]}
            />
          </section>
        </div>
      )}
    </aside>
  );
}
