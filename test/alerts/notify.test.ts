// Alerts over real stores: two evaluators (two collectors) on one store and one
// local receiver send exactly one firing and one resolved webhook, on SQLite (a
// shared file) and on InfluxDB (a real influxd), while every collector posts to
// Alertmanager (which merges by labels: test/alerts/alertmanager.test.ts runs the
// real one). Also: webhook retries with backoff, and a failing store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlertEvaluator } from '@wattprint/collector/alerts/evaluator.ts';
import { WebhookNotifier } from '@wattprint/collector/alerts/notifiers/webhook.ts';
import { parseAlertConfig } from '@wattprint/collector/alerts/rules.ts';
import { toNotification } from '@wattprint/collector/alerts/notifier.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import type { Sink, Store } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { carbonRows, seed, shiftedReports } from '../grafana/seed.ts';
import { startReceiver, type Receiver } from './receiver.ts';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';

const S = 1_000_000;

let receiver: Receiver;
let influxd: Influxd;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-alerts-'));
before(async () => {
  receiver = await startReceiver();
  influxd = await startInfluxd();
});
after(async () => {
  await receiver?.close();
  await influxd?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** ft-sst2's total gCO2e in the seeded data. */
function sst2Grams(endUs: number): number {
  const results = shiftedReports(endUs).map((r) => attribute(r));
  return carbonRows(results).filter((c) => c.jobId === 'ft-sst2').reduce((s, c) => s + c.gco2e, 0);
}

function config(prefix: string, threshold: number) {
  return parseAlertConfig({
    intervalS: 1,
    evaluationDelayS: 0,
    activeWithinS: 60,
    rateWindowS: 60,
    claimSettleMs: 150,
    generatorUrl: 'http://grafana.test/d/wattprint-job?var-job={job}',
    rules: [{ id: 'sst2-carbon-budget', kind: 'job_budget', metric: 'gco2e', threshold, match: { task: 'sst2' } }],
    notifiers: [
      { kind: 'webhook', url: `${receiver.url}/${prefix}/hook`, retry: { attempts: 3, initialMs: 10, maxMs: 50 } },
      { kind: 'alertmanager', url: `${receiver.url}/${prefix}/am`, resendIntervalS: 3600 },
    ],
  });
}

async function twoCollectorsOneReceiver(prefix: string, open: () => Promise<Sink & Store>) {
  const endUs = Math.floor(Date.now() / 1000) * S - 5 * S;
  const [storeA, storeB, storeC] = [await open(), await open(), await open()];
  try {
    await seed(storeA, endUs);
    if (storeA instanceof InfluxStore) await storeA.flush();
    const grams = sst2Grams(endUs);
    assert.ok(grams > 0);
    const cfg = config(prefix, grams / 2);
    let now = endUs + 1 * S;
    const logs: string[] = [];
    const evaluator = (store: Store, owner: string) => new AlertEvaluator({ store, config: cfg, owner, nowUs: () => now, log: (m) => logs.push(m) });
    const [a, b, c] = [evaluator(storeA, 'collector-a'), evaluator(storeB, 'collector-b'), evaluator(storeC, 'collector-c')];

    // Both evaluate at the same moment: both see the job over budget, one notifies.
    const first = await Promise.all([a.tick(), b.tick()]);
    assert.deepEqual(first.map((r) => r.events.map((e) => `${e.status}:${e.jobId}`)), [['firing:ft-sst2'], ['firing:ft-sst2']]);
    const firstSent = first.flatMap((r) => r.sent);
    assert.equal(firstSent.filter((x) => x.notifier.startsWith('webhook')).length, 1, 'one webhook firing, from one collector');
    assert.equal(firstSent.filter((x) => x.notifier.startsWith('alertmanager')).length, 2, 'each collector posts to Alertmanager, which merges by labels');
    now += 10 * S;
    await Promise.all([a.tick(), b.tick()]);
    // A collector that starts while the alert fires adopts it: no webhook, the same startsAt to Alertmanager.
    const late = await c.tick();
    assert.deepEqual(late.events.map((e) => e.status), ['firing']);
    assert.deepEqual(late.sent.map((x) => x.notifier.split(' ')[0]), ['alertmanager']);
    assert.equal(late.sent[0]!.notification.startsAt, firstSent[0]!.notification.startsAt);
    // The job stops: nothing newer than activeWithinS. Everyone resolves, one notifies.
    now = endUs + 120 * S;
    const resolved = await Promise.all([a.tick(), b.tick(), c.tick()]);
    assert.deepEqual(resolved.map((r) => r.events.map((e) => e.status)), [['resolved'], ['resolved'], ['resolved']]);
    now += 10 * S;
    await Promise.all([a.tick(), b.tick(), c.tick()]);
    assert.deepEqual(logs, [], 'no errors');

    const hooks = receiver.requests.filter((r) => r.path === `/${prefix}/hook`).map((r) => r.body as { status: string; alerts: { labels: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; generatorURL: string }[] });
    assert.deepEqual(hooks.map((h) => h.status), ['firing', 'resolved']);
    const [fired, cleared] = [hooks[0]!.alerts[0]!, hooks[1]!.alerts[0]!];
    assert.deepEqual(fired.labels, { alertname: 'sst2-carbon-budget', wattprint_job: 'ft-sst2', severity: 'warning', metric: 'gco2e', source: 'wattprint' });
    assert.deepEqual(cleared.labels, fired.labels);
    assert.equal(cleared.startsAt, fired.startsAt, 'the resolution names the same firing');
    assert.equal(cleared.fingerprint, fired.fingerprint);
    assert.equal(cleared.endsAt, new Date((endUs + 120 * S) / 1000).toISOString());
    assert.equal(fired.generatorURL, 'http://grafana.test/d/wattprint-job?var-job=ft-sst2');

    const am = receiver.requests.filter((r) => r.path.startsWith(`/${prefix}/am`));
    // Three collectors: three firing posts and three resolutions, all with one label set and one startsAt.
    assert.deepEqual(am.map((r) => [r.method, r.path]), Array(6).fill(['POST', `/${prefix}/am/api/v2/alerts`]));
    const posts = am.map((r) => (r.body as { labels: Record<string, string>; startsAt: string; endsAt: string }[])[0]!);
    for (const p of posts) {
      assert.deepEqual(p.labels, fired.labels);
      assert.equal(p.startsAt, fired.startsAt);
    }
    const [amFiring, amResolved] = [posts[0]!, posts[5]!];
    assert.ok(Date.parse(amFiring.endsAt) > Date.now(), 'firing: endsAt ahead');
    assert.equal(amResolved.endsAt, cleared.endsAt, 'resolved: endsAt is when it resolved');
    assert.equal(a.stats.notificationsSent + b.stats.notificationsSent + c.stats.notificationsSent, 8);
  } finally {
    for (const s of [storeA, storeB, storeC]) await s.close();
  }
}

describe('two collectors, one store, one receiver', () => {
  test('SQLite (a shared file): exactly one firing and one resolved notification per channel', async () => {
    const file = path.join(dir, 'shared.db');
    await twoCollectorsOneReceiver('sqlite', async () => new SqliteStore(file));
  });

  test('InfluxDB: exactly one firing and one resolved notification per channel', async () => {
    await twoCollectorsOneReceiver('influx', () => InfluxStore.open({ url: influxd.url, database: 'wp_alerts', flushIntervalMs: 5 }));
  });
});

describe('delivery', () => {
  const n = toNotification('firing', {
    rule: { id: 'r', kind: 'rate', metric: 'watts', threshold: 1, forS: 0, severity: 'warning', match: {}, summary: undefined },
    jobId: 'j', episode: 1, value: 2, hosts: [], jobLabels: {}, startsAtUs: 1_767_225_600_000_000, endsAtUs: undefined, generatorUrl: 'http://g',
  });

  test('a webhook answered 503 is retried with backoff until it lands; the idempotency key stays the same', async () => {
    const logs: string[] = [];
    const hook = new WebhookNotifier({ kind: 'webhook', url: `${receiver.url}/retry`, headers: { authorization: 'Bearer t' }, retry: { attempts: 4, initialMs: 5, maxMs: 20 } }, (m) => logs.push(m));
    receiver.failNext(503, 2);
    await hook.send([n]);
    const got = receiver.requests.filter((r) => r.path === '/retry');
    assert.equal(got.length, 3);
    assert.equal(new Set(got.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(got[0]!.headers.authorization, 'Bearer t');
    assert.equal(logs.length, 2);
    assert.match(logs[0]!, /POST http:\/\/127\.0\.0\.1:\d+\/retry answered 503: failing on purpose \(503\) \(attempt 1 of 4\)/);
  });

  test('a 400 is not retried; running out of attempts rejects with the URL and the status', async () => {
    const hook = new WebhookNotifier({ kind: 'webhook', url: `${receiver.url}/bad`, headers: {}, retry: { attempts: 3, initialMs: 5, maxMs: 10 } });
    receiver.failNext(400, 1);
    await assert.rejects(hook.send([n]), /webhook http:\/\/127\.0\.0\.1:\d+\/bad: POST .*\/bad answered 400/);
    assert.equal(receiver.requests.filter((r) => r.path === '/bad').length, 1);
    receiver.failNext(500, 3);
    await assert.rejects(hook.send([n]), /answered 500/);
    assert.equal(receiver.requests.filter((r) => r.path === '/bad').length, 4);
  });

  test('an unreachable store is counted and logged, the evaluator keeps going', async () => {
    const down = await startInfluxd();
    const store = await InfluxStore.open({ url: down.url, database: 'wp_down', flushIntervalMs: 5, requestTimeoutMs: 2000 });
    await down.close();
    const logs: string[] = [];
    const ev = new AlertEvaluator({ store, config: config('down', 1), owner: 'x', log: (m) => logs.push(m) });
    const r = await ev.tick();
    assert.deepEqual(r.events, []);
    assert.equal(ev.stats.evaluationErrors, 1);
    assert.match(logs[0]!, /^alerts: cannot read the store: /);
    await store.close().catch(() => {});
  });
});

test('the collector starts the evaluator from its config and stops it', async () => {
  const { startCollector } = await import('@wattprint/collector/collector.ts');
  const dbPath = path.join(dir, 'collector.db');
  const base = { grpcAddress: '127.0.0.1:0', httpHost: '127.0.0.1', httpPort: 0, dbPath, plaintext: true };
  const logs: string[] = [];
  const c = await startCollector({ ...base, alerts: config('collector', 1) }, (m) => logs.push(m));
  try {
    assert.ok(c.alerts, 'an evaluator runs');
    for (let i = 0; i < 100 && c.alerts.stats.evaluations === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(c.alerts.stats.evaluations >= 1, 'it evaluated at start');
    assert.equal(c.alerts.stats.evaluationErrors, 0, logs.join('\n'));
  } finally {
    await c.stop();
  }
  const without = await startCollector({ ...base, dbPath: path.join(dir, 'plain.db') }, () => {});
  assert.equal(without.alerts, undefined);
  await without.stop();
});
