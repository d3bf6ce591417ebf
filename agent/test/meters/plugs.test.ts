import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Domain, Quality, Source } from '@wattprint/proto';
import { MeterSource } from '@wattprint/agent/sources/meters/meter-source.ts';
import { ShellyMeter } from '@wattprint/agent/sources/meters/shelly.ts';
import { TasmotaMeter } from '@wattprint/agent/sources/meters/tasmota.ts';
import { ShellyFake, TasmotaFake } from '../../../test/fakes/meters/plugs.ts';
import { interval, secretFile } from './helpers.ts';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((c) => c())));

async function shelly(gen: 1 | 2, login?: { user: string; password: string }): Promise<ShellyFake> {
  const f = await ShellyFake.start(gen, { login });
  closers.push(() => f.close());
  return f;
}
async function tasmota(login?: { user: string; password: string }): Promise<TasmotaFake> {
  const f = await TasmotaFake.start({ login });
  closers.push(() => f.close());
  return f;
}

describe('Shelly', () => {
  test('Gen1 /meter/0: the watt-minute total gives counter energy to the joule', async () => {
    const f = await shelly(1);
    const s = new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 1, channel: 0 }));
    f.run(100, 60);
    await s.read(interval(0, 1));
    f.run(600, 60); // 10 Wh = 600 watt-minutes
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'plug', source: Source.SOURCE_SHELLY, quality: Quality.QUALITY_COUNTER, joules: 36_000, flags: [] }]);
    assert.deepEqual(f.log, ['GET /meter/0', 'GET /meter/0']);
  });

  test('Gen2 Switch.GetStatus: aenergy.total Wh; a reboot resets it, flagged counter_reset', async () => {
    const f = await shelly(2);
    const s = new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 2, channel: 0 }));
    f.run(0, 0);
    f.totalWh = 1234.5;
    await s.read(interval(0, 1));
    f.totalWh = 1235.5;
    assert.equal((await s.read(interval(1, 2))).energy[0]!.joules, 3600);
    f.reboot();
    f.run(720, 10); // 2 Wh since the reboot
    const r = await s.read(interval(2, 3));
    assert.equal(r.energy[0]!.joules, 7200);
    assert.deepEqual(r.energy[0]!.flags, ['counter_reset']);
    assert.match(r.status[0]!.reason!, /went back from 4447800 J to 7200 J \(reset\)/);
    assert.equal(f.log[0], 'GET /rpc/Switch.GetStatus?id=0');
  });

  test('Gen2 unknown channel: the JSON-RPC error message reaches the status', async () => {
    const f = await shelly(2);
    const r = await new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 2, channel: 3 })).read(interval(0, 1));
    assert.match(r.status[0]!.reason!, /HTTP 500: Argument 'id', value 3 not found!/);
    assert.match(r.status[0]!.fix!, /channel/);
  });

  test('Gen1 login: accepted with the right password, an auth status without it', async () => {
    const f = await shelly(1, { user: 'admin', password: 'plugpass' });
    const ok = await new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 1, channel: 0, user: 'admin', passwordFile: secretFile('plugpass') })).probe();
    assert.equal(ok.found, true, ok.reason);
    const denied = await new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 1, channel: 0 })).read(interval(0, 1));
    assert.match(denied.status[0]!.reason!, /HTTP 401/);
    assert.match(denied.status[0]!.fix!, /passwordFile/);
  });

  test('is_valid: false, junk values and a non-JSON page are statuses, never energy', async () => {
    const f = await shelly(1);
    const s = new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 1, channel: 0 }));
    f.mode = 'invalid';
    assert.match((await s.read(interval(0, 1))).status[0]!.reason!, /is_valid: false/);
    f.mode = 'junk-values';
    const junk = await s.read(interval(1, 2));
    assert.deepEqual(junk.energy, []);
    assert.match(junk.status[0]!.reason!, /neither "total" \(watt-minutes\) nor "power" is a number >= 0 \(total=-5, power="n\/a"\)/);
    f.mode = 'not-json';
    assert.match((await s.read(interval(2, 3))).status[0]!.reason!, /GET \/meter\/0 is not JSON/);
  });
  test('a timestamp that stops moving flags readings stale_reading', async () => {
    const f = await shelly(1);
    const s = new MeterSource(new ShellyMeter({ kind: 'shelly', name: 'plug', url: f.url, gen: 1, channel: 0 }), { staleAfterMs: 1500 });
    f.run(60, 60);
    await s.read(interval(0, 1));
    f.run(60, 60);
    assert.deepEqual((await s.read(interval(1, 2))).energy[0]!.flags, []);
    // The plug keeps answering with the same sample.
    assert.deepEqual((await s.read(interval(2, 3))).energy[0]!.flags, []);
    const r = await s.read(interval(3, 4));
    assert.deepEqual(r.energy[0]!.flags, ['stale_reading']);
    assert.match(r.status[0]!.reason!, /meter timestamp stuck at 2023-11-14T22:15:20.000Z for 2 s/);
  });
});

