// One view: the grid with its search, filters, sort and columns, all held in the URL.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type Model, type Row, type View } from '../api';
import { useLoad, useModels } from '../data';
import { Frame, refreshViews } from '../Frame';
import { Grid } from '../grid/Grid';
import { FilterBar } from '../grid/FilterBar';
import { clickSort, parseSort, sortText, useRows, type SortKey } from '../grid/rows';
import { Empty, ErrorBox, Field, FormError, Loading, copyText } from '../parts';
import { pathLabel } from '../format';
import { RecordDetail, RecordTitle, recordHref } from '../RecordDetail';
import { useIsAdmin } from '../session';
import { Link, navigate, useLocation } from '../router';

export function ViewPage({ viewId }: { viewId: string }) {
  const view = useLoad(() => api.view(viewId), [viewId]);
  const models = useModels();
  if (view.error || models.error) {
    return <Frame title="View"><ErrorBox error={view.error ?? models.error} retry={view.reload} /></Frame>;
  }
  if (!view.data || !models.data) return <Frame title="View"><Loading what="Opening the view" /></Frame>;
  const model = models.data.find((m) => m.id === view.data!.model);
  if (!model) {
    return <Frame title={view.data.name}><ErrorBox error={`This view's model “${view.data.model}” no longer exists.`} /></Frame>;
  }
  return <ViewGrid view={view.data} model={model} models={models.data} onSaved={view.set} />;
}

/** All records of one model, in the same grid as a view, with nothing saved behind it. */
export function ModelRecordsPage({ modelId }: { modelId: string }) {
  const models = useModels();
  if (models.error) return <Frame title="Records"><ErrorBox error={models.error} retry={models.reload} /></Frame>;
  if (!models.data) return <Frame title="Records"><Loading what="Opening the records" /></Frame>;
  const model = models.data.find((m) => m.id === modelId);
  if (!model) return <Frame title="Records"><ErrorBox error={`There is no model “${modelId}”.`} /></Frame>;
  const now = model.updated_at;
  const view: View = {
    id: '', name: model.name, model: model.id, columns: [], filter: null, sort: null, search: null,
    page_size: 200, created_at: now, updated_at: now,
  };
  return <ViewGrid view={view} model={model} models={models.data} onSaved={() => {}} />;
}

/** The grid's state: each URL parameter, when present, replaces the view's saved value. */
function useGridState(view: View) {
  const { path, params } = useLocation();
  const pick = (k: string, saved: string | null | undefined) => (params.has(k) ? params.get(k)! : saved ?? '');
  const q = pick('q', view.search);
  const filter = pick('filter', view.filter);
  const sort = pick('sort', view.sort);
  const cols = params.has('cols') ? params.get('cols')!.split(',').filter(Boolean) : view.columns;

  const set = useCallback((patch: Record<string, string | null>, replace = false) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    const s = next.toString();
    navigate(path + (s ? '?' + s : ''), { replace });
  }, [path]);
  return { q, filter, sort, cols, set, params, href: path + (params.size ? '?' + params.toString() : '') };
}

/** Every path a column can show: traits seen on the first page, declared ones, and those of
 * every relation's model. */
function knownPaths(model: Model, models: Model[], rows: Row[]): string[] {
  const own = new Set(Object.keys(model.traits));
  const related = new Set<string>();
  for (const r of rows.slice(0, 200)) {
    Object.keys(r.traits).forEach((k) => own.add(k));
    for (const [name, rec] of Object.entries(r.related ?? {})) {
      if (rec) Object.keys(rec.traits).forEach((k) => related.add(`${name}.${k}`));
    }
  }
  for (const rel of model.relations) {
    const m = models.find((x) => x.id === rel.model);
    Object.keys(m?.traits ?? {}).forEach((k) => related.add(`${rel.name}.${k}`));
  }
  return [...own].sort().concat([...related].sort(), ['created_at', 'updated_at']);
}

