// Small shared pieces: loading, empty and error states, copy buttons, field errors.
import { useState, type ReactNode } from 'react';
import { ApiError } from './api';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <div className="state" role="status"><span className="spinner" aria-hidden />{what}…</div>;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const msg = error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong</strong>
      <p>{msg}</p>
      {retry && <button onClick={retry}>Retry</button>}
    </div>
  );
}

/** The error's message when it is about `field` (or about no field, for `field` = null). */
export function fieldError(error: unknown, field: string | null): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError) {
    const f = error.field ?? null;
    if (field === null) return f === null ? error.message : undefined;
    return f === field ? error.message : undefined;
  }
  return field === null && error instanceof Error ? error.message : undefined;
}

export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  const f = error instanceof ApiError ? error.field : null;
  if (f && fields.includes(f)) return null;
  const msg = error instanceof Error ? error.message : String(error);
  return <p className="form-error" role="alert">{msg}</p>;
}

export function Field({ label, error, field, children, hint }:
  { label: string; error?: unknown; field: string; children: ReactNode; hint?: ReactNode }) {
  const msg = fieldError(error, field);
  return (
    <label className={'field' + (msg ? ' invalid' : '')}>
      <span className="label">{label}</span>
      {children}
      {hint && !msg && <span className="hint">{hint}</span>}
      {msg && <span className="field-error" role="alert">{msg}</span>}
    </label>
  );
}

export async function copyText(text: string) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Insecure origins have no clipboard API: fall back to a hidden textarea.
    const t = document.createElement('textarea');
    t.value = text;
    document.body.appendChild(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="copy" onClick={async () => {
      await copyText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    }}>{done ? 'Copied' : label}</button>
  );
}

export function CodeBlock({ code }: { code: string }) {
  return (
    <div className="code">
      <pre><code>{code}</code></pre>
      <CopyButton text={code} />
    </div>
  );
}

export function Secret({ value, testid }: { value: string; testid?: string }) {
  return (
    <div className="secret">
      <code data-testid={testid}>{value}</code>
      <CopyButton text={value} />
    </div>
  );
}
