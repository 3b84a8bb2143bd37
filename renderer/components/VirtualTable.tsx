import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

/** Column describes one column of a VirtualTable. */
export interface Column<T> {
  key: string;
  header: string;
  width?: string;
  render(row: T): ReactNode;
}

interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: Array<Column<T>>;
  rowKey(row: T): string;
  empty: ReactNode;
  onRowClick?(row: T): void;
  height?: number;
  testId?: string;
}

const ROW_HEIGHT = 32;

/**
 * VirtualTable renders only the rows in view (@tanstack/react-virtual), so a list of 10,000 tasks costs what 30
 * rows cost: the fix Marathon's UI needed for its "unresponsive with many tasks" reports.
 */
export function VirtualTable<T>({ rows, columns, rowKey, empty, onRowClick, height = 560, testId }: VirtualTableProps<T>) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const template = columns.map((c) => c.width ?? 'minmax(0, 1fr)').join(' ');
  if (rows.length === 0) return <div className="empty">{empty}</div>;
  return (
    <div className="vtable" role="table" data-testid={testId}>
      <div className="vrow vhead" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader">
            {c.header}
          </div>
        ))}
      </div>
      <div ref={parent} className="vbody" style={{ maxHeight: height }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as T;
            return (
              <div
                key={rowKey(row)}
                role="row"
                className={`vrow${onRowClick ? ' clickable' : ''}`}
                data-key={rowKey(row)}
                style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
              >
                {columns.map((c) => (
                  <div key={c.key} role="cell">
                    {c.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** SearchBox is the filter input every list has; `/` focuses it. */
export function SearchBox({ value, onChange, placeholder }: { value: string; onChange(v: string): void; placeholder: string }) {
  return <input className="search" data-search type="search" value={value} placeholder={`${placeholder}  (/)`} onChange={(e) => onChange(e.target.value)} aria-label={placeholder} />;
}

/** matches is the lists' filter: every whitespace-separated term must appear somewhere in the row's text. */
export function matches(query: string, ...fields: Array<string | undefined>): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const text = fields.filter(Boolean).join(' ').toLowerCase();
  return terms.every((t) => text.includes(t));
}
