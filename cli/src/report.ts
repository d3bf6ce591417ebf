// `wattprint report`: one job, or jobs grouped by labels, from the local
// embedded store or a collector's API.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jobReport, type JobReport } from '@wattprint/collector/api/report.ts';
import { carbonSummary } from '@wattprint/collector/carbon/records.ts';
import type { JobTotals } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { comparePhases, fitEnergy, groupJobs } from './analysis.ts';
import { FORMATS, render, renderJobReport, type Cell, type Format } from './format.ts';

const HELP = `Usage: wattprint report [--job ID] [--group-by KEYS] [--label k=v]... [--from T] [--to T]
                        [--fit] [--compare-phase] [--format table|json|csv|markdown]
                        [--db FILE | --api URL [--token T]]

  --job ID          one job's report
  --group-by KEYS   comma-separated labels (task, dataset, model, phase, gpu_model...) or "host"
  --fit             fit energy against duration and against tokens (slope, intercept, R²)
  --compare-phase   fine-tuning next to pre-training and inference jobs (label "phase")
Reads the local store (~/.wattprint/wattprint.db) unless --db or --api is given;
WATTPRINT_API and WATTPRINT_TOKEN work too.`;

export class ReportUsageError extends Error {}

interface Source {
  job(id: string): Promise<JobReport | undefined>;
  jobs(q: { labels: Record<string, string>; from?: string; to?: string }, progress: (n: number) => void): Promise<JobReport[]>;
  close(): Promise<void>;
}

function localSource(file: string): Source {
  if (!fs.existsSync(file)) throw new ReportUsageError(`no store at ${file}: run "wattprint measure" or "npm start" first, or give --db/--api`);
  const store = new SqliteStore(file);
  const us = (t: string | undefined) => (t === undefined ? undefined : /^\d+$/.test(t) ? Number(t) : Date.parse(t) * 1000);
  const report = async (t: JobTotals) => {
    const c = await store.jobCarbon(t.jobId);
    return jobReport(t, c ? carbonSummary(c) : undefined);
  };
  return {
    async job(id) {
      const t = await store.jobTotals(id);
      return t ? report(t) : undefined;
    },
    async jobs(q, progress) {
      const rows = await store.listJobs({ labels: q.labels, fromUs: us(q.from), toUs: us(q.to), limit: 100_000 });
      progress(rows.length);
      // Carbon for every listed job in one query, not one per job.
      const carbon = await store.jobCarbonMany(rows.map((t) => t.jobId));
      return rows.map((t) => {
        const c = carbon.get(t.jobId);
        return jobReport(t, c ? carbonSummary(c) : undefined);
      });
    },
    close: () => store.close(),
  };
}

function apiSource(base: string, token: string | undefined): Source {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const get = async (p: string) => {
    const res = await fetch(base.replace(/\/$/, '') + p, { headers });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${base}${p}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    job: async (id) => (await get(`/v1/jobs/${encodeURIComponent(id)}`)) as JobReport | undefined,
    async jobs(q, progress) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q.labels)) params.set(`label.${k}`, v);
      if (q.from) params.set('from', q.from);
      if (q.to) params.set('to', q.to);
      params.set('limit', '10000');
      const body = (await get(`/v1/jobs?${params}`)) as { jobs: JobReport[] } | undefined;
      progress(body?.jobs.length ?? 0);
      return body?.jobs ?? [];
    },
    close: async () => undefined,
  };
}

