// The Corral HTTP API as the UI uses it: same-origin, JSON, CSRF on writes, 401 → sign-in.

export type TraitType =
  | 'text' | 'number' | 'integer' | 'boolean' | 'datetime' | 'email' | 'url' | 'currency';
export const TRAIT_TYPES: TraitType[] =
  ['text', 'number', 'integer', 'boolean', 'datetime', 'email', 'url', 'currency'];

export interface TraitSpec {
  type: TraitType;
  currency?: string | null;
  /** Money counted in the currency's minor unit (Stripe's cents). */
  minor?: boolean;
}
export interface Relation { trait: string; model: string; name: string }
export interface Model {
  id: string;
  name: string;
  kind: 'builtin' | 'custom' | 'integration';
  relations: Relation[];
  traits: Record<string, TraitSpec>;
  created_at: string;
  updated_at: string;
}
export interface RecordBody {
  id: string;
  traits: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
export interface Row extends RecordBody { related?: Record<string, RecordBody | null> }
export interface Rows { records: Row[]; total: number; next_cursor?: string | null }
export interface View {
  id: string;
  name: string;
  model: string;
  columns: string[];
  filter?: string | null;
  sort?: string | null;
  search?: string | null;
  page_size: number;
  created_at: string;
  updated_at: string;
}
export interface Key {
  id: string; name: string; prefix: string; created_at: string;
  last_used_at?: string | null; key?: string | null;
}
export interface User { id: string; email: string; role: 'admin' | 'member'; created_at?: string }
export interface StripeSync {
  running: boolean; charges: number; pages: number; error?: string | null; finished_at?: string | null;
}
export interface StripeSettings {
  webhook_url: string; webhook_secrets: string[]; secret_key: string | null; api_base: string; sync: StripeSync;
}
export interface Session { user: User; csrf_token: string }

/** An error answer of the API, or a network failure dressed as one. */
export class ApiError extends Error {
  status: number;
  code: string;
  field?: string | null;
  constructor(status: number, code: string, message: string, field?: string | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let csrfToken = '';
export function setCsrf(token: string) {
  csrfToken = token;
}

/** Where a 401 sends the reader: the sign-in page, coming back here afterwards. */
export function loginUrl(): string {
  const here = location.pathname + location.search;
  const next = here.startsWith('/app/login') ? '/app/views' : here;
  return `/app/login?next=${encodeURIComponent(next)}`;
}

let onUnauthorized: () => void = () => {
  location.assign(loginUrl());
};
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

export interface CallOptions { method?: string; body?: unknown; quiet401?: boolean }

export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the Corral server. Check that it is running, then retry.');
  }

  if (res.status === 401 && !opts.quiet401) onUnauthorized();
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: reported below if the status is an error.
  }
  if (!res.ok) {
    const e = (json ?? {}) as { code?: string; message?: string; field?: string | null };
    throw new ApiError(res.status, e.code ?? 'http_' + res.status,
      e.message ?? `The server answered ${res.status} ${res.statusText}.`, e.field);
  }
  return json as T;
}

export const enc = encodeURIComponent;

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const api = {
  me: () => call<Session>('/auth/me', { quiet401: true }),
  login: (email: string, password: string) =>
    call<Session>('/auth/login', { method: 'POST', body: { email, password }, quiet401: true }),
  setup: (token: string, email: string, password: string) =>
    call<Session>('/auth/setup', { method: 'POST', body: { token, email, password }, quiet401: true }),
  logout: () => call<void>('/auth/logout', { method: 'POST', quiet401: true }),

  models: () => call<Model[]>('/models'),
  model: (id: string) => call<Model>(`/models/${enc(id)}`),
  createModel: (body: { name: string; relations?: { trait: string; model: string }[] }) =>
    call<Model>('/models', { method: 'POST', body }),
  updateModel: (id: string, body: Partial<Pick<Model, 'name' | 'relations' | 'traits'>>) =>
    call<Model>(`/models/${enc(id)}`, { method: 'PATCH', body }),
  deleteModel: (id: string) => call<void>(`/models/${enc(id)}`, { method: 'DELETE' }),

  records: (model: string, p: Record<string, string | number | undefined | null>) =>
    call<Rows>(`/models/${enc(model)}/records${query(p)}`),
  record: (model: string, id: string, expand?: string) =>
    call<Row>(`/models/${enc(model)}/records/${enc(id)}${query({ expand })}`),

  views: () => call<View[]>('/views'),
  view: (id: string) => call<View>(`/views/${enc(id)}`),
  createView: (body: { name: string; model: string; columns?: string[]; filter?: string; sort?: string; search?: string }) =>
    call<View>('/views', { method: 'POST', body }),
  updateView: (id: string, body: Partial<View>) =>
    call<View>(`/views/${enc(id)}`, { method: 'PATCH', body }),
  deleteView: (id: string) => call<void>(`/views/${enc(id)}`, { method: 'DELETE' }),

  keys: () => call<Key[]>('/keys'),
  createKey: (name: string) => call<Key>('/keys', { method: 'POST', body: { name } }),
  revokeKey: (id: string) => call<void>(`/keys/${enc(id)}`, { method: 'DELETE' }),

  stripe: () => call<StripeSettings>('/integrations/stripe'),
  setStripe: (body: { webhook_secrets?: string[]; secret_key?: string; api_base?: string }) =>
    call<StripeSettings>('/integrations/stripe', { method: 'PUT', body }),
  syncStripe: () => call<unknown>('/integrations/stripe/sync', { method: 'POST' }),

  users: () => call<User[]>('/users'),
  createUser: (body: { email: string; password: string; role: string }) =>
    call<User>('/users', { method: 'POST', body }),
  deleteUser: (id: string) => call<void>(`/users/${enc(id)}`, { method: 'DELETE' }),
};
