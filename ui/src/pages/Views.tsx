// The list of views, and adding one.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useLoad, useModels } from '../data';
import { Frame, refreshViews } from '../Frame';
import { Empty, ErrorBox, Field, FormError, Loading } from '../parts';
import { Link, navigate } from '../router';
import { filterLabel } from '../filter';
import { pathLabel } from '../format';
import { parseSort } from '../grid/rows';

export function ViewsPage() {
  const views = useLoad(() => api.views(), []);
  const models = useModels();
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [error, setError] = useState<unknown>();
  const [q, setQ] = useState('');

  const chosen = model || models.data?.find((m) => m.kind === 'custom')?.id || models.data?.[0]?.id || '';

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const v = await api.createView({ name: name.trim(), model: chosen });
      refreshViews();
      navigate(`/app/views/${encodeURIComponent(v.id)}`);
    } catch (err) {
      setError(err);
    }
  }

  const modelName = (id: string) => models.data?.find((m) => m.id === id)?.name ?? id;
  const shown = views.data?.filter((v) => v.name.toLowerCase().includes(q.toLowerCase()));

  return (
    <Frame title="Views" search={
      <input type="search" placeholder="Find a view" aria-label="Find a view" value={q} onChange={(e) => setQ(e.target.value)} />
    }>
      <div className="page">
        <section className="card">
          <h2>Add View</h2>
          <form className="form-row" onSubmit={add} aria-label="Add View">
            <Field label="Name" field="name" error={error}>
              <input name="view_name" required placeholder="Large orders" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Model" field="model" error={error}>
              <select name="view_model" value={chosen} onChange={(e) => setModel(e.target.value)}>
                {models.data?.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
              </select>
            </Field>
            <button className="primary" type="submit" disabled={!chosen}>Add view</button>
          </form>
          <FormError error={error} fields={['name', 'model']} />
        </section>
        <section className="card">
          <h2>All views</h2>
          {views.loading && !views.data && <Loading />}
          {views.error && <ErrorBox error={views.error} retry={views.reload} />}
          {views.data?.length === 0 && <Empty title="No views yet"><p>A view is a saved table over one model. Add one above.</p></Empty>}
          {shown && shown.length === 0 && views.data && views.data.length > 0 && (
            <Empty title={`No view matches “${q}”`}><p>Try another name, or clear the search.</p></Empty>
          )}
          {shown && shown.length > 0 && (
            <table className="plain">
              <thead><tr><th>Name</th><th>Model</th><th>Filter</th><th>Sort</th></tr></thead>
              <tbody>
                {shown.map((v) => (
                  <tr key={v.id}>
                    <td><Link href={`/app/views/${encodeURIComponent(v.id)}`}>{v.name}</Link></td>
                    <td>{modelName(v.model)}</td>
                    <td title={v.filter || undefined}>{v.filter ? (filterLabel(v.filter, pathLabel) ?? <code>{v.filter}</code>) : <span className="none">–</span>}</td>
                    <td title={v.sort || undefined}>{v.sort
                      ? parseSort(v.sort).map((k) => `${pathLabel(k.path)} ${k.desc ? '↓' : '↑'}`).join(', ')
                      : <span className="none">–</span>}</td>
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
