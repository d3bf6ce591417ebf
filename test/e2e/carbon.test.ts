// Carbon end to end: real agents and collectors as processes, fixture sysfs
// and procfs, the grid intensity from the collector's zone and carbon config.
//  1. The same spooled reports go to two collectors whose zone chain differs
//     only in a fixed value (100 vs 300 g/kWh): the job's report has
//     gCO2e = kWh × PUE × intensity, the intensity series is stored next to
//     the energy, and the energy is identical under both chains.
//  2. A provisional figure (Electricity Maps "estimated", from the fake API)
//     is restated when the final value is published: same rows, new figure.
//  3. `wattprint measure` (in-process) and `wattprint report` show the carbon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import type { JobReport } from '@wattprint/collector/api/report.ts';
import { startElectricityMapsFake, type EmRow } from '../fakes/grid/electricitymaps.ts';
import { ProcFixture } from '../fixtures/procfs.ts';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { CLI, NODE, eventually, sleep, startCollectorProcess, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-e2e-carbon-'));
const procs: Proc[] = [];
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  for (const c of cleanups) await c();
  fs.rmSync(dir, { recursive: true, force: true });
});

const PUE = 1.25;
const ZONES = ['intel-rapl:0', 'intel-rapl:0:0', 'intel-rapl:0:1', 'intel-rapl:1', 'intel-rapl:1:0'];

/** A fixture host: RAPL counters and one training process of job `jobId` whose CPU time the test moves. */
function fixtureHost(name: string, jobId: string) {
  const rapl = RaplFixture.server(path.join(dir, `${name}-sysfs`));
  const proc = new ProcFixture();
  cleanups.push(() => proc.remove());
  const job = { pid: 4242, comm: 'python', ppid: 1, utime: 0, stime: 0, starttime: 5000, env: { WATTPRINT_JOB_ID: jobId }, cmdline: ['python', 'train.py'] };
  proc.put(job);
  proc.put({ pid: 1, comm: 'systemd', ppid: 0, utime: 100, stime: 50, starttime: 1 });
  const configFile = path.join(dir, `${name}-agent.json`);
  fs.writeFileSync(configFile, JSON.stringify({ pue: PUE, plaintext: true }));
  let advancedUj = 0n;
  return {
    rapl,
    proc,
    get advancedUj() {
      return advancedUj;
    },
    /** Moves the host on: energy on every RAPL zone, most of the CPU time to the job. */
    async run(steps: number): Promise<void> {
      for (let i = 0; i < steps; i++) {
        for (const [k, z] of ZONES.entries()) {
          const uj = BigInt(2_000_003 * (k + 1) + i * 7919);
          rapl.advance(z, uj);
          advancedUj += uj;
        }
        job.utime += 15;
        proc.put(job);
        proc.tick(0.09, 0.2);
        await sleep(90);
      }
    },
    agent(collector: string, spool: string): Proc {
      const p = wattprint(['agent', '--config', configFile, '--collector', collector, '--host', `${name}-host`, '--spool-dir', spool, '--socket', path.join(dir, `${name}-${path.basename(spool)}.sock`), '--sysfs-root', rapl.root, '--procfs-root', proc.root, '--interval-ms', '200']);
      procs.push(p);
      return p;
    },
  };
}

async function deadAddress(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `127.0.0.1:${port}`;
}

