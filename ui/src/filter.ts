// The filter builder's rows and the filter language's text, each made from the other.
// Only a flat list of comparisons joined by one of && or || maps to rows; anything else
// stays a typed expression.

export const OPS = ['=', '!=', '>', '>=', '<', '<=', '~', '!~'] as const;
export type Op = (typeof OPS)[number];
export const OP_LABELS: Record<Op, string> = {
  '=': 'is', '!=': 'is not', '>': '>', '>=': '≥', '<': '<', '<=': '≤', '~': 'contains', '!~': 'does not contain',
};

export interface Condition { path: string; op: Op; value: string }
export interface Conditions { join: 'all' | 'any'; rows: Condition[] }

const BARE = /^(-?\d+(\.\d+)?|true|false|null)$/;

/** A value as the language writes it: numbers and null/true/false bare, the rest quoted. */
export function literal(value: string): string {
  const v = value.trim();
  if (BARE.test(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

export function conditionText(c: Condition): string {
  return `${c.path} ${c.op} ${literal(c.value)}`;
}

export function toExpression(c: Conditions): string {
  const parts = c.rows.filter((r) => r.path.trim()).map(conditionText);
  return parts.join(c.join === 'all' ? ' && ' : ' || ');
}

type Token = { kind: 'path' | 'op' | 'value' | 'and' | 'or' | 'paren'; text: string };

function tokenize(src: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          if (n === 'u') { text += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16)); j += 6; continue; }
          text += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
          j += 2;
          continue;
        }
        text += src[j++];
      }
      if (j >= src.length) return null;
      out.push({ kind: 'value', text });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&') { out.push({ kind: 'and', text: two }); i += 2; continue; }
    if (two === '||') { out.push({ kind: 'or', text: two }); i += 2; continue; }
    if (['!=', '>=', '<=', '!~'].includes(two)) { out.push({ kind: 'op', text: two }); i += 2; continue; }
    if ('=><~'.includes(c)) { out.push({ kind: 'op', text: c }); i++; continue; }
    if ('()'.includes(c)) { out.push({ kind: 'paren', text: c }); i++; continue; }
    const m = /^[^\s=!<>~()&|"']+/.exec(src.slice(i));
    if (!m) return null;
    const prev = out[out.length - 1];
    out.push({ kind: prev && prev.kind === 'op' ? 'value' : 'path', text: m[0] });
    i += m[0].length;
  }
  return out;
}

/** The rows of a simple expression, or null when it needs the typed form. */
export function parseConditions(expr: string): Conditions | null {
  if (!expr.trim()) return { join: 'all', rows: [] };
  const t = tokenize(expr);
  if (!t) return null;
  const rows: Condition[] = [];
  let join: 'all' | 'any' | null = null;
  let i = 0;
  while (i < t.length) {
    const [p, o, v] = [t[i], t[i + 1], t[i + 2]];
    if (!p || !o || !v || p.kind !== 'path' || o.kind !== 'op' || v.kind !== 'value') return null;
    rows.push({ path: p.text, op: o.text as Op, value: v.text });
    i += 3;
    if (i < t.length) {
      const j = t[i].kind === 'and' ? 'all' : t[i].kind === 'or' ? 'any' : null;
      if (!j || (join && join !== j)) return null;
      join = j;
      i++;
      if (i >= t.length) return null;
    }
  }
  return { join: join ?? 'all', rows };
}

/** A condition as a person reads it: `Account › Country is Germany`. */
export function conditionLabel(c: Condition, label: (path: string) => string): string {
  return `${label(c.path)} ${OP_LABELS[c.op]} ${c.value}`;
}

/** A whole filter as a person reads it, or null when it only reads as an expression. */
export function filterLabel(expr: string, label: (path: string) => string): string | null {
  const p = parseConditions(expr);
  if (!p) return null;
  return p.rows.map((c) => conditionLabel(c, label)).join(p.join === 'all' ? ' and ' : ' or ');
}
