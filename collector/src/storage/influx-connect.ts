// Bringing up the InfluxDB connection of a daemon: the first attempt decides
// between "start" (it answered), "retry in the background with readiness false"
// (unreachable, 5xx: systemd may start us before InfluxDB) and "stop with one
// line naming the flag to fix" (bad credentials, missing database).
import { backoffMs, type RetryPolicy } from './batcher.ts';
import type { InfluxStore } from './influx.ts';

export interface InfluxConnection {
  /** True once InfluxDB answered and the schema is in place. */
  ready(): boolean;
  /** Stops retrying. */
  stop(): void;
}

const RECONNECT: RetryPolicy = { initialMs: 500, maxMs: 15_000, giveUpMs: Number.POSITIVE_INFINITY };

/** The URL without credentials, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** What the operator gave as --influx: http://[user@]host:port/database, no password. */
export function influxFlagValue(cfg: { url: string; database: string; username?: string }): string {
  try {
    const u = new URL(cfg.url);
    u.password = '';
    if (cfg.username) u.username = encodeURIComponent(cfg.username);
    u.pathname = `/${encodeURIComponent(cfg.database)}`;
    return u.toString();
  } catch {
    return `${cfg.url}/${cfg.database}`;
  }
}

/** InfluxDB's own words ({"error":"..."}) when its answer carried them. */
function serverSaid(msg: string): string {
  const m = /\{"error":"((?:[^"\\]|\\.)*)"\}/.exec(msg);
  return m ? `InfluxDB said: ${m[1]}` : msg;
}

/** One line saying what is wrong and which flag fixes it; `retry` tells whether trying again can help. */
export function explainInfluxError(err: unknown, flag: string, database: string): { line: string; retry: boolean } {
  const e = err as Error & { status?: number; retryable?: boolean; missingDatabase?: boolean; unreachable?: boolean };
  const where = `--influx ${flag}`;
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (e?.status === 401 || e?.status === 403 || /authorization failed|unable to parse authentication credentials|not authorized/.test(msg)) {
    return { line: `${where}: InfluxDB refused the credentials (${e.status ?? 'auth'}): check the user in the URL and the password in --influx-password-file or WATTPRINT_INFLUX_PASSWORD (${serverSaid(msg)})`, retry: false };
  }
  if (e?.missingDatabase || e?.status === 404 || /database not found/.test(msg)) {
    return { line: `${where}: database "${database}" (the URL's path) does not exist: create it, or let the collector create it by dropping --influx-no-schema`, retry: false };
  }
  if (e?.retryable || e?.unreachable) return { line: `${where}: InfluxDB unreachable (${msg})`, retry: true };
  return { line: `${where}: ${msg}`, retry: false };
}

/**
 * Tries store.connect() once and waits for it. A permanent problem throws one
 * clear line; a transient one is logged and retried in the background with
 * backoff, readiness false until it succeeds.
 */
export async function connectInfluxStore(store: InfluxStore, url: string, log: (m: string) => void): Promise<InfluxConnection> {
  // url: what the operator gave as --influx, for messages (no password).
  let ready = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await store.connect({ checkDatabase: true });
    ready = true;
  } catch (err) {
    const { line, retry } = explainInfluxError(err, url, store.database);
    if (!retry) throw new Error(line);
    log(`collector: ${line}; retrying in the background, /readyz answers 503 until it answers`);
    let attempt = 0;
    const again = () => {
      timer = setTimeout(async () => {
        if (stopped) return;
        try {
          await store.connect({ checkDatabase: true });
          ready = true;
          log(`collector: InfluxDB at ${url} answers; ready`);
        } catch (e) {
          const x = explainInfluxError(e, url, store.database);
          // Logged on every tenth try: the state is on /readyz, the log should not flood.
          if (!x.retry || attempt % 10 === 0) log(`collector: ${x.line}${x.retry ? '; still retrying' : '; retrying (fix the flag and restart)'}`);
          attempt++;
          if (!stopped) again();
        }
      }, backoffMs(attempt, RECONNECT));
      timer.unref();
    };
    again();
  }
  return {
    ready: () => ready,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
