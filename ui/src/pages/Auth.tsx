// Sign-in, and the first-run setup that creates the first admin from a setup link.
import { useState, type FormEvent } from 'react';
import { api, type Session } from '../api';
import { Field, FormError } from '../parts';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';

/** Only same-app paths are followed after sign-in, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/app/') && !next.startsWith('//') ? next : '/app/views';
}

function AuthForm({ title, intro, submit, label }:
  { title: string; intro?: string; label: string; submit: (email: string, password: string) => Promise<Session> }) {
  const { params } = useLocation();
  const { setSession } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setSession(await submit(email, password));
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={onSubmit}>
        <div className="brand">Corral</div>
        <h1>{title}</h1>
        {intro && <p className="faint">{intro}</p>}
        <Field label="E-mail" field="email" error={error}>
          <input type="email" name="email" autoComplete="username" required autoFocus
            value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password" field="password" error={error}>
          <input type="password" name="password" autoComplete={label === 'Sign in' ? 'current-password' : 'new-password'}
            required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <FormError error={error} fields={['email', 'password']} />
        <button className="primary" type="submit" disabled={busy}>{busy ? 'Please wait…' : label}</button>
      </form>
    </div>
  );
}

export function Login() {
  return <AuthForm title="Sign in" label="Sign in" submit={api.login} />;
}

export function Setup() {
  const { params } = useLocation();
  const token = params.get('token') ?? '';
  if (!token) {
    return (
      <div className="auth-page">
        <div className="auth-card">
          <h1>Set up Corral</h1>
          <p>This page needs the setup link that the server printed when it first started
            (<code>/app/setup?token=…</code>). Open that link, or <a href="/app/login">sign in</a>.</p>
        </div>
      </div>
    );
  }
  return (
    <AuthForm title="Create the first admin" label="Create admin"
      intro="This account can add teammates, models and API keys."
      submit={(email, password) => api.setup(token, email, password)} />
  );
}