const CHARGE_COLUMNS = ['status', 'amount', 'created', 'customer', 'description', 'amount_refunded', 'disputed', 'failure_message'];

function ViewGrid({ view, model, models, onSaved }: { view: View; model: Model; models: Model[]; onSaved: (v: View) => void }) {
  const g = useGridState(view);
  const data = useRows(model.id, g.q, g.filter, g.sort);
  const [selected, setSelected] = useState(-1);
  const [open, setOpen] = useState<Row>();
  const [menu, setMenu] = useState<{ path: string; x: number; y: number }>();
  const [chooser, setChooser] = useState(false);
  const [help, setHelp] = useState(false);
  const [seed, setSeed] = useState<{ path: string; n: number }>();
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState(g.q);
  const [saveAs, setSaveAs] = useState(false);
  const isView = view.id !== '';
  const admin = useIsAdmin();
  const searchRef = useRef<HTMLInputElement>(null);

  const paths = useMemo(() => knownPaths(model, models, data.rows), [model, models, data.rows]);
  // A view saved without columns shows the first traits its records have.
  const columns = g.cols.length ? g.cols : model.id === 'stripe_charge' ? CHARGE_COLUMNS
    : paths.filter((p) => !p.includes('.') && !p.endsWith('_at')).slice(0, 8);
  const sortKeys = parseSort(g.sort);
  const filterError = data.error instanceof ApiError && data.error.status === 400 ? data.error.message : undefined;

  // Search as you type, a quarter second after the last key.
  useEffect(() => setSearch(g.q), [g.q]);
  const { set: setParams, q: urlQ } = g;
  useEffect(() => {
    if (search === urlQ) return;
    const t = setTimeout(() => setParams({ q: search }, true), 250);
    return () => clearTimeout(t);
  }, [search, urlQ, setParams]);

  useEffect(() => setSelected(-1), [g.q, g.filter, g.sort]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const t = e.target as HTMLElement;
      const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
      if (e.key === 'Escape') {
        if (help) setHelp(false);
        else if (saveAs) setSaveAs(false);
        else if (menu) setMenu(undefined);
        else if (chooser) setChooser(false);
        else if (open) {
          setOpen(undefined);
          document.querySelector<HTMLElement>('.grid-scroll')?.focus();
        } else if (typing && t === searchRef.current) document.querySelector<HTMLElement>('.grid-scroll')?.focus();
        return;
      }
      if (typing) return;
      if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === '?') {
        setHelp(true);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, menu, chooser, open, saveAs]);

  const setSort = (keys: SortKey[]) => g.set({ sort: sortText(keys) });
  const setCols = (c: string[]) => g.set({ cols: c.join(',') });

  async function save() {
    setStatus('Saving…');
    try {
      const saved = await api.updateView(view.id, { columns: columns, filter: g.filter, sort: g.sort, search: g.q });
      onSaved(saved);
      refreshViews();
      navigate(location.pathname, { replace: true });
      setStatus('Saved');
    } catch (e) {
      setStatus(e instanceof Error ? e.message : 'Could not save');
    }
  }

  async function copyLink() {
    // The URL always spells out the state, so the link reopens this exact table.
    const u = new URL(location.href);
    u.searchParams.set('q', g.q);
    u.searchParams.set('filter', g.filter);
    u.searchParams.set('sort', g.sort);
    u.searchParams.set('cols', columns.join(','));
    await copyText(u.toString());
    setStatus('Link copied');
  }

  useEffect(() => {
    if (!status || status === 'Saving…') return;
    const t = setTimeout(() => setStatus(''), 2500);
    return () => clearTimeout(t);
  }, [status]);

  const openRow = useCallback((i: number) => {
    const r = data.rows[i];
    if (r) setOpen(r);
  }, [data.rows]);

  const total = data.total;
  // Changed only when what is shown differs from what is saved, not when the URL merely spells it out.
  const dirty = isView && (g.q.trim() !== (view.search ?? '').trim() || g.filter.trim() !== (view.filter ?? '').trim()
    || g.sort !== (view.sort ?? '') || g.cols.join(',') !== view.columns.join(','));

  return (
    <Frame title={view.name}
      search={<input ref={searchRef} type="search" aria-label="Search records" placeholder="Search  ( / )"
        value={search} onChange={(e) => setSearch(e.target.value)} />}
      actions={<>
        {status && <span className="status" role="status">{status}</span>}
        <button onClick={copyLink}>Copy link</button>
        {isView && <button className={dirty ? 'primary' : ''} disabled={!dirty} onClick={save}
          title={dirty ? 'Save these columns, filter, sort and search to this view' : 'Nothing changed since the view was saved'}>Save</button>}
        <button onClick={() => setSaveAs(true)}>Save as new view…</button>
        <button className="icon" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>?</button>
      </>}>
      <div className="view">
        <div className="toolbar">
          <FilterBar filter={g.filter} paths={paths} error={filterError} seed={seed} onChange={(f) => g.set({ filter: f })} />
          <div className="toolbar-right">
            <span className="count" data-testid="count" aria-live="polite">
              {total !== undefined ? `${total.toLocaleString()} record${total === 1 ? '' : 's'}`
                : data.error ? 'No count' : 'Counting…'}
            </span>
            <div className="chooser-wrap">
              <button onClick={() => setChooser(!chooser)} aria-expanded={chooser}>Columns</button>
              {chooser && <ColumnChooser paths={paths} columns={columns} onChange={setCols} onClose={() => setChooser(false)} />}
            </div>
          </div>
        </div>
        {data.error && !filterError && <ErrorBox error={data.error} retry={data.reload} />}
        {filterError && <Empty title="The filter has an error"><p>Fix it above, or remove it, to see records.</p></Empty>}
        {total === 0 && !data.error && (
          <Empty title="No records match">
            {g.q || g.filter ? <p>Try another search or remove a filter.</p>
              : admin ? <p>This model has no records yet. <Link href={`/app/settings/models/${encodeURIComponent(model.id)}`}>See how to sync one</Link>.</p>
                : <p>This model has no records yet.</p>}
          </Empty>
        )}
        {total === undefined && !data.error && <Loading what="Loading records" />}
        <div className="grid-area">
          {total !== undefined && total > 0 && (
            <Grid model={model} models={models} columns={columns} rows={data.rows} total={total} sort={sortKeys}
              selected={selected} onSelect={setSelected} onOpen={openRow} onWant={data.want} generation={data.generation}
              onHeaderClick={(p, add) => setSort(clickSort(sortKeys, p, add))}
              onHeaderMenu={(p, r) => setMenu({ path: p, x: r.left, y: r.bottom })}
              onMove={(p, before) => {
                const rest = columns.filter((c) => c !== p);
                rest.splice(rest.indexOf(before), 0, p);
                setCols(rest);
              }} />
          )}
          {menu && (
            <HeaderMenu at={menu} canHide={menu.path !== 'id'}
              onSort={(desc) => setSort([{ path: menu.path, desc }])}
              onFilter={() => setSeed({ path: menu.path, n: (seed?.n ?? 0) + 1 })}
              onHide={() => setCols(columns.filter((c) => c !== menu.path))}
              onClose={() => setMenu(undefined)} />
          )}
          {open && (
            <aside className="panel" aria-label="Record">
              <div className="panel-head">
                <h2><RecordTitle record={open} id={open.id} /></h2>
                <Link href={recordHref(model.id, open.id, g.href)}>Open full page</Link>
                <button className="icon" aria-label="Close (Esc)" onClick={() => setOpen(undefined)}>×</button>
              </div>
              <RecordDetail modelId={model.id} record={open} models={models} />
            </aside>
          )}
        </div>
        {help && <Shortcuts onClose={() => setHelp(false)} />}
        {saveAs && (
          <SaveAsDialog defaultName={isView ? `${view.name} (copy)` : `${model.name} list`} onClose={() => setSaveAs(false)}
            create={(name) => api.createView({ name, model: model.id, columns, filter: g.filter, sort: g.sort, search: g.q })} />
        )}
      </div>
    </Frame>
  );
}

