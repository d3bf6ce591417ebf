// Robust fetching for intensity providers: one JSON GET helper (timeouts,
// backoff on 429 and 5xx, Retry-After honoured) and a cache in front of any
// provider that
//  - fetches whole chunks (a UTC day by default), so the thousands of
//    one-second intervals of a day cost one call per zone and provider;
//  - shares one in-flight call among concurrent askers (single flight);
//  - keeps answers in memory and in a JSON-lines file, so a replay with the
//    providers unreachable reproduces the same figures;
//  - backs off a failing chunk (Retry-After or exponential) and meanwhile
//    serves the last answer it had, or fails at once so the chain falls
//    through without waiting.
import fs from 'node:fs';
import path from 'node:path';
import { backoffMs } from '@wattprint/proto';
import { DAY_US, PROVISIONAL_QUALITIES, ProviderError, dedupeByStart, type Basis, type IntensityPeriod, type IntensityProvider } from './provider.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly url: string;
  /** From Retry-After, when the server sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(provider: string, status: number, url: string, body: string, retryAfterMs?: number) {
    super(`${provider}: HTTP ${status} from ${url}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.url = url;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface HttpOptions {
  timeoutMs?: number;
  /** Extra attempts after a 429 or 5xx. */
  retries?: number;
  /** A Retry-After longer than this is not waited for in-line: the error carries it to the cache's backoff. */
  maxRetryWaitMs?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
}

export const DEFAULT_HTTP: Required<Omit<HttpOptions, 'signal'>> = {
  timeoutMs: 10_000,
  retries: 2,
  maxRetryWaitMs: 5_000,
  baseBackoffMs: 250,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** GET a JSON document. Throws HttpError for a non-2xx status, ProviderError for a body that is not JSON. */
export async function getJson(provider: string, url: string, headers: Record<string, string>, opts: HttpOptions = {}): Promise<unknown> {
  const o = { ...DEFAULT_HTTP, ...opts };
  for (let attempt = 0; ; attempt++) {
    const signals = [AbortSignal.timeout(o.timeoutMs)];
    if (opts.signal) signals.push(opts.signal);
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.any(signals) });
      body = await res.text();
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : (e.cause as Error | undefined)?.message ?? e.message;
      throw new ProviderError(provider, `GET ${url} failed: ${why}`);
    }
    if (res.ok) {
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new ProviderError(provider, `GET ${url}: response is not JSON: ${body.slice(0, 100)}`);
      }
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= o.retries || (retryAfterMs !== undefined && retryAfterMs > o.maxRetryWaitMs)) {
      throw new HttpError(provider, res.status, url, body, retryAfterMs);
    }
    // base·2^attempt, jittered into [½, 1½] of it.
    const backoff = backoffMs(attempt, { initialMs: 1.5 * o.baseBackoffMs, maxMs: Infinity, jitter: 2 / 3 }, o.random);
    await o.sleep(retryAfterMs ?? backoff);
  }
}

// ---------------------------------------------------------------------------

export interface CacheEntry {
  key: string;
  provider: string;
  basis: Basis;
  zone: string;
  chunkStartUs: number;
  chunkEndUs: number;
  fetchedAtUs: number;
  periods: IntensityPeriod[];
}

export interface CacheStats {
  hits: number;
  fetches: number;
  /** Callers that joined a fetch already in flight. */
  joined: number;
  failures: number;
  /** Answers served from an expired entry because the refresh failed or was backing off. */
  stale: number;
  /** Lines of the cache file that could not be read (skipped). */
  badLines: number;
  writeFailures: number;
}

/** Memory and (optionally) disk store of fetched chunks, shared by the cached providers. */
export class IntensityCache {
  readonly file: string | undefined;
  readonly stats: CacheStats = { hits: 0, fetches: 0, joined: 0, failures: 0, stale: 0, badLines: 0, writeFailures: 0 };
  private readonly entries = new Map<string, CacheEntry>();
  private readonly log: (m: string) => void;

  constructor(dir?: string, log: (m: string) => void = (m) => console.error(m)) {
    this.log = log;
    this.file = dir ? path.join(dir, 'intensity-cache.jsonl') : undefined;
    if (this.file) this.load(this.file);
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  put(e: CacheEntry): void {
    this.entries.set(e.key, e);
    if (!this.file) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, JSON.stringify(e) + '\n');
    } catch (err) {
      this.stats.writeFailures++;
      this.log(`carbon cache: cannot write ${this.file}: ${(err as Error).message} (kept in memory)`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`carbon cache: cannot read ${file}: ${(err as Error).message}`);
      return;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    lines.forEach((line, i) => {
      const e = parseEntry(line);
      if (e) this.entries.set(e.key, e);
      else {
        this.stats.badLines++;
        this.log(`carbon cache: ${file}:${i + 1}: not a cache entry, skipped`);
      }
    });
    // Append-only file: rewrite it once it holds mostly superseded lines.
    if (lines.length > 2 * this.entries.size + 64) {
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, [...this.entries.values()].map((e) => JSON.stringify(e) + '\n').join(''));
      fs.renameSync(tmp, file);
    }
  }
}

