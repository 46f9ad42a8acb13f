// One record: its traits by type, the records it points at as cards, and on an account
// the records of other models that point at it.
import type { Model, Row, RecordBody } from './api';
import { api } from './api';
import { useLoad } from './data';
import { isNumeric, kindOf, specAt, Value } from './format';
import { ErrorBox, Loading } from './parts';
import { Link } from './router';

export const recordHref = (model: string, id: string) =>
  `/app/records/${encodeURIComponent(model)}/${encodeURIComponent(id)}`;

export function Traits({ record, model, models }: { record: RecordBody; model?: Model; models: Model[] }) {
  const names = Object.keys(record.traits).sort();
  return (
    <dl className="traits">
      {names.map((n) => (
        <div key={n}>
          <dt>{n}</dt>
          <dd><Value value={record.traits[n]} spec={specAt(n, model, models)} /></dd>
        </div>
      ))}
      <div><dt>created_at</dt><dd><Value value={record.created_at} spec={{ type: 'datetime' }} /></dd></div>
      <div><dt>updated_at</dt><dd><Value value={record.updated_at} spec={{ type: 'datetime' }} /></dd></div>
    </dl>
  );
}

function RelatedCard({ name, modelId, record, models }: { name: string; modelId: string; record: RecordBody | null; models: Model[] }) {
  const model = models.find((m) => m.id === modelId);
  if (!record) return <div className="card related"><h3>{model?.name ?? name}</h3><p className="none">Not synced yet</p></div>;
  const t = record.traits;
  const title = String(t.company_name ?? t.name ?? t.email ?? record.id);
  return (
    <div className="card related" data-testid={`related-${name}`}>
      <h3><span className="faint">{model?.name ?? name} · </span>
        <Link href={recordHref(modelId, record.id)}>{title}</Link></h3>
      <Traits record={record} model={model} models={models} />
    </div>
  );
}

export function RecordDetail({ modelId, record, models }: { modelId: string; record: Row; models: Model[] }) {
  const model = models.find((m) => m.id === modelId);
  return (
    <div className="record-detail">
      <Traits record={record} model={model} models={models} />
      {model?.relations.map((r) => (
        <RelatedCard key={r.name} name={r.name} modelId={r.model} record={record.related?.[r.name] ?? null} models={models} />
      ))}
      {models.filter((m) => m.relations.some((r) => r.model === modelId)).map((m) => (
        <PointingAt key={m.id} model={m} targetModel={modelId} targetId={record.id} models={models} />
      ))}
    </div>
  );
}

/** The records of `model` whose relation trait holds this record's id. */
function PointingAt({ model, targetModel, targetId, models }: { model: Model; targetModel: string; targetId: string; models: Model[] }) {
  const rel = model.relations.find((r) => r.model === targetModel)!;
  const filter = `${rel.trait} = "${targetId.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const rows = useLoad(() => api.records(model.id, { filter, limit: 50 }), [model.id, filter]);
  const cols = Object.keys(rows.data?.records[0]?.traits ?? {}).filter((c) => c !== rel.trait).slice(0, 5);

  return (
    <section className="card pointing" data-testid={`pointing-${model.id}`}>
      <h3>{model.name} {rows.data && <span className="faint">({rows.data.total.toLocaleString()})</span>}</h3>
      {rows.loading && !rows.data && <Loading />}
      {rows.error && <ErrorBox error={rows.error} retry={rows.reload} />}
      {rows.data?.total === 0 && <p className="none">None</p>}
      {rows.data && rows.data.records.length > 0 && (
        <div className="table-wrap">
          <table className="plain small">
            <thead><tr><th>id</th>{cols.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {rows.data.records.map((r) => (
                <tr key={r.id}>
                  <td className="mono"><Link href={recordHref(model.id, r.id)}>{r.id}</Link></td>
                  {cols.map((c) => {
                    const spec = specAt(c, model, models);
                    const right = isNumeric(kindOf(r.traits[c], spec));
                    return <td key={c} className={right ? 'num' : undefined}><Value value={r.traits[c]} spec={spec} /></td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.data.total > rows.data.records.length && (
            <p className="faint">Showing {rows.data.records.length} of {rows.data.total.toLocaleString()}.</p>
          )}
        </div>
      )}
    </section>
  );
}
