// The agent's Unix socket authorizes by the caller's uid (SO_PEERCRED): a real
// `wattprint agent` as root, clients and job processes run as other users
// through setpriv. A user registers, ends and reports progress only for their
// own processes and jobs; root may do anything. Needs root (setpriv) and curl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { CLI, NODE, eventually, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-sock-'));
fs.chmodSync(dir, 0o755); // job users must reach the socket's directory
const sock = path.join(dir, 'agent.sock');
const VICTIM = 1001;
const ATTACKER = 1002;
let agent: Proc;
const children: ChildProcess[] = [];

/** A process running as `uid` (its own group, no supplementary groups). */
function asUser(uid: number, argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const c = spawn('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...argv], { env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(c);
  return c;
}

/** One request to the agent's socket as `uid` (undefined: as root); status and body. */
async function request(uid: number | undefined, url: string, body: object): Promise<{ code: number; body: Record<string, string> }> {
  const curl = ['curl', '--silent', '--unix-socket', sock, '-H', 'content-type: application/json', '-d', JSON.stringify(body), '-w', '\n%{http_code}', `http://agent${url}`];
  const argv = uid === undefined ? curl : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...curl];
  const { stdout } = await run(argv[0]!, argv.slice(1));
  const lines = stdout.trim().split('\n');
  return { code: Number(lines.at(-1) ?? 0), body: JSON.parse(lines.slice(0, -1).join('\n') || '{}') };
}

before(async () => {
  assert.equal(process.getuid?.(), 0, 'this test runs clients as other users through setpriv: run it as root');
  const fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  agent = wattprint(['agent', '--plaintext', '--collector', '127.0.0.1:9', '--host', 'sock-host', '--spool-dir', path.join(dir, 'spool'), '--socket', sock, '--sysfs-root', fixture.root, '--interval-ms', '200']);
  await waitForLine(agent, /host sock-host, sending to/);
  await eventually(() => fs.existsSync(sock), 10_000, 'the socket');
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await agent.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the socket is open to every user (0666): the uid check does the authorizing', () => {
  assert.equal((fs.statSync(sock).mode & 0o777).toString(8), '666');
});

test("a user cannot register another user's process, nor touch another user's job; the owner and root can", async () => {
  const victimProc = asUser(VICTIM, ['sleep', '60']);
  const attackerProc = asUser(ATTACKER, ['sleep', '60']);
  await eventually(() => victimProc.pid && attackerProc.pid && fs.existsSync(`/proc/${victimProc.pid}/status`), 5000, 'the job processes');
  const victimPid = (await eventually(() => childPid(victimProc.pid!), 5000, 'sleep under setpriv'))!;
  const attackerPid = (await eventually(() => childPid(attackerProc.pid!), 5000, 'sleep under setpriv'))!;

  // The attack from the issue: move the victim's process to the attacker's job.
  let r = await request(ATTACKER, '/v1/jobs/register', { jobId: 'attacker', pid: victimPid });
  assert.equal(r.code, 403, JSON.stringify(r.body));
  assert.equal(r.body.error, 'forbidden');
  assert.match(String(r.body.message), new RegExp(`process ${victimPid} belongs to uid ${VICTIM}, not to uid ${ATTACKER}`));

  r = await request(VICTIM, '/v1/jobs/register', { jobId: 'victim-job', pid: victimPid, labels: { task: 'sst2' } });
  assert.equal(r.code, 200, JSON.stringify(r.body));
  for (const [url, body] of [
    ['/v1/progress', { jobId: 'victim-job', tokens: 1e9 }],
    ['/v1/jobs/end', { jobId: 'victim-job' }],
    ['/v1/jobs/register', { jobId: 'victim-job', pid: attackerPid }],
    ['/v1/jobs/register', { jobId: 'victim-job', labels: { task: 'poisoned' } }],
    ['/v1/jobs/register', { jobId: 'x', owner: ATTACKER }],
  ] as const) {
    r = await request(ATTACKER, url, body);
    assert.equal(r.code, 403, `${url} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error, 'forbidden');
  }
  // The attacker's own process to their own job is fine.
  assert.equal((await request(ATTACKER, '/v1/jobs/register', { jobId: 'attacker', pid: attackerPid })).code, 200);
  assert.equal((await request(ATTACKER, '/v1/progress', { jobId: 'attacker', steps: 1 })).code, 202);

  assert.equal((await request(VICTIM, '/v1/progress', { jobId: 'victim-job', tokens: 1000, examples: 8 })).code, 202);
  assert.equal((await request(VICTIM, '/v1/jobs/end', { jobId: 'victim-job' })).code, 200);
  // Root (the Slurm prolog, an operator) may do anything, and name the owner of a job.
  assert.equal((await request(undefined, '/v1/jobs/register', { jobId: 'slurm-42', owner: VICTIM, labels: { partition: 'gpu' } })).code, 200);
  assert.equal((await request(VICTIM, '/v1/progress', { jobId: 'slurm-42', examples: 4 })).code, 202);
  assert.equal((await request(ATTACKER, '/v1/progress', { jobId: 'slurm-42', examples: 4 })).code, 403);
  assert.equal((await request(undefined, '/v1/jobs/register', { jobId: 'attacker', pid: victimPid })).code, 200, 'root may register any process');
});

test("progress for a job found through the environment: its processes' user may post, others may not", async () => {
  asUser(VICTIM, ['sleep', '60'], { WATTPRINT_JOB_ID: 'env-job' });
  let last: unknown;
  await eventually(async () => {
    const r = await request(VICTIM, '/v1/progress', { jobId: 'env-job', tokens: 10 });
    last = r;
    return r.code === 202;
  }, 10_000, 'the scanner to see the job').catch((err) => assert.fail(`${(err as Error).message}; last answer ${JSON.stringify(last)}`));
  const r = await request(ATTACKER, '/v1/progress', { jobId: 'env-job', tokens: 10 });
  assert.equal(r.code, 403);
  assert.match(String(r.body.message), /not yours/);
});

test('wattprint measure, run by a user, says so when the socket refuses it instead of falling back silently', async () => {
  const closed = path.join(dir, 'closed.sock');
  const { createServer } = await import('node:net');
  const srv = createServer().listen(closed);
  await new Promise((r) => srv.once('listening', r));
  fs.chmodSync(closed, 0o600);
  const state = path.join(dir, 'state-user');
  fs.mkdirSync(state, { mode: 0o777 });
  fs.chmodSync(state, 0o777);
  try {
    const out = await run('setpriv', [`--reuid=${VICTIM}`, `--regid=${VICTIM}`, '--clear-groups', NODE, '--disable-warning=ExperimentalWarning', CLI, 'measure', '--socket', closed, '--state-dir', state, '--sysfs-root', path.join(dir, 'sysfs'), '--interval-ms', '200', '--', 'true'], { env: { ...process.env, HOME: state } }).catch((e) => e as { stdout: string; stderr: string });
    assert.match(out.stderr, new RegExp(`an agent is running at ${closed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(--socket\\) but refuses this user \\(EACCES.*--standalone`));
  } finally {
    srv.close();
  }
});

/** The pid of the command setpriv execs (setpriv execs in place: the same pid). */
function childPid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Uid:\s+(\d+)/m.exec(status)?.[1] !== '0' ? pid : undefined;
  } catch {
    return undefined;
  }
}
