// Points per second the InfluxDB sink (node-influx, batching, schema checks)
// writes to a local influxd, against the same points written as raw line
// protocol over node:http with no client library, same batch size, one request
// in flight, in the same run. Prints JSON lines; the last one has the ratio.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/influx.bench.ts [--hosts=20] [--intervals=300] [--batch=5000]
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { resultToPoints } from '@wattprint/collector/storage/influx-schema.ts';
import { request, startInfluxd } from '../helpers/influxd.ts';
import { fixtureReports, STEP, T0 } from '../storage/fixtures.ts';
import { line, post } from './lib/line-protocol.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const HOSTS = arg('hosts', 20);
const INTERVALS = arg('intervals', 300);
const BATCH = arg('batch', 5000);

/** The fixture's reports, replayed for HOSTS hosts over INTERVALS intervals each. */
function results(): AttributionResult[] {
  const base = fixtureReports();
  const out: AttributionResult[] = [];
  for (let h = 0; h < HOSTS; h++) {
    for (let i = 0; i < INTERVALS; i++) {
      const r = base[(h + i) % base.length]!;
      out.push(attribute({ ...r, host: `node-${String(h).padStart(3, '0')}`, seq: i + 1, startUs: T0 + i * STEP, endUs: T0 + (i + 1) * STEP }));
    }
  }
  return out;
}

async function count(port: number, db: string): Promise<number> {
  const res = await request(port, 'POST', `/query?db=${db}`, `q=${encodeURIComponent('SELECT count("joules") FROM "wp_raw"."host_energy"')}`);
  return (JSON.parse(res.body) as { results: { series?: { values: [string, number][] }[] }[] }).results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

const influxd = await startInfluxd();
try {
  const rs = results();
  const retention = { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } };
  // Both databases get the same RPs and CQs (created by the sink), so only the write path differs.
  const sink = await InfluxStore.open({ url: influxd.url, database: 'wp_bench_sink', retention, batchPoints: BATCH, flushIntervalMs: 50 });
  await (await InfluxStore.open({ url: influxd.url, database: 'wp_bench_raw', retention })).close();

  // Sink: what the ingest server does, writes of up to 256 reports, many in flight (backpressure applies).
  const points = rs.reduce((n, r) => n + resultToPoints(r).length, 0);
  let t = process.hrtime.bigint();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < rs.length; i += 256) writes.push(sink.write(rs.slice(i, i + 256)));
  await Promise.all(writes);
  const sinkS = Number(process.hrtime.bigint() - t) / 1e9;
  await sink.close();

  // Raw: the same points, serialised here, BATCH lines per POST, one at a time.
  t = process.hrtime.bigint();
  const all = rs.flatMap(resultToPoints);
  for (let i = 0; i < all.length; i += BATCH) {
    const status = await post(influxd.port, '/write?db=wp_bench_raw&rp=wp_raw&precision=u', all.slice(i, i + BATCH).map(line).join('\n'));
    if (status !== 204) throw new Error(`raw write answered ${status}`);
  }
  const rawS = Number(process.hrtime.bigint() - t) / 1e9;

  const [a, b] = [await count(influxd.port, 'wp_bench_sink'), await count(influxd.port, 'wp_bench_raw')];
  if (a !== b || a === 0) throw new Error(`the two databases differ: ${a} vs ${b} host_energy points`);
  const sinkPps = points / sinkS;
  const rawPps = points / rawS;
  console.log(JSON.stringify({ bench: 'influx_sink', points, batch: BATCH, seconds: +sinkS.toFixed(3), pointsPerSecond: Math.round(sinkPps) }));
  console.log(JSON.stringify({ bench: 'influx_raw_line_protocol', points, batch: BATCH, seconds: +rawS.toFixed(3), pointsPerSecond: Math.round(rawPps) }));
  console.log(JSON.stringify({ bench: 'influx_sink_vs_raw', ratio: +(sinkPps / rawPps).toFixed(3), influxd: '1.6', hosts: HOSTS, intervals: INTERVALS }));
} finally {
  await influxd.close();
}
