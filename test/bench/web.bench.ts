// Times the built-in page with 1,000 jobs in the store: navigation start to
// the jobs list on screen (the page's "wattprint:jobs" performance mark),
// against loading a static empty page from the same server in the same run.
// Each load is in a fresh browser context (cold cache). Prints one JSON line.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/web.bench.ts [--jobs=1000] [--runs=7]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApi } from '@wattprint/collector/api/http.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { SqliteThreadStore } from '@wattprint/collector/storage/sqlite-thread.ts';
import { ARGS, CHROMIUM } from '../../collector/test/web/browser.ts';
import { seedManyJobs } from '../../collector/test/web/seed.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const JOBS = arg('jobs', 1000);
const RUNS = arg('runs', 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-web-bench-'));
// Seeded here, then served as the collector serves it: from the reader thread.
const seed = new SqliteStore(path.join(dir, 'bench.db'));
await seedManyJobs(seed, Date.now() * 1000, JOBS);
await seed.close();
const store = await SqliteThreadStore.open(path.join(dir, 'bench.db'));
const app = await buildApi({ store });
app.get('/bench-empty', async (_req, reply) => reply.type('text/html').send('<!doctype html><html><head><title>empty</title></head><body></body></html>'));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const pageMs: number[] = [];
  const emptyMs: number[] = [];
  const apiMs: number[] = [];
  const dataMs: number[] = [];
  const scriptsMs: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    // Run 0 warms the server and the browser; it is not counted.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/#/jobs`);
    const at = await page.waitForFunction(() => performance.getEntriesByName('wattprint:jobs')[0]?.startTime, undefined, { timeout: 30_000 });
    const rows = await page.locator('tbody tr[data-job]').count();
    const count = await page.textContent('[data-field="count"]');
    if (rows !== 50 || !count?.includes(`of ${Math.min(JOBS, 1000).toLocaleString('en-US')} jobs`)) throw new Error(`the list did not render ${JOBS} jobs: ${rows} rows, "${count}"`);
    const ms = (await at.jsonValue()) as number;
    const data = await page.evaluate(() => performance.getEntriesByName('wattprint:jobs-data')[0]?.startTime ?? NaN);
    const scripts = await page.evaluate(() => Math.max(...performance.getEntriesByType('resource').filter((e) => /\/ui\/.*\.(ts|css)$/.test(e.name)).map((e) => (e as PerformanceResourceTiming).responseEnd)));
    await page.goto(`${base}/bench-empty`);
    await page.waitForLoadState('load');
    const empty = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    await ctx.close();
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/jobs?limit=1000`);
    await res.arrayBuffer();
    const api = performance.now() - t0;
    if (run === 0) continue;
    pageMs.push(ms);
    emptyMs.push(empty);
    apiMs.push(api);
    dataMs.push(data);
    scriptsMs.push(scripts);
    process.stderr.write(`web bench: run ${run}/${RUNS}: list ${round(ms)} ms (files loaded ${round(scripts)} ms, data in ${round(data)} ms), empty page ${round(empty)} ms, /v1/jobs alone ${round(api)} ms\n`);
  }
  const m = median(pageMs);
  const b = median(emptyMs);
  console.log(JSON.stringify({ name: `web page: jobs list rendered (${JOBS} jobs)`, medianMs: round(m), baselineName: 'static empty page load (same server)', baselineMedianMs: round(b), ratio: round(m / b), goalMs: 1000, metGoal: m < 1000, filesLoadedMedianMs: round(median(scriptsMs)), dataArrivedMedianMs: round(median(dataMs)), apiJobsMedianMs: round(median(apiMs)), runs: RUNS, browser: browser.version(), loadAverage1m: round(os.loadavg()[0]!), cpus: os.cpus().length }));
} finally {
  await browser.close();
  await app.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
