/// <reference lib="dom" />
// The page's only way to data: the collector's API, with the read token the
// user typed (kept in sessionStorage: gone when the tab closes).
import type { HostView, JobReport, SeriesPoint } from './model.ts';

const TOKEN_KEY = 'wattprint.token';

export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** 401/403: the page shows the token prompt and nothing else. */
export class AuthError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function get<T>(path: string): Promise<T> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `cannot reach the collector (${(err as Error).message})`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status, 'bad_response', `${path}: HTTP ${res.status}, not JSON`);
  }
  const err = body as { error?: string; message?: string };
  if (res.status === 401 || res.status === 403) throw new AuthError(res.status, err.message ?? `HTTP ${res.status}`);
  if (!res.ok) throw new ApiError(res.status, err.error ?? 'error', `${path}: ${err.message ?? `HTTP ${res.status}`}`);
  return body as T;
}

const enc = encodeURIComponent;

export const api = {
  hosts: () => get<{ hosts: HostView[] }>('/v1/hosts').then((b) => b.hosts),
  hostSeries: (host: string, fromUs: number, toUs: number, stepS: number) => get<{ points: SeriesPoint[] }>(`/v1/hosts/${enc(host)}/series?from=${fromUs}&to=${toUs}&step=${stepS}`).then((b) => b.points),
  jobs: (q: { labels?: Record<string, string>; fromUs?: number; toUs?: number; host?: string; limit?: number }) => {
    const p = new URLSearchParams();
    if (q.host !== undefined) p.set('host', q.host);
    for (const [k, v] of Object.entries(q.labels ?? {})) p.set(`label.${k}`, v);
    if (q.fromUs !== undefined) p.set('from', String(q.fromUs));
    if (q.toUs !== undefined) p.set('to', String(q.toUs));
    p.set('limit', String(q.limit ?? 1000));
    return get<{ jobs: JobReport[] }>(`/v1/jobs?${p}`).then((b) => b.jobs);
  },
  job: (id: string) => get<JobReport>(`/v1/jobs/${enc(id)}`),
  jobSeries: (id: string, stepS: number) => get<{ points: SeriesPoint[] }>(`/v1/jobs/${enc(id)}/series?step=${stepS}`).then((b) => b.points),
};
