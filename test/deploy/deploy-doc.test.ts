// docs/DEPLOY.md, executed: the InfluxDB statements of its "InfluxDB" step run
// against a fresh influxd with auth on; the collector then starts with the
// shipped deploy/config/collector.env (ports and paths rewritten) and the
// password the doc writes to /etc/wattprint/influx-password, and becomes
// ready; Grafana's user reads but cannot write. The options table matches
// the CLI's flags and defaults.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INFLUX_DEFAULTS, INFLUX_OPTIONS } from '../../cli/src/influx-options.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { eventually, REPO, wattprint, waitForLine, type Proc } from '../helpers/processes.ts';

const doc = fs.readFileSync(path.join(REPO, 'docs/DEPLOY.md'), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-deploy-doc-'));
const procs: Proc[] = [];
let influxd: Influxd | undefined;
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await influxd?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('DEPLOY.md: its InfluxDB statements, then the shipped collector.env, give a ready collector; Grafana reads only', async () => {
  const block = /<!-- influx-setup -->\n```sql\n([\s\S]*?)```\n<!-- \/influx-setup -->/.exec(doc);
  assert.ok(block, 'DEPLOY.md has the influx-setup block');
  const statements = block[1]!.trim().split('\n');
  const admin = /^CREATE USER "(\w+)" WITH PASSWORD '([^']+)' WITH ALL PRIVILEGES$/.exec(statements[0]!);
  assert.ok(admin, 'the first statement creates an admin user');
  const collectorUser = statements.map((s) => /^CREATE USER "wattprint" WITH PASSWORD '([^']+)'/.exec(s)).find(Boolean);
  const grafanaUser = statements.map((s) => /^CREATE USER "grafana" WITH PASSWORD '([^']+)'/.exec(s)).find(Boolean);
  assert.ok(collectorUser && grafanaUser);

  influxd = await startInfluxd({ authOnly: true });
  for (const [i, s] of statements.entries()) {
    const res = await request(influxd.port, 'POST', '/query', `q=${encodeURIComponent(s)}`, i === 0 ? {} : basic(admin[1]!, admin[2]!));
    assert.equal(res.status, 200, `${s}: ${res.body}`);
    assert.doesNotMatch(res.body, /"error"/, `${s}: ${res.body}`);
  }

  // The password file as the doc writes it (printf '%s\n' ...).
  const written = /printf '%s\\n' '([^']+)' >\/etc\/wattprint\/influx-password/.exec(doc);
  assert.ok(written, 'DEPLOY.md writes /etc/wattprint/influx-password');
  assert.equal(written[1], collectorUser[1], "the password file holds the collector user's password");
  const passwordFile = path.join(dir, 'influx-password');
  fs.writeFileSync(passwordFile, `${written[1]}\n`, { mode: 0o600 });

  const tls = path.join(dir, 'tls');
  execFileSync('sh', [path.join(REPO, 'deploy/certs/make-certs.sh'), tls, 'localhost', 'gpu01'], { stdio: 'pipe' });
  const env = fs.readFileSync(path.join(REPO, 'deploy/config/collector.env'), 'utf8');
  const opts = env.match(/^WATTPRINT_COLLECTOR_OPTS="([^"]*)"$/m)![1]!.trim().split(/\s+/);
  const args = opts.map((o, i) => {
    const flag = opts[i - 1];
    if (flag === '--grpc') return '127.0.0.1:0';
    if (flag === '--http-port') return '0';
    if (flag === '--influx') return o.replace('influx.example:8086', `127.0.0.1:${influxd!.port}`);
    if (flag === '--influx-password-file') return passwordFile;
    if (flag?.startsWith('--tls-')) return path.join(tls, path.basename(o));
    return o;
  });
  const collector = wattprint(['collector', ...args], { WATTPRINT_STATE_DIR: dir });
  procs.push(collector);
  const m = await waitForLine(collector, /^\{"event":"listening".*\}$/, 30_000);
  const { httpPort } = JSON.parse(m[0]) as { httpPort: number };
  await eventually(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, 20_000, 'ready');
  const rps = await request(influxd.port, 'POST', '/query', `q=${encodeURIComponent('SHOW RETENTION POLICIES ON "wattprint"')}`, basic(admin[1]!, admin[2]!));
  assert.match(rps.body, /"wp_raw","720h0m0s".*true/, 'the collector made the raw policy (30d, default)');

  // Grafana's user: reads, cannot write.
  const read = await request(influxd.port, 'POST', '/query?db=wattprint', `q=${encodeURIComponent('SHOW MEASUREMENTS')}`, basic('grafana', grafanaUser[1]!));
  assert.equal(read.status, 200);
  assert.doesNotMatch(read.body, /"error"/);
  const write = await request(influxd.port, 'POST', '/write?db=wattprint', 'x v=1', basic('grafana', grafanaUser[1]!));
  assert.equal(write.status, 403, write.body);
  assert.equal(await collector.stop(), 0);
});

test('DEPLOY.md lists every --influx option with the CLI default', () => {
  const defaults: Record<string, string> = {
    'influx-retention': INFLUX_DEFAULTS.retention,
    'influx-rollup-retention': INFLUX_DEFAULTS.rollupRetention,
    'influx-batch-points': String(INFLUX_DEFAULTS.batchPoints),
    'influx-flush-ms': String(INFLUX_DEFAULTS.flushMs),
    'influx-max-pending': String(INFLUX_DEFAULTS.maxPending),
    'influx-timeout-ms': String(INFLUX_DEFAULTS.timeoutMs),
    'influx-give-up-ms': String(INFLUX_DEFAULTS.giveUpMs),
  };
  for (const flag of Object.keys(INFLUX_OPTIONS)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`--${flag}`));
    assert.ok(row, `DEPLOY.md has a row for --${flag}`);
    if (defaults[flag]) assert.equal(row.split('|')[2]!.trim(), defaults[flag], `--${flag} default`);
  }
});