describe('Tasmota', () => {
  test('Status 8: ENERGY.Total kWh register, counter quality', async () => {
    const f = await tasmota();
    const s = new MeterSource(new TasmotaMeter({ kind: 'tasmota', name: 'desk', url: f.url, channel: 0 }));
    f.totalKwh = 12.345;
    await s.read(interval(0, 1));
    f.run(500, 36); // 5 Wh
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'desk', source: Source.SOURCE_TASMOTA, quality: Quality.QUALITY_COUNTER, joules: 18_000, flags: [] }]);
    assert.deepEqual(f.log, ['GET /cm?cmnd=Status%208', 'GET /cm?cmnd=Status%208']);
  });

  test('a device with a web password: the login goes in the query, never into a status', async () => {
    const f = await tasmota({ user: 'admin', password: 'p&ss word' });
    const good = new MeterSource(new TasmotaMeter({ kind: 'tasmota', name: 'desk', url: f.url, channel: 0, user: 'admin', passwordFile: secretFile('TASMOTA_PASSWORD=p&ss word') }));
    const p = await good.probe();
    assert.equal(p.found, true, p.reason);
    const bad = await new MeterSource(new TasmotaMeter({ kind: 'tasmota', name: 'desk', url: f.url, channel: 0, user: 'admin', passwordFile: secretFile('guess') })).read(interval(0, 1));
    assert.match(bad.status[0]!.reason!, /HTTP 401: Need user=<username>&password=<password>/);
    assert.ok(!JSON.stringify(bad.status).includes('guess'));
  });

  test('energyFrom "power" integrates the chosen channel of a multi-channel device, flagged', async () => {
    const f = await tasmota();
    const s = new MeterSource(new TasmotaMeter({ kind: 'tasmota', name: 'ch2', url: f.url, channel: 1 }), { energyFrom: 'power' });
    f.channelWatts = [10, 40];
    await s.read(interval(0, 1));
    f.channelWatts = [10, 60];
    const r = await s.read(interval(1, 3));
    assert.equal(r.energy[0]!.joules, 100);
    assert.equal(r.energy[0]!.quality, Quality.QUALITY_INTEGRATED_POWER);
    assert.deepEqual(r.energy[0]!.flags, ['power_integrated']);
  });

  test('junk ENERGY values and a hung device are statuses', async () => {
    const f = await tasmota();
    const s = new MeterSource(new TasmotaMeter({ kind: 'tasmota', name: 'desk', url: f.url, channel: 0 }), { timeoutMs: 200 });
    f.mode = 'junk-values';
    assert.match((await s.read(interval(0, 1))).status[0]!.reason!, /ENERGY.Total \(kWh\) and ENERGY.Power \(W\) are not numbers >= 0 for channel 0 \(Total="abc", Power=null\)/);
    f.mode = 'hang';
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, []);
    assert.match(r.status[0]!.reason!, /no answer within 200 ms/);
  });
});
