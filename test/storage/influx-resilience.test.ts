// The InfluxDB sink under a struggling or absent server: write() resolves
// only after InfluxDB accepted the points, retries 5xx and network failures,
// waits for room when too much is pending, gives up with a clear error, and
// loses nothing once the server is back. Batches form by size and by time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InfluxStore, type InfluxConfig } from '@wattprint/collector/storage/influx.ts';
import { resultToPoints } from '@wattprint/collector/storage/influx-schema.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { assertClose, fixtureResults } from './fixtures.ts';
import { startProxy, track, until, type Proxy } from './proxy.ts';

const results = fixtureResults();
const KEEP_ALL = { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } };
const FAST_RETRY = { initialMs: 20, maxMs: 100, giveUpMs: 60_000 };

let influxd: Influxd;
let dbs = 0;

before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.close();
});

function config(url: string, extra: Partial<InfluxConfig> = {}): InfluxConfig {
  return { url, database: `wp_res_${++dbs}`, retention: KEEP_ALL, flushIntervalMs: 5, retry: FAST_RETRY, ...extra };
}

async function countPoints(port: number, database: string, measurement: string): Promise<number> {
  const res = await request(port, 'POST', `/query?db=${database}`, `q=${encodeURIComponent(`SELECT count("joules") FROM "wp_raw"."${measurement}"`)}`);
  const body = JSON.parse(res.body) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

const hostEnergyPoints = (rs = results) => rs.reduce((a, r) => a + r.measured.length, 0);

describe('InfluxDB sink resilience', () => {
  test('an outage: write() waits while influxd is down and loses nothing once it is back', async () => {
    const cfg = config(influxd.url);
    const store = await InfluxStore.open(cfg);
    try {
      await store.write(results.slice(0, 6));
      await influxd.stop();
      const pending = track(store.write(results.slice(6)));
      await until(() => store.stats().retries >= 3, 'three failed attempts');
      assert.equal(pending.settled(), false, 'write() must not resolve while InfluxDB is down');
      assert.match(store.stats().lastError ?? '', /ECONNREFUSED/);
      await influxd.start();
      await pending.promise;
      assert.equal(await countPoints(influxd.port, cfg.database, 'host_energy'), hostEnergyPoints());
      // The stored answers equal SQLite's for the same results: nothing lost, nothing doubled.
      const sqlite = new SqliteStore(':memory:');
      await sqlite.write(results);
      assertClose(await store.listJobs({}), await sqlite.listJobs({}));
      await sqlite.close();
    } finally {
      await store.close();
    }
  });

  test('a server that stays down: write() rejects after the retry budget, naming the cause', async () => {
    const cfg = config(influxd.url, { retry: { initialMs: 20, maxMs: 50, giveUpMs: 300 } });
    const store = await InfluxStore.open(cfg);
    await influxd.stop();
    try {
      await assert.rejects(store.write(results.slice(0, 1)), (err: Error) => {
        assert.match(err.message, /gave up after \d+ attempts/);
        assert.match(err.message, /ECONNREFUSED/);
        assert.match(err.message, new RegExp(`db=${cfg.database}`));
        return true;
      });
      assert.equal(store.stats().failedBatches, 1);
      assert.equal(store.stats().pending, 0, 'a rejected write leaves nothing queued');
      await assert.rejects(InfluxStore.open(config(influxd.url)), /no answer from .*\/ping/);
    } finally {
      await influxd.start();
      await store.close();
    }
  });

  describe('behind a misbehaving proxy', () => {
    let proxy: Proxy;
    before(async () => {
      proxy = await startProxy(influxd.port);
    });
    after(async () => {
      await proxy?.close();
    });

    test('5xx answers are retried with backoff until InfluxDB accepts', async () => {
      const cfg = config(proxy.url);
      const store = await InfluxStore.open(cfg);
      try {
        proxy.writes.length = 0;
        proxy.mode = 'fail503';
        const w = track(store.write(results.slice(0, 2)));
        await until(() => proxy.writes.length >= 3, 'three 503 answers');
        assert.equal(w.settled(), false);
        proxy.mode = 'pass';
        await w.promise;
        assert.ok(store.stats().retries >= 2);
        assert.equal(await countPoints(influxd.port, cfg.database, 'host_energy'), hostEnergyPoints(results.slice(0, 2)));
      } finally {
        proxy.mode = 'pass';
        await store.close();
      }
    });

    test('a hung server: requests time out, are retried, and the write completes when it answers again', async () => {
      const cfg = config(proxy.url, { requestTimeoutMs: 100 });
      const store = await InfluxStore.open(cfg);
      try {
        proxy.writes.length = 0;
        proxy.mode = 'hang';
        const w = track(store.write(results.slice(0, 1)));
        await until(() => proxy.writes.length >= 2, 'a timed-out request and its retry');
        assert.equal(w.settled(), false);
        assert.match(store.stats().lastError ?? '', /timed out/);
        proxy.mode = 'pass';
        await w.promise;
        assert.equal(await countPoints(influxd.port, cfg.database, 'host_energy'), results[0]!.measured.length);
      } finally {
        proxy.mode = 'pass';
        await store.close();
      }
    });

    test('write() resolves only after InfluxDB answered, and a slow server applies backpressure', async () => {
      const a = resultToPoints(results[0]!).length;
      const b = resultToPoints(results[1]!).length;
      const cfg = config(proxy.url, { maxPendingPoints: a + b - 1, batchPoints: 10_000 });
      const store = await InfluxStore.open(cfg);
      try {
        proxy.writes.length = 0;
        proxy.mode = 'hold';
        const first = track(store.write([results[0]!]));
        await until(() => proxy.held === 1, 'the first batch to reach the server');
        const second = track(store.write([results[1]!]));
        await until(() => store.stats().waits === 1, 'the second write to wait for room');
        assert.equal(first.settled(), false, 'held by the server: not stored yet');
        assert.equal(second.settled(), false);
        assert.equal(store.stats().pending, a, 'the second write is not queued while there is no room');
        proxy.mode = 'pass';
        proxy.release();
        await Promise.all([first.promise, second.promise]);
        assert.deepEqual(proxy.writes, [a, b]);
      } finally {
        proxy.mode = 'pass';
        await store.close();
      }
    });

    test('batches by size, and by time across concurrent writes', async () => {
      const bySize = await InfluxStore.open(config(proxy.url, { batchPoints: 10, flushIntervalMs: 20 }));
      const points = results.slice(0, 4).reduce((n, r) => n + resultToPoints(r).length, 0);
      try {
        proxy.writes.length = 0;
        await bySize.write(results.slice(0, 4));
        assert.equal(proxy.writes.length, Math.ceil(points / 10));
        assert.ok(proxy.writes.slice(0, -1).every((n) => n === 10));
        assert.equal(proxy.writes.reduce((x, y) => x + y, 0), points);
      } finally {
        await bySize.close();
      }
      const byTime = await InfluxStore.open(config(proxy.url, { batchPoints: 10_000, flushIntervalMs: 50 }));
      try {
        proxy.writes.length = 0;
        await Promise.all(results.slice(0, 4).map((r) => byTime.write([r])));
        assert.deepEqual(proxy.writes, [points], 'four writes in one request');
      } finally {
        await byTime.close();
      }
    });
  });

  test('InfluxDB with auth: works with credentials, fails clearly without', async () => {
    const admin = { username: 'wattprint', password: "s3cret'pw" };
    const secured = await startInfluxd({ admin });
    try {
      const store = await InfluxStore.open({ ...config(secured.url), ...admin });
      await store.write(results.slice(0, 2));
      assert.equal((await store.jobTotals('ft-sst2'))?.hosts[0], 'gpu-a');
      await store.close();

      await assert.rejects(InfluxStore.open(config(secured.url)), (err: Error) => {
        assert.match(err.message, /401/);
        assert.match(err.message, /username\/password/);
        return true;
      });
      await assert.rejects(InfluxStore.open({ ...config(secured.url), username: 'wattprint', password: 'wrong' }), /401.*authorization failed/);
      // Writes without credentials fail at once (no retries: a 401 will not heal by itself).
      const anon = await InfluxStore.open({ ...config(secured.url), database: 'wp_res_1', manageSchema: false, retention: KEEP_ALL });
      await assert.rejects(anon.write(results.slice(0, 1)), /401/);
      assert.equal(anon.stats().retries, 0);
      await anon.close();
      await assert.rejects(InfluxStore.open({ ...config(secured.url), username: 'x' }), /both username and password/);
    } finally {
      await secured.close();
    }
  });
});
