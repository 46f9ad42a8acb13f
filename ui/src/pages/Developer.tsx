// Settings › Developer: API keys (shown once), their last use, revoking, and a curl example.
import { useState, type FormEvent } from 'react';
import { api, type Key } from '../api';
import { useLoad, useModels } from '../data';
import { Frame } from '../Frame';
import { CodeBlock, Empty, ErrorBox, Field, FormError, Loading, Secret } from '../parts';
import { Value } from '../format';
import { curlFor } from './Models';

export function DeveloperPage() {
  const keys = useLoad(() => api.keys(), []);
  const models = useModels();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Key>();
  const [error, setError] = useState<unknown>();
  const [chosen, setChosen] = useState('');

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      setCreated(await api.createKey(name.trim()));
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function revoke(k: Key) {
    if (!confirm(`Revoke the key “${k.name}”? Anything using it stops working at once.`)) return;
    try {
      await api.revokeKey(k.id);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  const model = models.data?.find((m) => m.id === chosen) ?? models.data?.find((m) => m.kind === 'custom') ?? models.data?.[0];

  return (
    <Frame title="Developer">
      <div className="page">
        <section className="card">
          <h2>Create an API key</h2>
          <form className="form-row" onSubmit={create} aria-label="Create an API key">
            <Field label="Name" field="name" error={error} hint="What will use it, like nightly-sync">
              <input name="key_name" required value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <button className="primary" type="submit">Create key</button>
          </form>
          <FormError error={error} fields={['name']} />
          {created?.key && (
            <div className="notice" data-testid="new-key">
              <p><strong>Copy this key now.</strong> It is shown only this once.</p>
              <Secret value={created.key} testid="api-key" />
            </div>
          )}
        </section>
        <section className="card">
          <h2>Keys</h2>
          {keys.loading && !keys.data && <Loading />}
          {keys.error && <ErrorBox error={keys.error} retry={keys.reload} />}
          {keys.data?.length === 0 && <Empty title="No keys" />}
          {keys.data && keys.data.length > 0 && (
            <table className="plain">
              <thead><tr><th>Name</th><th>Prefix</th><th>Created</th><th>Last used</th><th /></tr></thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td><code>{k.prefix}…</code></td>
                    <td><Value value={k.created_at} spec={{ type: 'datetime' }} /></td>
                    <td>{k.last_used_at ? <Value value={k.last_used_at} spec={{ type: 'datetime' }} /> : <span className="none">never</span>}</td>
                    <td><button className="link danger" onClick={() => revoke(k)}>Revoke</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>Sync a record</h2>
          {models.data && model && (
            <>
              <label className="field inline">
                <span className="label">Model</span>
                <select value={model.id} onChange={(e) => setChosen(e.target.value)}>
                  {models.data.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
                </select>
              </label>
              <CodeBlock code={`export CORRAL_KEY=corral_...   # a key from above\n${curlFor(location.origin, model)}`} />
              <p className="faint">The full API reference is at <a href="/docs">/docs</a>.</p>
            </>
          )}
          {models.error && <ErrorBox error={models.error} retry={models.reload} />}
        </section>
      </div>
    </Frame>
  );
}
