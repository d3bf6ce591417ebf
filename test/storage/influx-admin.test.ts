// Start-up schema management on a real influxd: database, retention policies
// and continuous queries are created once, left alone on the next start,
// brought in line when the plan changes; the CQ statements run; replays older
// than the retention policy are dropped by InfluxDB and counted, not retried.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { continuousQueries, resultToPoints, type RetentionPlan } from '@wattprint/collector/storage/influx-schema.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { fixtureResults, T0 } from './fixtures.ts';

let influxd: Influxd;
before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.close();
});

async function q(db: string, s: string) {
  const res = await request(influxd.port, 'POST', `/query?db=${db}&epoch=u`, `q=${encodeURIComponent(s)}`);
  const body = JSON.parse(res.body) as { results: { error?: string; series?: { name?: string; columns: string[]; values: unknown[][] }[] }[] };
  assert.equal(body.results[0]?.error, undefined, `${s}: ${res.body}`);
  return body.results[0]?.series ?? [];
}

async function policies(db: string) {
  const [s] = await q(db, `SHOW RETENTION POLICIES ON "${db}"`);
  return s!.values.map(([name, duration, , , isDefault]) => ({ name, duration, isDefault }));
}

async function cqs(db: string) {
  const series = await q(db, 'SHOW CONTINUOUS QUERIES');
  return (series.find((s) => s.name === db)?.values ?? []).map(([name, query]) => ({ name: String(name), query: String(query) }));
}

describe('InfluxDB start-up schema', () => {
  test('retention policies and continuous queries are created idempotently', async () => {
    const db = 'wp_admin';
    const plan: RetentionPlan = { raw: { name: 'wp_raw', duration: '30d' }, hourly: { name: 'wp_1h', duration: 'INF' } };
    const first = await InfluxStore.open({ url: influxd.url, database: db, retention: plan });
    await first.close();
    const rps = await policies(db);
    assert.deepEqual(rps.filter((r) => r.name !== 'autogen'), [
      { name: 'wp_raw', duration: '720h0m0s', isDefault: true },
      { name: 'wp_1h', duration: '0s', isDefault: false },
    ]);
    const created = await cqs(db);
    assert.equal(created.length, continuousQueries(db, plan).length);
    assert.ok(created.every((c) => /RESAMPLE EVERY 1h FOR 2h/.test(c.query) && /wp_1h/.test(c.query)));

    // Start again: nothing changes, nothing fails.
    const second = await InfluxStore.open({ url: influxd.url, database: db, retention: plan });
    await second.close();
    assert.deepEqual(await policies(db), rps);
    assert.deepEqual(await cqs(db), created);

    // A new plan: the raw RP is altered in place, the CQs are replaced.
    const next: RetentionPlan = { raw: { name: 'wp_raw', duration: '14d' }, hourly: { name: 'wp_hourly', duration: '520w' } };
    const third = await InfluxStore.open({ url: influxd.url, database: db, retention: next });
    await third.close();
    const after = await policies(db);
    assert.deepEqual(after.find((r) => r.name === 'wp_raw'), { name: 'wp_raw', duration: '336h0m0s', isDefault: true });
    assert.deepEqual(after.find((r) => r.name === 'wp_hourly'), { name: 'wp_hourly', duration: '87360h0m0s', isDefault: false });
    const replaced = await cqs(db);
    assert.equal(replaced.length, created.length);
    assert.ok(replaced.every((c) => /INTO wp_admin\.wp_hourly\./.test(c.query)), replaced.map((c) => c.query).join('\n'));
  });

  test('the continuous queries downsample correctly (run by hand over the fixture hours)', async () => {
    const db = 'wp_cq';
    const plan: RetentionPlan = { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } };
    const store = await InfluxStore.open({ url: influxd.url, database: db, retention: plan, flushIntervalMs: 5 });
    const results = fixtureResults();
    await store.write(results);
    await store.close();
    // The CQ's own SELECT, bounded to the fixture's hour (what a backfill after an outage runs).
    for (const cq of continuousQueries(db, plan)) {
      const select = /BEGIN (.*) END$/.exec(cq.statement)![1]!.replace(' GROUP BY', ` WHERE time >= ${T0}u AND time < ${T0 + 3600e6}u GROUP BY`);
      await q(db, select);
    }
    const [hourly] = await q(db, `SELECT sum("joules") FROM "wp_1h"."host_energy" WHERE "host" = 'gpu-a'`);
    const [raw] = await q(db, `SELECT sum("joules") FROM "wp_raw"."host_energy" WHERE "host" = 'gpu-a'`);
    assert.ok(Math.abs((hourly!.values[0]![1] as number) - (raw!.values[0]![1] as number)) < 1e-6);
    // Job rollups keep the host and drop the job (a bounded forever policy): the hour's tokens of every job on gpu-a.
    const [tokens] = await q(db, `SELECT "tokens" FROM "wp_1h"."job_interval" WHERE "host" = 'gpu-a'`);
    assert.deepEqual(tokens!.values, [[T0, results.filter((r) => r.host === 'gpu-a').flatMap((r) => r.jobs).reduce((a, j) => a + j.tokens, 0)]]);
    // (SHOW TAG KEYS would mix in the raw policy: InfluxDB's index is per database.)
    for (const m of ['job_interval', 'job_energy', 'job_carbon']) {
      for (const series of (await q(db, `SELECT count(*) FROM "wp_1h".${JSON.stringify(m)} GROUP BY *`)) as { tags?: Record<string, string> }[]) {
        assert.ok(series.tags && !series.tags.job, `${m} rollup series ${JSON.stringify(series.tags)} has no job tag`);
      }
    }
    assert.ok(continuousQueries(db, plan).every((c) => !/GROUP BY [^E]*\*/.test(c.statement)), 'no GROUP BY *');
  });

  test('points older than the retention policy are dropped by InfluxDB and counted, not retried', async () => {
    const store = await InfluxStore.open({ url: influxd.url, database: 'wp_old', retention: { raw: { name: 'wp_raw', duration: '1h' }, hourly: { name: 'wp_1h', duration: 'INF' } }, flushIntervalMs: 5 });
    try {
      const old = fixtureResults()[0]!; // 2026-01-01: far older than 1 h
      const nowUs = Math.floor(Date.now() / 1e3) * 1e3 * 1000;
      const fresh = { ...fixtureResults()[2]!, startUs: nowUs - 20_000_000, endUs: nowUs - 10_000_000 };
      await store.write([old, fresh]);
      assert.equal(store.stats().droppedBeyondRetention, resultToPoints(old).length);
      assert.equal(store.stats().retries, 0);
      const [s] = await q('wp_old', 'SELECT count("joules") FROM "wp_raw"."host_energy"');
      assert.equal(s!.values[0]![1], fresh.measured.length);
    } finally {
      await store.close();
    }
  });
});
