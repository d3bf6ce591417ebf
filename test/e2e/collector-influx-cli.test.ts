// `wattprint collector --influx URL` as operators start it: bad settings stop
// it with one line naming the flag; an InfluxDB that is not up yet does not
// (readiness false, retries, ready once it answers); the env file's options
// feed InfluxDB.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { eventually, wattprint, waitForLine, type Proc, freePort } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-influx-cli-'));
const procs: Proc[] = [];
const servers: Influxd[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  for (const s of servers) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `wattprint collector ARGS` to its exit; returns the code and what it printed. */
async function runCollector(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string[] }> {
  const p = wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', ...args], { WATTPRINT_STATE_DIR: dir, ...env });
  procs.push(p);
  const code = await new Promise<number | null>((resolve) => {
    if (p.child.exitCode !== null) resolve(p.child.exitCode);
    p.child.once('exit', (c) => resolve(c));
  });
  // readline may still hold the last line for a tick.
  await new Promise((r) => setTimeout(r, 50));
  return { code, out: p.output };
}

function errorLines(out: string[]): string[] {
  return out.filter((l) => l.startsWith('wattprint collector:'));
}

test('usage errors name the flag and say why', async () => {
  const cases: [string[], RegExp][] = [
    [['--db', path.join(dir, 'x.db'), '--influx', 'http://127.0.0.1:8086/wp'], /--db and --influx both say where data goes/],
    [['--influx', 'http://wp:secret@127.0.0.1:8086/wp'], /URL holds a password; put it in --influx-password-file or WATTPRINT_INFLUX_PASSWORD/],
    [['--influx', 'http://127.0.0.1:8086'], /--influx "http:\/\/127.0.0.1:8086": name the database as the URL's path/],
    [['--influx', 'not a url'], /--influx "not a url" is not a URL/],
    [['--influx', 'http://wp@127.0.0.1:8086/wp'], /names user "wp" but no password/],
    [['--influx', 'http://127.0.0.1:8086/wp', '--influx-retention', '5m'], /--influx-retention "5m": InfluxDB keeps data at least 1h/],
    [['--influx-batch-points', '10'], /--influx-batch-points needs --influx URL/],
  ];
  for (const [args, re] of cases) {
    const { code, out } = await runCollector(args);
    assert.equal(code, 2, `${args.join(' ')}: ${out.join('\n')}`);
    assert.match(out[0] ?? '', re, args.join(' '));
  }
});

test('wrong credentials and a missing database: exit 1 with one line naming the flag', async () => {
  const secured = await startInfluxd({ admin: { username: 'admin', password: 'right' } });
  servers.push(secured);
  const pw = path.join(dir, 'influx-password');
  fs.writeFileSync(pw, 'wrong\n', { mode: 0o600 });
  const url = `http://admin@127.0.0.1:${secured.port}/wattprint`;
  const bad = await runCollector(['--influx', url, '--influx-password-file', pw]);
  assert.equal(bad.code, 1, bad.out.join('\n'));
  const lines = errorLines(bad.out);
  assert.equal(lines.length, 1, bad.out.join('\n'));
  assert.match(lines[0]!, /--influx http:\/\/(admin|\[redacted\])@127\.0\.0\.1:\d+\/wattprint: InfluxDB refused the credentials \(401\).*--influx-password-file or WATTPRINT_INFLUX_PASSWORD/);
  assert.ok(!bad.out.join('\n').includes('wrong'), 'the password never shows in the output');

  // The same through the environment variable, and a database that is not there.
  const missing = await runCollector(['--influx', `http://admin@127.0.0.1:${secured.port}/nowhere`, '--influx-no-schema'], { WATTPRINT_INFLUX_PASSWORD: 'right' });
  assert.equal(missing.code, 1, missing.out.join('\n'));
  assert.match(errorLines(missing.out).join('\n'), /^wattprint collector: --influx http:\/\/(admin|\[redacted\])@127\.0\.0\.1:\d+\/nowhere: database "nowhere" \(the URL's path\) does not exist/);
});

test('an InfluxDB that is not up yet: the collector starts, /readyz is 503, then 200 once it answers', async () => {
  const port = await freePort();
  const p = wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--influx', `http://127.0.0.1:${port}/wattprint`], { WATTPRINT_STATE_DIR: dir });
  procs.push(p);
  const m = await waitForLine(p, /^\{"event":"listening".*\}$/, 30_000);
  const { httpPort } = JSON.parse(m[0]) as { httpPort: number };
  assert.match(p.output.join('\n'), /--influx http:\/\/127\.0\.0\.1:\d+\/wattprint: InfluxDB unreachable .*retrying in the background/);
  const ready = async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status;
  assert.equal(await ready(), 503);
  assert.equal((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status, 200, 'alive while not ready');
  const late = await startInfluxd({ port });
  servers.push(late);
  await eventually(async () => (await ready()) === 200, 40_000, '/readyz 200 after InfluxDB came up');
  // It made the schema once connected.
  const dbs = await fetch(`${late.url}/query?q=${encodeURIComponent('SHOW RETENTION POLICIES ON "wattprint"')}`).then((r) => r.text());
  assert.match(dbs, /wp_raw/);
  assert.equal(await p.stop(), 0);
});
