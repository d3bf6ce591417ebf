import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { Domain, Quality, Source } from '@wattprint/proto';
import { IpmiMeter, parseFreeipmiDcmi, parseIpmitoolDcmi, type IpmiMeterConfig } from '@wattprint/agent/sources/meters/ipmi.ts';
import { MeterSource } from '@wattprint/agent/sources/meters/meter-source.ts';
import { IpmiFake } from '../../../test/fakes/meters/ipmi.ts';
import { interval, secretFile } from './helpers.ts';

const fakes: IpmiFake[] = [];
after(() => fakes.forEach((f) => f.remove()));
function fake(): IpmiFake {
  const f = new IpmiFake();
  fakes.push(f);
  return f;
}
function source(cfg: Partial<IpmiMeterConfig> & { command: string }, timeoutMs = 2000): MeterSource {
  return new MeterSource(new IpmiMeter({ kind: 'ipmi', name: 'bmc', tool: 'ipmitool', ...cfg }), { timeoutMs });
}

describe('ipmitool dcmi power reading', () => {
  test('reads both the 1.8.18 and the aligned 1.8.19 layouts, with the BMC timestamp', async () => {
    const f = fake();
    const meter = new IpmiMeter({ kind: 'ipmi', name: 'bmc', tool: 'ipmitool', command: f.ipmitool });
    for (const format of ['1.8.18', '1.8.19'] as const) {
      f.set({ format, watts: 235, stamp: 'Thu Feb 15 08:36:01 2024' });
      const r = await meter.read(new AbortController().signal);
      assert.deepEqual(r, { watts: 235, meterTimeMs: Date.UTC(2024, 1, 15, 8, 36, 1) }, format);
    }
  });

  test('parser takes the sampling period in seconds (1.8.18) and milliseconds (1.8.19)', () => {
    const old = parseIpmitoolDcmi('    Instantaneous power reading:                   12 Watts\n    Sampling period:                          00000005 Seconds.\n    Power reading state is:                   activated\n');
    assert.equal(old.samplingPeriodMs, 5000);
    assert.equal(old.active, true);
    const aligned = parseIpmitoolDcmi('    Instantaneous power reading              :    12 Watts\n    Sampling period                          : 1000 Milliseconds\n    Power reading state is                   : deactivated\n');
    assert.equal(aligned.samplingPeriodMs, 1000);
    assert.equal(aligned.active, false);
  });

  test('watts are integrated by the trapezoid rule and flagged power_integrated', async () => {
    const f = fake();
    const s = source({ command: f.ipmitool });
    f.set({ watts: 200 });
    assert.deepEqual((await s.read(interval(0, 1))).energy, [], 'first poll is the baseline');
    f.set({ watts: 300 });
    const r = await s.read(interval(1, 3));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'bmc', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 500, flags: ['power_integrated'] }]);
    assert.deepEqual(r.status, []);
  });

  test('out-of-band: the password travels in IPMI_PASSWORD with -E, never on the command line', async () => {
    const f = fake();
    f.set({ watts: 410, host: '10.0.0.9', user: 'monitor', password: 's3cr3t pass' });
    const s = source({ command: f.ipmitool, host: '10.0.0.9', user: 'monitor', passwordFile: secretFile('IPMI_PASSWORD="s3cr3t pass"\n') });
    const probe = await s.probe();
    assert.equal(probe.found, true, probe.reason);
    assert.match(probe.reason, /410 W/);
    const argv = f.argvLog();
    assert.deepEqual(argv, ['-I lanplus -H 10.0.0.9 -U monitor -E dcmi power reading']);
    assert.ok(!argv.join(' ').includes('s3cr3t'));
  });

  test('a wrong BMC password is an auth status naming the meter, and no energy', async () => {
    const f = fake();
    f.set({ watts: 410, host: '10.0.0.9', user: 'monitor', password: 'right' });
    const s = source({ command: f.ipmitool, host: '10.0.0.9', user: 'monitor', passwordFile: secretFile('wrong\n') });
    const r = await s.read(interval(0, 1));
    assert.deepEqual(r.energy, []);
    assert.equal(r.status.length, 1);
    assert.equal(r.status[0]!.source, 'ipmi:bmc');
    assert.match(r.status[0]!.reason!, /meter "bmc".*Unable to establish IPMI v2 \/ RMCP\+ session/);
    assert.match(r.status[0]!.fix!, /password/);
    assert.ok(!JSON.stringify(r.status).includes('wrong'), 'the password never appears in a status');
  });

  test('"Power reading state is: deactivated" is a status, not a reading', async () => {
    const f = fake();
    f.set({ watts: 99, mode: 'deactivated', format: '1.8.18' });
    const r = await source({ command: f.ipmitool }).read(interval(0, 1));
    assert.deepEqual(r.energy, []);
    assert.match(r.status[0]!.reason!, /deactivated/);
    assert.match(r.status[0]!.fix!, /DCMI/);
  });

  test('malformed output, a missing device and a missing executable are statuses', async () => {
    const f = fake();
    f.set({ mode: 'malformed' });
    const bad = await source({ command: f.ipmitool }).read(interval(0, 1));
    assert.match(bad.status[0]!.reason!, /no "Instantaneous power reading: N Watts" line \(got "---- Watts"\)/);
    f.set({ mode: 'nodevice' });
    const nodev = await source({ command: f.ipmitool }).read(interval(0, 1));
    assert.match(nodev.status[0]!.reason!, /Could not open device at \/dev\/ipmi0/);
    assert.match(nodev.status[0]!.fix!, /ipmi_devintf/);
    const missing = await source({ command: f.dir + '/no-such-ipmitool' }).read(interval(0, 1));
    assert.match(missing.status[0]!.reason!, /cannot run .*no-such-ipmitool: ENOENT/);
  });

  test('a hung ipmitool is killed at the timeout; the next good poll is flagged "gap"', async () => {
    const f = fake();
    const s = source({ command: f.ipmitool }, 800);
    f.set({ watts: 100 });
    await s.read(interval(0, 1));
    f.set({ mode: 'hang' });
    const hung = await s.read(interval(1, 2));
    assert.deepEqual(hung.energy, []);
    assert.match(hung.status[0]!.reason!, /no answer within 800 ms|did not finish in time/);
    f.set({ watts: 100 });
    const r = await s.read(interval(2, 3));
    // Only [2, 3) is counted: the missed second gets no invented energy.
    assert.equal(r.energy[0]!.joules, 100);
    assert.deepEqual(r.energy[0]!.flags, ['power_integrated', 'gap']);
    assert.match(r.status[0]!.reason!, /no reading for 1\.0 s/);
  });
});

