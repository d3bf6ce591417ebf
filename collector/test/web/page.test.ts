// The page over the real API (buildApi + SQLite, bearer tokens on) holding a
// GPU host with a wall meter, a VM that only has estimates, and jobs whose
// carbon is known: the token prompt, GPUs and the wall, estimate styling,
// the carbon panel, and job ids with slashes. Its screenshots are the README's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { buildApi } from '../../src/api/http.ts';
import { parseTokens } from '../../src/api/auth.ts';
import type { CarbonSummary, JobReport } from '../../src/api/report.ts';
import { gramsCo2e } from '../../src/carbon/compute.ts';
import { SqliteStore } from '../../src/storage/sqlite.ts';
import type { JobTotals } from '../../src/storage/sink.ts';
import { REPO } from '../../../test/helpers/processes.ts';
import { launch, type Browser } from './browser.ts';
import { defaultJobs, GPU1, seedEstimateHost, seedGpuHost } from './seed.ts';
import { assertShows } from './shown.ts';

const READ = 'read-token-0123456789abcdef';
const WRITE_ONLY = 'write-token-0123456789abcdef';
// Screenshots go to a temporary folder: tests leave the tree clean. `npm run
// screenshots` sets WATTPRINT_SCREENSHOTS_DIR=docs/screenshots to refresh the README's.
const SHOTS = process.env.WATTPRINT_SCREENSHOTS_DIR ? path.resolve(REPO, process.env.WATTPRINT_SCREENSHOTS_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'wp-shots-'));
if (!process.env.WATTPRINT_SCREENSHOTS_DIR) process.once('exit', () => fs.rmSync(SHOTS, { recursive: true, force: true }));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-web-page-'));
let store: SqliteStore;
let app: FastifyInstance;
let base = '';
let browser: Browser;
let page: Page;

const N = 120;
const LONG_INTERVALS = 90 * 24;
const INTERVAL_S = 10;
// 5-minute grid intensity periods, as UK Carbon Intensity or Electricity Maps give them.
const intensityAt = (k: number) => 330 + 60 * Math.sin(k / 2);

/**
 * Stands in for the carbon stage, which the collector does not wire into the
 * API yet: a fixed PUE and 5-minute periods. Only roberta-mnli-2 has a figure.
 */
function carbonFor(endUs: number) {
  return async (j: JobTotals): Promise<CarbonSummary | undefined> => {
    if (j.jobId !== 'roberta-mnli-2') return undefined;
    const t0 = endUs - N * INTERVAL_S * 1e6;
    const periods = Array.from({ length: (N * INTERVAL_S) / 300 }, (_, k) => ({ start: new Date((t0 + k * 300e6) / 1000).toISOString(), end: new Date((t0 + (k + 1) * 300e6) / 1000).toISOString(), gco2ePerKwh: intensityAt(k), quality: k < 14 ? 'measured' : 'forecast' }));
    const mean = periods.reduce((a, p) => a + p.gco2ePerKwh, 0) / periods.length;
    const kwh = (x: number) => x / 3.6e6;
    return Object.assign(
      { gco2e: gramsCo2e(kwh(j.wallJoules), 1.2, mean), gco2eSoftware: gramsCo2e(kwh(j.softwareJoules), 1.2, mean), gco2eWall: gramsCo2e(kwh(j.wallJoules), 1.2, mean), basis: 'location_lifecycle', zone: 'DE', kwhShareByQuality: { measured: 0.7, forecast: 0.3 }, provisional: true, sources: ['electricitymaps: DE (lifecycle)'] },
      { intensity: periods },
    );
  };
}

