// The page against the real stack: `wattprint start` (collector + agent +
// API, one process) over a fixture sysfs whose RAPL counters advance, and
// jobs run through `wattprint measure` registered at the agent's socket.
// Every figure the page shows is compared with the API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { RaplFixture } from '../../../test/fixtures/sysfs.ts';
import { eventually, NODE, REPO, sleep, waitForLine, wattprint, type Proc } from '../../../test/helpers/processes.ts';
import type { JobReport } from '../../src/api/report.ts';
import { launch, type Browser } from './browser.ts';
import { assertShows, usOf } from './shown.ts';

// Screenshots go to a temporary folder: tests leave the tree clean. `npm run
// screenshots` sets WATTPRINT_SCREENSHOTS_DIR=docs/screenshots to refresh the README's.
const SHOTS = process.env.WATTPRINT_SCREENSHOTS_DIR ? path.resolve(REPO, process.env.WATTPRINT_SCREENSHOTS_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'wp-shots-'));
if (!process.env.WATTPRINT_SCREENSHOTS_DIR) process.once('exit', () => fs.rmSync(SHOTS, { recursive: true, force: true }));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-web-live-'));
const procs: Proc[] = [];
let fixture: RaplFixture;
let ticker: ReturnType<typeof setInterval> | undefined;
let base = '';
let browser: Browser;
let page: Page;

type HostJson = { host: string; latest: { start: string; end: string; watts: number; domains: { domain: string; device: string; source: string; quality: string; watts: number }[] } | null };
const apiGet = async <T>(p: string): Promise<T> => {
  const res = await fetch(base + p);
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return (await res.json()) as T;
};

/** A job that busy-loops for `ms` (in slices, so the CPU is shared) and reports its progress to the agent. */
function jobScript(ms: number, tokens: number): string {
  return `
const http = require('node:http');
const end = Date.now() + ${ms};
function slice() {
  const s = Date.now() + 60; while (Date.now() < s) {}
  if (Date.now() < end) return setTimeout(slice, 40);
  const body = JSON.stringify({ jobId: process.env.WATTPRINT_JOB_ID, tokens: ${tokens}, examples: ${tokens / 250}, steps: 40 });
  const req = http.request({ socketPath: process.env.WATTPRINT_SOCKET, path: '/v1/progress', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => process.exit(0)); });
  req.end(body);
}
slice();`;
}

function measure(jobId: string, labels: string[], script: string): Proc {
  const socket = path.join(dir, 'state', 'agent.sock');
  return wattprint(['measure', '--job', jobId, ...labels.flatMap((l) => ['--label', l]), '--socket', socket, '--', NODE, '-e', script]);
}

