// 100,000 distinct jobs through the InfluxDB sink against a real influxd whose
// max-values-per-tag is lowered to 1,000: InfluxDB refuses the points of every
// job past the limit (400 partial write). The sink acknowledges every write,
// keeps exactly the refused points as dead letters (counted, logged, listed),
// stores every host figure, and replays the dead letters once the limit is
// raised. A second run measures the series a job and a host cost
// (docs/SCHEMA.md, "Cardinality").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Domain, Quality, Source, type Report } from '@wattprint/proto';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { resultToPoints } from '@wattprint/collector/storage/influx-schema.ts';
import { request, startInfluxd, type Influxd, type InfluxdOptions } from '../helpers/influxd.ts';

const LIMIT = 1000;
const HOSTS = 20;
const REPORTS_PER_HOST = 100;
const JOBS_PER_REPORT = 50; // 20 × 100 × 50 = 100,000 distinct jobs
const T0 = 1_767_225_600_000_000;
const STEP = 10_000_000;
const KEEP_ALL = { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } };

const influxdOpts: InfluxdOptions = { data: [`max-values-per-tag = ${LIMIT}`] };
let influxd: Influxd;
before(async () => {
  influxd = await startInfluxd(influxdOpts);
});
after(async () => {
  await influxd?.close();
});

async function q(db: string, s: string): Promise<{ name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[]> {
  const res = await request(influxd.port, 'POST', `/query?db=${db}&epoch=u`, `q=${encodeURIComponent(s)}`);
  const body = JSON.parse(res.body) as { results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[] };
  assert.equal(body.results[0]?.error, undefined, `${s}: ${res.body}`);
  return body.results[0]?.series ?? [];
}

/** One CPU-only report: every process its own job, so each report brings JOBS_PER_REPORT new job ids. */
function cpuReport(h: number, i: number): Report {
  const start = T0 + i * STEP;
  return {
    host: `node-${h}`,
    seq: i + 1,
    startUs: start,
    endUs: start + STEP,
    energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 500 + h + i / 8 }],
    processes: Array.from({ length: JOBS_PER_REPORT }, (_, k) => ({ pid: 1000 + k, startTimeUs: start - 1_000_000, jobId: `job-${h}-${i}-${k}`, cpuSeconds: 1 + k / 64, command: 'python' })),
    cpuBusySeconds: 80,
    cpuIdleSeconds: 80,
    cpuCount: 16,
  };
}

