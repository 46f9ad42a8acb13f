// One record: its traits by type, the records it points at as cards (a Stripe charge as a
// charge card), and on an account the records of other models that point at it.
import { useCallback, useState, type ReactNode } from 'react';
import type { Model, Row, RecordBody } from './api';
import { api } from './api';
import { useLoad } from './data';
import { formatMoney, fromMinor, isNumeric, kindOf, pathLabel, readableDate, rowSpec, Value } from './format';
import { ErrorBox, Loading } from './parts';
import { Link, useLocation } from './router';

export const recordHref = (model: string, id: string, from?: string) =>
  `/app/records/${encodeURIComponent(model)}/${encodeURIComponent(id)}` + (from ? `?from=${encodeURIComponent(from)}` : '');

/** The plain list of all records of a model, optionally filtered. */
export const modelListHref = (model: string, filter?: string) =>
  `/app/models/${encodeURIComponent(model)}` + (filter ? `?filter=${encodeURIComponent(filter)}` : '');

const NAME_TRAITS = ['company_name', 'name', 'title', 'description', 'email'];

/** A record's name when it has one: the first of company_name, name, title, description, email. */
export function recordName(r: RecordBody): string | undefined {
  for (const k of NAME_TRAITS) {
    const v = r.traits[k];
    if ((typeof v === 'string' && v.trim()) || typeof v === 'number') return String(v);
  }
  return undefined;
}

/** The record's name followed by its id in monospace. */
export function RecordTitle({ record, id }: { record?: RecordBody; id: string }) {
  const name = record && recordName(record);
  return (
    <span className="record-title">
      {name && <span className="record-name" title={name}>{name}</span>}
      <span className={'mono record-id' + (name ? ' faint' : '')}>{id}</span>
    </span>
  );
}

export function Traits({ record, model, models }: { record: RecordBody; model?: Model; models: Model[] }) {
  const names = Object.keys(record.traits).sort();
  return (
    <dl className="traits">
      {names.map((n) => (
        <div key={n}>
          <dt title={n}>{pathLabel(n)}</dt>
          <dd><Value value={record.traits[n]} spec={rowSpec(record, n, model, models)} /></dd>
        </div>
      ))}
      <div><dt title="created_at">Created at</dt><dd><Value value={record.created_at} spec={{ type: 'datetime' }} /></dd></div>
      <div><dt title="updated_at">Updated at</dt><dd><Value value={record.updated_at} spec={{ type: 'datetime' }} /></dd></div>
    </dl>
  );
}

function ModelLink({ modelId, models }: { modelId: string; models: Model[] }) {
  const model = models.find((m) => m.id === modelId);
  return <Link href={modelListHref(modelId)} className="model-link">{model?.name ?? modelId}</Link>;
}

function RelatedCard({ name, modelId, record, models }: { name: string; modelId: string; record: RecordBody | null; models: Model[] }) {
  const model = models.find((m) => m.id === modelId);
  const { href } = useLocation();
  if (!record) {
    return <div className="card related"><h3><ModelLink modelId={modelId} models={models} /></h3><p className="none">Not synced yet</p></div>;
  }
  const title = recordName(record) ?? record.id;
  return (
    <div className="card related" data-testid={`related-${name}`}>
      <h3><ModelLink modelId={modelId} models={models} /><span className="faint"> · </span>
        <Link href={recordHref(modelId, record.id, href)}>{title}</Link></h3>
      <Traits record={record} model={model} models={models} />
    </div>
  );
}

type Tone = 'green' | 'red' | 'amber' | 'purple' | 'grey';

/** What a charge's badge says, its colour, and the detail next to it. */
export function chargeState(t: Record<string, unknown>): { label: string; tone: Tone; detail?: string } {
  const cur = typeof t.currency === 'string' && t.currency ? t.currency : 'usd';
  const money = (v: unknown) => (typeof v === 'number' ? formatMoney(fromMinor(v, cur), cur) : undefined);
  const refunded = typeof t.amount_refunded === 'number' ? t.amount_refunded : 0;
  if (t.disputed === true) {
    return { label: 'disputed', tone: 'purple', detail: t.dispute_status ? `Dispute: ${String(t.dispute_status).replace(/_/g, ' ')}` : undefined };
  }
  if (t.refunded === true) return { label: 'refunded', tone: 'amber', detail: refunded ? `${money(refunded)} refunded` : undefined };
  if (refunded > 0) return { label: 'partially refunded', tone: 'amber', detail: `${money(refunded)} refunded` };
  if (t.status === 'failed') {
    const msg = [t.failure_message, t.failure_code && `(${String(t.failure_code)})`].filter(Boolean).join(' ');
    return { label: 'failed', tone: 'red', detail: msg || undefined };
  }
  if (t.status === 'succeeded') return { label: 'succeeded', tone: 'green' };
  return { label: String(t.status ?? 'unknown'), tone: 'grey' };
}

