// The project's documentation, as dbt Docs shows it, without loading everything into the page: the
// list is searched on the server and paged as it is scrolled, with only the rows in view in the DOM;
// one node's page is fetched when opened.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { lazy, Suspense, useDeferredValue, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useEnvironment, useRoute } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading } from "../../components/States";
import { useLogicalGraph, useNodeDetail } from "../graph/api";
import { DEFAULT_DOC_TYPES, docsListQuery } from "./api";
import type { ResourceType } from "../../gql/graphql";
import { resourceTypeWord } from "../../lib/vocabulary";

const CodeView = lazy(() => import("../../components/CodeView"));

// Macros are not graph nodes: the list never held any.
const DOC_TYPES: ResourceType[] = ["MODEL", "SOURCE", "SEED", "SNAPSHOT", "EXPOSURE", "METRIC", "SEMANTIC_MODEL", "SAVED_QUERY", "ANALYSIS"];

export default function DocsPage() {
  const { project, env } = useRoute();
  const environment = useEnvironment();
  const [text, setText] = useState("");
  const search = useDeferredValue(text.trim());
  const [types, setTypes] = useState<ResourceType[]>([...DEFAULT_DOC_TYPES]);
  const [open, setOpen] = useState<string | null>(null);
  const list = useInfiniteQuery(docsListQuery(project, env, search, types));
  const first = list.data?.pages[0]?.environment;
  // The list's answer names the version it read; while a new search is on its way, the environment does.
  const versionId = first?.latestGraphVersion?.id ?? environment.data?.latestGraphVersion?.id;
  if ((list.data || environment.data) && !versionId) return <Empty title="No documentation yet">Ingest this environment's artifacts first.</Empty>;
  const rows = list.data?.pages.flatMap((p) => p.environment?.latestGraphVersion?.nodes.nodes ?? []) ?? [];
  const total = first?.latestGraphVersion?.nodes.totalCount ?? 0;
  return (
    <div className="page docs">
      <h1>Docs</h1>
      <div className="split">
        <div className="docs-list">
          <input type="search" aria-label="Search docs" placeholder="Search models, sources, columns…" value={text} onChange={(e) => setText(e.target.value)} />
          <div className="chips">
            {DOC_TYPES.map((t) => (
              <label key={t} className="chip">
                <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes((c) => (e.target.checked ? [...c, t] : c.filter((x) => x !== t)))} />
                {resourceTypeWord(t)}
              </label>
            ))}
          </div>
          {list.isPending && <Loading what="documentation" />}
          {list.error && <ErrorState error={list.error} />}
          {list.data && (
            <>
              <div className="count">{total} found</div>
              <DocItems
                rows={rows}
                open={open}
                onOpen={setOpen}
                more={list.hasNextPage && !list.isFetchingNextPage ? () => void list.fetchNextPage() : null}
              />
            </>
          )}
        </div>
        <div className="docs-page">{open && versionId ? <DocPage versionId={versionId} uniqueId={open} onOpen={setOpen} /> : <Empty title="Choose a node to read its documentation" />}</div>
      </div>
    </div>
  );
}

const ITEM_HEIGHT = 44; // an estimate: items are measured as they are drawn

/** The list, virtualised: only the items in view are in the DOM; nearing its end loads the next page. */
function DocItems({
  rows,
  open,
  onOpen,
  more,
}: {
  rows: readonly { uniqueId: string; name: string; resourceType: ResourceType; resourceTypeText: string; description: string }[];
  open: string | null;
  onOpen: (id: string) => void;
  more: (() => void) | null;
}) {
  const scroller = useRef<HTMLUListElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ITEM_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.uniqueId ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (more && last >= rows.length - 20) more();
  }, [more, last, rows.length]);
  return (
    <ul ref={scroller} className="doc-items" aria-label="documented nodes" data-rows={rows.length}>
      <li aria-hidden="true" style={{ height: items[0]?.start ?? 0 }} />
      {items.map((item) => {
        const n = rows[item.index]!;
        return (
          <li key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
            <button type="button" className={open === n.uniqueId ? "on" : ""} onClick={() => onOpen(n.uniqueId)}>
              <span className="gnode-type">{resourceTypeWord(n.resourceType, n.resourceTypeText)}</span> {n.name}
              <small>{n.description.slice(0, 80)}</small>
            </button>
          </li>
        );
      })}
      <li aria-hidden="true" style={{ height: virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) }} />
    </ul>
  );
}

function DocPage({ versionId, uniqueId, onOpen }: { versionId: string; uniqueId: string; onOpen: (id: string) => void }) {
  const { base } = useRoute();
  const node = useNodeDetail(versionId, uniqueId);
  const { graph } = useLogicalGraph(versionId);
  if (node.isPending) return <Loading what="documentation" />;
  if (node.error) return <ErrorState error={node.error} />;
  if (!node.data) return <Empty title="Not in this version" />;
  const n = node.data;
  const referencedBy = (graph?.children.get(uniqueId) ?? []).filter((id) => !id.startsWith("test."));
  return (
    <article aria-label="documentation">
      <h2>
        {n.name} <small>{resourceTypeWord(n.resourceType, n.resourceTypeText)}</small>
      </h2>
      <p className="description">{n.description || <em>No description.</em>}</p>
      <dl className="facts">
        <dt>Relation</dt>
        <dd>{n.relationName ?? "—"}</dd>
        <dt>Materialized</dt>
        <dd>{n.materialized ?? "—"}</dd>
        <dt>Path</dt>
        <dd>{n.path ?? "—"}</dd>
        <dt>Owner</dt>
        <dd>{n.owner ?? "—"}</dd>
      </dl>
      <Link to={`${base}/graph?focus=${encodeURIComponent(uniqueId)}`}>Open in the graph</Link>
      <h3>Columns</h3>
      <DataTable
        label="columns"
        rows={n.columns}
        rowKey={(c) => c.name}
        empty="No columns documented."
        columns={[
          { id: "name", header: "Column", cell: (c) => c.name },
          { id: "type", header: "Type", cell: (c) => c.dataType ?? "—" },
          { id: "description", header: "Description", cell: (c) => c.description },
        ]}
      />
      <h3>Tests</h3>
      <ul className="plain">
        {n.tests.length ? n.tests.map((t) => <li key={t.uniqueId}>{t.name}</li>) : <li>None.</li>}
      </ul>
      <h3>Depends on</h3>
      <NodeLinks ids={n.dependsOn} onOpen={onOpen} />
      <h3>Referenced by</h3>
      <NodeLinks ids={referencedBy} onOpen={onOpen} />
      {(n.compiledCode || n.rawCode) && (
        <>
          <h3>Code</h3>
          <Suspense fallback={<Loading what="editor" />}>
            <CodeView value={n.rawCode ?? n.compiledCode ?? ""} language={n.language === "python" ? "python" : "sql"} height={260} />
          </Suspense>
        </>
      )}
    </article>
  );
}

function NodeLinks({ ids, onOpen }: { ids: readonly string[]; onOpen: (id: string) => void }) {
  if (!ids.length) return <div className="state">None.</div>;
  return (
    <ul className="plain links">
      {ids.map((id) => (
        <li key={id}>
          <button type="button" className="link" onClick={() => onOpen(id)}>
            {id}
          </button>
        </li>
      ))}
    </ul>
  );
}
