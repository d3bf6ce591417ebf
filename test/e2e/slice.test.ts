// First end-to-end slice: a real agent and a real collector, as separate
// processes on loopback, over a fixture sysfs whose RAPL counters advance
// during the test. The joules stored must equal the fixture's deltas exactly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { INTEL_PACKAGE_MAX_UJ, RaplFixture } from '../fixtures/sysfs.ts';
import { eventually, sleep, startCollectorProcess, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-e2e-'));
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function storedMicrojoules(db: DatabaseSync, host: string): Map<string, number> {
  const rows = db.prepare('SELECT domain, device, joules FROM host_energy WHERE host = ?').all(host) as { domain: string; device: string; joules: number }[];
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.device, (out.get(r.device) ?? 0) + Math.round(r.joules * 1e6));
  return out;
}

test('agent -> gRPC -> collector -> SQLite stores the fixture deltas exactly, and /v1/hosts shows them', async () => {
  const fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  // package-0 sits 5 J below its wrap point, so the run crosses a wraparound.
  fixture.set('intel-rapl:0', INTEL_PACKAGE_MAX_UJ - 5_000_000n);
  const dbPath = path.join(dir, 'collector.db');
  const collector = await startCollectorProcess(dbPath);
  procs.push(collector.proc);

  const agent = wattprint(['agent', '--plaintext', '--collector', `127.0.0.1:${collector.grpcPort}`, '--host', 'e2e-host', '--spool-dir', path.join(dir, 'spool'), '--socket', path.join(dir, 'a1.sock'), '--sysfs-root', fixture.root, '--interval-ms', '200'], { WATTPRINT_JOB_ID: 'slice-job' });
  procs.push(agent);
  await waitForLine(agent, /source rapl: found/);

  const db = new DatabaseSync(dbPath, { readOnly: true });
  // The first stored report proves the agent has its baseline: advance only after it.
  await eventually(() => (db.prepare("SELECT count(*) AS n FROM reports WHERE host = 'e2e-host'").get() as { n: number }).n > 0, 20_000, 'first report');

  const zones = ['intel-rapl:0', 'intel-rapl:0:0', 'intel-rapl:0:1', 'intel-rapl:1', 'intel-rapl:1:0'];
  const expected = new Map<string, bigint>(zones.map((z) => [z, 0n]));
  for (let i = 0; i < 12; i++) {
    for (const [k, z] of zones.entries()) {
      const uj = BigInt(1_000_003 * (k + 1) + i * 7919); // odd amounts: rounding errors would show
      fixture.advance(z, uj);
      expected.set(z, expected.get(z)! + uj);
    }
    await sleep(90);
  }
  assert.ok(fixture.get('intel-rapl:0') < 100_000_000n, 'package-0 wrapped during the run');

  const devices: Record<string, string> = { 'intel-rapl:0': 'package-0', 'intel-rapl:0:0': 'package-0/core', 'intel-rapl:0:1': 'package-0/dram', 'intel-rapl:1': 'package-1', 'intel-rapl:1:0': 'package-1/dram' };
  const want = new Map([...expected].map(([z, uj]) => [devices[z]!, Number(uj)]));
  await eventually(() => {
    const got = storedMicrojoules(db, 'e2e-host');
    return [...want].every(([d, uj]) => got.get(d) === uj);
  }, 20_000, 'stored joules to reach the fixture deltas').catch((err) => {
    throw new Error(`${err.message}\nwant ${JSON.stringify([...want])}\ngot  ${JSON.stringify([...storedMicrojoules(db, 'e2e-host')])}\nagent: ${agent.output.join('\n')}`);
  });
  // And they stay there: nothing doubled by later reports.
  await sleep(600);
  assert.deepEqual(storedMicrojoules(db, 'e2e-host'), want);

  // Every stored RAPL reading says where it came from.
  const kinds = db.prepare("SELECT DISTINCT source, quality FROM host_energy WHERE host = 'e2e-host'").all();
  assert.deepEqual(kinds.map((r) => ({ ...r })), [{ source: 'rapl', quality: 'counter' }]);
  // The wrap was seen and flagged.
  assert.ok((db.prepare("SELECT count(*) AS n FROM host_energy WHERE flags LIKE '%counter_wrap%'").get() as { n: number }).n >= 1);

  // Conservation per interval and device: job shares + unattributed = measured.
  const leaks = db
    .prepare(
      `SELECT h.start_us, h.device, h.joules AS measured,
         coalesce((SELECT sum(joules) FROM job_energy p WHERE p.host = h.host AND p.start_us = h.start_us AND p.device = h.device), 0)
       + coalesce((SELECT sum(joules) FROM unattributed u WHERE u.host = h.host AND u.start_us = h.start_us AND u.device = h.device), 0) AS accounted
       FROM host_energy h WHERE h.host = 'e2e-host'`,
    )
    .all() as { measured: number; accounted: number }[];
  assert.ok(leaks.length > 0);
  for (const l of leaks) assert.ok(Math.abs(l.measured - l.accounted) <= 1e-9 * Math.max(1, l.measured), `conservation: ${JSON.stringify(l)}`);
  // The agent runs with WATTPRINT_JOB_ID, so it is a job's process: it received energy by pid.
  assert.ok((db.prepare("SELECT count(*) AS n FROM job_meta WHERE host = 'e2e-host' AND job_id = 'slice-job' AND processes >= 1 AND pids != ''").get() as { n: number }).n >= 1);
  assert.ok((db.prepare("SELECT sum(software_j) AS j FROM job_interval WHERE job_id = 'slice-job'").get() as { j: number }).j > 0);

  const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/hosts`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { hosts: { host: string; latest: { domains: { device: string; source: string; quality: string }[] } }[] };
  const h = body.hosts.find((x) => x.host === 'e2e-host');
  assert.ok(h, 'host listed');
  assert.deepEqual(h.latest.domains.map((d) => d.device).sort(), ['package-0', 'package-0/core', 'package-0/dram', 'package-1', 'package-1/dram']);
  db.close();
});

test('without RAPL the agent sends flagged estimates, and /v1/hosts shows them as estimates', async () => {
  const empty = path.join(dir, 'no-rapl');
  fs.mkdirSync(empty);
  const collector = await startCollectorProcess(path.join(dir, 'estimate.db'));
  procs.push(collector.proc);
  const agent = wattprint(['agent', '--plaintext', '--collector', `127.0.0.1:${collector.grpcPort}`, '--host', 'vm-host', '--spool-dir', path.join(dir, 'spool2'), '--socket', path.join(dir, 'a2.sock'), '--sysfs-root', empty, '--interval-ms', '200']);
  procs.push(agent);
  await waitForLine(agent, /source rapl: not found/);
  type Domain = { domain: string; source: string; quality: string; watts: number; flags: string[] };
  const domains = await eventually(async () => {
    const body = (await (await fetch(`http://127.0.0.1:${collector.httpPort}/v1/hosts`)).json()) as { hosts: { host: string; latest: { estimated: boolean; domains: Domain[] } | null }[] };
    return body.hosts.find((x) => x.host === 'vm-host')?.latest?.domains;
  }, 20_000, 'an estimate on /v1/hosts');
  assert.ok(domains);
  assert.equal(domains.length, 1);
  const d = domains[0]!;
  assert.equal(d.domain, 'package');
  assert.equal(d.source, 'model');
  assert.equal(d.quality, 'estimate');
  assert.ok(d.watts > 0 && Number.isFinite(d.watts));
  assert.ok(d.flags.some((f) => f.startsWith('tdp_')), `flags say where the TDP came from: ${d.flags}`);
});
