// The artifacts behind each graph version (and so each run that produced one): kind, schema and dbt
// versions, size; download them, or read them in a JSON viewer.
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useEnvironment } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading } from "../../components/States";
import { download } from "../../lib/download";
import { bytes, when } from "../../lib/format";
import { useGraphVersions } from "../graph/api";
import { artifactContentQuery, artifactsQuery, VIEWABLE_BYTES } from "./api";

const JsonView = lazy(() => import("../../components/JsonView"));

export default function ArtifactsPage() {
  const environment = useEnvironment();
  const versions = useGraphVersions(environment.data?.id);
  const [chosen, setChosen] = useState<string | null>(null);
  const versionId = chosen ?? versions.data?.[0]?.id;
  const artifacts = useQuery(artifactsQuery(versionId));
  const [viewing, setViewing] = useState<{ path: string; name: string; size: number } | null>(null);
  if (environment.isPending || versions.isPending) return <Loading what="graph versions" />;
  if (versions.error) return <ErrorState error={versions.error} />;
  if (!versions.data?.length) return <Empty title="No artifacts yet">Ingest dbt artifacts or run the project.</Empty>;
  return (
    <div className="page">
      <h1>Artifacts</h1>
      <div className="split">
        <div className="versions">
          <DataTable
            label="graph versions"
            rows={versions.data}
            rowKey={(v) => v.id}
            empty="No versions."
            onRowClick={(v) => setChosen(v.id)}
            columns={[
              { id: "seq", header: "Version", cell: (v) => (v.id === versionId ? <strong>▶ {v.sequence}</strong> : v.sequence), value: (v) => v.sequence },
              { id: "dbt", header: "dbt", cell: (v) => v.dbtVersion ?? "—" },
              { id: "schema", header: "Manifest", cell: (v) => v.manifestSchemaVersion },
              { id: "nodes", header: "Nodes", cell: (v) => v.nodeCount, value: (v) => v.nodeCount },
              { id: "at", header: "Ingested", cell: (v) => when(v.createdAt), value: (v) => v.createdAt },
            ]}
          />
        </div>
        <div className="files">
          {artifacts.isPending && <Loading what="artifacts" />}
          {artifacts.error && <ErrorState error={artifacts.error} />}
          {artifacts.data && (
            <DataTable
              label="artifacts"
              rows={artifacts.data}
              rowKey={(a) => a.id}
              empty="This version has no stored files."
              columns={[
                { id: "kind", header: "Kind", cell: (a) => a.kind },
                { id: "schema", header: "Schema", cell: (a) => a.schemaVersion },
                { id: "dbt", header: "dbt", cell: (a) => a.dbtVersion ?? "—" },
                { id: "size", header: "Size", cell: (a) => bytes(a.sizeBytes), value: (a) => a.sizeBytes },
                { id: "sha", header: "sha256", cell: (a) => <code>{a.sha256.slice(0, 12)}</code> },
                {
                  id: "open",
                  header: "",
                  cell: (a) => (
                    <span className="row-actions">
                      <button type="button" className="link" onClick={() => setViewing({ path: a.downloadPath, name: a.fileName, size: a.sizeBytes })}>
                        view
                      </button>
                      <a href={a.downloadPath} onClick={(e) => void download(e, a.downloadPath, a.fileName)}>
                        download
                      </a>
                    </span>
                  ),
                },
              ]}
            />
          )}
        </div>
      </div>
      {viewing && <ArtifactViewer {...viewing} onClose={() => setViewing(null)} />}
    </div>
  );
}

function ArtifactViewer({ path, name, size, onClose }: { path: string; name: string; size: number; onClose: () => void }) {
  const content = useQuery(artifactContentQuery(path, name, size));
  return (
    <section className="artifact-viewer" aria-label="artifact viewer">
      <h2>
        {name}{" "}
        <button type="button" className="link" onClick={onClose}>
          close
        </button>
      </h2>
      {size > VIEWABLE_BYTES && <div className="state">Too large to view here ({bytes(size)}): download it.</div>}
      {content.isPending && size <= VIEWABLE_BYTES && <Loading what={name} />}
      {content.error && <ErrorState error={content.error} />}
      {content.data && (
        <Suspense fallback={<Loading what="viewer" />}>
          <JsonView value={content.data} height={480} />
        </Suspense>
      )}
    </section>
  );
}
