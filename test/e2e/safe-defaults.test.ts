// Safe defaults of the shipped commands: `wattprint start` keeps its state
// private, plaintext gRPC stays on loopback unless named on purpose, and an
// API without tokens answers only to loopback Host names (DNS rebinding).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RaplFixture } from '../fixtures/sysfs.ts';
import { CLI, NODE, eventually, startCollectorProcess, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-defaults-'));
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

test('wattprint start: the state directory is 0700 and the store and spool files 0600', async () => {
  const state = path.join(dir, 'state');
  const fixture = RaplFixture.server(path.join(dir, 'sysfs'));
  const p = wattprint(['start', '--state-dir', state, '--port', '0', '--grpc-port', '0', '--sysfs-root', fixture.root, '--interval-ms', '200']);
  procs.push(p);
  await waitForLine(p, /"event":"listening"/);
  await eventually(() => fs.existsSync(path.join(state, 'wattprint.db')) && fs.readdirSync(path.join(state, 'spool')).length > 0, 10_000, 'the store and the spool');
  assert.equal(mode(state), '700');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) {
        assert.equal(mode(f), '700', f);
        walk(f);
      } else if (e.isFile()) files.push(f);
    }
  };
  walk(state);
  assert.ok(files.some((f) => f.endsWith('wattprint.db')));
  for (const f of files) assert.equal(mode(f), '600', f);
  await p.stop();
});

test('plaintext gRPC binds loopback only; --plaintext-bind names another address, with a warning', async () => {
  const refused = await run(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'collector', '--plaintext', '--grpc', '0.0.0.0:0', '--http-port', '0', '--db', path.join(dir, 'a.db')]).catch((e) => e as { code: number; stderr: string });
  assert.equal((refused as { code: number }).code, 2);
  assert.match(refused.stderr, /--plaintext binds loopback only; "0\.0\.0\.0:0" is not: use TLS, or --plaintext-bind 0\.0\.0\.0:0/);
  const p = wattprint(['collector', '--plaintext-bind', '0.0.0.0:0', '--http-port', '0', '--db', path.join(dir, 'b.db')]);
  procs.push(p);
  await waitForLine(p, /"event":"listening"/);
  assert.ok(p.output.some((l) => /WARNING: gRPC without TLS on 0\.0\.0\.0:0/.test(l)), p.output.join('\n'));
  await p.stop();
});

test('without tokens the API answers loopback Host names only (DNS rebinding), and --allow-host adds one', async () => {
  const c = await startCollectorProcess(path.join(dir, 'c.db'), ['--allow-host', 'wattprint.lab']);
  procs.push(c.proc);
  const get = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: c.httpPort, path: '/v1/hosts', headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  for (const ok of [`127.0.0.1:${c.httpPort}`, `localhost:${c.httpPort}`, 'wattprint.lab']) assert.equal((await get(ok)).status, 200, ok);
  const evil = await get(`evil.example:${c.httpPort}`);
  assert.equal(evil.status, 421);
  assert.equal(JSON.parse(evil.body).error, 'host_not_allowed');
});