export function StripeCard({ record }: { record: RecordBody | null }) {
  const { href } = useLocation();
  if (!record) {
    return (
      <div className="card related stripe" data-testid="stripe-charge">
        <h3>Stripe charge</h3>
        <p className="none">Charge not received yet</p>
      </div>
    );
  }
  const t = record.traits;
  const state = chargeState(t);
  const cur = typeof t.currency === 'string' && t.currency ? t.currency : 'usd';
  const created = typeof t.created === 'string' ? readableDate(t.created) : null;
  const rows: [string, ReactNode][] = [
    ['Amount', typeof t.amount === 'number' ? <span className="num">{formatMoney(fromMinor(t.amount, cur), cur)}</span> : undefined],
    ['Created', created ? <time dateTime={String(t.created)} title={created.title}>{created.text}</time> : undefined],
    ['Description', t.description ? String(t.description) : undefined],
    ['Customer', t.customer ? <span className="mono">{String(t.customer)}</span> : undefined],
    ['Payment intent', t.payment_intent ? <span className="mono">{String(t.payment_intent)}</span> : undefined],
  ];
  return (
    <div className="card related stripe" data-testid="stripe-charge">
      <h3>
        <Link href={modelListHref('stripe_charge')} className="model-link">Stripe charge</Link>
        <span className="faint"> · </span>
        <Link href={recordHref('stripe_charge', record.id, href)} className="mono">{record.id}</Link>
      </h3>
      <p className="charge-status">
        <span className={`badge ${state.tone}`} data-testid="charge-status">{state.label}</span>
        {state.detail && <span className="charge-detail">{state.detail}</span>}
      </p>
      <dl className="traits">
        {rows.filter(([, v]) => v !== undefined).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
    </div>
  );
}

export function RecordDetail({ modelId, record, models }: { modelId: string; record: Row; models: Model[] }) {
  const model = models.find((m) => m.id === modelId);
  const pointing = models.filter((m) => m.relations.some((r) => r.model === modelId));
  const [empty, setEmpty] = useState<Record<string, boolean>>({});
  const onTotal = useCallback((id: string, total: number) => setEmpty((e) => (
    e[id] === (total === 0) ? e : { ...e, [id]: total === 0 })), []);
  const none = pointing.filter((m) => empty[m.id]);

  return (
    <div className="record-detail">
      {modelId === 'stripe_charge' && <StripeCard record={record} />}
      {model?.relations.filter((r) => r.model === 'stripe_charge').map((r) => (
        <StripeCard key={r.name} record={record.related?.[r.name] ?? null} />
      ))}
      <Traits record={record} model={model} models={models} />
      {model?.relations.filter((r) => r.model !== 'stripe_charge').map((r) => (
        <RelatedCard key={r.name} name={r.name} modelId={r.model} record={record.related?.[r.name] ?? null} models={models} />
      ))}
      {none.length > 0 && (
        <p className="faint none-line" data-testid="pointing-none">
          {none.map((m, i) => `${i === 0 ? 'No' : 'no'} ${m.name.toLowerCase()}`).join(', ')}
        </p>
      )}
      {pointing.map((m) => (
        <PointingAt key={m.id} model={m} targetModel={modelId} targetId={record.id} models={models} onTotal={onTotal} />
      ))}
    </div>
  );
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The newest records of `model` whose relation trait holds this record's id. */
function PointingAt({ model, targetModel, targetId, models, onTotal }: {
  model: Model; targetModel: string; targetId: string; models: Model[]; onTotal: (model: string, total: number) => void;
}) {
  const rels = model.relations.filter((r) => r.model === targetModel);
  const filter = rels.map((r) => `${r.trait} = ${quote(targetId)}`).join(' || ');
  const rows = useLoad(async () => {
    const r = await api.records(model.id, { filter, sort: '-updated_at', limit: 50 });
    onTotal(model.id, r.total);
    return r;
  }, [model.id, filter]);
  const { href } = useLocation();
  if (rows.data?.total === 0) return null;
  const skip = new Set(rels.map((r) => r.trait));
  const cols = Object.keys(rows.data?.records[0]?.traits ?? {}).filter((c) => !skip.has(c)).slice(0, 5);

  return (
    <section className="card pointing" data-testid={`pointing-${model.id}`}>
      <h3>
        <Link href={modelListHref(model.id)} className="model-link">{model.name}</Link>{' '}
        {rows.data && <span className="faint">({rows.data.total.toLocaleString()})</span>}
        {rows.data && <Link className="open-all" href={modelListHref(model.id, filter)}>Open all in a list</Link>}
      </h3>
      {rows.loading && !rows.data && <Loading />}
      {rows.error && <ErrorBox error={rows.error} retry={rows.reload} />}
      {rows.data && rows.data.records.length > 0 && (
        <div className="table-wrap">
          <table className="plain small">
            <thead><tr><th>ID</th>{cols.map((c) => <th key={c} title={c}>{pathLabel(c)}</th>)}</tr></thead>
            <tbody>
              {rows.data.records.map((r) => (
                <tr key={r.id}>
                  <td className="mono"><Link href={recordHref(model.id, r.id, href)}>{r.id}</Link></td>
                  {cols.map((c) => {
                    const spec = rowSpec(r, c, model, models);
                    const right = isNumeric(kindOf(r.traits[c], spec));
                    return <td key={c} className={right ? 'num' : undefined}><Value value={r.traits[c]} spec={spec} /></td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.data.total > rows.data.records.length && (
            <p className="faint">Showing the newest {rows.data.records.length} of {rows.data.total.toLocaleString()}.</p>
          )}
        </div>
      )}
    </section>
  );
}
