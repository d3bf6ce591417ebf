import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Domain, Quality, Source } from '@wattprint/proto';
import { MeterSource } from '@wattprint/agent/sources/meters/meter-source.ts';
import { RedfishMeter, type RedfishMeterConfig } from '@wattprint/agent/sources/meters/redfish.ts';
import { FAKE_TLS } from '../../../test/fakes/meters/http-fake.ts';
import { RedfishFake, type RedfishFakeOptions } from '../../../test/fakes/meters/redfish.ts';
import { interval, secretFile } from './helpers.ts';

const fakes: RedfishFake[] = [];
after(() => Promise.all(fakes.map((f) => f.close())));
async function fake(opts: RedfishFakeOptions = {}): Promise<RedfishFake> {
  const f = await RedfishFake.start(opts);
  fakes.push(f);
  return f;
}
const goodPassword = secretFile('REDFISH_PASSWORD=secret\n');
function source(f: RedfishFake, cfg: Partial<RedfishMeterConfig> = {}, timeoutMs = 2000): MeterSource {
  return new MeterSource(new RedfishMeter({ kind: 'redfish', name: 'bmc', url: f.url, auth: 'basic', user: 'admin', passwordFile: goodPassword, ...cfg }), { timeoutMs });
}

describe('Redfish meter', () => {
  test('EnvironmentMetrics EnergykWh register gives counter energy to the joule', async () => {
    const f = await fake();
    const s = source(f, { chassis: '1' });
    f.energyKwh = 100;
    assert.deepEqual(await s.read(interval(0, 1)), { energy: [], status: [] });
    f.energyKwh = 100.001; // 3600 J
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'bmc', source: Source.SOURCE_REDFISH, quality: Quality.QUALITY_COUNTER, joules: 3600, flags: [] }]);
    assert.deepEqual(f.log, ['GET /redfish/v1/Chassis/1/EnvironmentMetrics', 'GET /redfish/v1/Chassis/1/EnvironmentMetrics']);
  });

  test('a missed poll loses no energy: the next delta covers it, flagged catch_up', async () => {
    const f = await fake();
    const s = source(f, {}, 300);
    f.energyKwh = 10;
    await s.read(interval(0, 1));
    f.energyKwh = 10.0005;
    f.mode = 'hang';
    const missed = await s.read(interval(1, 2));
    assert.deepEqual(missed.energy, []);
    assert.match(missed.status[0]!.reason!, /meter "bmc" \(redfish http:\/\/127\.0\.0\.1:\d+\/redfish\/v1\/Chassis\/1\/EnvironmentMetrics\): no answer within 300 ms/);
    f.mode = 'ok';
    f.energyKwh = 10.001;
    const r = await s.read(interval(2, 3));
    assert.equal(r.energy[0]!.joules, 3600);
    assert.deepEqual(r.energy[0]!.flags, ['catch_up']);
  });

  test('session auth: logs in once, logs in again on 401, deletes the session on close', async () => {
    const f = await fake({ auth: 'session' });
    const s = source(f, { auth: 'session' });
    f.energyKwh = 1;
    await s.read(interval(0, 1));
    f.energyKwh = 1.002;
    assert.equal((await s.read(interval(1, 2))).energy[0]!.joules, 7200);
    assert.equal(f.logins, 1);
    f.expireSessions();
    f.energyKwh = 1.003;
    const r = await s.read(interval(2, 3));
    assert.equal(r.energy[0]!.joules, 3600);
    assert.deepEqual(r.status, []);
    assert.equal(f.logins, 2);
    assert.equal(f.openSessions, 1);
    await s.close();
    assert.equal(f.openSessions, 0);
    assert.equal(f.log.at(-1), 'DELETE /redfish/v1/SessionService/Sessions/2');
  });

  test('wrong credentials, Basic or session, are auth statuses with a fix', async () => {
    const f = await fake();
    const wrong = secretFile('REDFISH_PASSWORD=nope\n');
    for (const auth of ['basic', 'session'] as const) {
      const r = await source(f, { auth, passwordFile: wrong }).read(interval(0, 1));
      assert.deepEqual(r.energy, []);
      assert.equal(r.status.length, 1, auth);
      assert.match(r.status[0]!.reason!, /HTTP 401/, auth);
      assert.match(r.status[0]!.fix!, /password/, auth);
      assert.ok(!JSON.stringify(r.status).includes('nope'));
    }
  });

  test('without EnvironmentMetrics it falls back to legacy Power: watts, integrated and flagged', async () => {
    const f = await fake({ environmentMetrics: false });
    const s = source(f, { chassis: '1' });
    f.watts = 300;
    await s.read(interval(0, 1));
    f.watts = 340;
    const r = await s.read(interval(1, 2));
    assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_WALL, device: 'bmc', source: Source.SOURCE_REDFISH, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 320, flags: ['power_integrated'] }]);
    // One 404 on EnvironmentMetrics, then Power only.
    assert.deepEqual(f.log, ['GET /redfish/v1/Chassis/1/EnvironmentMetrics', 'GET /redfish/v1/Chassis/1/Power', 'GET /redfish/v1/Chassis/1/Power']);
  });

  test('a rack PDU outlet reads its own EnergykWh register', async () => {
    const f = await fake();
    const s = source(f, { pdu: '1', outlet: 'A1' });
    f.outletEnergyKwh = 5;
    await s.read(interval(0, 1));
    f.outletEnergyKwh = 5.25;
    const r = await s.read(interval(1, 2));
    assert.equal(r.energy[0]!.joules, 900_000);
    assert.equal(r.energy[0]!.quality, Quality.QUALITY_COUNTER);
    const missing = await source(f, { pdu: '1', outlet: 'B7' }).read(interval(0, 1));
    assert.match(missing.status[0]!.reason!, /HTTP 404: The resource at the URI \/redfish\/v1\/PowerEquipment\/RackPDUs\/1\/Outlets\/B7 was not found/);
  });

  test('junk replies are statuses: HTML, null readings, HTTP 500', async () => {
    const f = await fake();
    const s = source(f);
    f.mode = 'not-json';
    assert.match((await s.read(interval(0, 1))).status[0]!.reason!, /GET \/redfish\/v1\/Chassis\/1\/EnvironmentMetrics is not JSON/);
    f.mode = 'null-readings';
    assert.match((await s.read(interval(1, 2))).status[0]!.reason!, /no usable EnergyJoules, EnergykWh or PowerWatts reading \(EnergyJoules.Reading=undefined, EnergykWh.Reading=null, PowerWatts.Reading=null\)/);
    f.mode = 'error500';
    assert.match((await s.read(interval(2, 3))).status[0]!.reason!, /HTTP 500: The request failed due to an internal service error/);
  });

  test('TLS: a self-signed certificate is refused by default, accepted with insecureTls or caFile', async () => {
    const f = await fake({ tls: true });
    f.energyKwh = 2;
    const strict = await source(f).read(interval(0, 1));
    assert.match(strict.status[0]!.reason!, /TLS certificate of https:\/\/127\.0\.0\.1:\d+ not trusted/);
    assert.match(strict.status[0]!.fix!, /insecureTls/);
    const refused = await source(f).probe();
    assert.equal(refused.found, false);
    assert.match(refused.reason, /not trusted/);
    assert.match(refused.fix ?? '', /caFile/);
    for (const cfg of [{ insecureTls: true }, { caFile: FAKE_TLS.certFile }]) {
      const p = await source(f, cfg).probe();
      assert.equal(p.found, true, p.reason);
      assert.match(p.reason, /energy register 2\.000 kWh/);
    }
  });
});
