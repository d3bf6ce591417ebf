// End-to-end latency of one reading: from a RAPL counter moving in sysfs to
// a row InfluxDB answers an InfluxQL query with, through the real agent (CLI,
// 10 Hz), a real collector storing in InfluxDB and a real influxd. Baseline,
// interleaved in the same run: one point written with a raw HTTP /write, then
// polled with /query until it is seen (InfluxDB's own floor).
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/e2e.bench.ts [--markers=30] [--interval-ms=100]
// Each marker advances package-0 by a distinct amount of energy (nothing else
// moves), so the one host_energy row that holds it is unambiguous. Markers
// land at spread phases of the agent's interval, so the median is over the
// whole interval, not one lucky phase.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcFixture } from '../fixtures/procfs.ts';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { request, startInfluxd } from '../helpers/influxd.ts';
import { sleep, waitForLine, wattprint, type Proc } from '../helpers/processes.ts';
import { memoryDir } from './lib/host.ts';
import { median, percentile, sig } from './lib/stats.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const MARKERS = arg('markers', 30);
const INTERVAL_MS = arg('interval-ms', 100);
if (!Number.isInteger(MARKERS) || MARKERS < 1) throw new Error(`--markers must be a positive integer, got ${MARKERS}`);
if (!(INTERVAL_MS >= 100)) throw new Error(`--interval-ms must be at least 100 (the agent's floor), got ${INTERVAL_MS}`);
const MARKER_TIMEOUT_MS = 15_000;
const DB = 'wp_e2e';
const RAW_DB = 'wp_e2e_raw';
const HOST = 'e2e-host';
const progress = (m: string) => console.error(`e2e.bench: ${m}`);

/** Rows of the first series of an InfluxQL answer; throws on an error in it. */
function rows(body: string): unknown[][] {
  const j = JSON.parse(body) as { error?: string; results?: { error?: string; series?: { values: unknown[][] }[] }[] };
  const err = j.error ?? j.results?.[0]?.error;
  if (err) throw new Error(`InfluxQL error: ${err}`);
  return j.results?.[0]?.series?.[0]?.values ?? [];
}

/** Polls an InfluxQL query until `seen` holds for its rows; ms from `t0` (performance.now()). */
async function pollUntil(port: number, db: string, q: string, seen: (values: unknown[][]) => boolean, t0: number, what: string): Promise<number> {
  const body = `q=${encodeURIComponent(q)}`;
  for (;;) {
    const res = await request(port, 'POST', `/query?db=${db}&epoch=u`, body);
    if (res.status !== 200) throw new Error(`${what}: /query answered ${res.status}: ${res.body}`);
    if (seen(rows(res.body))) return performance.now() - t0;
    if (performance.now() - t0 > MARKER_TIMEOUT_MS) throw new Error(`${what}: not visible within ${MARKER_TIMEOUT_MS} ms; last answer: ${res.body.slice(0, 500)}`);
    await sleep(2);
  }
}

/** The shipped command, as the systemd unit starts it (plaintext on loopback). */
function startInfluxCollector(influxUrl: string, stateDir: string): Proc {
  return wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--influx', `${influxUrl}/${DB}`], { WATTPRINT_STATE_DIR: stateDir });
}

