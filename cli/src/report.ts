// `wattprint report`: one job, or jobs grouped by labels, from the local
// embedded store or a collector's API.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jobReport, type JobReport } from '@wattprint/collector/api/report.ts';
import { carbonSummary } from '@wattprint/collector/carbon/records.ts';
import type { JobTotals } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { comparePhases, comparePhasesByGroup, fitEnergy, groupJobs, keyValue, wallRatios } from './analysis.ts';
import { FORMATS, renderJobReport, type Format } from './format.ts';
import { appendCodecarbon, CODECARBON_COLUMNS, codecarbonRecord, csvLine, hostFacts, jobFacts, type HostFacts } from './codecarbon.ts';
import { provenance, provenanceLines, renderFits, renderGroupPhases, renderGroups, renderJobs, renderPhases, renderWallRatios } from './report-output.ts';
import { VERSION } from './version.ts';

const HELP = `Usage: wattprint report [--job ID] [--group-by KEYS] [--label k=v[,v2]]... [--from T] [--to T]
                        [--fit] [--compare-phase] [--wall-ratio] [--format table|json|csv|markdown|codecarbon]
                        [--emissions-csv FILE [--project NAME]]
                        [--db FILE | --api URL [--token T]]

  --job ID          one job's report
  --group-by KEYS   comma-separated labels (task, dataset, model, phase, gpu_model...) or "host"
  --label k=v,v2    jobs whose label k is v or v2 (repeat for several labels: all must match)
  --fit             only the fit of wall kWh against duration and against tokens (slope, intercept, R²)
  --compare-phase   only the phase comparison; with --group-by, per group: one pre-training run
                    = N fine-tuning runs of each dataset (or task, model), with the range
  --wall-ratio      wall/software ratio per GPU model over metered jobs (mean, sd, n), and a
                    flagged wall estimate for unmetered jobs of the same GPU model
  --format codecarbon  CodeCarbon's emissions.csv (32 columns; energy_consumed = cpu + gpu + ram,
                    software, as CodeCarbon) for any stored job; with --emissions-csv FILE the rows
                    are appended to FILE and the wall energy and provenance to FILE's sidecar
                    (emissions.wattprint.csv, docs/CODECARBON.md)
  --from/--to       intervals overlapping the window count whole: energy, progress and carbon alike
Reads the local store (~/.wattprint/wattprint.db) unless --db or --api is given;
WATTPRINT_API and WATTPRINT_TOKEN work too.
Exit codes: 0 ok, 1 runtime error (no such job, API unreachable), 2 usage error.`;

export class ReportUsageError extends Error {}

interface Source {
  job(id: string): Promise<JobReport | undefined>;
  jobs(q: { labels: Record<string, string>; from?: string; to?: string }, progress: (n: number) => void): Promise<JobReport[]>;
  /** CPU, GPUs and cloud per host, from the hosts' inventories. */
  hosts(): Promise<Map<string, HostFacts>>;
  close(): Promise<void>;
}


function localSource(file: string): Source {
  if (!fs.existsSync(file)) throw new ReportUsageError(`no store at ${file}: run "wattprint measure" or "npm start" first, or give --db/--api`);
  const store = new SqliteStore(file);
  const us = (t: string | undefined) => (t === undefined ? undefined : /^\d+$/.test(t) ? Number(t) : Date.parse(t) * 1000);
  const report = async (t: JobTotals) => {
    const c = await store.jobCarbon(t.jobId, t.window);
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
    hosts: async () => hostFacts(await store.listHosts()),
    close: () => store.close(),
  };
}

