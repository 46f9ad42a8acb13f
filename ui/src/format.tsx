// How a trait value reads: by its declared type, or by what it looks like.
import type { ReactNode } from 'react';
import type { Model, Row, TraitSpec, TraitType } from './api';

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

export function exactTime(value: string): string {
  const d = new Date(value);
  // A bare date has no time of day worth showing.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(value + 'T00:00:00').toLocaleDateString(undefined, { dateStyle: 'full' });
  }
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

function shortDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(value + 'T00:00:00').toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
export function formatMoney(n: number, currency: string): string {
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
      return <span className="num">{formatMoney(n, spec?.currency ?? 'USD')}</span>;
    }
    case 'number':
    case 'integer': {
      const n = Number(value);
      // Keep every digit of numbers too long for a double.
      const shown = isNaN(n) || text.replace(/[-.]/g, '').length > 15 ? text : numberFormat.format(n);
      return <span className="num" title={text}>{shown}</span>;
    }
    case 'datetime': {
      const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? text + 'T00:00:00' : text);
      if (isNaN(d.getTime())) return <span title={text}>{text}</span>;
      return <time dateTime={text} title={`${exactTime(text)} (${shortDate(text)})`}>{relativeTime(d)}</time>;
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
