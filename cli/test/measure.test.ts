// `wattprint measure` end to end: a real collector and agent as processes, a
// measured command that burns CPU in worker processes, and a fixture sysfs
// whose RAPL counter follows the host's CPU time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RaplFixture } from '../../test/fixtures/sysfs.ts';
import { CLI, NODE, eventually, startCollectorProcess, wattprint, waitForLine, type Proc } from '../../test/helpers/processes.ts';
import { CODECARBON_COLUMNS } from '../src/measure.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-measure-'));
const procs: Proc[] = [];
const followers: NodeJS.Timeout[] = [];
after(async () => {
  for (const f of followers) clearInterval(f);
  for (const p of procs) await p.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Host busy CPU seconds from /proc/stat. */
function busySeconds(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / 100;
}

/** Package energy follows CPU time: 10 W per busy CPU plus 2 W idle, written every 50 ms. */
function followCpu(fixture: RaplFixture): void {
  let lastBusy = busySeconds();
  let lastT = Date.now();
  const follower = setInterval(() => {
    const b = busySeconds();
    const t = Date.now();
    fixture.advance('intel-rapl:0', BigInt(Math.round(((b - lastBusy) * 10 + ((t - lastT) / 1000) * 2) * 1e6)));
    lastBusy = b;
    lastT = t;
  }, 50);
  followers.push(follower);
}

function runMeasure(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'measure', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Two workers burn a fixed amount of CPU; `times` then prints the CPU time of
// the shell and of all its reaped children: the ground truth for the job.
const BURN = `burn() { i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; }; burn & burn & wait; times; exit 7`;

/** Sum of the user and system times `times` printed. */
function cpuOfTimes(stdout: string): number {
  return [...stdout.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
}

test('with a running agent: registers the command, passes its exit code through, and the report adds up', async () => {
  const fixture = new RaplFixture([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 10_000_000n }]);
  const collector = await startCollectorProcess(path.join(dir, 'c.db'));
  procs.push(collector.proc);
  const sock = path.join(dir, 'agent.sock');
  const agent = wattprint(['agent', '--plaintext', '--collector', `127.0.0.1:${collector.grpcPort}`, '--host', 'measure-host', '--spool-dir', path.join(dir, 'spool'), '--socket', sock, '--sysfs-root', fixture.root, '--interval-ms', '200']);
  procs.push(agent);
  await waitForLine(agent, /source rapl: found/);
  await eventually(() => fs.existsSync(sock), 10_000, 'agent socket');
  followCpu(fixture);

  const r = await runMeasure(['--socket', sock, '--api', `http://127.0.0.1:${collector.httpPort}`, '--interval-ms', '200', '--job', 'burn-1', '--label', 'task=sst2', '--label', 'phase=fine-tuning', '--emissions-csv', path.join(dir, 'emissions.csv'), '--', 'sh', '-c', BURN]);
  assert.equal(r.code, 7, r.stderr);
  const truth = cpuOfTimes(r.stdout);
  assert.ok(truth > 0.2, `the command printed its CPU times on stdout (the report goes to stderr): ${r.stdout}`);
  assert.match(r.stderr, /job burn-1 {2}phase=fine-tuning task=sst2/);
  assert.match(r.stderr, /software total/);

  const report = await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/jobs/burn-1`);
    return res.ok ? ((await res.json()) as { cpuSeconds: number; labels: Record<string, string>; energy: { softwareKwh: number; byComponentKwh: { cpu: number } } }) : undefined;
  }, 10_000, 'job report');
  assert.ok(report);
  // Every CPU-second of the tree reached the job, workers included (their last
  // stretch through the shell's cutime when reaped); ticks are 10 ms, and the
  // first scan after registration may miss the shell's first moments.
  assert.ok(Math.abs(report.cpuSeconds - truth) <= 0.05 + 0.05 * truth, `job cpuSeconds ${report.cpuSeconds}, the command used ${truth}`);
  assert.deepEqual(report.labels, { task: 'sst2', phase: 'fine-tuning' });
  // The job's CPU energy is at most what the counter advanced, and at least its dynamic part (10 W per CPU-second, less skew).
  const kwh = report.energy.byComponentKwh.cpu;
  const measuredJ = Number(fixture.get('intel-rapl:0') - 10_000_000n) / 1e6;
  assert.ok(kwh * 3.6e6 <= measuredJ + 1e-6, `job ${kwh * 3.6e6} J <= measured ${measuredJ} J`);
  assert.ok(kwh * 3.6e6 >= report.cpuSeconds * 10 * 0.5, `job ${kwh * 3.6e6} J for ${report.cpuSeconds} CPU-s`);

  const csv = fs.readFileSync(path.join(dir, 'emissions.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], CODECARBON_COLUMNS.join(','));
  const row = Object.fromEntries(CODECARBON_COLUMNS.map((c, i) => [c, csv[1]!.split(',')[i]]));
  assert.equal(row.run_id, 'burn-1');
  assert.ok(Math.abs(Number(row.cpu_energy) - kwh) < 1e-12);
  // As CodeCarbon: energy_consumed = cpu + gpu + ram; the wall figure is in the sidecar.
  assert.ok(Math.abs(Number(row.energy_consumed) - (Number(row.cpu_energy) + Number(row.gpu_energy) + Number(row.ram_energy))) < 1e-15);
  const side = fs.readFileSync(path.join(dir, 'emissions.wattprint.csv'), 'utf8').trim().split('\n');
  assert.match(side[0]!, /^run_id,timestamp,energy_software_kwh,energy_wall_kwh,wall_basis,/);
  assert.match(side[1]!, /^burn-1,/);
});

test('without an agent: runs one in-process on the embedded store; a signal passes through', async () => {
  const fixture = new RaplFixture([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 0n }]);
  followCpu(fixture);
  const state = path.join(dir, 'state');
  // The command reports progress the documented way (docs/PROGRESS.md), here with curl.
  const PROGRESS = `curl -sf --unix-socket "$WATTPRINT_SOCKET" -H 'content-type: application/json' -d "{\\"jobId\\":\\"$WATTPRINT_JOB_ID\\",\\"tokens\\":2000000,\\"examples\\":4000}" http://agent/v1/progress >/dev/null || echo PROGRESS-FAILED; `;
  const r = await runMeasure(['--socket', path.join(dir, 'none.sock'), '--state-dir', state, '--sysfs-root', fixture.root, '--interval-ms', '200', '--job', 'local-1', '--', 'sh', '-c', PROGRESS + BURN]);
  assert.equal(r.code, 7, r.stderr);
  assert.doesNotMatch(r.stdout, /PROGRESS-FAILED/);
  assert.match(r.stderr, /job local-1/);
  assert.match(r.stderr, /kWh per 1M tokens/);
  assert.match(r.stderr, /kWh per 1k examples/);
  const rep = await new Promise<string>((resolve) => {
    const c = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'report', '--db', path.join(state, 'wattprint.db'), '--job', 'local-1', '--format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', () => resolve(out));
  });
  // --format json is the typed job report: numbers as numbers, booleans, a labels object.
  const one = JSON.parse(rep) as { jobId: string; labels: Record<string, string>; energy: { softwareKwh: number; wallKwh: number; estimated: boolean; wallBasis: string }; normalised: { kwhPer1MTokens: number } };
  assert.equal(one.jobId, 'local-1');
  assert.equal(typeof one.labels, 'object');
  assert.equal(typeof one.energy.estimated, 'boolean');
  assert.equal(one.energy.wallBasis, 'software', 'no wall meter: wall = software, and it says so');
  assert.ok(one.energy.softwareKwh > 0);
  assert.ok(Math.abs(one.normalised.kwhPer1MTokens - one.energy.wallKwh / 2) < 1e-15, 'normalised by the 2M tokens reported');

  const killed = await runMeasure(['--socket', path.join(dir, 'none.sock'), '--state-dir', state, '--sysfs-root', fixture.root, '--interval-ms', '200', '--', 'sh', '-c', 'kill -TERM $$']);
  assert.equal(killed.signal, 'SIGTERM');

  const usage = await runMeasure(['--label', 'oops', '--', 'true']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--label must be name=value/);
});

test('without an agent, --agent-config brings its wall meter: the job is metered, wall above software', async () => {
  const fixture = new RaplFixture([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 0n }]);
  followCpu(fixture);
  const state = path.join(dir, 'state-meter');
  // A command meter printing 400 W: far above what the fixture's package reads, so the wall is visible.
  const config = path.join(dir, 'agent-meter.json');
  fs.writeFileSync(config, JSON.stringify({ collectors: ['127.0.0.1:1'], meters: [{ kind: 'command', name: 'psu', command: ['/bin/echo', '400'], unit: 'watts' }] }));
  const r = await runMeasure(['--socket', path.join(dir, 'none.sock'), '--state-dir', state, '--sysfs-root', fixture.root, '--interval-ms', '200', '--agent-config', config, '--job', 'metered-1', '--json', '--', 'sh', '-c', BURN]);
  assert.equal(r.code, 7, r.stderr);
  const report = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as { energy: { softwareKwh: number; wallKwh: number; wallBasis: string } };
  assert.equal(report.energy.wallBasis, 'meter');
  assert.ok(report.energy.wallKwh > report.energy.softwareKwh, `wall ${report.energy.wallKwh} > software ${report.energy.softwareKwh}`);
});