function apiSource(base: string, token: string | undefined): Source {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const get = async (p: string) => {
    const url = base.replace(/\/$/, '') + p;
    const res = await fetch(url, { headers }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
      // fetch says only "fetch failed"; the reason is in its cause.
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new Error(`cannot reach the collector API at ${url}: ${why} (check --api or WATTPRINT_API)`);
    });
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
    hosts: async () => hostFacts(((await get('/v1/hosts')) as { hosts: Parameters<typeof hostFacts>[0] } | undefined)?.hosts ?? []),
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
    v = parseArgs({ args, strict: true, options: { job: { type: 'string' }, 'group-by': { type: 'string' }, label: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' }, fit: { type: 'boolean' }, 'compare-phase': { type: 'boolean' }, 'wall-ratio': { type: 'boolean' }, 'emissions-csv': { type: 'string' }, project: { type: 'string' }, format: { type: 'string' }, db: { type: 'string' }, api: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } } }).values;
  } catch (err) {
    console.error(`wattprint report: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (v.version) {
    console.log(`wattprint ${VERSION}`);
    return 0;
  }
  const codecarbon = v.format === 'codecarbon';
  const format = (codecarbon ? 'csv' : ((v.format as string) ?? 'table')) as Format;
  // 2: the invocation is wrong; 1: it is right but the work failed (network, no data).
  const fail = (msg: string, code = 2) => {
    console.error(`wattprint report: ${msg}`);
    return code;
  };
  if (!FORMATS.includes(format)) return fail(`--format must be one of ${[...FORMATS, 'codecarbon'].join(', ')}, got "${v.format}"`);
  const labels: Record<string, string> = {};
  for (const l of (v.label as string[] | undefined) ?? []) {
    const m = l.match(/^([A-Za-z_][A-Za-z0-9_.-]{0,63})=(.*)$/);
    if (!m) return fail(`--label must be name=value or name=value,value, got "${l}"`);
    labels[m[1]!] = m[2]!;
  }
  const api = (v.api as string) ?? process.env.WATTPRINT_API;
  let source: Source;
  try {
    source = api ? apiSource(api, (v.token as string) ?? process.env.WATTPRINT_TOKEN) : localSource((v.db as string) ?? path.join(stateDir, 'wattprint.db'));
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  const out = (s: string) => console.log(s);
  try {
    const exportCodecarbon = async (rs: JobReport[]) => {
      const hosts = await source.hosts();
      const records = rs.map((r) => codecarbonRecord(r, { project: (v.project as string) ?? 'wattprint', host: jobFacts(r, hosts) }));
      if (v['emissions-csv']) appendCodecarbon(v['emissions-csv'] as string, records);
      else out([CODECARBON_COLUMNS.join(','), ...records.map((x) => csvLine(CODECARBON_COLUMNS, x.row))].join('\n'));
    };
    if (v.job) {
      const r = await source.job(v.job as string);
      if (!r) return fail(`no energy recorded for job "${v.job}"`, 1);
      if (codecarbon) {
        await exportCodecarbon([r]);
        return 0;
      }
      if (format === 'table') out([renderJobReport(r), '', ...provenanceLines(provenance([r]))].join('\n'));
      else if (format === 'json') out(JSON.stringify(r, null, 2));
      else out(renderJobs(format, [r]));
      return 0;
    }
    const progress = progressLine();
    progress.update('querying jobs…');
    const jobs = await source.jobs({ labels, from: v.from as string | undefined, to: v.to as string | undefined }, (n) => progress.update(`${n} jobs fetched, grouping…`));
    progress.done();
    if (jobs.length === 0) return fail('no jobs match', 1);
    if (codecarbon) {
      await exportCodecarbon(jobs);
      return 0;
    }
    const keys = ((v['group-by'] as string) ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    const groupOf = (j: JobReport) => JSON.stringify(keys.map((k) => keyValue(j, k)));
    // The analyses print only their result; several of them print one after the other.
    const analyses: string[] = [];
    if (v.fit) analyses.push(renderFits(format, fitEnergy(jobs), jobs));
    if (v['compare-phase']) analyses.push(keys.length > 0 ? renderGroupPhases(format, keys, comparePhasesByGroup(jobs, keys), jobs) : renderPhases(format, comparePhases(jobs), jobs));
    if (v['wall-ratio']) {
      const hosts = await source.hosts();
      analyses.push(renderWallRatios(format, wallRatios(jobs, (j) => j.labels.gpu_model ?? ([...new Set(j.hosts.flatMap((h) => hosts.get(h)?.gpus ?? []))].join('+') || '-')), jobs));
    }
    if (analyses.length > 0) out(format === 'json' && analyses.length > 1 ? `[${analyses.join(',\n')}]` : analyses.join('\n\n'));
    else if (keys.length > 0) out(renderGroups(format, keys, groupJobs(jobs, keys), jobs, groupOf));
    else out(renderJobs(format, jobs));
    return 0;
  } catch (err) {
    return fail((err as Error).message, 1);
  } finally {
    await source.close();
  }
}
