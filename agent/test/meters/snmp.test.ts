import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Domain, Quality, Source } from '@wattprint/proto';
import { MeterSource } from '@wattprint/agent/sources/meters/meter-source.ts';
import { readingFromValues, SnmpMeter, type SnmpMeterConfig } from '@wattprint/agent/sources/meters/snmp.ts';
import { PduFake } from '../../../test/fakes/meters/snmp-agent.ts';
import { interval, secretFile } from './helpers.ts';

let pdu: PduFake;
const sources: MeterSource[] = [];
before(async () => {
  pdu = await PduFake.start({ community: 'metering', v3: { user: 'wattprint', authKey: 'auth-key-123', privKey: 'priv-key-456' } });
});
after(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await pdu.close();
});

function source(cfg: Partial<SnmpMeterConfig>, opts: { energyFrom?: 'register' | 'power' } = {}): MeterSource {
  const timeoutMs = cfg.timeoutMs ?? 1000;
  const s = new MeterSource(new SnmpMeter({ kind: 'snmp', name: 'pdu', host: '127.0.0.1', port: pdu.port, profile: 'apc', index: 1, pdu: 1, inlet: 1, version: '2c', community: 'metering', ...cfg, timeoutMs }), { timeoutMs, ...opts });
  sources.push(s);
  return s;
}

describe('SNMP PDUs', () => {
  test('APC rPDU2DeviceStatusEnergy: 0.1 kWh steps give counter energy to the joule', async () => {
    const s = source({});
    pdu.setApc(1, 1230, 4567);
    await s.read(interval(0, 1));
    pdu.setApc(1, 1240, 4570); // 0.3 kWh
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'pdu', source: Source.SOURCE_SNMP, quality: Quality.QUALITY_COUNTER, joules: 1_080_000, flags: [] }]);
    assert.deepEqual(r.status, []);
  });

  test('APC energy reset from the PDU UI is flagged counter_reset and keeps the energy since', async () => {
    const s = source({});
    pdu.setApc(1, 1000, 9000);
    await s.read(interval(0, 1));
    pdu.setApc(1, 1000, 2);
    const r = await s.read(interval(1, 2));
    assert.equal(r.energy[0]!.joules, 720_000);
    assert.deepEqual(r.energy[0]!.flags, ['counter_reset']);
    assert.match(r.status[0]!.reason!, /meter "pdu" \(snmp 127\.0\.0\.1:\d+ \(apc, v2c\)\): energy register went back/);
  });

  test('APC power in hundredths of kW, integrated when energyFrom is "power"', async () => {
    const s = source({}, { energyFrom: 'power' });
    pdu.setApc(1, 1230, 1);
    await s.read(interval(0, 1));
    pdu.setApc(1, 1250, 1);
    const r = await s.read(interval(1, 2));
    assert.equal(r.energy[0]!.joules, 1240);
    assert.deepEqual(r.energy[0]!.flags, ['power_integrated']);
  });

  test('Raritan inlet: activeEnergy Wh and activePower W scaled by their decimal digits', async () => {
    const s = source({ profile: 'raritan' });
    pdu.setRaritan(1, 1, { power: 12345, powerDigits: 1, energy: 987654, energyDigits: 0 });
    const p = await s.probe();
    assert.equal(p.found, true, p.reason);
    await s.read(interval(0, 1));
    pdu.setRaritan(1, 1, { power: 12345, powerDigits: 1, energy: 987656, energyDigits: 0 });
    assert.equal((await s.read(interval(1, 2))).energy[0]!.joules, 7200);
    assert.deepEqual(readingFromValues('raritan', [12345, 987654, 1, 0]).watts, 1234.5);
    assert.deepEqual(readingFromValues('raritan', [5, 12345, 0, 2]).energyJoules, 444_420);
  });

  test('Raritan Unsigned32 energy wraps: counted across the wrap, flagged counter_wrap', async () => {
    const s = source({ profile: 'raritan' });
    pdu.setRaritan(1, 1, { power: 500, powerDigits: 0, energy: 4294967290, energyDigits: 0 });
    await s.read(interval(0, 1));
    pdu.setRaritan(1, 1, { power: 500, powerDigits: 0, energy: 3, energyDigits: 0 });
    const r = await s.read(interval(1, 3601));
    assert.equal(r.energy[0]!.joules, 8 * 3600);
    assert.deepEqual(r.energy[0]!.flags, ['counter_wrap']);
  });

  test('a device row that does not exist is a status naming the OID and the key to fix', async () => {
    const r = await source({ index: 4 }).read(interval(0, 1));
    assert.deepEqual(r.energy, []);
    assert.match(r.status[0]!.reason!, /NoSuchInstance: 1\.3\.6\.1\.4\.1\.318\.1\.1\.26\.4\.3\.1\.5\.4/);
    assert.match(r.status[0]!.fix!, /"index"/);
  });

  test('a wrong v2c community gets no answer: a timeout status that mentions the community', async () => {
    const r = await source({ community: 'public', timeoutMs: 300 }).read(interval(0, 1));
    assert.deepEqual(r.energy, []);
    assert.match(r.status[0]!.reason!, /no SNMP reply|no answer within 300 ms/);
    assert.match(r.status[0]!.fix!, /community/);
  });

  test('SNMPv3 authPriv reads; an unknown user is an auth status', async () => {
    const keys = { authProtocol: 'sha' as const, authKeyFile: secretFile('SNMP_AUTH_KEY=auth-key-123'), privProtocol: 'aes' as const, privKeyFile: secretFile('priv-key-456') };
    pdu.setApc(1, 2000, 100);
    const ok = await source({ version: '3', user: 'wattprint', ...keys }).probe();
    assert.equal(ok.found, true, ok.reason);
    assert.match(ok.reason, /energy register 10\.000 kWh/);
    const r = await source({ version: '3', user: 'intruder', ...keys }).read(interval(0, 1));
    assert.match(r.status[0]!.reason!, /SNMPv3 authentication failed: Unknown User Name/);
  });

  test('a wedged agent times out without blocking, and the register covers the missed poll', async () => {
    const s = source({ timeoutMs: 300 });
    pdu.setApc(1, 1000, 100);
    await s.read(interval(0, 1));
    pdu.hang = true;
    pdu.setApc(1, 1000, 101);
    const missed = await s.read(interval(1, 2));
    assert.deepEqual(missed.energy, []);
    assert.equal(missed.status.length, 1);
    pdu.hang = false;
    pdu.setApc(1, 1000, 102);
    const r = await s.read(interval(2, 3));
    assert.equal(r.energy[0]!.joules, 720_000);
    assert.deepEqual(r.energy[0]!.flags, ['catch_up']);
  });
});
