// Alert configuration (JSON): rules on running jobs and where notifications go.
// Parsing is strict: an unknown key, a wrong type or a missing field is an
// error naming the file and the path in it, so a typo never silently disables
// an alert. docs/ALERTS.md describes every key.
import fs from 'node:fs';
import { readSecret, registerSecret, registerSecretUrl } from '@wattprint/proto';

/** What a rule compares with its threshold, per job. */
export type Metric =
  /** Cumulative gCO2e of the job (all hosts, all its intervals). */
  | 'gco2e'
  /** Cumulative wall kWh of the job. */
  | 'kwh'
  /** Mean wall power over the rate window, W. */
  | 'watts'
  /** Emission rate over the rate window, gCO2e/h. */
  | 'gco2e_per_h'
  /** Grid intensity now in the job's zone (the highest of its hosts' zones), gCO2e/kWh. */
  | 'grid_intensity';

export type RuleKind = 'job_budget' | 'rate' | 'grid_intensity';

const METRICS_BY_KIND: Record<RuleKind, Metric[]> = {
  job_budget: ['gco2e', 'kwh'],
  rate: ['watts', 'gco2e_per_h'],
  grid_intensity: ['grid_intensity'],
};

export interface AlertRule {
  /** Stable name: part of the alert's identity (and Alertmanager's alertname). */
  id: string;
  kind: RuleKind;
  metric: Metric;
  /** Fires when the value is strictly above it. */
  threshold: number;
  /** The condition must hold this long before the alert fires (0: at once). */
  forS: number;
  severity: string;
  /** Only jobs whose labels contain every pair. */
  match: Record<string, string>;
  summary: string | undefined;
}

export interface WebhookNotifierConfig {
  kind: 'webhook';
  url: string;
  headers: Record<string, string>;
  retry: RetryConfig;
}

export interface AlertmanagerNotifierConfig {
  kind: 'alertmanager';
  /** Base URL, e.g. http://alertmanager:9093 (the notifier POSTs to /api/v2/alerts). */
  url: string;
  headers: Record<string, string>;
  retry: RetryConfig;
  /** A firing alert is posted again this often, so Alertmanager does not time it out. */
  resendIntervalS: number;
}

export type NotifierConfig = WebhookNotifierConfig | AlertmanagerNotifierConfig;

export interface RetryConfig {
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export interface AlertConfig {
  /** How often the evaluator runs. */
  intervalS: number;
  /** Evaluate as of now minus this, so reports still in flight are counted. */
  evaluationDelayS: number;
  /** A job is running when one of its intervals ended within this. */
  activeWithinS: number;
  /** Window for the rate metrics (watts, gco2e_per_h). */
  rateWindowS: number;
  /** InfluxDB notification log only: how long a claim waits for competing claims. */
  claimSettleMs: number;
  /** Link put into every alert; {job} and {rule} are replaced (URL-encoded). */
  generatorUrl: string;
  rules: AlertRule[];
  notifiers: NotifierConfig[];
}

export const DEFAULT_RETRY: RetryConfig = { attempts: 5, initialMs: 500, maxMs: 30_000 };

class ConfigError extends Error {}

type Json = unknown;

/** A reader over one JSON object that remembers which keys were used, so leftovers are errors. */
function reader(where: string, value: Json) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where}: expected an object`);
  const obj = value as Record<string, Json>;
  const used = new Set<string>();
  const get = (k: string) => {
    used.add(k);
    return obj[k];
  };
  const at = (k: string) => `${where}.${k}`;
  const r = {
    str(k: string, dflt?: string): string {
      const v = get(k);
      if (v === undefined && dflt !== undefined) return dflt;
      if (typeof v !== 'string' || v === '') throw new ConfigError(`${at(k)}: expected a non-empty string, got ${JSON.stringify(v)}`);
      return v;
    },
    optStr(k: string): string | undefined {
      const v = get(k);
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new ConfigError(`${at(k)}: expected a string, got ${JSON.stringify(v)}`);
      return v;
    },
    num(k: string, min: number, max: number, dflt?: number): number {
      const v = get(k);
      if (v === undefined && dflt !== undefined) return dflt;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ConfigError(`${at(k)}: expected a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
      return v;
    },
    strMap(k: string): Record<string, string> {
      const v = get(k);
      if (v === undefined) return {};
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${at(k)}: expected an object of strings`);
      for (const [kk, vv] of Object.entries(v)) if (typeof vv !== 'string') throw new ConfigError(`${at(k)}.${kk}: expected a string, got ${JSON.stringify(vv)}`);
      return v as Record<string, string>;
    },
    array(k: string): Json[] {
      const v = get(k);
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new ConfigError(`${at(k)}: expected an array`);
      return v;
    },
    raw: get,
    done(): void {
      const extra = Object.keys(obj).filter((k) => !used.has(k));
      if (extra.length) throw new ConfigError(`${where}: unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    },
  };
  return r;
}

