// A tag-limit refusal through the shipped commands: influxd allows 3 job
// values and already holds 3 (InfluxDB checks the limit before a batch, so a
// batch that starts under it goes through whole); the agent's host runs 7 jobs. The collector acknowledges anyway
// (the host's energy keeps flowing, exactly), counts the refused points on
// /metrics, logs them, and `wattprint dead-letters` lists them and, after the
// limit is raised, replays them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchHost } from '../bench/lib/host.ts';
import { request, startInfluxd, type Influxd, type InfluxdOptions } from '../helpers/influxd.ts';
import { eventually, sleep, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const HOST = 'dl-host';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-dead-letters-'));
const procs: Proc[] = [];
let influxd: Influxd | undefined;
let host: BenchHost | undefined;
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await influxd?.close();
  host?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `wattprint dead-letters ARGS` to its end. */
async function deadLetters(args: string[], api: string): Promise<{ code: number | null; out: string }> {
  const p = wattprint(['dead-letters', '--api', api, ...args]);
  const code = await new Promise<number | null>((resolve) => p.child.once('exit', (c) => resolve(c)));
  await sleep(50);
  return { code, out: p.output.join('\n') };
}

test('a tag limit: reports acknowledged, energy exact, refused points counted on /metrics, listed and replayed by `wattprint dead-letters`', async () => {
  const opts: InfluxdOptions = { data: ['max-values-per-tag = 3'] };
  influxd = await startInfluxd(opts);
  const collector = wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--influx', `${influxd.url}/wattprint`, '--influx-flush-ms', '20'], { WATTPRINT_STATE_DIR: dir });
  procs.push(collector);
  const m = await waitForLine(collector, /^\{"event":"listening".*\}$/, 30_000);
  const { grpcPort, httpPort } = JSON.parse(m[0]) as { grpcPort: number; httpPort: number };
  const api = `http://127.0.0.1:${httpPort}`;
  await eventually(async () => (await fetch(`${api}/readyz`)).status === 200, 20_000, 'ready');
  // Three earlier jobs fill every job measurement's allowance.
  const earlier = ['job_energy', 'job_interval', 'job_meta', 'job_carbon'].flatMap((m) => [1, 2, 3].map((k) => `${m},host=old,job=earlier-${k} end_us=1i ${Date.now() - 60_000}000000`)).join('\n');
  assert.equal((await request(influxd.port, 'POST', '/write?db=wattprint&rp=wp_raw', earlier)).status, 204);

  host = new BenchHost({ processes: 60 }); // 7 jobs
  const cfg = path.join(dir, 'agent.json');
  fs.writeFileSync(cfg, JSON.stringify({ host: HOST, collectors: [`127.0.0.1:${grpcPort}`], plaintext: true, intervalMs: 300, sysfsRoot: host.rapl.root, procfsRoot: host.proc.root, spoolDir: path.join(dir, 'spool'), socketPath: '', nvmlLibPath: host.nvmlLib, nvidiaSmiPath: '/nonexistent/nvidia-smi' }));
  const agent = wattprint(['agent', '--config', cfg], { FAKE_NVML_SCENARIO: host.scenarioFile });
  procs.push(agent);
  await waitForLine(agent, /source nvml: found/, 30_000);

  const q = async (s: string) => {
    const res = await request(influxd!.port, 'POST', '/query?db=wattprint', `q=${encodeURIComponent(s)}`);
    return (JSON.parse(res.body) as { results: { series?: { tags?: Record<string, string>; values: unknown[][] }[] }[] }).results[0]?.series ?? [];
  };
  const storedUj = async () => new Map((await q(`SELECT sum("joules") FROM "host_energy" WHERE "host" = '${HOST}' AND "source" = 'rapl' GROUP BY "device"`)).map((s) => [s.tags!.device!, Math.round(Number(s.values[0]![1]) * 1e6)]));
  await eventually(async () => (await storedUj()).size > 0, 30_000, 'first report');
  const before = new Map(['intel-rapl:0', 'intel-rapl:1'].map((z) => [z, host!.rapl.get(z)]));
  const before0 = await storedUj();
  for (let i = 0; i < 8; i++) {
    host.step(0.3);
    await sleep(300);
  }
  // The host's energy keeps flowing past the refusals, exactly.
  const want = new Map([['package-0', Number(host.rapl.get('intel-rapl:0') - before.get('intel-rapl:0')!) + before0.get('package-0')!], ['package-1', Number(host.rapl.get('intel-rapl:1') - before.get('intel-rapl:1')!) + before0.get('package-1')!]]);
  await eventually(async () => {
    const got = await storedUj();
    return [...want].every(([d, uj]) => got.get(d) === uj);
  }, 30_000, 'host energy stored exactly despite the refusals');
  const jobs = (await q('SHOW TAG VALUES FROM "job_interval" WITH KEY = "job"')).flatMap((s) => s.values.map((v) => v[1]));
  assert.deepEqual(jobs.sort(), ['earlier-1', 'earlier-2', 'earlier-3'], 'no job of this host got in');

  // Acknowledged: the agent's spool drains, the collector never closed the stream for storage.
  assert.doesNotMatch(collector.output.join('\n'), /storage unavailable/);
  assert.match(collector.output.join('\n'), /InfluxDB refused \d+ of \d+ points for good \(partial write: max-values-per-tag limit exceeded/);
  // The agent stops (its last reports acknowledged), so the counts stand still.
  assert.equal(await agent.stop(), 0);
  await sleep(500);
  // Counted on /metrics.
  const metrics = await (await fetch(`${api}/metrics`)).text();
  const counted = Number(/^wattprint_storage_dead_letters(?:_total)?(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1]);
  assert.ok(counted > 0, `dead letters on /metrics:\n${metrics.split('\n').filter((l) => /dead/.test(l)).join('\n')}`);
  // Listed by the command, with the reason and the refused job.
  const listed = await deadLetters(['--json', '--limit', '10000'], api);
  assert.equal(listed.code, 0, listed.out);
  const body = JSON.parse(listed.out) as { keptSinceStart: number; letters: { measurement: string; reason: string; point: string; replayed: boolean }[] };
  assert.equal(body.keptSinceStart, counted);
  assert.equal(body.letters.length, counted);
  assert.ok(body.letters.every((l) => /max-values-per-tag/.test(l.reason) && /^job_/.test(l.measurement) && !l.replayed));
  assert.ok(body.letters.every((l) => !jobs.includes((JSON.parse(l.point) as { tags: { job: string } }).tags.job)), 'only jobs InfluxDB refused are dead letters');

  // Raise the limit, replay through the command: everything lands.
  const total = (await deadLetters(['--json', '--limit', '10000'], api)).out;
  const count = (JSON.parse(total) as { letters: unknown[] }).letters.length;
  opts.data = ['max-values-per-tag = 0'];
  await influxd.stop();
  await influxd.start();
  await eventually(async () => (await fetch(`${api}/readyz`)).status === 200, 20_000, 'ready');
  const replay = await deadLetters(['--replay', '--limit', '10000'], api);
  assert.equal(replay.code, 0, replay.out);
  assert.equal(replay.out.trim(), `replayed ${count}, still refused 0`);
  assert.equal((await deadLetters([], api)).out.trim(), 'no dead letters');
  const after = (await q('SHOW TAG VALUES FROM "job_interval" WITH KEY = "job"')).flatMap((s) => s.values.map((v) => v[1]));
  assert.equal(after.length, 10, `every job stored after the replay: ${after}`);
});
