// Settings › Data models: the list, adding a model, and one model's relations and trait types.
import { useEffect, useState, type FormEvent } from 'react';
import { api, TRAIT_TYPES, type Model, type TraitSpec, type TraitType } from '../api';
import { loadModels, useLoad } from '../data';
import { Frame } from '../Frame';
import { CodeBlock, Empty, ErrorBox, Field, FormError, Loading, Secret } from '../parts';
import { Link } from '../router';

export function ModelsPage() {
  const models = useLoad(() => loadModels(true), []);
  const [created, setCreated] = useState<Model>();

  return (
    <Frame title="Data models">
      <div className="page">
        <section className="card">
          <h2>Add New Model</h2>
          <NewModelForm onCreated={(m) => {
            setCreated(m);
            models.reload();
          }} />
          {created && (
            <div className="notice" data-testid="new-model">
              <p><strong>{created.name}</strong> is ready. Its Model ID, for record URLs:</p>
              <Secret value={created.id} testid="model-id" />
              <p><Link href={`/app/settings/models/${encodeURIComponent(created.id)}`}>Set up {created.name} →</Link></p>
            </div>
          )}
        </section>
        <section className="card">
          <h2>Models</h2>
          {models.loading && !models.data && <Loading />}
          {models.error && <ErrorBox error={models.error} retry={models.reload} />}
          {models.data && (
            <table className="plain">
              <thead><tr><th>Name</th><th>Model ID</th><th>Kind</th><th>Relations</th><th>Typed traits</th></tr></thead>
              <tbody>
                {models.data.map((m) => (
                  <tr key={m.id}>
                    <td><Link href={`/app/settings/models/${encodeURIComponent(m.id)}`}>{m.name}</Link></td>
                    <td><code>{m.id}</code></td>
                    <td>{m.kind}</td>
                    <td>{m.relations.map((r) => `${r.trait} → ${r.model}`).join(', ') || <span className="none">–</span>}</td>
                    <td className="num">{Object.keys(m.traits).length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </Frame>
  );
}

function NewModelForm({ onCreated }: { onCreated: (m: Model) => void }) {
  const [name, setName] = useState('');
  const [related, setRelated] = useState(false);
  const [trait, setTrait] = useState('customer_id');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const relations = related && trait.trim() ? [{ trait: trait.trim(), model: 'account' }] : [];
      const m = await api.createModel({ name: name.trim(), relations });
      setName('');
      onCreated(m);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form-row" onSubmit={submit} aria-label="Add New Model">
      <Field label="Name" field="name" error={error}>
        <input name="name" required placeholder="Orders" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Model type" field="kind" error={error}>
        <select name="kind" value="custom" onChange={() => {}}><option value="custom">Custom</option></select>
      </Field>
      <label className="check-field">
        <input type="checkbox" name="related" checked={related} onChange={(e) => setRelated(e.target.checked)} />
        Related to Account
      </label>
      {related && (
        <Field label="Trait holding the Account id" field="relations" error={error}>
          <input name="relation_trait" value={trait} onChange={(e) => setTrait(e.target.value)} />
        </Field>
      )}
      <button className="primary" type="submit" disabled={busy}>Add model</button>
      <FormError error={error} fields={['name', 'relations', 'kind']} />
    </form>
  );
}

interface TraitRow { name: string; type: TraitType; currency: string }

export function ModelPage({ modelId }: { modelId: string }) {
  const model = useLoad(() => api.model(modelId), [modelId]);
  const models = useLoad(() => loadModels(), []);
  const [total, setTotal] = useState<number>();

  // An empty model teaches how to sync; the count keeps up as records arrive.
  useEffect(() => {
    let stop = false;
    let timer = 0;
    const poll = () => api.records(modelId, { limit: 1 }).then((r) => {
      if (stop) return;
      setTotal(r.total);
      timer = window.setTimeout(poll, r.total === 0 ? 1500 : 5000);
    }, () => {
      if (!stop) timer = window.setTimeout(poll, 5000);
    });
    poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [modelId]);

  if (model.error) return <Frame title="Model"><ErrorBox error={model.error} retry={model.reload} /></Frame>;
  if (!model.data || !models.data) return <Frame title="Model"><Loading /></Frame>;
  const m = model.data;
  const origin = location.origin;

  return (
    <Frame title={m.name}>
      <div className="page">
        <section className="card">
          <h2>Model ID</h2>
          <Secret value={m.id} testid="model-id" />
          <p className="faint">{total === undefined ? 'Counting records…' : `${total.toLocaleString()} record${total === 1 ? '' : 's'}`}</p>
        </section>
        {total === 0 && (
          <section className="card">
            <Empty title="No records yet">
              <p>Sync the first record with your API key (create one in <Link href="/app/settings/developer">Developer</Link>).
                This page updates when it arrives.</p>
            </Empty>
            <CodeBlock code={curlFor(origin, m)} />
          </section>
        )}
        <ModelEditor model={m} models={models.data} onSaved={(saved) => {
          model.set(saved);
          loadModels(true);
        }} />
      </div>
    </Frame>
  );
}

export function curlFor(origin: string, m: Model): string {
  const rel = m.relations[0];
  const lines = [
    `curl ${origin}/models/${m.id}/records \\`,
    `  -H "Authorization: Token $CORRAL_KEY" \\`,
    `  -d id=1001${rel ? ` -d ${rel.trait}=ACME` : ''} -d amount=75`,
  ];
  return lines.join('\n');
}

function ModelEditor({ model, models, onSaved }: { model: Model; models: Model[]; onSaved: (m: Model) => void }) {
  const [relations, setRelations] = useState(model.relations.map((r) => ({ trait: r.trait, model: r.model })));
  const [traits, setTraits] = useState<TraitRow[]>(Object.entries(model.traits).map(([name, s]) => (
    { name, type: s.type, currency: s.currency ?? '' })));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const builtin = model.kind === 'builtin';

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    const t: Record<string, TraitSpec> = {};
    for (const r of traits) {
      if (!r.name.trim()) continue;
      t[r.name.trim()] = r.type === 'currency' ? { type: r.type, currency: r.currency || 'USD' } : { type: r.type };
    }
    const body = builtin
      ? { traits: t }
      : { traits: t, relations: relations.filter((r) => r.trait.trim()).map((r) => ({ ...r, name: r.model })) as Model['relations'] };
    try {
      onSaved(await api.updateModel(model.id, body));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card" onSubmit={save} aria-label="Model settings">
      <h2>Relations</h2>
      <p className="faint">Which trait holds the id of a record of another model.</p>
      {builtin && model.relations.length > 0 && (
        <ul>{model.relations.map((r) => <li key={r.trait}><code>{r.trait}</code> → {r.model} (built in)</li>)}</ul>
      )}
      {!builtin && (
        <>
          {relations.length === 0 && <p className="none">No relations.</p>}
          {relations.map((r, i) => (
            <div className="form-row" key={i}>
              <input aria-label="Trait" placeholder="customer_id" value={r.trait}
                onChange={(e) => setRelations(relations.map((x, j) => (j === i ? { ...x, trait: e.target.value } : x)))} />
              <span>points at</span>
              <select aria-label="Model" value={r.model}
                onChange={(e) => setRelations(relations.map((x, j) => (j === i ? { ...x, model: e.target.value } : x)))}>
                {models.filter((o) => o.id !== model.id).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
              <button type="button" className="link danger" onClick={() => setRelations(relations.filter((_, j) => j !== i))}>Remove</button>
            </div>
          ))}
          <button type="button" onClick={() => setRelations([...relations, { trait: '', model: 'account' }])}>+ Relation</button>
        </>
      )}
      <h2>Trait types</h2>
      <p className="faint">Declared traits are checked and converted on sync; others are kept as sent.</p>
      {traits.length === 0 && <p className="none">No declared traits.</p>}
      {traits.map((r, i) => {
        const set = (p: Partial<TraitRow>) => setTraits(traits.map((x, j) => (j === i ? { ...x, ...p } : x)));
        const msg = error && (error as { field?: string }).field === r.name ? (error as Error).message : undefined;
        return (
          <div className="form-row" key={i}>
            <input aria-label="Trait name" placeholder="amount" value={r.name} onChange={(e) => set({ name: e.target.value })} />
            <select aria-label="Trait type" value={r.type} onChange={(e) => set({ type: e.target.value as TraitType })}>
              {TRAIT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
            {r.type === 'currency' && (
              <input aria-label="Currency" className="short" placeholder="USD" maxLength={3} value={r.currency}
                onChange={(e) => set({ currency: e.target.value.toUpperCase() })} />
            )}
            <button type="button" className="link danger" onClick={() => setTraits(traits.filter((_, j) => j !== i))}>Remove</button>
            {msg && <span className="field-error" role="alert">{msg}</span>}
          </div>
        );
      })}
      <button type="button" onClick={() => setTraits([...traits, { name: '', type: 'text', currency: '' }])}>+ Trait</button>
      <div className="form-actions">
        <button className="primary" type="submit">Save model</button>
        {saved && <span className="ok" role="status">Saved</span>}
      </div>
      <FormError error={error} fields={traits.map((t) => t.name)} />
    </form>
  );
}
