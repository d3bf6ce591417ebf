// The README's flow counts each CPU-second once: `wattprint start` (agent and
// collector on the user's state dir), then `wattprint measure` finds that
// agent through the shared socket discovery (no flag, no environment) and
// registers with it instead of starting a second agent on the same store.
// And an agent present but refusing the user is said, not silently doubled.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { CLI, NODE, eventually, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-onecount-'));
fs.chmodSync(dir, 0o755);
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function runMeasure(args: string[], as: { uid?: number; gid?: number } = {}, socketEnv = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'measure', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WATTPRINT_SOCKET: socketEnv }, ...as });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// Two workers burn CPU; `times` prints the tree's CPU time: the ground truth.
const BURN = `burn() { i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; }; burn & burn & wait; times; exit 7`;
const cpuOfTimes = (stdout: string) => [...stdout.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);

async function startStack(state: string, fixture: RaplFixture): Promise<{ httpPort: number; proc: Proc }> {
  const proc = wattprint(['start', '--state-dir', state, '--port', '0', '--grpc-port', '0', '--sysfs-root', fixture.root, '--interval-ms', '200'], { WATTPRINT_SOCKET: '' });
  procs.push(proc);
  const m = await waitForLine(proc, /^\{"event":"listening".*\}$/, 60_000);
  await eventually(() => fs.existsSync(path.join(state, 'agent.sock')), 10_000, 'the agent socket in the state dir');
  return { httpPort: (JSON.parse(m[0]) as { httpPort: number }).httpPort, proc };
}

function instances(db: string): string[] {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    return (conn.prepare('SELECT DISTINCT instance_id FROM report_instance').all() as { instance_id: string }[]).map((r) => r.instance_id);
  } finally {
    conn.close();
  }
}

test('npm start, then measure: measure registers with that agent and each CPU-second is counted once', async () => {
  const state = path.join(dir, 'state');
  const fixture = RaplFixture.server(fs.mkdtempSync(path.join(dir, 'sys-')));
  const { httpPort } = await startStack(state, fixture);
  // As the README runs it: no --api; measure finds the agent's socket and, next to it, the API that `start` named.
  const r = await runMeasure(['--state-dir', state, '--interval-ms', '200', '--job', 'once', '--', 'sh', '-c', BURN]);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /job once[\s\S]*software total/, 'measure prints the report it got from the collector of `wattprint start`');
  const truth = cpuOfTimes(r.stdout);
  assert.ok(truth > 0.2, r.stdout);
  const report = await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/v1/jobs/once`);
    return res.ok ? ((await res.json()) as { cpuSeconds: number }) : undefined;
  }, 10_000, 'job report');
  assert.ok(report);
  // Counted twice (two agents on one store) it would be about 2 x truth.
  assert.ok(Math.abs(report.cpuSeconds - truth) <= 0.05 + 0.05 * truth, `job cpuSeconds ${report.cpuSeconds}, the command used ${truth}`);
  assert.equal(instances(path.join(state, 'wattprint.db')).length, 1, 'one agent instance fed the store');
});

test('an agent present but refusing the user: measure says so and exits 1; --standalone keeps its private figures apart', { skip: process.getuid?.() !== 0 && 'needs root to run measure as another uid' }, async () => {
  const state = path.join(dir, 'state-2');
  const fixture = RaplFixture.server(fs.mkdtempSync(path.join(dir, 'sys-')));
  fs.chmodSync(fixture.root, 0o755);
  await startStack(state, fixture);
  fs.chmodSync(state, 0o755);
  const nobody = { uid: 65534, gid: 65534 };
  // Pinned through WATTPRINT_SOCKET (step 2 of the discovery): this machine's system socket is not the test's.
  const sock = path.join(state, 'agent.sock');
  // The agent's socket is 0666 with a uid check (issue 17); an operator who closes it to a group makes nobody get EACCES.
  fs.chmodSync(sock, 0o660);
  const refused = await runMeasure(['--state-dir', state, '--sysfs-root', fixture.root, '--interval-ms', '200', '--', 'true'], nobody, sock);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /an agent is running at .*agent\.sock \(WATTPRINT_SOCKET\) but refuses this user \(EACCES.*--standalone/);
  const alone = await runMeasure(['--state-dir', state, '--sysfs-root', fixture.root, '--interval-ms', '200', '--standalone', '--job', 'alone', '--', 'sh', '-c', BURN], nobody, sock);
  assert.equal(alone.code, 7, alone.stderr);
  assert.match(alone.stderr, /--standalone: a private agent, kept apart/);
  assert.match(alone.stderr, /job alone/, 'the private run still prints its report');
  assert.equal(instances(path.join(state, 'wattprint.db')).length, 1, 'the private agent wrote nothing into the host agent\'s store');
});
