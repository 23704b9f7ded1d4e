// The workspace's controls: search, overview or focus, depth, grouping, filters.
import { useMemo, useState } from "react";
import type { GroupBy, LogicalGraph } from "../../lib/graph/model";
import { groupKey, searchNodes } from "../../lib/graph/model";
import { useWorkspace } from "./store";

export function Toolbar({ graph, onFocus }: { graph: LogicalGraph; onFocus: (uniqueId: string) => void }) {
  const mode = useWorkspace((s) => s.mode);
  const depth = useWorkspace((s) => s.depth);
  const groupBy = useWorkspace((s) => s.groupBy);
  const filter = useWorkspace((s) => s.filter);
  const expanded = useWorkspace((s) => s.expanded);
  const { showOverview, setDepth, setGroupBy, setFilter, unpinAll, setExpanded } = useWorkspace.getState();
  const allGroups = useMemo(() => [...new Set(graph.nodes.map((n) => groupKey(n, groupBy)))], [graph, groupBy]);
  const [text, setText] = useState("");
  const found = useMemo(() => searchNodes(graph, text, 12), [graph, text]);
  const options = useMemo(() => {
    const types = new Set<string>();
    const packages = new Set<string>();
    const tags = new Set<string>();
    for (const node of graph.nodes) {
      types.add(node.resource_type);
      packages.add(node.package_name);
      for (const tag of node.tags) tags.add(tag);
    }
    return { types: [...types].sort(), packages: [...packages].sort(), tags: [...tags].sort() };
  }, [graph]);
  return (
    <div className="toolbar">
      <div className="search">
        <input
          type="search"
          placeholder="Search nodes…"
          aria-label="Search nodes"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {found.length > 0 && (
          <ul className="search-results" role="listbox">
            {found.map((node) => (
              <li key={node.unique_id}>
                <button
                  type="button"
                  role="option"
                  aria-selected={false}
                  onClick={() => {
                    setText("");
                    onFocus(node.unique_id);
                  }}
                >
                  <span className="gnode-type">{node.resource_type}</span> {node.name}
                  <small>{node.unique_id}</small>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" className={mode === "overview" ? "tab on" : "tab"} onClick={showOverview}>
        Overview
      </button>
      <label>
        Depth
        <input
          type="number"
          min={1}
          max={10}
          value={depth}
          aria-label="Depth"
          onChange={(e) => setDepth(Number(e.target.value) || 1)}
        />
      </label>
      <label>
        Group by
        <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          <option value="folder">folder</option>
          <option value="package">package</option>
          <option value="tag">tag</option>
          <option value="resource_type">resource type</option>
        </select>
      </label>
      {mode === "overview" && (
        <button
          type="button"
          onClick={() => setExpanded(expanded.length ? [] : allGroups)}
          title="open every group: large graphs are drawn from the first layers, scroll to see more"
        >
          {expanded.length ? "Collapse all" : "Expand all"}
        </button>
      )}
      <MultiSelect label="Types" options={options.types} chosen={filter.resourceTypes} onChange={(v) => setFilter({ resourceTypes: v })} />
      <MultiSelect label="Packages" options={options.packages} chosen={filter.packages} onChange={(v) => setFilter({ packages: v })} />
      <MultiSelect label="Tags" options={options.tags} chosen={filter.tags} onChange={(v) => setFilter({ tags: v })} />
      <MultiSelect
        label="Status"
        options={["success", "pass", "error", "fail", "warn", "skipped", "running", "none"]}
        chosen={filter.statuses}
        onChange={(v) => setFilter({ statuses: v })}
      />
      <button type="button" className="link" onClick={unpinAll} title="forget the positions you dragged">
        Reset layout
      </button>
    </div>
  );
}

function MultiSelect({
  label,
  options,
  chosen,
  onChange,
}: {
  label: string;
  options: string[];
  chosen: string[];
  onChange: (value: string[]) => void;
}) {
  return (
    <details className="multi">
      <summary>
        {label}
        {chosen.length ? ` (${chosen.length})` : ""}
      </summary>
      <div className="multi-options">
        {options.map((option) => (
          <label key={option}>
            <input
              type="checkbox"
              checked={chosen.includes(option)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, option] : chosen.filter((c) => c !== option))}
            />
            {option}
          </label>
        ))}
      </div>
    </details>
  );
}