describe('FreeIPMI ipmi-dcmi --get-system-power-statistics', () => {
  test('parses the documented output', () => {
    const p = parseFreeipmiDcmi('Current Power                        : 332 Watts\nTime Stamp                           : 11/03/2023 - 08:36:29\nStatistics reporting time period     : 2685198000 milliseconds\nPower Measurement                    : Active\n');
    assert.deepEqual(p, { watts: 332, active: true, timestampMs: Date.UTC(2023, 10, 3, 8, 36, 29), samplingPeriodMs: 2685198000 });
  });

  test('out-of-band with a private 0600 config file holding the password, removed on close', async () => {
    const f = fake();
    f.set({ watts: 332, host: 'bmc-7', user: 'ADMIN', password: 'hunter2' });
    const meter = new IpmiMeter({ kind: 'ipmi', name: 'node7', tool: 'freeipmi', command: f.ipmiDcmi, host: 'bmc-7', user: 'ADMIN', passwordFile: secretFile('hunter2') });
    const s = new MeterSource(meter);
    const { argv } = meter.invocation();
    const conf = argv.find((a) => a.startsWith('--config-file='))!.slice('--config-file='.length);
    assert.equal(fs.statSync(conf).mode & 0o777, 0o600);
    assert.ok(!argv.join(' ').includes('hunter2'));
    f.set({ watts: 332, host: 'bmc-7', user: 'ADMIN', password: 'hunter2' });
    await s.read(interval(0, 1));
    const r = await s.read(interval(1, 2));
    assert.equal(r.energy[0]!.joules, 332);
    assert.equal(r.energy[0]!.quality, Quality.QUALITY_INTEGRATED_POWER);
    await s.close();
    assert.equal(fs.existsSync(conf), false);
  });

  test('a wrong password and "Power Measurement : Not Available" are statuses', async () => {
    const f = fake();
    f.set({ watts: 1, host: 'bmc-7', user: 'ADMIN', password: 'right' });
    const s = new MeterSource(new IpmiMeter({ kind: 'ipmi', name: 'node7', tool: 'freeipmi', command: f.ipmiDcmi, host: 'bmc-7', user: 'ADMIN', passwordFile: secretFile('wrong') }));
    const r = await s.read(interval(0, 1));
    assert.match(r.status[0]!.reason!, /password invalid/);
    assert.match(r.status[0]!.fix!, /password/);
    f.set({ watts: 1, mode: 'deactivated' });
    const off = await new MeterSource(new IpmiMeter({ kind: 'ipmi', name: 'node7', tool: 'freeipmi', command: f.ipmiDcmi })).read(interval(0, 1));
    assert.match(off.status[0]!.reason!, /deactivated/);
  });
});
