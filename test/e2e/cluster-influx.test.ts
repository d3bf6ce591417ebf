// The cluster as deployed: two `wattprint collector` processes started with
// the options of deploy/config/collector.env (paths and ports rewritten, TLS
// from deploy/certs/make-certs.sh, the InfluxDB password from a file), one
// real influxd with auth, one agent (RAPL fixture, fake NVML with 8 GPUs) that
// fails over between them while jobs are registered through the other.
// Stored energy equals the fixture's deltas exactly; API registrations reach
// attribution whichever collector holds the stream; both collectors answer
// the same; every Grafana panel query returns data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchHost, fullStatLine } from '../bench/lib/host.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { eventually, REPO, sleep, wattprint, waitForLine, type Proc, freePort } from '../helpers/processes.ts';
import { ShellyFake } from '../fakes/meters/plugs.ts';
import { emptyPanels, loadDashboards, type Series } from '../grafana/panels.ts';

const HOST = 'e2e-gpu';
const DB = 'wattprint';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-cluster-'));
const procs: Proc[] = [];
let influxd: Influxd | undefined;
let host: BenchHost | undefined;
let plug: ShellyFake | undefined;
after(async () => {
  await plug?.close();
  for (const p of procs) await p.stop('SIGKILL');
  await influxd?.close();
  host?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** WATTPRINT_COLLECTOR_OPTS from an env file, split as systemd splits $VAR (on whitespace). */
export function collectorEnvOptions(file: string): string[] {
  const m = fs.readFileSync(file, 'utf8').match(/^WATTPRINT_COLLECTOR_OPTS="([^"]*)"$/m);
  if (!m) throw new Error(`${file}: no WATTPRINT_COLLECTOR_OPTS="..." line`);
  return m[1]!.trim().split(/\s+/);
}

/** Replaces option values by flag; every flag of `opts` must be known, so a new option in the env file fails here until the test handles it. */
function rewrite(opts: string[], values: Record<string, (v: string) => string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < opts.length; i++) {
    const flag = opts[i]!;
    assert.ok(flag in values, `collector.env option ${flag} is not handled by this test`);
    out.push(flag, values[flag]!(opts[++i]!));
  }
  return out;
}

