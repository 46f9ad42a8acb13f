// Filters above the grid: chips for each condition, a builder of rows, and the typed form.
import { useEffect, useState, type FormEvent } from 'react';
import { pathLabel } from '../format';
import { PathPicker } from './PathPicker';
import { OP_LABELS, OPS, conditionText, parseConditions, toExpression, type Condition, type Conditions, type Op } from '../filter';

export interface FilterBarProps {
  filter: string;
  paths: string[];
  error?: string;
  onChange: (filter: string) => void;
  /** A column's header menu asks for a condition on that column. */
  seed?: { path: string; n: number };
}

export function FilterBar({ filter, paths, error, onChange, seed }: FilterBarProps) {
  const parsed = parseConditions(filter);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState(parsed === null);
  const [draft, setDraft] = useState<Conditions>(parsed ?? { join: 'all', rows: [] });
  const [text, setText] = useState(filter);

  useEffect(() => {
    setText(filter);
    const p = parseConditions(filter);
    if (p) setDraft(p);
    else setTyped(true);
  }, [filter]);

  useEffect(() => {
    if (!seed) return;
    const base = parseConditions(filter) ?? { join: 'all' as const, rows: [] };
    setDraft({ ...base, rows: [...base.rows, { path: seed.path, op: '=', value: '' }] });
    setTyped(false);
    setOpen(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seed?.n]);

  function startAdd() {
    const base = parseConditions(filter) ?? { join: 'all' as const, rows: [] };
    setDraft({ ...base, rows: [...base.rows, { path: paths[0] ?? '', op: '=', value: '' }] });
    setTyped(parsed === null);
    setOpen(true);
  }

  function removeChip(i: number) {
    if (!parsed) return onChange('');
    onChange(toExpression({ ...parsed, rows: parsed.rows.filter((_, j) => j !== i) }));
  }

  function apply(e: FormEvent) {
    e.preventDefault();
    onChange(typed ? text.trim() : toExpression(draft));
    setOpen(false);
  }

  const setRow = (i: number, r: Partial<Condition>) =>
    setDraft({ ...draft, rows: draft.rows.map((x, j) => (j === i ? { ...x, ...r } : x)) });

  return (
    <div className="filter-bar">
      <div className="chips" aria-label="Filters">
        {parsed?.rows.map((c, i) => (
          <span className="chip" key={i}>
            {i > 0 && <span className="faint">{parsed.join === 'all' ? 'and ' : 'or '}</span>}
            <span title={conditionText(c)}>{pathLabel(c.path)} {OP_LABELS[c.op]} {c.value}</span>
            <button aria-label={`Remove filter ${conditionText(c)}`} onClick={() => removeChip(i)}>×</button>
          </span>
        ))}
        {!parsed && filter && (
          <span className="chip">
            <code>{filter}</code>
            <button aria-label="Remove filter" onClick={() => onChange('')}>×</button>
          </span>
        )}
        <button className="add-filter" onClick={() => (open ? setOpen(false) : startAdd())} aria-expanded={open}>+ Filter</button>
      </div>
      {error && <p className="field-error filter-error" role="alert">{error}</p>}
      {open && (
        <form className="popover filter-builder" onSubmit={apply} aria-label="Filter builder">
          <div className="builder-head">
            {!typed && (
              <label>Match{' '}
                <select aria-label="Match" value={draft.join} onChange={(e) => setDraft({ ...draft, join: e.target.value as 'all' | 'any' })}>
                  <option value="all">all</option>
                  <option value="any">any</option>
                </select>{' '}of these</label>
            )}
            <label className="check-field">
              <input type="checkbox" checked={typed} onChange={(e) => {
                if (e.target.checked) setText(toExpression(draft));
                else {
                  const p = parseConditions(text);
                  if (!p) return;
                  setDraft(p);
                }
                setTyped(e.target.checked);
              }} /> Type the expression
            </label>
          </div>
          {typed ? (
            <textarea aria-label="Filter expression" className="mono" rows={3} value={text} autoFocus
              placeholder={'amount > 50 && (account.country = "Germany" || status ~ "paid")'}
              onChange={(e) => setText(e.target.value)} />
          ) : (
            <div className="builder-rows">
              {draft.rows.map((r, i) => (
                <div className="form-row" key={i} data-testid="filter-row">
                  <PathPicker value={r.path} paths={paths} onChange={(path) => setRow(i, { path })} />
                  <select aria-label="Operator" value={r.op} onChange={(e) => setRow(i, { op: e.target.value as Op })}>
                    {OPS.map((o) => <option key={o} value={o}>{OP_LABELS[o]}</option>)}
                  </select>
                  <input aria-label="Value" value={r.value} onChange={(e) => setRow(i, { value: e.target.value })} />
                  <button type="button" className="link danger" aria-label="Remove condition"
                    onClick={() => setDraft({ ...draft, rows: draft.rows.filter((_, j) => j !== i) })}>×</button>
                </div>
              ))}
              <button type="button" onClick={() => setDraft({ ...draft, rows: [...draft.rows, { path: paths[0] ?? '', op: '=', value: '' }] })}>+ Condition</button>
            </div>
          )}
          <div className="form-actions">
            <button className="primary" type="submit">Apply</button>
            <button type="button" onClick={() => setOpen(false)}>Cancel</button>
          </div>
        </form>
      )}
    </div>
  );
}
