// CLI conventions, through the `wattprint` command as shipped: --version and
// --help everywhere, one unit per kind of option, exit codes as shells use them
// (0 ok, 1 runtime, 2 usage, 126/127 command cannot run), errors that name the
// option to fix, and a failed start that exits instead of hanging.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, REPO } from '../../test/helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-conventions-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['start', 'agent', 'collector', 'measure', 'report', 'probe', 'sample'];

const cli = (args: string[], limitMs?: number) => runCli(args, path.join(dir, 'state'), limitMs);

test('--version prints the release version, at the top and on every command', async () => {
  for (const args of [['--version'], ['-V'], ...COMMANDS.map((c) => [c, '--version'])]) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.out.trim(), `wattprint ${VERSION}`, args.join(' '));
  }
});

test('--help works on every command, measure included, and documents every option measure accepts', async () => {
  for (const c of COMMANDS) {
    const r = await cli([c, '--help']);
    assert.equal(r.code, 0, `${c} --help: ${r.err}`);
    assert.match(r.out, new RegExp(`^Usage: wattprint ${c}`), c);
  }
  const m = await cli(['measure', '--help']);
  for (const o of ['--job', '--label', '--emissions-csv', '--project', '--socket', '--api', '--json', '--zone', '--carbon-config', '--state-dir', '--interval-ms', '--sysfs-root', '--procfs-root']) assert.ok(m.out.includes(o), `measure --help lacks ${o}`);
  assert.match(m.out, /127/);
});

test('usage errors exit 2 and name the option; no command is a usage error too', async () => {
  const bad = await cli(['collector', '--http-port', 'eighty']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--http-port must be a number/);
  const unknown = await cli(['probe', '--frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /--frobnicate/);
  assert.equal((await cli(['report', '--format', 'yaml'])).code, 2);
  assert.equal((await cli([])).code, 2);
  assert.equal((await cli(['nonsense'])).code, 2);
});

test('sample takes --interval-ms like the other commands; --interval (seconds) still works, with a deprecation warning', async () => {
  const sysfs = fs.mkdtempSync(path.join(dir, 'sys-'));
  const ms = await cli(['sample', '--interval-ms', '100', '--count', '1', '--sysfs-root', sysfs]);
  assert.equal(ms.code, 0, ms.err);
  assert.match(ms.out, /^#1 /m);
  assert.doesNotMatch(ms.err, /deprecated/);
  const s = await cli(['sample', '--interval', '0.1', '--count', '1', '--sysfs-root', sysfs]);
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /--interval \(seconds\) is deprecated; use --interval-ms/);
  assert.equal((await cli(['sample', '--interval', '1', '--interval-ms', '1000'])).code, 2);
});

test('the wattprint bin runs on the pinned Node 22 whatever node is first on PATH', async () => {
  // A "node" first on PATH that would fail the way Node 20 does on .ts files.
  const fakeBin = fs.mkdtempSync(path.join(dir, 'path-'));
  fs.writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\necho "TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension \\".ts\\"" >&2\nexit 1\n', { mode: 0o755 });
  const bin = path.join(REPO, 'node_modules', '.bin', 'wattprint');
  const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(bin, ['--version'], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${fakeBin}:/usr/bin:/bin` } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), `wattprint ${VERSION}`);
});
