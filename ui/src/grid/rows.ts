// The rows of a query, fetched page by page with the cursor as the grid scrolls towards them.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Row } from '../api';

export const PAGE = 200;
// The first page is small so the first rows show sooner; a reader who scrolled far ahead is
// caught up with the largest pages the server gives, so fewer round trips stand between.
const FIRST_PAGE = 100;
const CATCH_UP_PAGE = 1000;
// How far past the last loaded row the reader may look before the next page is asked for.
const AHEAD = 100;

export interface RowsState {
  /** Changes with the query; the grid goes back to the top. */
  generation: number;
  rows: Row[];
  total: number | undefined;
  loading: boolean;
  error: Error | undefined;
  /** Asks for pages until `index` (plus a margin) is loaded. */
  want: (index: number) => void;
  reload: () => void;
}

export function useRows(model: string | undefined, q: string, filter: string, sort: string): RowsState {
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState<number>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const [generation, setGeneration] = useState(0);
  // Everything about the query in flight lives in a ref so stale answers are dropped.
  const st = useRef({ gen: 0, cursor: null as string | null, done: false, busy: false, wanted: 0, count: 0 });

  const fetchPage = useCallback(() => {
    const s = st.current;
    if (!model || s.busy || s.done) return;
    s.busy = true;
    setLoading(true);
    const gen = s.gen;
    const behind = s.wanted + AHEAD - s.count;
    const limit = s.count === 0 ? FIRST_PAGE : behind > 2 * PAGE ? CATCH_UP_PAGE : PAGE;
    api.records(model, { q, filter, sort, limit, cursor: s.cursor }).then((page) => {
      if (gen !== st.current.gen) return;
      s.busy = false;
      s.cursor = page.next_cursor ?? null;
      s.done = !page.next_cursor;
      s.count += page.records.length;
      setRows((old) => (old.length + page.records.length === s.count ? old.concat(page.records) : page.records));
      setTotal(page.total);
      setLoading(false);
      if (!s.done && s.wanted + AHEAD >= s.count) fetchPage();
    }, (e: Error) => {
      if (gen !== st.current.gen) return;
      s.busy = false;
      setRows([]);
      setTotal(undefined);
      setError(e);
      setLoading(false);
    });
  }, [model, q, filter, sort]);

  useEffect(() => {
    const s = st.current;
    // The old rows stay on screen until the new first page replaces them: no flash per key.
    setGeneration(s.gen + 1);
    st.current = { gen: s.gen + 1, cursor: null, done: false, busy: false, wanted: 0, count: 0 };
    setError(undefined);
    fetchPage();
  }, [fetchPage, tick]);

  const want = useCallback((index: number) => {
    const s = st.current;
    s.wanted = Math.max(s.wanted, index);
    if (s.wanted + AHEAD >= s.count) fetchPage();
  }, [fetchPage]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { generation, rows, total, loading, error, want, reload };
}

export interface SortKey { path: string; desc: boolean }

export function parseSort(sort: string): SortKey[] {
  return sort.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (
    s.startsWith('-') ? { path: s.slice(1), desc: true } : { path: s.replace(/^\+/, ''), desc: false }));
}

export function sortText(keys: SortKey[]): string {
  return keys.map((k) => (k.desc ? '-' : '') + k.path).join(',');
}

/** A header click: a plain click sorts by this column alone (toggling), shift adds a key. */
export function clickSort(keys: SortKey[], path: string, add: boolean): SortKey[] {
  const at = keys.findIndex((k) => k.path === path);
  if (add) {
    if (at < 0) return [...keys, { path, desc: false }];
    return keys.map((k, i) => (i === at ? { ...k, desc: !k.desc } : k));
  }
  if (at >= 0 && keys.length === 1) return [{ path, desc: !keys[0].desc }];
  return [{ path, desc: at >= 0 ? !keys[at].desc : false }];
}
