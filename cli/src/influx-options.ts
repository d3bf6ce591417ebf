// `wattprint collector --influx URL` and its companions: from flags and the
// environment to an InfluxConfig. The password never comes from the command
// line (every local user can read it there): a file or WATTPRINT_INFLUX_PASSWORD.
import fs from 'node:fs';
import { durationSeconds, DEFAULT_RETENTION } from '@wattprint/collector/storage/influx-schema.ts';
import type { InfluxConfig } from '@wattprint/collector/storage/influx.ts';
import { DEFAULT_RETRY } from '@wattprint/collector/storage/batcher.ts';

export const INFLUX_OPTIONS = {
  influx: { type: 'string' },
  'influx-password-file': { type: 'string' },
  'influx-retention': { type: 'string' },
  'influx-rollup-retention': { type: 'string' },
  'influx-batch-points': { type: 'string' },
  'influx-flush-ms': { type: 'string' },
  'influx-max-pending': { type: 'string' },
  'influx-timeout-ms': { type: 'string' },
  'influx-give-up-ms': { type: 'string' },
  'influx-no-schema': { type: 'boolean' },
} as const;

/** Defaults, shown in --help and docs/DEPLOY.md. */
export const INFLUX_DEFAULTS = {
  retention: DEFAULT_RETENTION.raw.duration,
  rollupRetention: DEFAULT_RETENTION.hourly.duration,
  batchPoints: 5000,
  flushMs: 200,
  maxPending: 50_000,
  timeoutMs: 10_000,
  giveUpMs: DEFAULT_RETRY.giveUpMs,
} as const;

export const INFLUX_HELP = `  --influx URL          store in InfluxDB (the cluster's shared store): http[s]://[USER@]HOST:PORT/DATABASE
                        (the database is the URL's path); without it, the embedded SQLite store (--db)
  --influx-password-file FILE
                        the InfluxDB password (first line); or set WATTPRINT_INFLUX_PASSWORD.
                        Never on the command line
  --influx-retention D  how long full-resolution data stays (raw policy), default ${INFLUX_DEFAULTS.retention}
  --influx-rollup-retention D
                        how long hourly rollups stay, default ${INFLUX_DEFAULTS.rollupRetention} (forever)
  --influx-batch-points N  points per write request, default ${INFLUX_DEFAULTS.batchPoints}
  --influx-flush-ms MS  longest a point waits for its batch, default ${INFLUX_DEFAULTS.flushMs}
  --influx-max-pending N   points queued before ingest waits (backpressure), default ${INFLUX_DEFAULTS.maxPending}
  --influx-timeout-ms MS   per-request timeout, default ${INFLUX_DEFAULTS.timeoutMs}
  --influx-give-up-ms MS   how long a failing batch is retried before the reports stay unacknowledged
                        (agents keep them and replay), default ${INFLUX_DEFAULTS.giveUpMs}
  --influx-no-schema    do not create the database, retention policies and continuous queries
                        (a user without admin rights; InfluxDB 2.x/3.x through their v1 API)`;

export class InfluxOptionError extends Error {}

function int(v: unknown, flag: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InfluxOptionError(`--${flag} must be an integer in [${min}, ${max}], got "${v}"`);
  return n;
}

function duration(v: unknown, flag: string, dflt: string): string {
  if (v === undefined) return dflt;
  const s = String(v);
  try {
    durationSeconds(s);
  } catch {
    throw new InfluxOptionError(`--${flag} "${s}" is not an InfluxDB duration (like 30d, 12h, 2w or INF)`);
  }
  // InfluxDB wants at least 1h for a retention policy.
  if (!/^inf$/i.test(s) && durationSeconds(s) < 3600) throw new InfluxOptionError(`--${flag} "${s}": InfluxDB keeps data at least 1h (or INF)`);
  return s;
}

/**
 * The InfluxDB settings of a collector, or undefined when --influx is absent.
 * `v` holds the parsed flags; `env` the environment (WATTPRINT_INFLUX_PASSWORD).
 */
