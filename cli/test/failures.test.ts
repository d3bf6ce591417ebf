// CLI failures, through the `wattprint` command: exit codes as shells use them
// (1 runtime, 126/127 command cannot run), errors that name what to fix (the
// unreachable URL, the option that moves a busy port), and a failed start that
// releases its ports and exits instead of hanging.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../test/helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-conventions-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));


const cli = (args: string[], limitMs?: number) => runCli(args, path.join(dir, 'state'), limitMs);

/** A port held by another process-like listener for the test's duration. */
async function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const p = await busyPort();
  await p.close();
  return p.port;
}

test('measure exits 127 for a command that is not found and 126 for one that cannot run', async () => {
  const sysfs = fs.mkdtempSync(path.join(dir, 'sys-'));
  const common = ['--state-dir', path.join(dir, 'measure'), '--sysfs-root', sysfs, '--socket', path.join(dir, 'no-agent.sock')];
  const missing = await cli(['measure', ...common, '--', path.join(dir, 'no-such-command')]);
  assert.equal(missing.code, 127, missing.err);
  assert.match(missing.err, /no-such-command: command not found/);
  const plain = path.join(dir, 'not-executable');
  fs.writeFileSync(plain, 'echo hi\n', { mode: 0o644 });
  const cannot = await cli(['measure', ...common, '--', plain]);
  assert.equal(cannot.code, 126, cannot.err);
  assert.match(cannot.err, /cannot run .*not-executable/);
});

test('report: an unreachable API is a runtime error (1) that says which URL and why', async () => {
  const port = await closedPort();
  const r = await cli(['report', '--api', `http://127.0.0.1:${port}`, '--job', 'j1']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, new RegExp(`cannot reach the collector API at http://127\\.0\\.0\\.1:${port}/v1/jobs/j1: ECONNREFUSED`));
  assert.match(r.err, /--api/);
  assert.doesNotMatch(r.err, /^wattprint report: fetch failed$/m);
});

test('a busy gRPC port names the option that moves it and exits 1', async () => {
  const busy = await busyPort();
  try {
    const r = await cli(['collector', '--plaintext', '--grpc', `127.0.0.1:${busy.port}`, '--http-port', '0', '--db', path.join(dir, 'g.db')]);
    assert.equal(r.hung, false, 'the collector hung');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`gRPC cannot listen on 127\\.0\\.0\\.1:${busy.port}: the port is in use; move it with --grpc`));
    const s = await cli(['start', '--grpc-port', String(busy.port), '--port', '0', '--state-dir', path.join(dir, 'start-g')]);
    assert.equal(s.code, 1, s.err);
    assert.match(s.err, /move it with --grpc-port/);
  } finally {
    await busy.close();
  }
});

test('a busy HTTP port names the option, releases the gRPC port it had bound, and exits', async () => {
  const busy = await busyPort();
  const grpcPort = await closedPort();
  try {
    const r = await cli(['collector', '--plaintext', '--grpc', `127.0.0.1:${grpcPort}`, '--http-port', String(busy.port), '--db', path.join(dir, 'h.db')]);
    assert.equal(r.hung, false, 'the collector hung holding its gRPC port');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`HTTP cannot listen on 127\\.0\\.0\\.1:${busy.port}: the port is in use; move it with --http-port`));
    const s = await cli(['start', '--grpc-port', String(grpcPort), '--port', String(busy.port), '--state-dir', path.join(dir, 'start-h')]);
    assert.equal(s.hung, false, 'start hung holding its gRPC port');
    assert.equal(s.code, 1, s.err);
    assert.match(s.err, /move it with --port/);
    // The gRPC port is free again: something else can bind it.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(grpcPort, '127.0.0.1', resolve));
    await new Promise((r) => again.close(r));
  } finally {
    await busy.close();
  }
});


test('a config file that breaks its schema is a usage error naming the file, the key and the rule', async () => {
  const file = path.join(dir, 'baselines.json');
  fs.writeFileSync(file, JSON.stringify({ gpu01: { 'package/package-0': -3 } }));
  const r = await cli(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--db', path.join(dir, 'b.db'), '--baselines', file]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, new RegExp(`--baselines ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: gpu01\\."package/package-0" must be watts, a number >= 0, got -3`));
});