function ColumnChooser({ paths, columns, onChange, onClose }:
  { paths: string[]; columns: string[]; onChange: (c: string[]) => void; onClose: () => void }) {
  const [q, setQ] = useState('');
  const shown = paths.filter((p) => p.toLowerCase().includes(q.toLowerCase()));
  return (
    <div className="popover chooser" role="dialog" aria-label="Columns">
      <input type="search" aria-label="Find a column" placeholder="Find a column" value={q} autoFocus onChange={(e) => setQ(e.target.value)} />
      <ul>
        {shown.map((p) => (
          <li key={p}>
            <label className="check-field">
              <input type="checkbox" checked={columns.includes(p)}
                onChange={(e) => onChange(e.target.checked ? [...columns, p] : columns.filter((c) => c !== p))} />
              <span title={p}>{pathLabel(p)}</span>
            </label>
          </li>
        ))}
      </ul>
      <button onClick={onClose}>Done</button>
    </div>
  );
}

function HeaderMenu({ at, canHide, onSort, onFilter, onHide, onClose }: {
  at: { path: string; x: number; y: number }; canHide: boolean;
  onSort: (desc: boolean) => void; onFilter: () => void; onHide: () => void; onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const away = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close.current();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, []);
  const act = (f: () => void) => () => {
    f();
    onClose();
  };
  return (
    <div ref={ref} className="popover menu" role="menu" style={{ left: at.x, top: at.y }} aria-label={`Column ${at.path}`}>
      <button role="menuitem" onClick={act(() => onSort(false))}>Sort ascending</button>
      <button role="menuitem" onClick={act(() => onSort(true))}>Sort descending</button>
      <button role="menuitem" onClick={act(onFilter)}>Filter on this column</button>
      {canHide && <button role="menuitem" onClick={act(onHide)}>Hide column</button>}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['/', 'Search'],
  ['↑ ↓', 'Move the selection'],
  ['Page Up / Down, Home, End', 'Move by a page, to the ends'],
  ['Click or Enter', 'Open a record'],
  ['Esc', 'Close the record, menu or this list'],
  ['Click a header', 'Sort by it; again to reverse'],
  ['Shift-click a header', 'Add a second sort key'],
  ['?', 'This list'],
];

function Shortcuts({ onClose }: { onClose: () => void }) {
  return (
    <div className="modal-back" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {SHORTCUTS.map(([k, v]) => <div key={k}><dt><kbd>{k}</kbd></dt><dd>{v}</dd></div>)}
        </dl>
        <button autoFocus onClick={onClose}>Close</button>
      </div>
    </div>
  );
}

function SaveAsDialog({ defaultName, create, onClose }:
  { defaultName: string; create: (name: string) => Promise<View>; onClose: () => void }) {
  const [name, setName] = useState(defaultName);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const v = await create(name.trim());
      refreshViews();
      onClose();
      navigate(`/app/views/${encodeURIComponent(v.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="modal-back" onClick={onClose}>
      <form className="modal" role="dialog" aria-modal="true" aria-label="Save as new view" onSubmit={submit}
        onClick={(e) => e.stopPropagation()}>
        <h2>Save as new view</h2>
        <p className="faint">A new view with these columns, filter, sort and search.</p>
        <Field label="Name" field="name" error={error}>
          <input name="new_view_name" required autoFocus value={name} onChange={(e) => setName(e.target.value)}
            onFocus={(e) => e.currentTarget.select()} />
        </Field>
        <FormError error={error} fields={['name']} />
        <div className="form-actions">
          <button className="primary" type="submit" disabled={busy || !name.trim()}>Save view</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </div>
  );
}
