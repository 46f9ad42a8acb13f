// Settings › Integrations: Stripe's webhook address and secrets, and a sync of past charges.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type StripeSettings } from '../api';
import { useLoad } from '../data';
import { Frame } from '../Frame';
import { ErrorBox, Field, FormError, Loading, Secret } from '../parts';
import { modelListHref } from '../RecordDetail';
import { Link } from '../router';
import { Value } from '../format';

export function IntegrationsPage() {
  const stripe = useLoad(() => api.stripe(), []);
  const running = stripe.data?.sync.running;
  const { reload } = stripe;

  // While a sync runs, its progress is asked for every two seconds.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [running, reload]);

  return (
    <Frame title="Integrations">
      <div className="page">
        {stripe.error && <ErrorBox error={stripe.error} retry={stripe.reload} />}
        {!stripe.data && !stripe.error && <Loading />}
        {stripe.data && <StripeSection s={stripe.data} onChange={stripe.set} reload={stripe.reload} />}
      </div>
    </Frame>
  );
}

function StripeSection({ s, onChange, reload }: { s: StripeSettings; onChange: (s: StripeSettings) => void; reload: () => void }) {
  return (
    <>
      <section className="card" aria-label="Stripe webhook">
        <h2>Stripe</h2>
        <p>Charges arrive as records of the <Link href={modelListHref('stripe_charge')}>Stripe Charge</Link> model.
          Relate a model to it with a trait holding the charge id (<code>stripe_charge_id</code>) in Data models.</p>
        <h3>Webhook</h3>
        <p>In Stripe's dashboard (Developers › Webhooks), add an endpoint with this URL for charge events,
          then paste its signing secret here.</p>
        <Secret value={s.webhook_url} testid="webhook-url" />
        <SecretForm
          label="Webhook signing secret" field="webhook_secrets" name="webhook_secret" placeholder="whsec_…"
          current={s.webhook_secrets} prefix="whsec_"
          hint="Setting a secret replaces the ones set before."
          save={(v) => api.setStripe({ webhook_secrets: [v] })}
          clear={s.webhook_secrets.length ? () => api.setStripe({ webhook_secrets: [] }) : undefined}
          onSaved={onChange} />
      </section>
      <section className="card" aria-label="Stripe sync">
        <h2>Sync past charges</h2>
        <p className="faint">With a secret key, Corral reads the charges Stripe already has; the webhook then keeps them current.
          A restricted key with read access to charges is enough.</p>
        <SecretForm
          label="Secret key" field="secret_key" name="secret_key" placeholder="sk_live_… or rk_live_…"
          current={s.secret_key ? [s.secret_key] : []}
          save={(v) => api.setStripe({ secret_key: v })}
          clear={s.secret_key ? () => api.setStripe({ secret_key: '' }) : undefined}
          onSaved={onChange} />
        <ApiBase s={s} onSaved={onChange} />
        <SyncStatus s={s} reload={reload} />
      </section>
    </>
  );
}

function SecretForm({ label, field, name, placeholder, current, prefix, hint, save, clear, onSaved }: {
  label: string; field: string; name: string; placeholder: string; current: string[]; prefix?: string; hint?: string;
  save: (v: string) => Promise<StripeSettings>; clear?: () => Promise<StripeSettings>; onSaved: (s: StripeSettings) => void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');

  async function run(f: () => Promise<StripeSettings>, msg: string) {
    setError(undefined);
    setDone('');
    try {
      onSaved(await f());
      setValue('');
      setDone(msg);
    } catch (err) {
      setError(err);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = value.trim();
    if (prefix && !v.startsWith(prefix)) {
      setError(new Error(`A ${label.toLowerCase()} starts with ${prefix}. Copy it from Stripe's dashboard.`));
      return;
    }
    run(() => save(v), 'Saved');
  }

  return (
    <form className="secret-form" onSubmit={submit} aria-label={label}>
      <p data-testid={`${name}-current`}>
        {current.length
          ? <>Set: {current.map((c) => <code key={c} className="secret-end">{c}</code>)}</>
          : <span className="none">No {label.toLowerCase()} set.</span>}
      </p>
      <div className="form-row">
        <Field label={current.length ? `New ${label.toLowerCase()}` : label} field={field} error={error} hint={hint}>
          <input name={name} type="password" autoComplete="off" spellCheck={false} required placeholder={placeholder}
            value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <button className="primary" type="submit">Save</button>
        {clear && <button type="button" className="link danger" onClick={() => {
          if (confirm(`Remove the ${label.toLowerCase()}?`)) run(clear, 'Removed');
        }}>Remove</button>}
        {done && <span className="ok" role="status">{done}</span>}
      </div>
      <FormError error={error} fields={[field]} />
    </form>
  );
}

function ApiBase({ s, onSaved }: { s: StripeSettings; onSaved: (s: StripeSettings) => void }) {
  const [value, setValue] = useState(s.api_base);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  return (
    <details className="advanced">
      <summary>Advanced</summary>
      <form className="form-row" aria-label="Stripe API address" onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setDone(false);
        try {
          onSaved(await api.setStripe({ api_base: value.trim() }));
          setDone(true);
        } catch (err) {
          setError(err);
        }
      }}>
        <Field label="API address" field="api_base" error={error} hint="Only for a Stripe mock or proxy; leave empty for Stripe itself.">
          <input name="api_base" value={value} onChange={(e) => setValue(e.target.value)} placeholder="https://api.stripe.com" />
        </Field>
        <button type="submit">Save</button>
        {done && <span className="ok" role="status">Saved</span>}
        <FormError error={error} fields={['api_base']} />
      </form>
    </details>
  );
}

function SyncStatus({ s, reload }: { s: StripeSettings; reload: () => void }) {
  const [error, setError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const sync = s.sync;

  async function start() {
    setError(undefined);
    setStarting(true);
    try {
      await api.syncStripe();
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
      reload();
    }
  }

  return (
    <div className="sync" data-testid="stripe-sync">
      <div className="form-row">
        <button className="primary" onClick={start} disabled={sync.running || starting || !s.secret_key}
          title={s.secret_key ? undefined : 'Set a secret key first'}>Sync Stripe charges</button>
        <span role="status" aria-live="polite">
          {sync.running ? <><span className="spinner" aria-hidden /> Syncing… {sync.charges.toLocaleString()} charges, {sync.pages} pages</>
            : sync.finished_at ? <>Last sync finished <Value value={sync.finished_at} spec={{ type: 'datetime' }} />:
              {' '}{sync.charges.toLocaleString()} charges in {sync.pages} page{sync.pages === 1 ? '' : 's'}</>
              : <span className="faint">Not synced yet.</span>}
        </span>
      </div>
      {sync.error && <p className="form-error" role="alert">The last sync stopped: {sync.error}</p>}
      <FormError error={error} fields={[]} />
    </div>
  );
}
