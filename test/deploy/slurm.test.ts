// The Slurm prolog, epilog and task prolog against a stand-in for the agent's
// job endpoint: HTTP on a Unix socket, speaking the agent's contract
//   POST /v1/jobs/register {"jobId", "pid"?, "labels"?}   POST /v1/jobs/end {"jobId"}
// and their fail-soft behaviour (a prolog that exits non-zero drains the node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DEPLOY, run, tempDir } from './deploy-helpers.ts';

const PROLOG = path.join(DEPLOY, 'slurm/prolog.sh');
const EPILOG = path.join(DEPLOY, 'slurm/epilog.sh');
const TASK_PROLOG = path.join(DEPLOY, 'slurm/task-prolog.sh');

interface Recorded {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

type Mode = 'ok' | 'refuse' | 'hang';

/** Checks a request body against the contract; returns the problem or undefined. */
function contractProblem(url: string, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.jobId !== 'string' || b.jobId === '') return '"jobId" must be a non-empty string';
  if (url === '/v1/jobs/register') {
    if (b.pid !== undefined && (!Number.isInteger(b.pid) || (b.pid as number) <= 0)) return '"pid" must be a positive integer';
    if (b.labels !== undefined && (typeof b.labels !== 'object' || b.labels === null || Object.values(b.labels).some((v) => typeof v !== 'string')))
      return '"labels" must map strings to strings';
    if (b.owner !== undefined && (!Number.isInteger(b.owner) || (b.owner as number) < 0)) return '"owner" must be a uid';
    for (const k of Object.keys(b)) if (!['jobId', 'pid', 'labels', 'owner'].includes(k)) return `unknown key "${k}"`;
  } else if (Object.keys(b).some((k) => k !== 'jobId')) return 'end takes only "jobId"';
  return undefined;
}

async function fakeAgent(t: { after: (fn: () => void | Promise<void>) => void }, mode: Mode = 'ok') {
  const dir = tempDir('wp-slurm-');
  const socket = path.join(dir, 'agent.sock');
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = { unparsable: raw };
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      if (mode === 'hang') return; // never answers
      const reply = (status: number, obj: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (mode === 'refuse') return reply(503, { error: 'agent is shutting down' });
      if (req.method !== 'POST' || !['/v1/jobs/register', '/v1/jobs/end'].includes(req.url ?? '')) return reply(404, { error: `no route ${req.method} ${req.url}` });
      const problem = contractProblem(req.url ?? '', body);
      if (problem) return reply(400, { error: problem });
      reply(200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { socket, dir, requests };
}

/** Slurm runs prologs with a bare environment: no PATH, only its SLURM_* variables. */
function slurmEnv(socket: string, vars: Record<string, string>): NodeJS.ProcessEnv {
  return { WATTPRINT_SOCKET: socket, WATTPRINT_AGENT_TIMEOUT: '1', ...vars };
}

test('prolog registers the job as slurm-<id> with name, partition and user labels', async (t) => {
  const agent = await fakeAgent(t);
  const r = await run(PROLOG, [], { env: slurmEnv(agent.socket, { SLURM_JOB_ID: '4242', SLURM_JOB_NAME: 'bert-sst2', SLURM_JOB_PARTITION: 'gpu-a100', SLURM_JOB_USER: 'alice' }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'nothing to complain about');
  assert.deepEqual(agent.requests, [
    { method: 'POST', url: '/v1/jobs/register', contentType: 'application/json', body: { jobId: 'slurm-4242', labels: { job_name: 'bert-sst2', partition: 'gpu-a100', user: 'alice' } } },
  ]);
});

test('prolog escapes job names into valid JSON and leaves out labels Slurm did not give', async (t) => {
  const agent = await fakeAgent(t);
  const nasty = 'fine-tune "BERT" on C:\\data\tsplit\nnext: café, 数据';
  const r = await run(PROLOG, [], { env: slurmEnv(agent.socket, { SLURM_JOB_ID: '7', SLURM_JOB_NAME: nasty }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(agent.requests.length, 1);
  // Control characters become spaces; quotes, backslashes and UTF-8 survive.
  assert.deepEqual(agent.requests[0]!.body, { jobId: 'slurm-7', labels: { job_name: 'fine-tune "BERT" on C:\\data split next: café, 数据' } });

  const bare = await run(PROLOG, [], { env: slurmEnv(agent.socket, { SLURM_JOB_ID: '8' }) });
  assert.equal(bare.code, 0, bare.stderr);
  assert.deepEqual(agent.requests[1]!.body, { jobId: 'slurm-8', labels: {} });
});

test('epilog ends the job', async (t) => {
  const agent = await fakeAgent(t);
  const r = await run(EPILOG, [], { env: slurmEnv(agent.socket, { SLURM_JOB_ID: '4242', SLURM_JOB_USER: 'alice' }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(agent.requests, [{ method: 'POST', url: '/v1/jobs/end', contentType: 'application/json', body: { jobId: 'slurm-4242' } }]);
});

test('with no agent socket both scripts exit 0 and say what is missing', async () => {
  const dir = tempDir('wp-slurm-missing-');
  try {
    const socket = path.join(dir, 'agent.sock');
    for (const [script, what] of [[PROLOG, 'not registered'], [EPILOG, 'end not recorded']] as const) {
      const r = await run(script, [], { env: slurmEnv(socket, { SLURM_JOB_ID: '99' }) });
      assert.equal(r.code, 0, `${path.basename(script)} must not drain the node`);
      assert.match(r.stderr, new RegExp(`job 99: no agent socket at ${socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*${what}`));
    }
    // A regular file where the socket should be is no socket either.
    fs.writeFileSync(path.join(dir, 'agent.sock'), '');
    const r = await run(PROLOG, [], { env: slurmEnv(socket, { SLURM_JOB_ID: '99' }) });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /no agent socket/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an agent that refuses or never answers is logged, and the scripts still exit 0', async (t) => {
  const refusing = await fakeAgent(t, 'refuse');
  const r = await run(PROLOG, [], { env: slurmEnv(refusing.socket, { SLURM_JOB_ID: '5' }) });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /job 5: agent refused POST \/v1\/jobs\/register with HTTP 503: .*agent is shutting down/);
  assert.equal(refusing.requests.length, 1);

  const hung = await fakeAgent(t, 'hang');
  const e = await run(EPILOG, [], { env: slurmEnv(hung.socket, { SLURM_JOB_ID: '5' }) });
  assert.equal(e.code, 0);
  assert.match(e.stderr, /job 5: agent at .* did not answer POST \/v1\/jobs\/end: .*/);
  assert.equal(hung.requests.length, 1, 'the request reached the agent');
});

test('a job id that is not a number is never sent (it would be spliced into JSON)', async (t) => {
  const agent = await fakeAgent(t);
  for (const id of ['', '12"}', '12 13']) {
    for (const script of [PROLOG, EPILOG]) {
      const r = await run(script, [], { env: slurmEnv(agent.socket, id ? { SLURM_JOB_ID: id } : {}) });
      assert.equal(r.code, 0);
      assert.match(r.stderr, /SLURM_JOB_ID is ".*", not a job number/);
    }
  }
  assert.deepEqual(agent.requests, []);
});

test('task prolog exports the job id and socket the training script reports progress under', async () => {
  const r = await run(TASK_PROLOG, [], { env: { SLURM_JOB_ID: '4242' } });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'export WATTPRINT_JOB_ID=slurm-4242\nexport WATTPRINT_SOCKET=/run/wattprint/agent.sock\n');
  const none = await run(TASK_PROLOG, [], { env: {} });
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '', 'outside a job it exports nothing');
});
