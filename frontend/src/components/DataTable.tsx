// Every table is TanStack Table (v8): sortable columns, an optional filter box, an empty state.
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { useMemo, useState, type ReactNode } from "react";

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
}: {
  rows: readonly T[];
  columns: Column<T>[];
  empty: string;
  filterable?: boolean;
  onRowClick?: (row: T) => void;
  rowKey?: (row: T) => string;
  label?: string;
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
      <table className="table" aria-label={label}>
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
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              onClick={onRowClick ? () => onRowClick(row.original) : undefined}
              className={onRowClick ? "clickable" : undefined}
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.getRowModel().rows.length === 0 && <div className="state state-empty">{empty}</div>}
    </div>
  );
}