async function jobReport(httpPort: number, jobId: string): Promise<JobReport | undefined> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/jobs/${encodeURIComponent(jobId)}`);
  return res.ok ? ((await res.json()) as JobReport) : undefined;
}

const count = (db: DatabaseSync, sql: string, ...args: (string | number)[]) => (db.prepare(sql).get(...args) as { n: number }).n;

/** Every joule the fixture advanced is stored, and every job interval has its carbon. */
async function settled(db: DatabaseSync, host: string, jobId: string, advancedUj: bigint): Promise<void> {
  const storedUj = () => (db.prepare('SELECT joules FROM host_energy WHERE host = ?').all(host) as { joules: number }[]).reduce((a, r) => a + BigInt(Math.round(r.joules * 1e6)), 0n);
  await eventually(() => storedUj() === advancedUj, 20_000, `${host}: the fixture's ${advancedUj} µJ stored`);
  await eventually(() => {
    const intervals = count(db, 'SELECT count(*) AS n FROM job_interval WHERE job_id = ?', jobId);
    return intervals > 0 && count(db, 'SELECT count(*) AS n FROM job_carbon WHERE job_id = ?', jobId) === intervals;
  }, 20_000, `carbon for every interval of ${jobId}`);
  // The carbon stage runs after each durable write: the host's last intervals (after the job) may still be on their way.
  await eventually(() => count(db, 'SELECT count(*) AS n FROM host_carbon WHERE host = ?', host) === count(db, 'SELECT count(*) AS n FROM reports WHERE host = ?', host), 20_000, `carbon for every interval of ${host}`);
}