function parseUrl(where: string, s: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`${where}: "${s}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${where}: use http:// or https://, got "${s}"`);
  return s;
}

function parseRetry(where: string, v: Json): RetryConfig {
  if (v === undefined) return { ...DEFAULT_RETRY };
  const r = reader(where, v);
  const out = {
    attempts: r.num('attempts', 1, 100, DEFAULT_RETRY.attempts),
    initialMs: r.num('initialMs', 1, 3_600_000, DEFAULT_RETRY.initialMs),
    maxMs: r.num('maxMs', 1, 3_600_000, DEFAULT_RETRY.maxMs),
  };
  r.done();
  return out;
}

function parseRule(where: string, v: Json): AlertRule {
  const r = reader(where, v);
  const id = r.str('id');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(id)) throw new ConfigError(`${where}.id: "${id}": letters, digits and _.:- only, at most 64`);
  const kind = r.str('kind') as RuleKind;
  if (!(kind in METRICS_BY_KIND)) throw new ConfigError(`${where}.kind: "${kind}" is not one of ${Object.keys(METRICS_BY_KIND).join(', ')}`);
  const allowed = METRICS_BY_KIND[kind];
  const metric = r.str('metric', kind === 'grid_intensity' ? 'grid_intensity' : undefined) as Metric;
  if (!allowed.includes(metric)) throw new ConfigError(`${where}.metric: "${metric}" does not go with kind ${kind} (use ${allowed.join(' or ')})`);
  const rule: AlertRule = {
    id,
    kind,
    metric,
    threshold: r.num('threshold', 0, Number.MAX_VALUE),
    forS: r.num('forS', 0, 7 * 86400, 0),
    severity: r.str('severity', 'warning'),
    match: r.strMap('match'),
    summary: r.optStr('summary'),
  };
  r.done();
  return rule;
}

function parseNotifier(where: string, v: Json): NotifierConfig {
  const r = reader(where, v);
  const kind = r.str('kind');
  const url = parseUrl(`${where}.url`, r.str('url'));
  // Header values are secrets (tokens): inline, {"file": PATH} or {"env": NAME}; none is ever logged.
  const headers: Record<string, string> = {};
  const rawHeaders = r.raw('headers');
  if (rawHeaders !== undefined && (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders))) throw new ConfigError(`${where}.headers: expected an object`);
  for (const [k, hv] of Object.entries((rawHeaders ?? {}) as Record<string, Json>)) {
    try {
      headers[k] = readSecret(hv, `${where}.headers.${k}`);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  // A webhook's path is often its credential (Slack, Teams): never log it. Userinfo never is either.
  if (kind === 'webhook') registerSecretUrl(url);
  else registerSecret(decodeURIComponent(new URL(url).password));
  const retry = parseRetry(`${where}.retry`, r.raw('retry'));
  let out: NotifierConfig;
  if (kind === 'webhook') out = { kind, url, headers, retry };
  else if (kind === 'alertmanager') out = { kind, url, headers, retry, resendIntervalS: r.num('resendIntervalS', 1, 86400, 60) };
  else throw new ConfigError(`${where}.kind: "${kind}" is not one of webhook, alertmanager`);
  r.done();
  return out;
}

/** Validates an alert configuration; `source` names the file in errors. */
export function parseAlertConfig(value: Json, source = 'alerts config'): AlertConfig {
  try {
    const r = reader(source, value);
    const cfg: AlertConfig = {
      intervalS: r.num('intervalS', 0.05, 86400, 60),
      evaluationDelayS: r.num('evaluationDelayS', 0, 3600, 30),
      activeWithinS: r.num('activeWithinS', 1, 86400, 300),
      rateWindowS: r.num('rateWindowS', 1, 86400, 300),
      claimSettleMs: r.num('claimSettleMs', 0, 60_000, 2000),
      generatorUrl: r.str('generatorUrl', 'http://localhost:3000/d/wattprint-job?var-job={job}'),
      rules: r.array('rules').map((x, i) => parseRule(`${source}.rules[${i}]`, x)),
      notifiers: r.array('notifiers').map((x, i) => parseNotifier(`${source}.notifiers[${i}]`, x)),
    };
    r.done();
    const seen = new Set<string>();
    cfg.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) throw new ConfigError(`${source}.rules[${i}].id: "${rule.id}" is used twice`);
      seen.add(rule.id);
    });
    return cfg;
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(err.message);
    throw err;
  }
}

export function loadAlertConfig(file: string): AlertConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`alerts config ${file}: ${(err as Error).message}`);
  }
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`alerts config ${file}: not JSON: ${(err as Error).message}`);
  }
  return parseAlertConfig(value, file);
}