export function influxConfig(v: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): InfluxConfig | undefined {
  const raw = v.influx as string | undefined;
  const companions = Object.keys(INFLUX_OPTIONS).filter((k) => k !== 'influx' && v[k] !== undefined);
  if (raw === undefined) {
    if (companions.length > 0) throw new InfluxOptionError(`--${companions[0]} needs --influx URL`);
    return undefined;
  }
  if (v.db !== undefined) {
    throw new InfluxOptionError('--db and --influx both say where data goes: --db FILE is the embedded SQLite store of one machine, --influx URL the store collectors share; give one');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InfluxOptionError(`--influx "${raw}" is not a URL: expected http[s]://HOST:PORT/DATABASE, e.g. http://influx.example:8086/wattprint`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InfluxOptionError(`--influx "${raw}": use http:// or https://, not ${url.protocol}`);
  if (url.password) throw new InfluxOptionError('--influx: the URL holds a password; put it in --influx-password-file or WATTPRINT_INFLUX_PASSWORD (command lines are visible to every local user)');
  if (url.search || url.hash) throw new InfluxOptionError(`--influx "${raw}": no query string or fragment; the path is the database`);
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  if (!database) throw new InfluxOptionError(`--influx "${raw}": name the database as the URL's path, e.g. ${url.origin}/wattprint`);
  if (database.includes('/')) throw new InfluxOptionError(`--influx "${raw}": the path must be one database name, got "${database}"`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  let password: string | undefined;
  const file = v['influx-password-file'] as string | undefined;
  if (file !== undefined) {
    try {
      password = fs.readFileSync(file, 'utf8').split('\n')[0]!.replace(/\r$/, '');
    } catch (err) {
      throw new InfluxOptionError(`--influx-password-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (password === '') throw new InfluxOptionError(`--influx-password-file ${file} is empty`);
  } else if (env.WATTPRINT_INFLUX_PASSWORD) {
    password = env.WATTPRINT_INFLUX_PASSWORD;
  }
  if (username !== undefined && password === undefined) throw new InfluxOptionError(`--influx names user "${username}" but no password: give --influx-password-file FILE or set WATTPRINT_INFLUX_PASSWORD`);
  if (username === undefined && password !== undefined) throw new InfluxOptionError(`a password is set (${file ? '--influx-password-file' : 'WATTPRINT_INFLUX_PASSWORD'}) but --influx names no user: http://USER@HOST:PORT/DATABASE`);
  url.username = '';
  url.pathname = '/';
  const noSchema = Boolean(v['influx-no-schema']);
  for (const f of ['influx-retention', 'influx-rollup-retention']) if (noSchema && v[f] !== undefined) throw new InfluxOptionError(`--${f} does nothing with --influx-no-schema: the collector then creates no retention policies`);
  const retention = {
    raw: { name: DEFAULT_RETENTION.raw.name, duration: duration(v['influx-retention'], 'influx-retention', INFLUX_DEFAULTS.retention) },
    hourly: { name: DEFAULT_RETENTION.hourly.name, duration: duration(v['influx-rollup-retention'], 'influx-rollup-retention', INFLUX_DEFAULTS.rollupRetention) },
  };
  return {
    url: url.origin,
    database,
    ...(username !== undefined ? { username, password } : {}),
    manageSchema: !noSchema,
    ...(noSchema ? {} : { retention }),
    batchPoints: int(v['influx-batch-points'], 'influx-batch-points', 1, 100_000, INFLUX_DEFAULTS.batchPoints),
    flushIntervalMs: int(v['influx-flush-ms'], 'influx-flush-ms', 0, 60_000, INFLUX_DEFAULTS.flushMs),
    maxPendingPoints: int(v['influx-max-pending'], 'influx-max-pending', 1, 10_000_000, INFLUX_DEFAULTS.maxPending),
    requestTimeoutMs: int(v['influx-timeout-ms'], 'influx-timeout-ms', 100, 600_000, INFLUX_DEFAULTS.timeoutMs),
    retry: { ...DEFAULT_RETRY, giveUpMs: int(v['influx-give-up-ms'], 'influx-give-up-ms', 1000, 86_400_000, INFLUX_DEFAULTS.giveUpMs) },
  };
}