/** Progress on stderr for long queries, only where a person is watching. */
function progressLine(): { update: (msg: string) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let shown = false;
  return {
    update(msg) {
      if (!tty) return;
      process.stderr.write(`\r${msg}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function runReport(args: string[], stateDir: string): Promise<number> {
  let v: Record<string, string | boolean | string[] | undefined>;
  try {
    v = parseArgs({ args, strict: true, options: { job: { type: 'string' }, 'group-by': { type: 'string' }, label: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' }, fit: { type: 'boolean' }, 'compare-phase': { type: 'boolean' }, format: { type: 'string' }, db: { type: 'string' }, api: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    console.error(`wattprint report: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const format = ((v.format as string) ?? 'table') as Format;
  const fail = (msg: string) => {
    console.error(`wattprint report: ${msg}`);
    return 2;
  };
  if (!FORMATS.includes(format)) return fail(`--format must be one of ${FORMATS.join(', ')}, got "${v.format}"`);
  const labels: Record<string, string> = {};
  for (const l of (v.label as string[] | undefined) ?? []) {
    const m = l.match(/^([A-Za-z_][A-Za-z0-9_.-]{0,63})=(.*)$/);
    if (!m) return fail(`--label must be name=value, got "${l}"`);
    labels[m[1]!] = m[2]!;
  }
  const api = (v.api as string) ?? process.env.WATTPRINT_API;
  let source: Source;
  try {
    source = api ? apiSource(api, (v.token as string) ?? process.env.WATTPRINT_TOKEN) : localSource((v.db as string) ?? path.join(stateDir, 'wattprint.db'));
  } catch (err) {
    return fail((err as Error).message);
  }
  const out = (s: string) => console.log(s);
  try {
    if (v.job) {
      const r = await source.job(v.job as string);
      if (!r) return fail(`no energy recorded for job "${v.job}"`);
      if (format === 'table') out(renderJobReport(r));
      else out(render(format, ...jobsTable([r])));
      return 0;
    }
    const progress = progressLine();
    progress.update('querying jobs…');
    const jobs = await source.jobs({ labels, from: v.from as string | undefined, to: v.to as string | undefined }, (n) => progress.update(`${n} jobs fetched, grouping…`));
    progress.done();
    if (jobs.length === 0) return fail('no jobs match');
    const keys = ((v['group-by'] as string) ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    if (keys.length > 0) {
      const rows = groupJobs(jobs, keys);
      const header = [...keys, 'runs', 'kWh software', 'kWh wall', 'gCO2e', 'duration h', 'kWh/1k examples', 'kWh/1M tokens', 'wall/software'];
      out(render(format, header, rows.map((r) => [...keys.map((k) => r.key[k]!), r.runs, r.softwareKwh, r.wallKwh, r.gco2e, r.durationSeconds / 3600, r.kwhPer1kExamples, r.kwhPer1MTokens, r.wallSoftwareRatio])));
    } else out(render(format, ...jobsTable(jobs)));
    if (v.fit) {
      const fits = fitEnergy(jobs);
      if (format === 'table') out('\nEnergy (wall kWh) fitted across the selected jobs:');
      out(fits.length ? render(format, ['against', 'n', 'slope (kWh per unit)', 'intercept kWh', 'R²'], fits.map((f) => [f.x, f.n, f.slope, f.intercept, f.r2])) : 'not enough jobs (or no spread) to fit');
    }
    if (v['compare-phase']) {
      const cmp = comparePhases(jobs);
      if (format === 'table') out('\nPhases (label "phase"), against fine-tuning:');
      out(render(format, ['phase', 'runs', 'mean kWh', '= N fine-tuning runs'], cmp.map((c) => [c.phase, c.runs, c.meanKwh, c.equivalentReferenceRuns])));
    }
    return 0;
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    await source.close();
  }
}

function jobsTable(jobs: JobReport[]): [string[], Cell[][]] {
  const header = ['job', 'labels', 'duration s', 'kWh software', 'kWh wall', 'gCO2e', 'kWh/1M tokens', 'estimated'];
  return [header, jobs.map((j) => [j.jobId, Object.entries(j.labels).map(([k, x]) => `${k}=${x}`).join(' '), j.durationSeconds, j.energy.softwareKwh, j.energy.wallKwh, j.carbon?.gco2e ?? null, j.normalised.kwhPer1MTokens, j.energy.estimated ? 'yes' : 'no'])];
}
