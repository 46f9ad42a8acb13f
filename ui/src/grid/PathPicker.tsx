// The filter builder's field picker: a typeable dropdown of the known trait paths.
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { pathLabel } from '../format';

export function PathPicker({ value, paths, onChange, label = 'Trait' }:
  { value: string; paths: string[]; onChange: (path: string) => void; label?: string }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState<string | null>(null);
  const [hi, setHi] = useState(0);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);

  const q = (query ?? '').trim().toLowerCase();
  const shown = paths.filter((p) => !q || p.toLowerCase().includes(q) || pathLabel(p).toLowerCase().includes(q));

  function pick(p: string) {
    onChange(p);
    setQuery(null);
    setOpen(false);
  }

  /** Typed text: a known label or path picks that path; anything else is taken as a raw path. */
  function typed(text: string) {
    setQuery(text);
    setOpen(true);
    setHi(0);
    const t = text.trim();
    const byLabel = paths.find((p) => pathLabel(p).toLowerCase() === t.toLowerCase());
    onChange(paths.includes(t) ? t : byLabel ?? t);
  }

  function onKey(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const n = shown.length || 1;
      setHi((h) => (h + (e.key === 'ArrowDown' ? 1 : -1) + n) % n);
    } else if (e.key === 'Enter' && open && shown[hi]) {
      e.preventDefault();
      pick(shown[hi]);
    } else if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
    }
  }

  const known = paths.includes(value);
  return (
    <div className="picker">
      <input ref={input} role="combobox" aria-label={label} aria-expanded={open} aria-controls={id}
        aria-autocomplete="list" title={value} placeholder="Field"
        value={query ?? (known ? pathLabel(value) : value)}
        onFocus={(e) => {
          setQuery(null);
          setOpen(true);
          setHi(Math.max(0, paths.indexOf(value)));
          e.currentTarget.select();
        }}
        onBlur={() => {
          setOpen(false);
          setQuery(null);
        }}
        onChange={(e) => typed(e.target.value)} onKeyDown={onKey}
        aria-activedescendant={open && shown[hi] ? `${id}-${hi}` : undefined} />
      <button type="button" className="picker-toggle" tabIndex={-1} aria-label={`Show ${label.toLowerCase()}s`}
        onMouseDown={(e) => {
          e.preventDefault();
          if (open) setOpen(false);
          else input.current?.focus();
        }}>▾</button>
      {open && shown.length > 0 && (
        <ul className="picker-list" role="listbox" id={id}>
          {shown.map((p, i) => (
            <li key={p} id={`${id}-${i}`} role="option" aria-selected={i === hi} data-path={p}
              className={(i === hi ? 'hi' : '') + (p === value ? ' on' : '')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(p);
              }} onMouseEnter={() => setHi(i)}>
              <span>{pathLabel(p)}</span> <span className="faint mono">{p}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
