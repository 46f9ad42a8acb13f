// How a trait value reads: by its declared type, or by what it looks like.
import type { ReactNode } from 'react';
import type { Model, RecordBody, Row, TraitSpec, TraitType } from './api';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_RE = /^https?:\/\/\S+$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The type a value is shown as: the declared one, else a guess from the value. */
export function kindOf(value: unknown, spec?: TraitSpec): TraitType {
  if (spec) return spec.type;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') {
    if (EMAIL.test(value)) return 'email';
    if (URL_RE.test(value)) return 'url';
    if (ISO_DATE.test(value) && !isNaN(Date.parse(value))) return 'datetime';
  }
  return 'text';
}

export function isNumeric(t: TraitType) {
  return t === 'number' || t === 'integer' || t === 'currency';
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400], ['month', 30 * 86400], ['week', 7 * 86400],
  ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1],
];

export function relativeTime(date: Date, now = Date.now()): string {
  const secs = (date.getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(secs) >= size || unit === 'second') return rtf.format(Math.round(secs / size), unit);
  }
  return '';
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Midnight UTC is how many systems write a plain date.
const MIDNIGHT_UTC = /^\d{4}-\d{2}-\d{2}[T ]00:00(:00(\.0+)?)?(Z|[+-]00:?00)$/;

export function exactTime(value: string): string {
  if (BARE_DATE.test(value)) {
    return new Date(value + 'T00:00:00').toLocaleDateString(undefined, { dateStyle: 'full' });
  }
  return new Date(value).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' });
}

const dateOnly = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateOnlyUtc = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit',
});

/** "2 Feb 1998", with the time when the value has one; "3 days ago" within the last week. */
export function readableDate(value: string, now = Date.now()): { text: string; title: string } | null {
  const bare = BARE_DATE.test(value);
  const d = new Date(bare ? value + 'T00:00:00' : value);
  if (isNaN(d.getTime())) return null;
  const age = now - d.getTime();
  const title = exactTime(value);
  if (!bare && age >= -60_000 && age < 7 * 86400_000) return { text: relativeTime(d, now), title };
  if (bare) return { text: dateOnly.format(d), title };
  if (MIDNIGHT_UTC.test(value)) return { text: dateOnlyUtc.format(d), title };
  return { text: dateTime.format(d), title };
}

// Currencies Stripe counts in whole units: no division by 100.
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));

/** An amount in a currency's minor unit (cents) as the number of major units. */
export function fromMinor(n: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? n : n / 100;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
export function formatMoney(n: number, currency: string): string {
  currency = currency.toUpperCase();
  let f = moneyFormats.get(currency);

  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, f);
  }
  return f.format(n);
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 20 });

/** Reads a value at a dotted path of a row: `amount`, `account.country`, `shipping.city`. */
export function valueAt(row: Row, path: string): unknown {
  if (path === 'id') return row.id;
  if (path === 'created_at' || path === 'updated_at') return row[path];
  const [head, ...rest] = path.split('.');
  if (rest.length && row.related && head in row.related) {
    const rel = row.related[head];
    return rel ? valueAt(rel as Row, rest.join('.')) : undefined;
  }
  let v: unknown = row.traits;
  for (const part of path.split('.')) {
    if (v && typeof v === 'object' && part in (v as object)) v = (v as Record<string, unknown>)[part];
    else return undefined;
  }
  return v;
}

/** The declared spec of a path on a model, looking through its relations. */
export function specAt(path: string, model: Model | undefined, models: Model[]): TraitSpec | undefined {
  if (!model) return undefined;
  if (path === 'created_at' || path === 'updated_at') return { type: 'datetime' };
  const [head, ...rest] = path.split('.');
  const rel = model.relations.find((r) => r.name === head);
  if (rel && rest.length) {
    return specAt(rest.join('.'), models.find((m) => m.id === rel.model), models);
  }
  return model.traits[path];
}

const MINOR_AMOUNTS = new Set(['amount', 'amount_captured', 'amount_refunded']);

/**
 * The spec of a path on one row: as `specAt`, but Stripe charge amounts become money in
 * the charge's own currency, counted in minor units.
 */
export function rowSpec(row: Row | RecordBody, path: string, model: Model | undefined, models: Model[]): TraitSpec | undefined {
  const cur = minorCurrencyPath(path, model);
  if (cur) {
    const c = valueAt(row as Row, cur);
    return { type: 'currency', currency: typeof c === 'string' && c ? c : 'usd', minor: true };
  }
  return specAt(path, model, models);
}

/** Where the currency of a Stripe amount path is, or null when the path is no such amount. */
export function minorCurrencyPath(path: string, model: Model | undefined): string | null {
  if (!model) return null;
  const parts = path.split('.');
  if (parts.length === 1) return model.id === 'stripe_charge' && MINOR_AMOUNTS.has(path) ? 'currency' : null;
  if (parts.length === 2) {
    const rel = model.relations.find((r) => r.name === parts[0]);
    if (rel?.model === 'stripe_charge' && MINOR_AMOUNTS.has(parts[1])) return `${parts[0]}.currency`;
  }
  return null;
}

const WORDS: Record<string, string> = { id: 'ID', url: 'URL', ip: 'IP', api: 'API' };

/** `company_name` → "Company name", `account.country` → "Account › Country". */
export function pathLabel(path: string): string {
  return path.split('.').map((part) => {
    const words = part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[_\-\s]+/).filter(Boolean)
      .map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
    if (!words.length) return part;
    const first = words[0];
    words[0] = first[0].toUpperCase() + first.slice(1);
    return words.join(' ');
  }).join(' › ');
}

/** A path's label with the raw path as its tooltip. */
export function PathLabel({ path }: { path: string }) {
  return <span title={path}>{pathLabel(path)}</span>;
}

export function Value({ value, spec }: { value: unknown; spec?: TraitSpec }): ReactNode {
  if (value === null || value === undefined || value === '') {
    return <span className="none" aria-label="empty">–</span>;
  }
  const kind = kindOf(value, spec);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  switch (kind) {
    case 'boolean': {
      const yes = value === true || value === 'true';
      return <span className={yes ? 'check yes' : 'check no'} aria-label={yes ? 'yes' : 'no'}>{yes ? '✓' : '✗'}</span>;
    }
    case 'currency': {
      const n = Number(value);
      if (isNaN(n)) return <span title={text}>{text}</span>;
      const cur = spec?.currency ?? 'USD';
      const major = spec?.minor ? fromMinor(n, cur) : n;
      return <span className="num" title={spec?.minor ? `${text} (minor units, ${cur.toUpperCase()})` : text}>{formatMoney(major, cur)}</span>;
    }
    case 'number':
    case 'integer': {
      const n = Number(value);
      // Keep every digit of numbers too long for a double.
      const shown = isNaN(n) || text.replace(/[-.]/g, '').length > 15 ? text : numberFormat.format(n);
      return <span className="num" title={text}>{shown}</span>;
    }
    case 'datetime': {
      const r = readableDate(text);
      if (!r) return <span title={text}>{text}</span>;
      return <time dateTime={text} title={r.title}>{r.text}</time>;
    }
    case 'email':
      return <a href={`mailto:${text}`} title={text} onClick={(e) => e.stopPropagation()}>{text}</a>;
    case 'url':
      return /^https?:/i.test(text)
        ? <a href={text} target="_blank" rel="noreferrer noopener" title={text} onClick={(e) => e.stopPropagation()}>{text}</a>
        : <span title={text}>{text}</span>;
    default:
      return <span title={text}>{text}</span>;
  }
}
