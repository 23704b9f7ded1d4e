// Every table is TanStack Table (v8): sortable columns, an optional filter box, an empty state.
// Past VIRTUAL_FROM rows only the rows in view are in the DOM (TanStack Virtual): a plan of 6,000 nodes
// would otherwise spend seconds creating rows nobody sees. Sorting and the filter still see every row.
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type Row,
  type SortingState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState, type ReactNode } from "react";

/** Tables this long are virtualised; shorter ones are drawn whole. */
export const VIRTUAL_FROM = 200;
const ROW_HEIGHT = 31; // an estimate: rows are measured as they are drawn

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** What sorting and the filter box compare; defaults to the cell when it is text or a number. */
  value?: (row: T) => string | number | null | undefined;
}

export function DataTable<T>({
  rows,
  columns,
  empty,
  filterable = false,
  onRowClick,
  rowKey,
  label,
  total,
}: {
  rows: readonly T[];
  columns: Column<T>[];
  empty: string;
  filterable?: boolean;
  onRowClick?: (row: T) => void;
  rowKey?: (row: T) => string;
  label?: string;
  /** The rows there will be, when they arrive a page at a time: a table that will be long is virtualised
   * from its first page on, rather than drawing that page whole and then starting again. */
  total?: number;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState("");
  const defs = useMemo<ColumnDef<T>[]>(
    () =>
      columns.map((column) => ({
        id: column.id,
        header: column.header,
        accessorFn: (row: T) => {
          if (column.value) return column.value(row) ?? "";
          const shown = column.cell(row);
          return typeof shown === "string" || typeof shown === "number" ? shown : "";
        },
        cell: (context) => column.cell(context.row.original),
      })),
    [columns],
  );
  const table = useReactTable({
    data: rows as T[],
    columns: defs,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setFilter,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: rowKey ? (row) => rowKey(row) : undefined,
  });
  const rowModel = table.getRowModel().rows;
  const virtual = Math.max(rowModel.length, total ?? 0) > VIRTUAL_FROM;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: virtual ? rowModel.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rowModel[index]?.id ?? index,
  });
  const columnCount = columns.length;
  const drawRow = (row: Row<T>, index?: number) => (
    <tr
      key={row.id}
      data-index={index}
      ref={index === undefined ? undefined : virtualizer.measureElement}
      onClick={onRowClick ? () => onRowClick(row.original) : undefined}
      className={onRowClick ? "clickable" : undefined}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
      ))}
    </tr>
  );
  let body: ReactNode;
  if (virtual) {
    const items = virtualizer.getVirtualItems();
    const before = items[0]?.start ?? 0;
    const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
    body = (
      <>
        {before > 0 && <Spacer height={before} columns={columnCount} />}
        {items.map((item) => drawRow(rowModel[item.index]!, item.index))}
        {after > 0 && <Spacer height={after} columns={columnCount} />}
      </>
    );
  } else body = rowModel.map((row) => drawRow(row));
  return (
    <div className="table-wrap">
      {filterable && (
        <input
          className="table-filter"
          placeholder="Filter…"
          aria-label={`filter ${label ?? "rows"}`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      <div ref={scroller} className={virtual ? "table-scroll" : undefined} data-rows={rowModel.length}>
        <table className="table" aria-label={label} aria-rowcount={(filter || total === undefined ? rowModel.length : Math.max(total, rowModel.length)) + 1}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} onClick={header.column.getToggleSortingHandler()} className="sortable">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                    {{ asc: " ▲", desc: " ▼" }[header.column.getIsSorted() as string] ?? ""}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      {rowModel.length === 0 && <div className="state state-empty">{empty}</div>}
    </div>
  );
}

/** The height of the rows out of view, above or below the drawn ones, so the scrollbar stays true. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr aria-hidden="true" className="table-spacer">
      <td colSpan={columns} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}