before(async () => {
  store = new SqliteStore(path.join(dir, 'page.db'));
  const endUs = Math.floor(Date.now() / 1000) * 1000 * 1000 - 2e6; // the latest interval ended 2 s ago: hosts are live
  const jobs = [...defaultJobs(N), { jobId: 'slurm/84211.0', labels: { task: 'wnli', model: 'distilbert' }, pid: 4303, gpu: GPU1, from: 5, to: 20, tokensPerInterval: 20_000 }];
  await seedGpuHost(store, endUs, N, INTERVAL_S, jobs);
  await seedEstimateHost(store, endUs);
  // A pre-training run of 90 days (hourly intervals) that ended 100 days ago, on the same host.
  await seedGpuHost(store, endUs - 100 * 86400e6, LONG_INTERVALS, 3600, [{ jobId: 'pretrain-90d', labels: { task: 'pretraining', model: 'bert-large' }, pid: 7001, gpu: GPU1, from: 0, to: LONG_INTERVALS, tokensPerInterval: 5e8 }]);
  const tokens = parseTokens([
    { name: 'page', token: READ, scopes: ['read'] },
    { name: 'slurm', token: WRITE_ONLY, scopes: ['jobs:write'] },
  ]);
  app = await buildApi({ store, tokens, carbonFor: carbonFor(endUs) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
});

after(async () => {
  await browser?.close();
  await app?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const api = async <T>(p: string): Promise<T> => {
  const res = await fetch(base + p, { headers: { authorization: `Bearer ${READ}` } });
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return (await res.json()) as T;
};

test('without a token the page shows a token prompt and no data; a write-only token is refused; a read token opens it', async () => {
  const apiAnswers: number[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) apiAnswers.push(r.status());
  });
  await page.goto(base + '/');
  await page.waitForSelector('[data-view="auth"]');
  const text = (await page.textContent('body')) ?? '';
  for (const secret of ['gpu-node-1', 'vm-7', 'roberta', 'sst2', 'A100']) assert.ok(!text.includes(secret), `"${secret}" leaked without a token`);
  assert.ok(!/\d\s*(W|Wh|kWh|gCO₂e)\b/.test(text), `a figure leaked without a token: ${text}`);
  assert.ok(apiAnswers.length > 0 && apiAnswers.every((s) => s === 401), `API answers without a token: ${apiAnswers}`);
  // The page's own files are public and hold no data.
  const html = await (await fetch(base + '/')).text();
  const assets = [...html.matchAll(/(?:href|src)="(\/ui\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.includes('/ui/app.ts'));
  for (const a of assets) {
    const res = await fetch(base + a);
    assert.equal(res.status, 200, a);
    const body = await res.text();
    for (const secret of ['gpu-node-1', 'roberta-mnli-2', READ]) assert.ok(!body.includes(secret), `${a} holds "${secret}"`);
  }

  await page.fill('input[name="token"]', WRITE_ONLY);
  await page.click('[data-view="auth"] button[type="submit"]');
  await page.waitForSelector('[data-view="auth"] >> text=lacks scope "read"');
  assert.equal(await page.locator('[data-host]').count(), 0);

  await page.fill('input[name="token"]', READ);
  await page.click('[data-view="auth"] button[type="submit"]');
  await page.waitForSelector('[data-host="gpu-node-1"]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('wattprint.token')), READ);
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'the token is never kept beyond the tab');
});

test('a GPU host shows GPUs by name, the wall meter as integrated power, and a VM’s estimate hatched and labelled', async () => {
  await page.goto(base + '/#/');
  await page.waitForSelector('[data-host="vm-7"] tr[data-domain="package"]');
  type H = { host: string; latest: { watts: number; domains: { domain: string; device: string; source: string; quality: string; watts: number }[] } };
  const hosts = (await api<{ hosts: H[] }>('/v1/hosts')).hosts;
  for (const host of hosts) {
    const card = page.locator(`[data-host="${host.host}"]`);
    assertShows(await card.locator('[data-field="software-watts"]').textContent(), host.latest.watts, `${host.host} software power`);
    for (const d of host.latest.domains) {
      const row = card.locator(`tr[data-domain="${d.domain}"][data-device="${d.device}"]`);
      assertShows(await row.locator('[data-field="watts"]').textContent(), d.watts, `${host.host} ${d.device}`);
      assert.equal(await row.locator('[data-field="quality"]').textContent(), d.quality === 'integrated_power' ? 'integrated power' : d.quality);
    }
  }
  const gpu = hosts.find((x) => x.host === 'gpu-node-1')!;
  const wall = gpu.latest.domains.find((d) => d.domain === 'wall')!;
  assertShows(await page.textContent('[data-host="gpu-node-1"] [data-field="wall-watts"]'), wall.watts, 'wall power');
  assert.match((await page.textContent(`[data-host="gpu-node-1"] tr[data-device="${GPU1}"] th`)) ?? '', /^GPU 1 · NVIDIA A100-SXM4-80GB/);
  assert.equal(await page.locator('[data-host="gpu-node-1"] .chart path.line').count(), 1, 'the wall meter drawn as a line over the stacked components');

  const vmRow = page.locator('[data-host="vm-7"] tr[data-domain="package"]');
  assert.match((await vmRow.getAttribute('class')) ?? '', /estimate/);
  assert.equal(await vmRow.locator('.bar.hatched').count(), 1);
  assert.equal(await vmRow.locator('[data-field="quality"]').textContent(), 'estimate');
  assert.ok((await page.locator('[data-host="vm-7"] .chart path.band.estimate').count()) >= 1, 'the estimate is hatched in the chart');
  assert.match((await page.textContent('[data-host="vm-7"] .legend')) ?? '', /estimate/);
  await page.screenshot({ path: path.join(SHOTS, 'host.png'), fullPage: true });
});

test('a job with carbon shows gCO2e, the quality breakdown and the grid intensity line', async () => {
  await page.goto(base + '/#/jobs');
  await page.waitForSelector('tr[data-job="roberta-mnli-2"]');
  const jobs = (await api<{ jobs: JobReport[] }>('/v1/jobs')).jobs;
  const mnli = jobs.find((j) => j.jobId === 'roberta-mnli-2')!;
  assertShows(await page.textContent('tr[data-job="roberta-mnli-2"] [data-field="carbon"]'), mnli.carbon!.gco2e, 'carbon in the list');
  assert.equal(await page.textContent('tr[data-job="roberta-mnli-2"] [data-field="status"]'), 'running');
  assert.equal(await page.textContent('tr[data-job="bert-base-sst2-1"] [data-field="status"]'), 'ended');
  await page.screenshot({ path: path.join(SHOTS, 'jobs.png'), fullPage: true });

  await page.click('tr[data-job="roberta-mnli-2"] a[data-field="job"]');
  await page.waitForSelector('[data-section="carbon"] [data-field="gco2e"]');
  const r = await api<JobReport>('/v1/jobs/roberta-mnli-2');
  assertShows(await page.textContent('[data-section="carbon"] [data-field="gco2e"]'), r.carbon!.gco2e, 'gCO2e');
  assertShows(await page.textContent('[data-field="software"]'), r.energy.softwareKwh, 'software');
  assertShows(await page.textContent('[data-field="wall"]'), r.energy.wallKwh, 'wall');
  assertShows(await page.textContent('tr[data-row="gpu"] td'), r.energy.byComponentKwh.gpu, 'GPU energy');
  assertShows(await page.textContent('tr[data-row="other"] td'), r.energy.byComponentKwh.other, 'wall − components');
  // Provenance: where the energy came from, from the same job report.
  assert.ok(r.energy.sources.length > 0, 'the API gives the energy sources');
  assert.equal(await page.textContent('[data-field="energy-sources"]'), r.energy.sources.map((x) => `${x.source} ${x.quality.replace('_', ' ')} ${(x.share * 100).toFixed(0)}%`).join(' · '));
  assert.equal(await page.textContent('[data-quality="measured"] b'), '70 %');
  assert.equal(await page.textContent('[data-quality="forecast"] b'), '30 %');
  assert.match((await page.textContent('[data-section="carbon"]')) ?? '', /provisional/);
  assert.equal(await page.locator('.chart path.line').count(), 1, 'the grid intensity line');
  assert.match((await page.textContent('.chart')) ?? '', /gCO₂e\/kWh/);
  await page.screenshot({ path: path.join(SHOTS, 'job.png'), fullPage: true });
});

test('a job id with a slash opens, and an unknown job says so', async () => {
  await page.goto(base + '/#/jobs?filter=task%3Dwnli');
  await page.waitForSelector('tr[data-job="slurm/84211.0"]');
  assert.equal(await page.locator('tbody tr[data-job]').count(), 1);
  await page.click('tr[data-job="slurm/84211.0"] a[data-field="job"]');
  await page.waitForSelector('section.job[data-job="slurm/84211.0"]');
  assert.equal(await page.evaluate(() => location.hash), '#/job/slurm%2F84211.0');
  assert.match((await page.textContent('[data-section="carbon"]')) ?? '', /No carbon figure yet/);
  await page.goto(base + '/#/job/no-such-job');
  await page.waitForSelector('.banner.error');
  assert.match((await page.textContent('.banner.error')) ?? '', /No job "no-such-job"/);
});

test('a 90-day job opens: the series step fits the range, within the point cap', async () => {
  const r = await api<JobReport>('/v1/jobs/pretrain-90d');
  assert.ok(Math.abs(r.durationSeconds - 90 * 86400) < 1, `duration ${r.durationSeconds} s`);
  await page.goto(base + '/#/job/pretrain-90d');
  await page.waitForSelector('section.job[data-job="pretrain-90d"] .chart path.band');
  assert.equal(await page.locator('.banner.error').count(), 0, 'no error banner');
  assertShows(await page.textContent('[data-field="software"]'), r.energy.softwareKwh, 'software');
  // Without a step the API picks one: every hour of the 90 days lands in some bucket, and the energy adds up.
  const points = (await api<{ points: { t: string; watts: Record<string, number> }[] }>('/v1/jobs/pretrain-90d/series')).points;
  assert.ok(points.length > 100 && points.length <= 10_000, `${points.length} points`);
  const stepS = (Date.parse(points[1]!.t) - Date.parse(points[0]!.t)) / 1000;
  // The counted components add up exactly; "other" is the wall as the meter read it each interval,
  // while the report reconciles it over time (docs/ATTRIBUTION.md, "Wall over time").
  const kwh = points.reduce((a, p) => a + ((p.watts.cpu ?? 0) + (p.watts.dram ?? 0) + (p.watts.gpu ?? 0)) * stepS, 0) / 3.6e6;
  const b = r.energy.byComponentKwh;
  assert.ok(Math.abs(kwh - (b.cpu + b.dram + b.gpu)) < 1e-6 * kwh, `series ${kwh} kWh vs counted components`);
});
