// The data grid: TanStack Table for columns and sizing, TanStack Virtual for the rows.
// Sorting is the server's; the grid only shows it and asks for it.
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import {
  columnResizingFeature, columnSizingFeature, createColumnHelper, tableFeatures, useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Model, Row, TraitSpec } from '../api';
import { isNumeric, kindOf, minorCurrencyPath, pathLabel, specAt, Value, valueAt } from '../format';
import type { SortKey } from './rows';

const features = tableFeatures({ columnSizingFeature, columnResizingFeature });
const helper = createColumnHelper<typeof features, Row>();
export const ROW_HEIGHT = 32;

export interface GridProps {
  model: Model;
  models: Model[];
  columns: string[];
  rows: Row[];
  total: number;
  sort: SortKey[];
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  onWant: (index: number) => void;
  onHeaderClick: (path: string, add: boolean) => void;
  onHeaderMenu: (path: string, anchor: DOMRect) => void;
  onMove: (path: string, before: string) => void;
  /** A new query: back to the top. */
  generation: number;
}

function widthFor(spec: TraitSpec | undefined, path: string, sample: unknown): number {
  if (path === 'id') return 150;
  const kind = kindOf(sample, spec);
  if (kind === 'boolean') return 90;
  if (isNumeric(kind)) return 130;
  if (kind === 'datetime') return 150;
  return 200;
}

export function Grid(p: GridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState<string>();
  const first = p.rows[0];

  const columnDefs = useMemo(() => ['id', ...p.columns.filter((c) => c !== 'id')].map((path) => {
    const currencyAt = minorCurrencyPath(path, p.model);
    const spec: TraitSpec | undefined = currencyAt ? { type: 'currency', minor: true } : specAt(path, p.model, p.models);
    return helper.accessor((row: Row) => valueAt(row, path), {
      id: path,
      header: path,
      size: widthFor(spec, path, first ? valueAt(first, path) : undefined),
      minSize: 60,
      meta: { spec, currencyAt },
    });
  }), [p.columns, p.model, p.models, first]);

  const table = useTable({
    features,
    columns: columnDefs,
    data: p.rows,
    getRowId: (row: Row) => row.id,
    columnResizeMode: 'onChange',
  });

  const count = p.total;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : 0;
  const { onWant } = p;
  useEffect(() => onWant(last), [last, onWant]);

  useEffect(() => {
    virtualizer.scrollToOffset(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.generation]);

  useEffect(() => {
    if (p.selected >= 0) virtualizer.scrollToIndex(p.selected, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.selected]);

  const rowModel = table.getRowModel().rows;
  const headers = table.getHeaderGroups()[0].headers;
  const totalWidth = table.getTotalSize();
  const template = headers.map((h) => `${h.getSize()}px`).join(' ');

  function onKeyDown(e: KeyboardEvent) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity,
    };
    if (e.key in moves) {
      e.preventDefault();
      const to = Math.min(Math.max(0, (p.selected < 0 ? -1 : p.selected) + moves[e.key]), Math.max(0, count - 1));
      p.onSelect(to);
    } else if (e.key === 'Enter' && p.selected >= 0) {
      e.preventDefault();
      p.onOpen(p.selected);
    }
  }

  function drop(e: DragEvent, before: string) {
    e.preventDefault();
    if (dragging && dragging !== before) p.onMove(dragging, before);
    setDragging(undefined);
  }

  return (
    <div className="grid-scroll" ref={scrollRef} tabIndex={0} role="grid" aria-rowcount={count + 1}
      aria-colcount={headers.length} aria-label="Records" onKeyDown={onKeyDown}
      aria-activedescendant={p.selected >= 0 ? `row-${p.selected}` : undefined}>
      <div className="grid-inner" style={{ width: totalWidth, height: virtualizer.getTotalSize() + ROW_HEIGHT }}>
        <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template, width: totalWidth }}>
          {headers.map((h, i) => {
            const path = h.column.id;
            const at = p.sort.findIndex((k) => k.path === path);
            const key = at >= 0 ? p.sort[at] : undefined;
            const spec = (h.column.columnDef.meta as { spec?: TraitSpec } | undefined)?.spec;
            const numeric = spec && isNumeric(spec.type);
            return (
              <div key={h.id} role="columnheader" className={'grid-cell th' + (i === 0 ? ' sticky' : '') + (numeric ? ' right' : '') + (dragging === path ? ' dragging' : '')}
                aria-sort={key ? (key.desc ? 'descending' : 'ascending') : 'none'}
                draggable={i > 0} onDragStart={() => setDragging(path)} onDragEnd={() => setDragging(undefined)}
                onDragOver={(e) => i > 0 && e.preventDefault()} onDrop={(e) => drop(e, path)}>
                <button className="th-label" data-path={path} title={`${path}: sort by ${pathLabel(path)} (shift-click adds a sort key)`}
                  onClick={(e: MouseEvent) => p.onHeaderClick(path, e.shiftKey)}>
                  <span className="ellipsis">{pathLabel(path)}</span>
                  {key && <span className="sort-mark" aria-hidden>{key.desc ? '↓' : '↑'}{p.sort.length > 1 ? at + 1 : ''}</span>}
                </button>
                <button className="th-menu" aria-label={`Column menu for ${pathLabel(path)}`}
                  onClick={(e) => p.onHeaderMenu(path, (e.currentTarget as HTMLElement).getBoundingClientRect())}>▾</button>
                <div className={'resizer' + (h.column.getIsResizing() ? ' on' : '')} aria-hidden
                  onMouseDown={h.getResizeHandler()} onTouchStart={h.getResizeHandler()} onClick={(e) => e.stopPropagation()} />
              </div>
            );
          })}
        </div>
        {items.map((item) => {
          const row = rowModel[item.index];
          const style = { transform: `translateY(${item.start + ROW_HEIGHT}px)`, gridTemplateColumns: template, width: totalWidth };
          if (!row) {
            return (
              <div key={'wait-' + item.index} className="grid-row loading-row" role="row" style={style} aria-busy="true">
                {headers.map((h, i) => <div key={h.id} className={'grid-cell' + (i === 0 ? ' sticky' : '')}><span className="skeleton" /></div>)}
              </div>
            );
          }
          const sel = item.index === p.selected;
          return (
            <div key={row.id} id={`row-${item.index}`} className={'grid-row' + (sel ? ' selected' : '')} role="row"
              aria-selected={sel} aria-rowindex={item.index + 2} style={style} data-id={row.id}
              onClick={(e) => {
                // A click on a link inside the row follows the link; elsewhere it opens the record.
                if ((e.target as HTMLElement).closest('a')) return;
                p.onSelect(item.index);
                p.onOpen(item.index);
              }}>
              {row.getAllCells().map((cell, i) => {
                const meta = cell.column.columnDef.meta as { spec?: TraitSpec; currencyAt?: string | null } | undefined;
                const cur = meta?.currencyAt ? valueAt(row.original, meta.currencyAt) : undefined;
                const spec = meta?.currencyAt ? { type: 'currency' as const, minor: true, currency: typeof cur === 'string' && cur ? cur : 'usd' } : meta?.spec;
                const v = cell.getValue();
                const numeric = isNumeric(kindOf(v, spec));
                return (
                  <div key={cell.id} role="gridcell" className={'grid-cell' + (i === 0 ? ' sticky mono' : '') + (numeric ? ' right' : '')}>
                    {i === 0 ? <span title={String(v)}>{String(v)}</span> : <Value value={v} spec={spec} />}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
