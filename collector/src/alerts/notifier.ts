// What a notifier receives and the one interface every notifier implements,
// plus the pieces they share: the alert's identity and content (pure), and
// HTTP delivery with retries and exponential backoff.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '@wattprint/proto';
import type { AlertRule, Metric, RetryConfig } from './rules.ts';

/** One alert as Alertmanager's API v2 (and its webhook payload) shapes it. */
export interface Notification {
  status: 'firing' | 'resolved';
  /** Deterministic: the same on every collector for the same (rule, job, episode). */
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339. */
  startsAt: string;
  /** RFC 3339; for a resolved alert, when it resolved. */
  endsAt: string | undefined;
  generatorURL: string;
}

export interface Notifier {
  readonly name: string;
  /** Firing alerts are posted again this often while they fire (Alertmanager); undefined: once. */
  readonly resendIntervalS: number | undefined;
  /** Resolves once the receiver accepted them; rejects after the last retry. */
  send(alerts: Notification[]): Promise<void>;
}

export const UNITS: Record<Metric, string> = { gco2e: 'gCO2e', kwh: 'kWh', watts: 'W', gco2e_per_h: 'gCO2e/h', grid_intensity: 'gCO2e/kWh' };

const DESCRIPTIONS: Record<Metric, string> = {
  gco2e: 'cumulative emissions',
  kwh: 'cumulative energy',
  watts: 'power',
  gco2e_per_h: 'emission rate',
  grid_intensity: 'grid carbon intensity',
};

/** Per (rule, job, episode) when the notification log numbered the episode; per (rule, job) otherwise. */
export function fingerprint(ruleId: string, jobId: string, episode: number | undefined): string {
  return createHash('sha256').update(`${ruleId}\u0000${jobId}\u0000${episode ?? 0}`).digest('hex').slice(0, 16);
}

/**
 * The label that names the ML job. Not `job`: Prometheus and Alertmanager use
 * `job` for the scrape job, in routing and inhibition alike.
 */
export const JOB_LABEL = 'wattprint_job';

function round(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

export interface AlertContent {
  rule: AlertRule;
  jobId: string;
  /** Numbered by the notification log (webhooks); undefined where Alertmanager's label identity is the only identity. */
  episode: number | undefined;
  value: number;
  hosts: string[];
  jobLabels: Record<string, string>;
  startsAtUs: number;
  /** Only for resolved alerts. */
  endsAtUs: number | undefined;
  generatorUrl: string;
}

function rfc3339(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

/**
 * The notification for an alert. Labels depend only on (rule, job), so the
 * resolved notification matches the firing one (Alertmanager identifies an
 * alert by its label set); what varies goes into annotations.
 */
export function toNotification(status: Notification['status'], a: AlertContent): Notification {
  const unit = UNITS[a.rule.metric];
  const fill = (s: string) =>
    s
      .replaceAll('{job}', a.jobId)
      .replaceAll('{rule}', a.rule.id)
      .replaceAll('{value}', round(a.value))
      .replaceAll('{threshold}', round(a.rule.threshold))
      .replaceAll('{unit}', unit);
  const summary = fill(a.rule.summary ?? `Job {job}: ${DESCRIPTIONS[a.rule.metric]} {value} {unit} is above {threshold} {unit}`);
  const url = a.generatorUrl.replaceAll('{job}', encodeURIComponent(a.jobId)).replaceAll('{rule}', encodeURIComponent(a.rule.id));
  return {
    status,
    fingerprint: fingerprint(a.rule.id, a.jobId, a.episode),
    labels: { alertname: a.rule.id, [JOB_LABEL]: a.jobId, severity: a.rule.severity, metric: a.rule.metric, source: 'wattprint' },
    annotations: {
      summary,
      value: round(a.value),
      threshold: round(a.rule.threshold),
      unit,
      hosts: a.hosts.join(','),
      job_labels: JSON.stringify(a.jobLabels),
      ...(a.episode === undefined ? {} : { episode: String(a.episode) }),
    },
    startsAt: rfc3339(a.startsAtUs),
    endsAt: a.endsAtUs === undefined ? undefined : rfc3339(a.endsAtUs),
    generatorURL: url,
  };
}

/** Delay before retry `attempt` (0-based): doubling from initialMs, capped at maxMs, with jitter in [50%, 100%]. */
export function retryDelayMs(attempt: number, r: RetryConfig, random: () => number = Math.random): number {
  return backoffMs(attempt, { initialMs: r.initialMs, maxMs: r.maxMs }, random);
}

/** Worth another try: network errors, timeouts, 429 and 5xx. Other 4xx mean the request itself is wrong. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export class DeliveryError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

/** POSTs JSON, retrying with backoff; the error names the URL, the status and the reply. */
export async function postJson(
  url: string,
  body: unknown,
  opts: { headers: Record<string, string>; retry: RetryConfig; timeoutMs?: number; what: string; log?: (m: string) => void },
): Promise<void> {
  const payload = JSON.stringify(body);
  // fetch refuses URLs with userinfo: it becomes a Basic Authorization header, and leaves the URL.
  const u = new URL(url);
  const basic: Record<string, string> = u.username || u.password ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` } : {};
  u.username = '';
  u.password = '';
  const target = u.toString();
  let last: DeliveryError | undefined;
  for (let attempt = 0; attempt < opts.retry.attempts; attempt++) {
    if (attempt > 0) await sleep(retryDelayMs(attempt - 1, opts.retry));
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...basic, ...opts.headers },
        body: payload,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      if (res.ok) return;
      last = new DeliveryError(`${opts.what}: POST ${url} answered ${res.status}: ${text.slice(0, 200)}`, retryableStatus(res.status));
    } catch (err) {
      last = new DeliveryError(`${opts.what}: POST ${url} failed: ${(err as Error).message}`, true);
    }
    if (!last.retryable) break;
    opts.log?.(`${last.message} (attempt ${attempt + 1} of ${opts.retry.attempts})`);
  }
  throw last ?? new DeliveryError(`${opts.what}: no attempt made`, false);
}
