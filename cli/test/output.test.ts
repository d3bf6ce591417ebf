// What `wattprint measure` prints says only what was measured: no wall meter →
// wall "= software (no wall meter)", not a reading; domains without a counter
// are named as absent, not printed as zeros; a TDP estimate keeps two digits.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, NODE } from '../../test/helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-output-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('measure on a host with no counters and no wall meter: estimates marked, absent domains absent, wall = software', async () => {
  const sysfs = fs.mkdtempSync(path.join(dir, 'sys-')); // no RAPL, no NVML: the TDP model only
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'measure', '--job', 'est-1', '--state-dir', path.join(dir, 'state'), '--sysfs-root', sysfs, '--socket', path.join(dir, 'none.sock'), '--interval-ms', '200', '--', 'sh', '-c', 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, err }));
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /includes ESTIMATES/);
  assert.match(r.err, /^wall total\s+= software \(no wall meter\)$/m);
  assert.match(r.err, /not measured on this host, or not used by the job: dram, gpu/);
  assert.doesNotMatch(r.err, /^(dram|gpu)\s/m, 'no zero rows for absent domains');
  const cpu = /^cpu\s+(\S+)\s+(\S+)$/m.exec(r.err);
  assert.ok(cpu, r.err);
  for (const v of [cpu[1]!, cpu[2]!]) assert.match(v, /^~\d(\.\d)?$|^~\d\d$|^~0\.0*\d\d?$/, `an estimate with two significant digits, got ${v}`);
});
