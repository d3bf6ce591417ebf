// Daemon logs through the CLI: JSON lines with level, time, component and
// message when stderr is not a terminal; --log-level filters; a condition that
// repeats every interval ("no grid zone configured") is logged once, then as a
// count; secrets in structured fields are redacted by the same logger.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, wattprint, waitForLine, type Proc } from '../../test/helpers/processes.ts';
import { createLogger, daemonLog, readableLine, setMessageRedactor } from '../src/log.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-logs-'));
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('start logs JSON lines, and the per-interval "no grid zone" warning once, then as a count', async () => {
  fs.mkdirSync(path.join(dir, 'sys'));
  const p = wattprint(['start', '--grpc-port', '0', '--port', '0', '--state-dir', path.join(dir, 's'), '--interval-ms', '100', '--sysfs-root', path.join(dir, 'sys')], { WATTPRINT_LOG_REPEAT_MS: '1500', WATTPRINT_LOG_FORMAT: '' });
  procs.push(p);
  await waitForLine(p, /^\{"event":"listening"/, 90_000);
  // Twenty-odd intervals with no zone, and two repeat windows.
  await eventually(() => p.output.filter((l) => /no grid zone configured.*\(repeated \d+ times in the last \d+ s\)/.test(l)).length >= 2, 30_000, 'two repeat counts');
  assert.equal(await p.stop('SIGTERM'), 0);
  const logs = p.output.filter((l) => l.startsWith('{"level"'));
  assert.ok(logs.length > 0, p.output.join('\n'));
  for (const l of logs) {
    const r = JSON.parse(l) as { level: string; time: string; msg: string; component?: string };
    assert.ok(['info', 'warn', 'error'].includes(r.level), l);
    assert.ok(!Number.isNaN(Date.parse(r.time)), l);
    assert.equal(typeof r.msg, 'string');
  }
  const zone = logs.map((l) => JSON.parse(l) as { level: string; component: string; msg: string }).filter((r) => r.msg.includes('no grid zone configured'));
  const plain = zone.filter((r) => !r.msg.includes('repeated'));
  assert.equal(plain.length, 1, `logged once in full:\n${zone.map((r) => r.msg).join('\n')}`);
  assert.equal(plain[0]!.level, 'warn');
  assert.equal(plain[0]!.component, 'carbon');
  const counted = zone.reduce((n, r) => n + Number(/repeated (\d+) times/.exec(r.msg)?.[1] ?? 0), 0);
  assert.ok(counted >= 5, `the repeats are counted, not lost: ${counted}`);
  assert.ok(zone.length < counted, 'fewer lines than occurrences');
});

test('--log-level warn drops the info lines (source probes) and keeps the warnings', async () => {
  const p = wattprint(['agent', '--plaintext', '--collector', '127.0.0.1:1', '--spool-dir', path.join(dir, 'spool'), '--socket', '', '--sysfs-root', path.join(dir, 'sys'), '--log-level', 'warn']);
  procs.push(p);
  await waitForLine(p, /"level":"warn".*"component":"uplink"/);
  await p.stop('SIGTERM');
  assert.ok(!p.output.some((l) => /source rapl/.test(l)), p.output.join('\n'));
});

test('redaction: authorization, password and token fields, and the message hook', () => {
  const lines: string[] = [];
  const logger = createLogger('info', true, { write: (s: string) => lines.push(s) });
  logger.info({ headers: { authorization: 'Bearer abc' }, password: 'hunter2', cfg: { token: 't0k' }, host: 'h1' }, 'request');
  const r = JSON.parse(lines[0]!) as { headers: { authorization: string }; password: string; cfg: { token: string }; host: string };
  assert.equal(r.headers.authorization, '[redacted]');
  assert.equal(r.password, '[redacted]');
  assert.equal(r.cfg.token, '[redacted]');
  assert.equal(r.host, 'h1');
  setMessageRedactor((m) => m.replace(/Bearer \S+/g, 'Bearer [redacted]'));
  try {
    const { log } = daemonLog(logger);
    log('uplink: sent Bearer s3cret to 10.0.0.1');
    assert.match(lines[1]!, /"component":"uplink","msg":"sent Bearer \[redacted\] to 10\.0\.0\.1"/);
  } finally {
    setMessageRedactor((m) => m);
  }
});

test('readable lines on a terminal: time, level, component, message', () => {
  const line = readableLine(JSON.stringify({ level: 40, time: Date.parse('2026-01-01T12:00:01.5Z'), component: 'carbon', msg: 'host vm: no grid zone' }));
  assert.equal(line, '12:00:01.500 WARN  carbon: host vm: no grid zone\n');
});