function assertRel(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} != ${expected}`);
}

test('gCO2e = kWh × PUE × intensity at the collector zone; switching the zone chain changes only the carbon', async () => {
  const host = fixtureHost('switch', 'ft-de');
  const spoolA = path.join(dir, 'spool-a');
  // Phase 0: no collector reachable, so every report stays in the spool.
  const first = host.agent(await deadAddress(), spoolA);
  await waitForLine(first, /source rapl: found/);
  await eventually(() => fs.readdirSync(spoolA).some((f) => f.endsWith('.wal') && fs.statSync(path.join(spoolA, f)).size > 0), 10_000, 'a first spooled report');
  await host.run(10);
  await sleep(600); // the last advance lands in a spooled interval
  await first.stop('SIGTERM');
  host.proc.kill(4242); // the job is over: later intervals have no part of it
  const spoolB = path.join(dir, 'spool-b');
  fs.cpSync(spoolA, spoolB, { recursive: true });

  // Phase 1: the same reports to two collectors, zone DE from --zone, a fixed value A or B for it.
  const chain = (gPerKwh: number, label: string) => {
    const file = path.join(dir, `carbon-${gPerKwh}.json`);
    fs.writeFileSync(file, JSON.stringify({ providers: [{ type: 'fixed', gPerKwh, label, zones: ['DE'] }] }));
    return file;
  };
  const run = async (name: string, spool: string, carbonFile: string) => {
    const dbPath = path.join(dir, `${name}.db`);
    const c = await startCollectorProcess(dbPath, ['--zone', 'DE', '--carbon-config', carbonFile]);
    procs.push(c.proc);
    host.agent(`127.0.0.1:${c.grpcPort}`, spool);
    const db = new DatabaseSync(dbPath, { readOnly: true });
    cleanups.push(() => db.close());
    await settled(db, 'switch-host', 'ft-de', host.advancedUj);
    return { c, db, report: (await jobReport(c.httpPort, 'ft-de'))! };
  };
  const [a, b] = await Promise.all([run('chain-a', spoolA, chain(100, 'site PPA A')), run('chain-b', spoolB, chain(300, 'site PPA B'))]);

  const ra = a.report;
  assert.ok(ra.energy.softwareKwh > 0, 'the job received energy');
  assert.ok(ra.carbon, 'the report has its carbon');
  // No wall meter: the accounting energy is the software energy (wallKwh equals it).
  assertRel(ra.carbon.gco2e, ra.energy.wallKwh * PUE * 100, 'gCO2e = kWh × PUE × 100 g/kWh');
  assert.equal(ra.carbon.gco2e, ra.carbon.gco2eSoftware);
  assertRel(ra.carbon.gco2eWall, ra.carbon.gco2eSoftware, 'no meter: wall = software');
  assert.equal(ra.carbon.zone, 'DE');
  assert.equal(ra.carbon.basis, 'location_lifecycle');
  assert.deepEqual(ra.carbon.kwhShareByQuality, { static_yearly: 1 });
  assert.equal(ra.carbon.provisional, false);
  assert.deepEqual(ra.carbon.sources, ['fixed: site PPA A (configured by the operator)']);

  // The intensity series used is stored next to the energy, covering every job interval.
  const span = a.db.prepare('SELECT min(start_us) AS s, max(end_us) AS e FROM job_interval WHERE job_id = ?').get('ft-de') as { s: number; e: number };
  const grid = a.db.prepare('SELECT zone, source, basis, quality, gco2e_per_kwh AS g, start_us, end_us, dataset FROM grid_intensity ORDER BY start_us').all() as { zone: string; source: string; basis: string; quality: string; g: number; start_us: number; end_us: number; dataset: string }[];
  assert.ok(grid.length >= 1);
  for (const g of grid) assert.deepEqual([g.zone, g.source, g.basis, g.quality, g.g], ['DE', 'fixed', 'location_lifecycle', 'static_yearly', 100]);
  assert.ok(grid[0]!.start_us <= span.s && grid.at(-1)!.end_us >= span.e, 'the periods cover the job');
  // The agent keeps reporting (empty intervals), so carbon may trail the newest report by one: eventually equal.
  await eventually(() => count(a.db, 'SELECT count(*) AS n FROM host_carbon WHERE host = ?', 'switch-host') === count(a.db, 'SELECT count(*) AS n FROM reports WHERE host = ?', 'switch-host'), 20_000, 'a host figure per interval');

  // Chain B: the same energy to the joule, the carbon three times A's, nothing else different.
  const rb = b.report;
  const { carbon: ca, ...restA } = ra;
  const { carbon: cb, ...restB } = rb;
  assert.deepEqual(restB, restA, 'energy, duration, progress: identical');
  assert.ok(cb);
  assertRel(cb.gco2e, ca!.gco2e * 3, 'gCO2e scales with the intensity');
  assertRel(cb.gco2e, rb.energy.wallKwh * PUE * 300, 'gCO2e = kWh × PUE × 300 g/kWh');
  assert.deepEqual({ ...cb, gco2e: 0, gco2eSoftware: 0, gco2eWall: 0, sources: [] }, { ...ca!, gco2e: 0, gco2eSoftware: 0, gco2eWall: 0, sources: [] });
  const hostEnergy = (db: DatabaseSync) => db.prepare('SELECT domain, device, sum(joules) AS j FROM host_energy GROUP BY domain, device ORDER BY domain, device').all().map((r) => ({ ...r }));
  assert.deepEqual(hostEnergy(b.db), hostEnergy(a.db));
});

test('a provisional figure (estimated intensity) is restated when the final value is published', async () => {
  const rows: EmRow[] = [];
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  for (let h = -3; h <= 2; h++) rows.push({ datetime: new Date(hour + h * 3_600_000).toISOString(), carbonIntensity: 300, isEstimated: true, estimationMethod: 'TIME_SLICER_AVERAGE' });
  const em = await startElectricityMapsFake({ token: 'em-token', rows: { 'DE/lifecycle': rows }, nowMs: () => Date.now() });
  cleanups.push(() => em.close());
  const carbonFile = path.join(dir, 'carbon-em.json');
  fs.writeFileSync(
    carbonFile,
    JSON.stringify({ providers: [{ type: 'electricitymaps', token: 'em-token', baseUrl: em.url, zones: ['DE'] }], restateIntervalSeconds: 0.3, cacheTtlSeconds: 0 }),
  );
  const dbPath = path.join(dir, 'restate.db');
  const c = await startCollectorProcess(dbPath, ['--zone', 'DE', '--carbon-config', carbonFile]);
  procs.push(c.proc);
  const host = fixtureHost('restate', 'ft-em');
  const agent = host.agent(`127.0.0.1:${c.grpcPort}`, path.join(dir, 'spool-em'));
  const db = new DatabaseSync(dbPath, { readOnly: true });
  cleanups.push(() => db.close());
  await eventually(() => count(db, 'SELECT count(*) AS n FROM reports') > 0, 20_000, 'first report');
  await host.run(8);
  await sleep(600);
  await agent.stop('SIGTERM');
  await settled(db, 'restate-host', 'ft-em', host.advancedUj);

  const before = (await jobReport(c.httpPort, 'ft-em'))!;
  assert.ok(before.carbon && before.energy.softwareKwh > 0);
  assert.equal(before.carbon.provisional, true, 'estimated intensity: provisional');
  assert.deepEqual(before.carbon.kwhShareByQuality, { estimated: 1 });
  assert.deepEqual(before.carbon.sources, ['electricitymaps']);
  assertRel(before.carbon.gco2e, before.energy.wallKwh * PUE * 300, 'gCO2e at the estimated 300 g/kWh');
  const figures = count(db, 'SELECT count(*) AS n FROM job_carbon');
  assert.ok(count(db, 'SELECT count(*) AS n FROM host_carbon WHERE provisional = 1') > 0);

  // Electricity Maps publishes the final values; the periodic restatement picks them up.
  for (const r of rows) Object.assign(r, { carbonIntensity: 250, isEstimated: false, estimationMethod: null });
  const afterwards = await eventually(async () => {
    const r = await jobReport(c.httpPort, 'ft-em');
    return r?.carbon && !r.carbon.provisional ? r : undefined;
  }, 20_000, 'the restated figure');
  assert.ok(afterwards?.carbon);
  assertRel(afterwards.carbon.gco2e, before.energy.wallKwh * PUE * 250, 'gCO2e at the final 250 g/kWh');
  assert.deepEqual(afterwards.carbon.kwhShareByQuality, { measured: 1 });
  assert.deepEqual(afterwards.energy, before.energy, 'the energy is untouched');
  assert.equal(count(db, 'SELECT count(*) AS n FROM job_carbon'), figures, 'replaced under the same keys, not added');
  assert.equal(count(db, 'SELECT count(*) AS n FROM host_carbon WHERE provisional = 1'), 0);
  assert.equal(count(db, "SELECT count(*) AS n FROM host_carbon WHERE result != ''"), 0, 'final figures drop their restatement inputs');
  const grid = db.prepare("SELECT DISTINCT quality, gco2e_per_kwh AS g FROM grid_intensity WHERE source = 'electricitymaps'").all().map((r) => ({ ...r }));
  assert.deepEqual(grid, [{ quality: 'measured', g: 250 }], 'the stored series holds the final values');
});

test('wattprint measure (in-process) waits for the carbon of its last intervals; wattprint report shows it from the store', async () => {
  const rapl = RaplFixture.server(path.join(dir, 'measure-sysfs'));
  const follower = setInterval(() => rapl.advance('intel-rapl:0', 500_000n), 20);
  cleanups.push(() => clearInterval(follower));
  const state = path.join(dir, 'measure-state');
  // A slow grid API (every answer 25 ms late, final values): carbon lags ingest,
  // so a report read without waiting would miss the last intervals.
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const hours: EmRow[] = [-2, -1, 0, 1, 2].map((h) => ({ datetime: new Date(hour + h * 3_600_000).toISOString(), carbonIntensity: 475, isEstimated: false }));
  const em = await startElectricityMapsFake({ token: 'em-token', rows: {}, nowMs: () => Date.now() });
  cleanups.push(() => em.close());
  // history answers {history}, past-range {data}: this body serves both.
  for (let i = 0; i < 500; i++) em.faults.push({ status: 200, body: { zone: 'US-PIT', history: hours, data: hours }, delayMs: 25 });
  const carbonFile = path.join(dir, 'carbon-measure.json');
  fs.writeFileSync(carbonFile, JSON.stringify({ providers: [{ type: 'electricitymaps', token: 'em-token', baseUrl: em.url }], cacheTtlSeconds: 0 }));
  const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'measure', '--json', '--socket', path.join(dir, 'none.sock'), '--state-dir', state, '--sysfs-root', rapl.root, '--interval-ms', '200', '--job', 'measured-1', '--zone', 'US-PIT', '--carbon-config', carbonFile, '--', 'sh', '-c', 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  clearInterval(follower);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stderr.split('\n');
  assert.ok(lines.includes('{'), `a JSON report on stderr:\n${out.stderr}`);
  const report = JSON.parse(lines.slice(lines.indexOf('{'), lines.lastIndexOf('}') + 1).join('\n')) as JobReport;
  assert.ok(report.energy.wallKwh > 0, 'the command received energy');
  assert.ok(report.carbon, 'measure waited for the carbon of the last intervals');
  // PUE 1 (no agent config), 475 g/kWh for the zone given with --zone, every interval counted.
  assertRel(report.carbon.gco2e, report.energy.wallKwh * 475, 'gCO2e = kWh × 1 × 475');
  assert.equal(report.carbon.zone, 'US-PIT');
  assert.deepEqual(report.carbon.kwhShareByQuality, { measured: 1 });
  assert.ok(em.requests.length > 0, 'the grid API was asked');

  const rep = await new Promise<string>((resolve) => {
    const c = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'report', '--db', path.join(state, 'wattprint.db'), '--job', 'measured-1', '--format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    c.stdout.on('data', (d) => (text += d));
    c.on('exit', () => resolve(text));
  });
  const stored = JSON.parse(rep) as { jobId: string; carbon: { gco2e: number } };
  assert.equal(stored.jobId, 'measured-1');
  assertRel(stored.carbon.gco2e, report.carbon.gco2e, 'the report from the store says the same');
});

test('wattprint probe says which zone applies and from where', async () => {
  const rapl = RaplFixture.server(path.join(dir, 'probe-sysfs'));
  const probe = (args: string[]) =>
    new Promise<string>((resolve) => {
      const c = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'probe', '--sysfs-root', rapl.root, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      c.stdout.on('data', (d) => (text += d));
      c.on('exit', () => resolve(text));
    });
  const configFile = path.join(dir, 'probe-agent.json');
  fs.writeFileSync(configFile, JSON.stringify({ zone: 'SE-SE3', tls: { ca: '/x/ca.pem', cert: '/x/c.pem', key: '/x/k.pem' } }));
  const withZone = JSON.parse(await probe(['--json', '--config', configFile])) as { zone: { zone: string; source: string } };
  assert.deepEqual([withZone.zone.zone, withZone.zone.source], ['SE-SE3', 'agent config']);
  const without = JSON.parse(await probe(['--json'])) as { zone: { zone?: string; source: string; fix: string } };
  assert.deepEqual([without.zone.zone, without.zone.source], [undefined, 'collector default']);
  assert.match(without.zone.fix, /--zone on the collector/);
  const table = await probe(['--config', configFile]);
  assert.match(table, /^grid zone\s+agent config\s+SE-SE3\s+"zone" in .*probe-agent\.json/m);
});

test('a bad carbon config or zone stops the collector with the key named', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--db', path.join(dir, 'bad.db'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (code) => resolve({ code, stderr }));
    });
  const file = path.join(dir, 'carbon-bad.json');
  fs.writeFileSync(file, JSON.stringify({ providers: [{ type: 'fixed', label: 'x', gPerKwh: -3 }] }));
  const bad = await run(['--carbon-config', file]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /carbon config\.providers\[0\]: "gPerKwh" must be a number in \[0, 5000\], got -3/);
  const zone = await run(['--zone', 'DE; rm']);
  assert.equal(zone.code, 2);
  assert.match(zone.stderr, /--zone "DE; rm" is not a zone key/);
  const missing = await run(['--carbon-config', path.join(dir, 'nope.json')]);
  assert.match(missing.stderr, /cannot read carbon config .*nope\.json/);
});
