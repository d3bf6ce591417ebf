// API reads against a store of 100,000 jobs, as the collector serves them
// (SQLite in its reader thread, fastify): a page of 50 jobs, the same page
// filtered by a label, and the live page's query (the jobs of one interval),
// against GET /healthz from the same server in the same run. Also times the
// query main ran for every list (a GROUP BY over every interval row), to show
// what the summary saves. Prints one JSON line per read.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/reads.bench.ts [--jobs=100000] [--runs=30]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApi } from '@wattprint/collector/api/http.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { SqliteThreadStore } from '@wattprint/collector/storage/sqlite-thread.ts';
import { seedManyJobs } from '../../collector/test/web/seed.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const JOBS = arg('jobs', 100_000);
const RUNS = arg('runs', 30);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;
const round = (x: number) => Math.round(x * 100) / 100;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-reads-bench-'));
const file = path.join(dir, 'reads.db');
const endUs = Date.now() * 1000;
const t0 = performance.now();
const seed = new SqliteStore(file);
await seedManyJobs(seed, endUs, JOBS);
const rows = (seed.db.prepare('SELECT count(*) AS n FROM job_interval').get() as { n: number }).n;
// What main did for every list: a GROUP BY over every interval row.
const fullMs: number[] = [];
for (let i = 0; i < 3; i++) {
  const s = performance.now();
  seed.db.prepare('SELECT job_id, host, min(start_us), max(end_us), sum(software_j), sum(wall_j), sum(cpu_j), sum(gpu_j) FROM job_interval GROUP BY job_id, host').all();
  fullMs.push(performance.now() - s);
}
await seed.close();
process.stderr.write(`reads bench: ${JOBS} jobs, ${rows} interval rows seeded in ${Math.round(performance.now() - t0)} ms\n`);

const store = await SqliteThreadStore.open(file);
const app = await buildApi({ store, carbonForMany: async (jobs) => new Map([...(await store.jobCarbonMany(jobs.map((j) => j.jobId)))].map(([id, t]) => [id, { gco2e: t.gco2e } as never])) });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
try {
  const time = async (url: string, check: (body: { jobs?: unknown[] }) => void) => {
    const ms: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const s = performance.now();
      const res = await fetch(base + url);
      const body = (await res.json()) as { jobs?: unknown[] };
      const d = performance.now() - s;
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
      check(body);
      if (i > 0) ms.push(d); // the first warms the statement caches
    }
    return ms;
  };
  const health = await time('/healthz', () => undefined);
  const last = endUs - 60e6;
  const reads: [string, string, number | undefined][] = [
    ['GET /v1/jobs?limit=50', '/v1/jobs?limit=50', 50],
    ['GET /v1/jobs?label.task=sst2&limit=50', '/v1/jobs?label.task=sst2&limit=50', 50],
    ['GET /v1/jobs?limit=1000 (the jobs page)', '/v1/jobs?limit=1000', 1000],
    ['GET /v1/jobs?from&to (one interval: the live page)', `/v1/jobs?from=${last - 60e6}&to=${last}`, undefined],
  ];
  for (const [name, url, n] of reads) {
    const ms = await time(url, (b) => {
      if (n !== undefined && b.jobs?.length !== n) throw new Error(`${url}: ${b.jobs?.length} jobs, expected ${n}`);
    });
    console.log(
      JSON.stringify({
        name: `reads: ${name} with ${JOBS.toLocaleString('en-US')} jobs`,
        medianMs: round(median(ms)),
        p99Ms: round(p99(ms)),
        baselineName: 'GET /healthz, same server',
        baselineMedianMs: round(median(health)),
        ratio: round(median(ms) / median(health)),
        mainFullAggregationMs: round(median(fullMs)),
        intervalRows: rows,
        runs: RUNS,
        loadAverage1m: round(os.loadavg()[0]!),
      }),
    );
  }
} finally {
  await app.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