async function api(httpPort: number, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${p}`, { method, headers: { 'content-type': 'application/json', connection: 'close' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

test('two collectors from collector.env on one InfluxDB: failover, registrations through either, exact energy, same answers, every Grafana panel has data', async () => {
  const password = 'e2e-secret';
  influxd = await startInfluxd({ admin: { username: 'wattprint', password } });
  const passwordFile = path.join(dir, 'influx-password');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const tls = path.join(dir, 'tls');
  execFileSync('sh', [path.join(REPO, 'deploy/certs/make-certs.sh'), tls, 'localhost', HOST], { stdio: 'pipe' });
  fs.copyFileSync(path.join(tls, `agent-${HOST}.pem`), path.join(tls, 'agent.pem'));
  fs.copyFileSync(path.join(tls, `agent-${HOST}.key`), path.join(tls, 'agent.key'));

  const shipped = collectorEnvOptions(path.join(REPO, 'deploy/config/collector.env'));
  const grpcPorts = [await freePort(), await freePort()];
  const collectorArgs = (k: number) =>
    rewrite(shipped, {
      '--grpc': (v) => (assert.equal(v, '0.0.0.0:7419'), `127.0.0.1:${grpcPorts[k]}`),
      '--http-host': (v) => v,
      '--http-port': () => '0',
      '--influx': (v) => {
        const u = new URL(v);
        assert.equal(u.username, 'wattprint');
        assert.equal(u.pathname, `/${DB}`);
        return `http://wattprint@127.0.0.1:${influxd!.port}/${DB}`;
      },
      '--influx-password-file': (v) => (assert.equal(v, '/run/credentials/wattprint-collector.service/influx-password'), passwordFile),
      '--influx-retention': (v) => v,
      '--influx-rollup-retention': (v) => v,
      '--tls-ca': (v) => path.join(tls, path.basename(v)),
      '--tls-cert': (v) => path.join(tls, path.basename(v)),
      '--tls-key': (v) => path.join(tls, path.basename(v)),
    });
  const startOne = async (k: number) => {
    const p = wattprint(['collector', ...collectorArgs(k)], { WATTPRINT_STATE_DIR: path.join(dir, `state-${k}`) });
    procs.push(p);
    const m = await waitForLine(p, /^\{"event":"listening".*\}$/, 30_000);
    return { proc: p, http: (JSON.parse(m[0]) as { httpPort: number }).httpPort };
  };
  let a = await startOne(0);
  const b = await startOne(1);
  for (const c of [a, b]) assert.equal((await api(c.http, 'GET', '/readyz')).status, 200);

  // The GPU node: RAPL, 8 fake NVML GPUs, 5 training jobs and daemons outside any job.
  host = new BenchHost({ processes: 60 });
  // Two processes outside any job, for registrations through the API. Their
  // stat files change in place: the scanner keeps them open between scans.
  const loose = [5000, 5001].map((pid) => ({ pid, comm: 'etl', ppid: 1, utime: 0, stime: 0, starttime: 9000, cmdline: ['etl'], cgroup: '/user.slice/user-1000.slice/session-1.scope' }));
  const writeLoose = () => {
    for (const p of loose) fs.writeFileSync(path.join(host!.proc.root, String(p.pid), 'stat'), fullStatLine(p));
  };
  for (const p of loose) host.proc.put(p);
  writeLoose();
  const daemons = loose.map((p) => p.pid);
  // A wall meter (Shelly Gen2 smart plug API) for the wall panels.
  plug = await ShellyFake.start(2);
  plug.run(3000, 1);
  const agentConfig = path.join(dir, 'agent.json');
  fs.writeFileSync(
    agentConfig,
    JSON.stringify({
      host: HOST,
      collectors: grpcPorts.map((p) => `127.0.0.1:${p}`),
      tls: { ca: path.join(tls, 'ca.pem'), cert: path.join(tls, 'agent.pem'), key: path.join(tls, 'agent.key'), serverName: 'localhost' },
      intervalMs: 500,
      sysfsRoot: host.rapl.root,
      procfsRoot: host.proc.root,
      spoolDir: path.join(dir, 'spool'),
      socketPath: '',
      nvmlLibPath: host.nvmlLib,
      nvidiaSmiPath: '/nonexistent/nvidia-smi',
      zone: 'DE',
      meters: [{ kind: 'shelly', name: 'wall', url: plug.url, gen: 2 }],
    }),
  );
  const agent = wattprint(['agent', '--config', agentConfig], { FAKE_NVML_SCENARIO: host.scenarioFile });
  procs.push(agent);
  await waitForLine(agent, /source nvml: found/, 30_000);

  const influxQuery = async (q: string): Promise<Series[]> => {
    const res = await request(influxd!.port, 'POST', `/query?db=${DB}&epoch=ms`, `q=${encodeURIComponent(q)}`, { authorization: `Basic ${Buffer.from(`wattprint:${password}`).toString('base64')}` });
    assert.equal(res.status, 200, `${q}: ${res.body}`);
    const body = JSON.parse(res.body) as { results: { error?: string; series?: Series[] }[] };
    assert.equal(body.results[0]?.error, undefined, `${q}: ${res.body}`);
    return body.results[0]?.series ?? [];
  };
  const storedUj = async (): Promise<Map<string, number>> => {
    const rows = await influxQuery(`SELECT sum("joules") FROM "host_energy" WHERE "host" = '${HOST}' AND "source" = 'rapl' GROUP BY "device"`);
    return new Map(rows.map((s) => [s.tags!.device!, Math.round(Number(s.values[0]![1]) * 1e6)]));
  };
  // The agent's first report sets its counter baselines: the fixture moves only after one is stored.
  await eventually(async () => (await storedUj()).size > 0, 30_000, 'first report in InfluxDB');
  const zones: Record<string, string> = { 'intel-rapl:0': 'package-0', 'intel-rapl:0:0': 'package-0/core', 'intel-rapl:0:1': 'package-0/dram', 'intel-rapl:1': 'package-1', 'intel-rapl:1:0': 'package-1/dram' };
  const before = new Map(Object.keys(zones).map((z) => [z, host!.rapl.get(z)]));
  const before0 = await storedUj();

  // Registration through B while the agent streams to A (the first of its list).
  assert.equal((await api(b.http, 'POST', '/v1/jobs', { jobId: 'api-via-b', labels: { team: 'nlp', via: 'b' } })).status, 201);
  assert.equal((await api(b.http, 'POST', '/v1/jobs/api-via-b/processes', { host: HOST, pid: daemons[0] })).status, 201);
  const step = async (n: number) => {
    for (let i = 0; i < n; i++) {
      host!.step(0.5);
      for (const p of loose) p.utime += 20;
      plug!.run(3000, 0.5);
      writeLoose();
      await sleep(500);
    }
  };
  await step(6);
  // A dies; the agent fails over to B and replays what A never acknowledged.
  await a.proc.stop('SIGKILL');
  await step(4);
  // A comes back (same port); a registration through A while the stream is on B.
  a = await startOne(0);
  assert.equal((await api(a.http, 'POST', '/v1/jobs', { jobId: 'api-via-a', labels: { team: 'vision', via: 'a' } })).status, 201);
  assert.equal((await api(a.http, 'POST', '/v1/jobs/api-via-a/processes', { host: HOST, pid: daemons[1] })).status, 201);
  await step(6);
  assert.match(agent.output.join('\n') + b.proc.output.join('\n'), /./);

  // Stored energy equals the fixture's deltas exactly, per device.
  const want = new Map(Object.entries(zones).map(([z, d]) => [d, Number(host!.rapl.get(z) - before.get(z)!) + (before0.get(d) ?? 0)]));
  await eventually(async () => {
    const got = await storedUj();
    return [...want].every(([d, uj]) => got.get(d) === uj);
  }, 40_000, 'stored joules to reach the fixture deltas').catch(async (err) => {
    throw new Error(`${(err as Error).message}\nwant ${JSON.stringify([...want])}\ngot  ${JSON.stringify([...(await storedUj())])}\nagent: ${agent.output.slice(-15).join('\n')}`);
  });
  await sleep(1500);
  assert.deepEqual(await storedUj(), want, 'nothing doubled by the failover replay');

  // Both registrations reached attribution: the registered daemons' energy is in their jobs.
  for (const job of ['api-via-b', 'api-via-a']) {
    const [s] = await influxQuery(`SELECT sum("software_j") FROM "job_interval" WHERE "job" = '${job}'`);
    const jobs = (await influxQuery(`SHOW TAG VALUES FROM "job_interval" WITH KEY = "job"`)).flatMap((x) => x.values.map((v) => v[1]));
    const regs = await influxQuery(`SELECT * FROM "wp_1h"."registration"`);
    assert.ok(s && Number(s.values[0]![1]) > 0, `${job} has energy: registrations reach attribution whichever collector holds the stream\njobs: ${jobs}\nregistrations: ${JSON.stringify(regs)}\ndaemons ${daemons}\nA: ${a.proc.output.join('\n')}\nB: ${b.proc.output.join('\n')}`);
  }

  // Identical answers from both collectors once the agent stops (and the carbon stage caught up): hosts, jobs with registry labels, a job's report.
  assert.equal(await agent.stop(), 0);
  const paths = ['/v1/hosts', '/v1/jobs', '/v1/jobs/api-via-b', '/v1/jobs/api-via-a', '/v1/jobs?label.team=nlp'];
  const answers = async (c: { http: number }) => Promise.all(paths.map(async (p) => [p, await api(c.http, 'GET', p)] as const));
  await eventually(async () => JSON.stringify(await answers(a)) === JSON.stringify(await answers(b)), 30_000, 'both collectors to answer the same').catch(async (err) => {
    const [x, y] = [await answers(a), await answers(b)];
    for (let i = 0; i < paths.length; i++) assert.deepEqual(x[i]![1], y[i]![1], `${paths[i]}: the collectors disagree`);
    throw err;
  });
  for (const [p, r] of await answers(a)) assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.json)}`);
  assert.equal((await api(a.http, 'GET', '/v1/jobs/api-via-b')).json.labels.via, 'b');
  assert.equal((await api(b.http, 'GET', '/v1/jobs/api-via-a')).json.labels.via, 'a');
  assert.deepEqual((await api(b.http, 'GET', '/v1/jobs?label.team=nlp')).json.jobs.map((j: { jobId: string }) => j.jobId), ['api-via-b']);

  // Every provisioned dashboard's panels return rows of this data.
  const nowMs = Date.now();
  const range = { fromMs: nowMs - 7_200_000, toMs: nowMs + 60_000 };
  // The default carbon config prices with the static yearly dataset: its period
  // is stored once per day it was used (intensityPoints), so the grid intensity
  // panels have rows too.
  const empty: string[] = [];
  for (const [file, d] of loadDashboards()) for (const e of await emptyPanels(d, influxQuery, range)) empty.push(`${file}: ${e}`);
  // The variable picks a job without progress: its per-token panels are empty by design (null, not 0).
  assert.deepEqual(empty.filter((e) => !/Energy per 1M tokens/.test(e)), [], 'panels without rows');
});