test('100,000 jobs past a lowered max-values-per-tag: every write acknowledged, refused points kept as dead letters, host data complete, replay after the limit is raised', async () => {
  const db = 'wp_card';
  const logs: string[] = [];
  const store = await InfluxStore.open({ url: influxd.url, database: db, retention: KEEP_ALL, flushIntervalMs: 20, log: (m) => logs.push(m) });
  const perMeasurementJobs = new Map<string, Map<string, number>>(); // measurement -> job -> points
  const hostJoules = new Map<string, number>();
  let hostIntervals = 0;
  const jobs = new Set<string>();
  for (let i = 0; i < REPORTS_PER_HOST; i++) {
    const results: AttributionResult[] = [];
    for (let h = 0; h < HOSTS; h++) {
      const r = attribute(cpuReport(h, i));
      results.push(r);
      hostIntervals++;
      for (const m of r.measured) hostJoules.set(r.host, (hostJoules.get(r.host) ?? 0) + m.joules);
      for (const p of resultToPoints(r)) {
        const job = p.tags?.job;
        if (!job) continue;
        jobs.add(job);
        const byJob = perMeasurementJobs.get(p.measurement!) ?? new Map<string, number>();
        byJob.set(job, (byJob.get(job) ?? 0) + 1);
        perMeasurementJobs.set(p.measurement!, byJob);
      }
    }
    // Resolves only when InfluxDB stored the points or they are dead letters: what ingest waits for before its ack.
    await store.write(results);
  }
  assert.equal(jobs.size, HOSTS * REPORTS_PER_HOST * JOBS_PER_REPORT);

  // Host figures: all of them, whatever happened to the job points around them.
  for (const [host, joules] of hostJoules) {
    const [s] = await q(db, `SELECT sum("joules") FROM "wp_raw"."host_energy" WHERE "host" = '${host}'`);
    assert.ok(Math.abs((s!.values[0]![1] as number) - joules) < 1e-6, `${host}: ${s!.values[0]![1]} != ${joules}`);
  }
  const [intervals] = await q(db, `SELECT count("seq") FROM "wp_raw"."host_interval"`);
  assert.equal(intervals!.values[0]![1], hostIntervals);

  // Every job point is either stored or a dead letter, and the dead letters are exactly the refused ones.
  let refused = 0;
  for (const [m, byJob] of perMeasurementJobs) {
    const stored = new Set((await q(db, `SHOW TAG VALUES FROM "${m}" WITH KEY = "job"`)).flatMap((s) => s.values.map((v) => String(v[1]))));
    assert.ok(stored.size <= LIMIT, `${m}: ${stored.size} job values stored, limit ${LIMIT}`);
    assert.ok(stored.size > 0);
    for (const [job, n] of byJob) if (!stored.has(job)) refused += n;
  }
  assert.ok(refused > 0.9 * [...perMeasurementJobs.values()].reduce((a, m) => a + [...m.values()].reduce((x, y) => x + y, 0), 0), 'most job points were refused');
  const stats = store.stats();
  assert.equal(stats.deadLettered, refused, 'counted');
  assert.equal(stats.failedBatches, 0, 'no write failed: nothing left unacknowledged');
  const [letters] = await q(db, `SELECT count("point") FROM "wp_1h"."dead_letter"`);
  assert.equal(letters!.values[0]![1], refused, 'kept');
  assert.ok(logs.some((l) => /InfluxDB refused \d+ of \d+ points for good \(partial write: max-values-per-tag limit exceeded/.test(l)), `logged:\n${logs.slice(0, 5).join('\n')}`);

  // Listed, with what InfluxDB said and the point itself.
  const listed = await store.deadLetters({ limit: 10, includeReplayed: false });
  assert.equal(listed.length, 10);
  for (const d of listed) {
    assert.match(d.reason, /max-values-per-tag limit exceeded/);
    const p = JSON.parse(d.point) as { measurement: string; tags: Record<string, string>; timestamp: number };
    assert.equal(p.measurement, d.measurement);
    assert.match(p.tags.job!, /^job-\d+-\d+-\d+$/);
  }

  // Still refused while the limit stands: nothing marked replayed, the count unchanged.
  assert.deepEqual(await store.replayDeadLetters(5), { replayed: 0, refused: 5 });
  await store.close();

  // The operator raises the limit and replays: the points land, the letters are marked replayed.
  influxdOpts.data = ['max-values-per-tag = 0'];
  await influxd.stop();
  await influxd.start();
  const again = await InfluxStore.open({ url: influxd.url, database: db, retention: KEEP_ALL, flushIntervalMs: 20 });
  const first = (await again.deadLetters({ limit: 200, includeReplayed: false })).map((d) => JSON.parse(d.point) as { measurement: string; tags: Record<string, string>; timestamp: number });
  assert.deepEqual(await again.replayDeadLetters(200), { replayed: 200, refused: 0 });
  for (const p of first.slice(0, 20)) {
    const where = Object.entries(p.tags).map(([k, v]) => `"${k}" = '${v}'`).join(' AND ');
    const rows = await q(db, `SELECT * FROM "wp_raw"."${p.measurement}" WHERE ${where} AND time = ${p.timestamp}u`);
    assert.equal(rows[0]?.values.length, 1, `${p.measurement} ${p.tags.job} stored after replay`);
  }
  const [left] = await q(db, `SELECT count("point") FROM "wp_1h"."dead_letter" WHERE "replayed" = false`);
  assert.equal(left!.values[0]![1], refused - 200);
  await again.close();
});

/** A GPU node as the schema sees it: 2 packages, 2 DRAM, 8 GPUs, a wall meter; `jobs` jobs sharing it. */
function gpuReport(h: number, i: number, jobs: number): Report {
  const start = T0 + i * STEP;
  const gpus = Array.from({ length: 8 }, (_, g) => `GPU-${String(h).padStart(4, '0')}-${g}`);
  const jobId = (k: number) => `gpujob-${h}-${i}-${k}`;
  return {
    host: `gpu-${h}`,
    seq: i + 1,
    startUs: start,
    endUs: start + STEP,
    energy: [
      ...[0, 1].map((p) => ({ domain: Domain.DOMAIN_PACKAGE, device: `package-${p}`, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 900 + p })),
      ...[0, 1].map((p) => ({ domain: Domain.DOMAIN_DRAM, device: `package-${p}`, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 90 + p })),
      ...gpus.map((u, g) => ({ domain: Domain.DOMAIN_GPU, device: u, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 3000 + g })),
      { domain: Domain.DOMAIN_WALL, device: '', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 40_000 },
    ],
    processes: Array.from({ length: jobs }, (_, k) => ({ pid: 2000 + k, startTimeUs: start - 1_000_000, jobId: jobId(k), cpuSeconds: 10 + k, command: 'python' })),
    gpuProcesses: gpus.map((u, g) => ({ gpuUuid: u, pid: 2000 + (g % jobs), smUtil: 80, memUtil: 40, usedMemoryBytes: 1 << 30 })),
    cpuBusySeconds: 100,
    cpuIdleSeconds: 60,
    cpuCount: 64,
  };
}

test('series a job and a host cost, measured (SHOW SERIES EXACT CARDINALITY)', async (t) => {
  const db = 'wp_series';
  const store = await InfluxStore.open({ url: influxd.url, database: db, retention: KEEP_ALL, flushIntervalMs: 20 });
  const hosts = 10;
  const reports = 20;
  const jobsPerReport = 4; // 4 jobs share a node, 2 GPUs each, new jobs every interval
  for (let i = 0; i < reports; i++) await store.write(Array.from({ length: hosts }, (_, h) => attribute(gpuReport(h, i, jobsPerReport))));
  await store.close();
  const count = async (m: string) => {
    const rows = await q(db, `SHOW SERIES EXACT CARDINALITY FROM "${m}"`);
    return rows.reduce((a, s) => a + Number(s.values[0]![0]), 0);
  };
  const jobHosts = hosts * reports * jobsPerReport;
  const perJobHost: Record<string, number> = {};
  for (const m of ['job_energy', 'job_interval', 'job_meta']) perJobHost[m] = (await count(m)) / jobHosts;
  const perHost: Record<string, number> = {};
  for (const m of ['host_energy', 'host_interval', 'unattributed_energy']) perHost[m] = (await count(m)) / hosts;
  const jobSeries = Object.values(perJobHost).reduce((a, b) => a + b, 0);
  const hostSeries = Object.values(perHost).reduce((a, b) => a + b, 0);
  t.diagnostic(`series per job and host: ${JSON.stringify(perJobHost)} = ${jobSeries}; per host: ${JSON.stringify(perHost)} = ${hostSeries}`);
  // 1,000 hosts, 100k jobs a month, each on one host, raw policy 30 days (+ job_carbon: one more per job and host; + host_carbon and host_info per host).
  t.diagnostic(`1,000 hosts, 100k jobs/month: ${(100_000 * (jobSeries + 1) + 1000 * (hostSeries + 2)).toLocaleString('en')} series in the raw policy at any time`);
  // What docs/SCHEMA.md states: job_interval and job_meta one each; job_energy one per device the job used and modality.
  assert.equal(perJobHost.job_interval, 1);
  assert.equal(perJobHost.job_meta, 1);
  assert.ok(Number.isInteger(perJobHost.job_energy! * jobHosts));
  assert.ok(perJobHost.job_energy! <= 2 * (2 + 2 + 8) + 1, `job_energy series per job-host ${perJobHost.job_energy} within (devices × modalities) + wall other`);
  // Host series do not depend on jobs: the same count after every report.
  assert.ok(hostSeries < 60, `host series ${hostSeries}`);
});
