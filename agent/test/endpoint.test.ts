import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobRegistry, localRequest, startLocalEndpoint } from '../src/local/endpoint.ts';
import { ProcScanner } from '../src/procfs/scanner.ts';
import { ProcFixture } from '../../test/fixtures/procfs.ts';

test('register by pid (identity = pid + start time), by job only (labels), progress, end; bad input is a 400 with a code', async () => {
  const f = new ProcFixture();
  const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wp-sock-')), 'agent.sock');
  const registry = new JobRegistry(f.root);
  const ep = await startLocalEndpoint(sock, registry, () => ({ ok: true }));
  try {
    f.put({ pid: 300, comm: 'python', ppid: 1, utime: 0, stime: 0, starttime: 5000, cgroup: '/user.slice' });
    f.put({ pid: 301, comm: 'worker', ppid: 300, utime: 0, stime: 0, starttime: 5001 });
    f.put({ pid: 400, comm: 'srun', ppid: 1, utime: 0, stime: 0, starttime: 6000, cgroup: '/slurm/uid_0/job_77/step_0' });
    const scanner = new ProcScanner({ procfsRoot: f.root, registrations: registry.lookup, jobLabels: registry.labelsFor });
    scanner.scan();

    let r = await localRequest(sock, 'POST', '/v1/jobs/register', { jobId: 'ft-1', pid: 300, labels: { task: 'sst2' } });
    assert.equal(r.code, 200);
    assert.equal(r.body.startTimeUs, (f.bootTime + 50) * 1e6);
    r = await localRequest(sock, 'POST', '/v1/jobs/register', { jobId: 'slurm-77', labels: { partition: 'gpu' } });
    assert.deepEqual(r.body, { jobId: 'slurm-77' });
    assert.equal((await localRequest(sock, 'POST', '/v1/progress', { jobId: 'ft-1', tokens: 1000, examples: 8 })).code, 202);
    await localRequest(sock, 'POST', '/v1/progress', { jobId: 'ft-1', tokens: 500, tokensUnpadded: 320, steps: 1 });

    f.tick(1, 1);
    for (const pid of [300, 301, 400]) f.put({ pid, comm: 'x', ppid: pid === 301 ? 300 : 1, utime: 10, stime: 0, starttime: pid === 300 ? 5000 : pid === 301 ? 5001 : 6000, cgroup: pid === 400 ? '/slurm/uid_0/job_77/step_0' : '/user.slice' });
    const jobs = Object.fromEntries(scanner.scan().processes.map((p) => [p.pid, [p.jobId, p.jobSource, p.labels]]));
    assert.deepEqual(jobs, {
      300: ['ft-1', 'registration', { task: 'sst2' }],
      301: ['ft-1', 'parent', { task: 'sst2' }],
      400: ['slurm-77', 'cgroup', { partition: 'gpu' }],
    });
    assert.deepEqual(registry.drainProgress(), [{ jobId: 'ft-1', tokens: 1500, tokensUnpadded: 320, examples: 8, steps: 1 }]);
    assert.deepEqual(registry.drainProgress(), [], 'drained once');

    // A later process with the same pid is not the registered one.
    f.put({ pid: 300, comm: 'reused', ppid: 1, utime: 0, stime: 0, starttime: 9000 });
    assert.equal(registry.lookup(300, (f.bootTime + 90) * 1e6), undefined);

    const bad: [unknown, string][] = [
      [{ jobId: 'has space', pid: 300 }, 'invalid_job_id'],
      [{ jobId: 'ok', pid: -1 }, 'invalid_pid'],
      [{ jobId: 'ok', pid: 999999 }, 'no_such_process'],
      [{ jobId: 'ok', labels: { 'no spaces': 'x' } }, 'invalid_labels'],
    ];
    for (const [body, code] of bad) {
      const res = await localRequest(sock, 'POST', '/v1/jobs/register', body);
      assert.equal(res.code, 400);
      assert.equal(res.body.error, code);
    }
    assert.equal((await localRequest(sock, 'POST', '/v1/progress', { jobId: 'ft-1', tokens: -5 })).body.error, 'invalid_field');
    assert.equal((await localRequest(sock, 'POST', '/v1/progress', { jobId: 'ft-1', tokens: 'NaN' })).body.error, 'invalid_field');
    assert.equal((await localRequest(sock, 'POST', '/v1/progress', { jobId: 'ft-1', tokensUnpadded: -1 })).body.error, 'invalid_field');
    assert.equal((await localRequest(sock, 'GET', '/v1/nope')).code, 405);
    assert.equal((await localRequest(sock, 'POST', '/v1/nope', {})).code, 404);
    assert.ok(ep.counters.badRequests >= 8);

    assert.deepEqual((await localRequest(sock, 'POST', '/v1/jobs/end', { jobId: 'ft-1' })).body, { jobId: 'ft-1', released: 1 });
    assert.equal(registry.lookup(300, (f.bootTime + 50) * 1e6), undefined);
    assert.equal((fs.statSync(sock).mode & 0o777).toString(8), '666', 'every job user reaches it; the peer check authorizes');
  } finally {
    await ep.close();
    f.remove();
  }
});
