import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Domain, Quality, Source } from '@wattprint/proto';
import { CommandMeter, parseCommandOutput } from '@wattprint/agent/sources/meters/command.ts';
import { MeterSource } from '@wattprint/agent/sources/meters/meter-source.ts';
import { interval } from './helpers.ts';

/** A lab meter's reader script printing whatever ./value holds. */
function script(body: string): { file: string; set(v: string): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-cmd-'));
  const file = path.join(dir, 'meter.sh');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { file, set: (v) => fs.writeFileSync(path.join(dir, 'value'), v) };
}

describe('command meter', () => {
  test('unit "joules": a cumulative register, counter quality', async () => {
    const m = script('cat "$(dirname "$0")/value"');
    const s = new MeterSource(new CommandMeter({ kind: 'command', name: 'wt310', command: [m.file], unit: 'joules' }));
    m.set('1000000.5\n');
    await s.read(interval(0, 1));
    m.set('1000250.75 J\n');
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'wt310', source: Source.SOURCE_COMMAND, quality: Quality.QUALITY_COUNTER, joules: 250.25, flags: [] }]);
  });

  test('unit "watts": integrated and flagged', async () => {
    const m = script('cat "$(dirname "$0")/value"');
    const s = new MeterSource(new CommandMeter({ kind: 'command', name: 'plug', command: [m.file], unit: 'watts' }));
    m.set('50');
    await s.read(interval(0, 1));
    m.set('70');
    const r = await s.read(interval(1, 2));
    assert.equal(r.energy[0]!.joules, 60);
    assert.equal(r.energy[0]!.quality, Quality.QUALITY_INTEGRATED_POWER);
    assert.deepEqual(r.energy[0]!.flags, ['power_integrated']);
  });

  test('output that is not a number, a failing command and a missing one are statuses', async () => {
    assert.throws(() => parseCommandOutput('-3', 'x'), /printed "-3", not a number >= 0/);
    assert.throws(() => parseCommandOutput('NaN', 'x'), /not a number/);
    assert.equal(parseCommandOutput('  2.5e3\n', 'x'), 2500);
    const m = script('echo "ERR: serial timeout"');
    const junk = await new MeterSource(new CommandMeter({ kind: 'command', name: 'c', command: [m.file], unit: 'watts' })).read(interval(0, 1));
    assert.match(junk.status[0]!.reason!, /printed "ERR: serial timeout", not a number >= 0/);
    const fail = script('echo "no such device /dev/ttyUSB0" >&2; exit 3');
    const failed = await new MeterSource(new CommandMeter({ kind: 'command', name: 'c', command: [fail.file], unit: 'watts' })).read(interval(0, 1));
    assert.match(failed.status[0]!.reason!, /exited with 3: no such device \/dev\/ttyUSB0/);
    const missing = await new MeterSource(new CommandMeter({ kind: 'command', name: 'c', command: ['/nonexistent/meter'], unit: 'watts' })).read(interval(0, 1));
    assert.match(missing.status[0]!.reason!, /cannot run \/nonexistent\/meter: ENOENT/);
  });

  test('a hung command and its children are killed at the timeout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-cmd-'));
    const pidFile = path.join(dir, 'child.pid');
    const m = script(`sleep 30 & echo $! > ${pidFile}; wait`);
    const s = new MeterSource(new CommandMeter({ kind: 'command', name: 'slow', command: [m.file], unit: 'watts' }), { timeoutMs: 300 });
    const r = await s.read(interval(0, 1));
    assert.match(r.status[0]!.reason!, /no answer within 300 ms/);
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    // The grandchild got SIGKILL with its process group; give the kernel a moment to reap it.
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(alive(child), false);
  });
});

/** Running, not a zombie (a container's PID 1 may never reap what it inherits). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