const exited = (p: Proc) => new Promise<number | null>((resolve) => (p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', (code) => resolve(code))));

before(async () => {
  fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  // About 95 W and 70 W of package power, 9 W and 6 W of DRAM, with a slow swing so the chart has a shape.
  let tick = 0;
  ticker = setInterval(() => {
    const swing = 1 + 0.25 * Math.sin(tick++ / 12);
    fixture.advance('intel-rapl:0', BigInt(Math.round(9_500_000 * swing)));
    fixture.advance('intel-rapl:0:0', BigInt(Math.round(6_800_000 * swing)));
    fixture.advance('intel-rapl:0:1', 900_000n);
    fixture.advance('intel-rapl:1', BigInt(Math.round(7_000_000 * (2 - swing))));
    fixture.advance('intel-rapl:1:0', 600_000n);
  }, 100);
  const start = wattprint(['start', '--port', '0', '--grpc-port', '0', '--state-dir', path.join(dir, 'state'), '--sysfs-root', fixture.root, '--interval-ms', '500']);
  procs.push(start);
  const m = await waitForLine(start, /^\{"event":"listening".*\}$/);
  base = `http://127.0.0.1:${(JSON.parse(m[0]) as { httpPort: number }).httpPort}`;
  await eventually(async () => (await apiGet<{ hosts: HostJson[] }>('/v1/hosts')).hosts[0]?.latest, 20_000, 'first report');

  // Two finished jobs, then one that keeps running through the test.
  const a = measure('bert-sst2-a', ['task=sst2', 'model=bert-base', 'phase=fine-tuning'], jobScript(3000, 1_000_000));
  const b = measure('bert-mnli-b', ['task=mnli', 'model=bert-base', 'note=<b>bold</b><img src=x onerror="window.pwned=1">'], jobScript(2000, 400_000));
  procs.push(a, b);
  assert.equal(await exited(a), 0, a.output.join('\n'));
  assert.equal(await exited(b), 0, b.output.join('\n'));
  procs.push(measure('distilbert-qnli-c', ['task=qnli', 'model=distilbert'], jobScript(120_000, 10)));
  // Finished jobs are settled once the agent's last interval for them is stored.
  await eventually(async () => {
    const jobs = (await apiGet<{ jobs: JobReport[] }>('/v1/jobs')).jobs;
    return jobs.some((j) => j.jobId === 'distilbert-qnli-c') && jobs.find((j) => j.jobId === 'bert-sst2-a')?.progress.tokens === 1_000_000 && jobs.find((j) => j.jobId === 'bert-mnli-b')?.progress.tokens === 400_000;
  }, 20_000, 'jobs with their progress');
  await sleep(2000); // let the running job build a few intervals of history

  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
});

after(async () => {
  if (ticker) clearInterval(ticker);
  await browser?.close();
  for (const p of procs.reverse()) await p.stop('SIGTERM');
  fixture?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the live host view shows each domain with the API’s power, source and quality, and the unattributed rest', async () => {
  await page.goto(base + '/');
  await page.waitForSelector('[data-host] [data-field="software-watts"]');
  // The page refreshes every few seconds: compare when it shows the same interval the API answers with.
  await eventually(async () => {
    const host = (await apiGet<{ hosts: HostJson[] }>('/v1/hosts')).hosts[0]!;
    const card = page.locator(`[data-host="${host.host}"]`);
    if ((await card.getAttribute('data-interval-end')) !== host.latest!.end) return false;
    const latest = host.latest!;
    assertShows(await card.locator('[data-field="software-watts"]').textContent(), latest.watts, 'software power');
    for (const d of latest.domains) {
      const row = card.locator(`tr[data-domain="${d.domain}"][data-device="${d.device}"]`);
      assertShows(await row.locator('[data-field="watts"]').textContent(), d.watts, `${d.domain} ${d.device}`);
      assert.equal(await row.locator('[data-field="source"]').textContent(), d.source);
      assert.equal(await row.locator('[data-field="quality"]').textContent(), d.quality);
    }
    // Unattributed = software total − Σ jobs' software energy over the same interval.
    // Microseconds: an RFC 3339 "from" would lose the µs digits and take in the interval before.
    const inInterval = (await apiGet<{ jobs: JobReport[] }>(`/v1/jobs?from=${usOf(latest.start)}&to=${usOf(latest.end)}`)).jobs;
    const seconds = (usOf(latest.end) - usOf(latest.start)) / 1e6;
    const jobWatts = inInterval.reduce((a, j) => a + j.energy.softwareKwh * 3.6e6, 0) / seconds;
    assert.ok(inInterval.some((j) => j.jobId === 'distilbert-qnli-c'), 'the running job drew power in the latest interval');
    assertShows(await card.locator('[data-field="job-watts"]').textContent(), jobWatts, 'power drawn by jobs');
    assertShows(await card.locator('tr[data-domain="unattributed"] [data-field="watts"]').textContent(), latest.watts - jobWatts, 'unattributed');
    return true;
  }, 20_000, 'the page to show the API’s latest interval');
  // Nested domains (cores inside the package) are shown but not stacked twice.
  assert.match((await page.locator('tr[data-domain="core"]').getAttribute('class')) ?? '', /nested/);
  assert.ok((await page.locator('.chart path.band').count()) >= 4, 'stacked bands for both packages and both DRAMs');
  // It updates by itself.
  const renders = Number(await page.evaluate(() => document.documentElement.dataset.renders));
  await page.waitForFunction((n) => Number(document.documentElement.dataset.renders) > n, renders, { timeout: 10_000 });
  await page.screenshot({ path: path.join(SHOTS, 'live-host.png'), fullPage: true });
});

test('the jobs list shows the API’s figures, sorts by column, filters by label and escapes labels', async () => {
  await page.goto(base + '/#/jobs');
  await page.waitForSelector('tr[data-job="bert-sst2-a"]');
  const jobs = (await apiGet<{ jobs: JobReport[] }>('/v1/jobs')).jobs;
  for (const id of ['bert-sst2-a', 'bert-mnli-b']) {
    const j = jobs.find((x) => x.jobId === id)!;
    const row = page.locator(`tr[data-job="${id}"]`);
    assertShows(await row.locator('[data-field="software"]').textContent(), j.energy.softwareKwh, `${id} software kWh`);
    assertShows(await row.locator('[data-field="wall"]').textContent(), j.energy.wallKwh, `${id} wall kWh`);
    assertShows(await row.locator('[data-field="per-tokens"]').textContent(), j.normalised.kwhPer1MTokens!, `${id} kWh per 1M tokens`);
    assert.equal(await row.locator('[data-field="status"]').textContent(), 'ended');
    const shownCarbon = await row.locator('[data-field="carbon"]').textContent();
    if (j.carbon) assertShows(shownCarbon, j.carbon.gco2e, `${id} gCO2e`);
    else assert.equal(shownCarbon, '—', `${id}: no carbon figure`);
  }
  assert.equal(await page.locator('tr[data-job="distilbert-qnli-c"] [data-field="status"]').textContent(), 'running');

  // The label is shown as text: no element, no script.
  const chip = page.locator('tr[data-job="bert-mnli-b"] .chip', { hasText: 'note' });
  assert.equal(await chip.textContent(), 'note=<b>bold</b><img src=x onerror="window.pwned=1">');
  assert.equal(await page.locator('tr[data-job="bert-mnli-b"] b, tr[data-job="bert-mnli-b"] img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  await page.screenshot({ path: path.join(SHOTS, 'live-jobs.png'), fullPage: true });

  // Sort by software energy, largest first, then smallest first.
  const order = async () => page.locator('tbody tr[data-job]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.job));
  const bySoftware = (await apiGet<{ jobs: JobReport[] }>('/v1/jobs')).jobs;
  // Only the finished jobs of this test: a running job grows, and the agent reads the real /proc,
  // where other processes may carry job ids of their own.
  const finished = (ids: (string | undefined)[]) => ids.filter((id) => id === 'bert-sst2-a' || id === 'bert-mnli-b');
  await page.click('button[data-sort="software"]');
  await page.waitForSelector('th[aria-sort="descending"] button[data-sort="software"]');
  const want = [...bySoftware].sort((a, b) => b.energy.softwareKwh - a.energy.softwareKwh).map((j) => j.jobId);
  assert.deepEqual(finished(await order()), finished(want));
  await page.click('button[data-sort="software"]');
  await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="software"]');
  assert.deepEqual(finished(await order()), finished(want).reverse());

  // Filter by label: the API answers, the page lists exactly its jobs.
  await page.fill('input[name="filter"]', 'task=sst2');
  await page.press('input[name="filter"]', 'Enter');
  await page.waitForFunction(() => location.hash.includes('filter='));
  await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-job]').length === 1);
  assert.deepEqual(await order(), ['bert-sst2-a']);
  // A malformed filter is refused with a message, not sent.
  await page.fill('input[name="filter"]', 'not a filter');
  await page.press('input[name="filter"]', 'Enter');
  assert.match((await page.locator('.form-problem').textContent()) ?? '', /"not" is not name=value/);
});

test('clicking a job opens its detail: the report’s figures, the chart, carbon, CSV and JSON downloads', async () => {
  await page.goto(base + '/#/jobs');
  await page.click('tr[data-job="bert-sst2-a"] a[data-field="job"]');
  await page.waitForSelector('section.job[data-job="bert-sst2-a"] [data-field="software"]');
  assert.equal(await page.evaluate(() => location.hash), '#/job/bert-sst2-a');
  const r = await apiGet<JobReport>('/v1/jobs/bert-sst2-a');
  assertShows(await page.textContent('[data-field="software"]'), r.energy.softwareKwh, 'software');
  assertShows(await page.textContent('[data-field="wall"]'), r.energy.wallKwh, 'wall');
  assertShows(await page.textContent('[data-field="per-tokens"]'), r.normalised.kwhPer1MTokens!, 'per 1M tokens');
  assertShows(await page.textContent('[data-field="mean-watts"]'), (r.energy.softwareKwh * 3.6e6) / r.durationSeconds, 'mean power');
  for (const k of ['cpu', 'dram'] as const) assertShows(await page.textContent(`tr[data-row="${k}"] td`), r.energy.byComponentKwh[k], `report ${k}`);
  // With the collector's default (the embedded static dataset) a figure exists; without one the page says so.
  const carbonShown = await page.textContent('[data-section="carbon"] [data-field="gco2e"]');
  if (r.carbon) {
    assertShows(carbonShown, r.carbon.gco2e, 'gCO2e');
    assert.equal(await page.locator('.chart path.line').count(), 1, 'the grid intensity line');
    for (const [q, share] of Object.entries(r.carbon.kwhShareByQuality).filter(([, v]) => v > 0)) assert.equal(await page.textContent(`[data-quality="${q}"] b`), `${Number((share * 100).toPrecision(3))} %`);
  } else assert.match(carbonShown ?? '', /No carbon figure yet/);
  assert.ok((await page.locator('.chart path.band').count()) >= 2, 'CPU and DRAM bands');
  await page.screenshot({ path: path.join(SHOTS, 'live-job.png'), fullPage: true });

  const [json] = await Promise.all([page.waitForEvent('download'), page.click('button[data-action="json"]')]);
  assert.equal(json.suggestedFilename(), 'wattprint-bert-sst2-a.json');
  assert.deepEqual(JSON.parse(fs.readFileSync((await json.path())!, 'utf8')), r);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button[data-action="csv"]')]);
  const [header, row] = fs.readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  const cells = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]));
  assert.equal(cells['job'], 'bert-sst2-a');
  assert.equal(Number(cells['kWh software']), r.energy.softwareKwh);
  assert.equal(Number(cells['kWh wall']), r.energy.wallKwh);
  assert.equal(Number(cells['tokens']), 1_000_000);
  assert.equal(cells['gCO2e'], r.carbon ? String(r.carbon.gco2e) : '');

  // A label full of markup stays text on the detail page too.
  await page.goto(base + '/#/job/bert-mnli-b');
  await page.waitForSelector('section.job[data-job="bert-mnli-b"]');
  assert.match((await page.textContent('.job-head .chips')) ?? '', /note=<b>bold<\/b><img src=x onerror="window.pwned=1">/);
  assert.equal(await page.locator('.job-head .chips b, .job-head .chips img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
});