const dir = fs.mkdtempSync(path.join(memoryDir(), 'wp-bench-e2e-'));
const spoolParent = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-bench-e2e-spool-'));
fs.mkdirSync(path.join(dir, 'proc'));
const proc = new ProcFixture(path.join(dir, 'proc'));
for (let i = 0; i < 20; i++) proc.put({ pid: 100 + i, comm: `daemon-${i}`, ppid: 1, utime: 10, stime: 5, starttime: 50 + i });
const rapl = RaplFixture.server(path.join(dir, 'sys'));
const influxd = await startInfluxd();
let collector: Proc | undefined;
let agent: Proc | undefined;
try {
  progress(`influxd on ${influxd.url}; starting the collector and a ${1000 / INTERVAL_MS} Hz agent`);
  collector = startInfluxCollector(influxd.url, dir);
  const listening = JSON.parse((await waitForLine(collector, /^\{"event":"listening".*\}$/))[0]) as { grpcPort: number };
  const config = path.join(dir, 'agent.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      host: HOST,
      collectors: [`127.0.0.1:${listening.grpcPort}`],
      plaintext: true,
      intervalMs: INTERVAL_MS,
      sysfsRoot: rapl.root,
      procfsRoot: proc.root,
      spoolDir: path.join(spoolParent, 'spool'), // on disk, fsync and all, as deployed
      socketPath: '',
      nvmlLibPath: '/nonexistent/libnvidia-ml.so.1',
      nvidiaSmiPath: '/nonexistent/nvidia-smi',
    }),
  );
  agent = wattprint(['agent', '--config', config]);
  await waitForLine(agent, /"component":"agent".*"msg":"host \S+, sending to /);
  const create = await request(influxd.port, 'POST', '/query', `q=${encodeURIComponent(`CREATE DATABASE ${RAW_DB}`)}`);
  if (create.status !== 200) throw new Error(`CREATE DATABASE ${RAW_DB}: ${create.status} ${create.body}`);

  // Wait for the pipeline to carry rows at all before timing anything.
  const anyRow = `SELECT "joules" FROM "host_energy" WHERE "host" = '${HOST}' AND "device" = 'package-0' ORDER BY time DESC LIMIT 1`;
  await pollUntil(influxd.port, DB, anyRow, (v) => v.length > 0, performance.now(), 'the first host_energy row');

  const e2e: number[] = [];
  const raw: number[] = [];
  for (let k = 1; k <= MARKERS; k++) {
    // Baseline: one point, raw /write, then /query until it is there.
    const tag = `m${k}`;
    let t0 = performance.now();
    const w = await request(influxd.port, 'POST', `/write?db=${RAW_DB}&precision=u`, `marker,tag=${tag} joules=${k} ${Date.now() * 1000}`);
    if (w.status !== 204) throw new Error(`raw /write answered ${w.status}: ${w.body}`);
    raw.push(await pollUntil(influxd.port, RAW_DB, `SELECT "joules" FROM "marker" WHERE "tag" = '${tag}'`, (v) => v.length > 0, t0, `raw marker ${k}`));

    // Wattprint: spread the markers over the phases of the agent's interval.
    await sleep(INTERVAL_MS * 2 + ((k * 37) % INTERVAL_MS));
    // 20 J and k mJ: distinct, and plausible power even over a short interval (the collector refuses > 2 kW).
    const joules = 20 + k / 1000;
    rapl.advance('intel-rapl:0', 20_000_000n + BigInt(k) * 1000n);
    t0 = performance.now();
    const q = `SELECT "joules" FROM "host_energy" WHERE "host" = '${HOST}' AND "device" = 'package-0' AND "joules" > 19 AND time > now() - 5m`;
    e2e.push(await pollUntil(influxd.port, DB, q, (v) => v.some((r) => Math.abs(Number(r[1]) - joules) < 1e-6), t0, `marker ${k} (${joules} J)`));
    if (k % 10 === 0) progress(`${k}/${MARKERS} markers`);
  }
  console.log(
    JSON.stringify({
      name: 'e2e_sysfs_to_influxql',
      markers: MARKERS,
      agentIntervalMs: INTERVAL_MS,
      medianMs: sig(median(e2e)),
      p99Ms: sig(percentile(e2e, 99)),
      baselineName: 'raw HTTP /write of one point, then /query until seen',
      baselineMedianMs: sig(median(raw)),
      baselineP99Ms: sig(percentile(raw, 99)),
      ratio: sig(median(e2e) / median(raw)),
    }),
  );
} finally {
  await agent?.stop();
  await collector?.stop();
  await influxd.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(spoolParent, { recursive: true, force: true });
}