function parseEntry(line: string): CacheEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  const e = v as Partial<CacheEntry>;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (typeof e?.key !== 'string' || typeof e.provider !== 'string' || typeof e.zone !== 'string' || typeof e.basis !== 'string') return undefined;
  if (!num(e.chunkStartUs) || !num(e.chunkEndUs) || !num(e.fetchedAtUs) || !Array.isArray(e.periods)) return undefined;
  if (!e.periods.every((p) => num(p?.startUs) && num(p?.endUs) && num(p?.gPerKwh) && typeof p?.quality === 'string' && typeof p?.dataset?.name === 'string')) return undefined;
  return e as CacheEntry;
}

export interface CachedProviderOptions {
  /** Chunk length, aligned to the epoch (so to UTC days for the default). */
  chunkUs?: number;
  /** How long an answer that may still change (recent, forecast, estimated) is reused. */
  recentTtlUs?: number;
  /** A chunk that ended this long before it was fetched, with only final qualities, never expires. */
  settleUs?: number;
  backoffBaseUs?: number;
  backoffMaxUs?: number;
  /** Never fetch: answer from the cache only (offline replay). */
  offline?: boolean;
  now?: () => number;
}

/** Wraps a provider with the cache, single flight and backoff. */
export class CachedProvider implements IntensityProvider {
  readonly id: string;
  readonly basis: Basis;
  private readonly inner: IntensityProvider;
  private readonly cache: IntensityCache;
  private readonly o: Required<CachedProviderOptions>;
  private readonly inFlight = new Map<string, Promise<CacheEntry>>();
  private readonly backoff = new Map<string, { untilUs: number; failures: number; error: Error }>();

  constructor(inner: IntensityProvider, cache: IntensityCache, opts: CachedProviderOptions = {}) {
    this.inner = inner;
    this.cache = cache;
    this.id = inner.id;
    this.basis = inner.basis;
    this.o = {
      chunkUs: DAY_US,
      recentTtlUs: 10 * 60_000_000,
      settleUs: 2 * 3_600_000_000,
      backoffBaseUs: 5_000_000,
      backoffMaxUs: 15 * 60_000_000,
      offline: false,
      now: () => Date.now() * 1000,
      ...opts,
    };
  }

  async periods(zone: string, startUs: number, endUs: number): Promise<IntensityPeriod[]> {
    const first = Math.floor(startUs / this.o.chunkUs) * this.o.chunkUs;
    const out: IntensityPeriod[] = [];
    for (let c = first; c < endUs; c += this.o.chunkUs) {
      const entry = await this.chunk(zone, c);
      for (const p of entry.periods) if (p.endUs > startUs && p.startUs < endUs) out.push(p);
    }
    return dedupeByStart(out); // a period that crosses a chunk edge comes back with both chunks
  }

  private key(zone: string, chunkStartUs: number): string {
    return `${this.id}|${this.basis}|${zone}|${chunkStartUs}`;
  }

  private fresh(e: CacheEntry, nowUs: number): boolean {
    const final = e.chunkEndUs + this.o.settleUs <= e.fetchedAtUs && !e.periods.some((p) => PROVISIONAL_QUALITIES.has(p.quality));
    return final || nowUs < e.fetchedAtUs + this.o.recentTtlUs;
  }

  private async chunk(zone: string, chunkStartUs: number): Promise<CacheEntry> {
    const key = this.key(zone, chunkStartUs);
    const now = this.o.now();
    const have = this.cache.get(key);
    if (have && (this.o.offline || this.fresh(have, now))) {
      this.cache.stats.hits++;
      return have;
    }
    if (this.o.offline) throw new ProviderError(this.id, `offline and no cached data for ${zone} at chunk ${new Date(chunkStartUs / 1000).toISOString()}`);
    const off = this.backoff.get(key);
    if (off && now < off.untilUs) {
      if (have) {
        this.cache.stats.stale++;
        return have;
      }
      throw new ProviderError(this.id, `backing off ${zone} until ${new Date(off.untilUs / 1000).toISOString()} after: ${off.error.message}`);
    }
    let flight = this.inFlight.get(key);
    if (flight) this.cache.stats.joined++;
    else {
      flight = this.fetchChunk(key, zone, chunkStartUs).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    try {
      return await flight;
    } catch (err) {
      if (have) {
        this.cache.stats.stale++;
        return have;
      }
      throw err;
    }
  }

  private async fetchChunk(key: string, zone: string, chunkStartUs: number): Promise<CacheEntry> {
    const chunkEndUs = chunkStartUs + this.o.chunkUs;
    this.cache.stats.fetches++;
    try {
      const periods = await this.inner.periods(zone, chunkStartUs, chunkEndUs);
      const entry: CacheEntry = { key, provider: this.id, basis: this.basis, zone, chunkStartUs, chunkEndUs, fetchedAtUs: this.o.now(), periods };
      this.backoff.delete(key);
      this.cache.put(entry);
      return entry;
    } catch (err) {
      this.cache.stats.failures++;
      const failures = (this.backoff.get(key)?.failures ?? 0) + 1;
      const retryAfterUs = err instanceof HttpError && err.retryAfterMs !== undefined ? err.retryAfterMs * 1000 : undefined;
      const waitUs = retryAfterUs ?? Math.min(this.o.backoffMaxUs, this.o.backoffBaseUs * 2 ** (failures - 1));
      this.backoff.set(key, { untilUs: this.o.now() + waitUs, failures, error: err as Error });
      throw err;
    }
  }
}
