import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMeterSources, parseMeterConfigs } from '@wattprint/agent/sources/meters/config.ts';

const W = '/etc/wattprint/agent.json';

describe('meters config', () => {
  test('accepts one of each kind and fills the defaults', () => {
    const cfgs = parseMeterConfigs(
      [
        { kind: 'ipmi', name: 'bmc' },
        { kind: 'ipmi', name: 'bmc-oob', tool: 'freeipmi', host: '10.0.0.9', user: 'mon', passwordFile: '/etc/wattprint/ipmi.env' },
        { kind: 'redfish', name: 'chassis', url: 'https://10.0.0.9', user: 'mon', passwordFile: '/etc/wattprint/redfish.env', auth: 'session', insecureTls: true },
        { kind: 'redfish', name: 'outlet', url: 'http://pdu', pdu: '1', outlet: 'A4' },
        { kind: 'shelly', name: 'plug', url: 'http://192.168.1.40', gen: 3 },
        { kind: 'tasmota', name: 'desk', url: 'http://192.168.1.41', channel: 1 },
        { kind: 'snmp', name: 'apc', host: 'pdu-a', profile: 'apc', index: 2, community: 'metering' },
        { kind: 'snmp', name: 'px3', host: 'pdu-b', profile: 'raritan', version: '3', user: 'wp', authProtocol: 'sha256', authKeyFile: '/k', privProtocol: 'aes', privKeyFile: '/p', timeoutMs: 1500 },
        { kind: 'command', name: 'wt310', command: ['/usr/local/bin/wt310', '--joules'], unit: 'joules', energyFrom: 'register' },
      ],
      W,
    );
    assert.equal(cfgs.length, 9);
    assert.deepEqual(cfgs[0], { kind: 'ipmi', name: 'bmc', tool: 'ipmitool', command: undefined, host: undefined, user: undefined, passwordFile: undefined, interface: undefined, timeoutMs: 2000, energyFrom: 'register', maxWatts: undefined, staleAfterMs: undefined });
    const [, , chassis, outlet, plug] = cfgs;
    assert.equal(chassis?.kind === 'redfish' && chassis.auth, 'session');
    assert.equal(outlet?.kind === 'redfish' && outlet.auth, 'none');
    assert.equal(plug?.kind === 'shelly' && plug.gen, 2, 'Gen3 speaks the Gen2 API');
    const apc = cfgs[6]!;
    assert.ok(apc.kind === 'snmp');
    assert.deepEqual([apc.port, apc.version, apc.index, apc.community, apc.timeoutMs], [161, '2c', 2, 'metering', 2000]);
    const px3 = cfgs[7]!;
    assert.ok(px3.kind === 'snmp');
    assert.equal(px3.timeoutMs, 1500);
    const sources = createMeterSources(cfgs);
    assert.deepEqual(
      sources.map((s) => s.name),
      ['ipmi:bmc', 'ipmi:bmc-oob', 'redfish:chassis', 'redfish:outlet', 'shelly:plug', 'tasmota:desk', 'snmp:apc', 'snmp:px3', 'command:wt310'],
    );
  });

  test('no meters key means no meters', () => {
    assert.deepEqual(parseMeterConfigs(undefined, W), []);
  });

  const bad: [unknown, RegExp][] = [
    [{ meters: 1 }, /agent\.json: "meters" must be a list/],
    [[42], /meters\[0\] must be an object/],
    [[{ kind: 'fluke', name: 'x' }], /meters\[0\]\.kind must be one of "ipmi", .*got "fluke"/],
    [[{ kind: 'ipmi' }], /meters\[0\]\.name is required/],
    [[{ kind: 'ipmi', name: 'a b' }], /meters\[0\]\.name must be 1-64 letters/],
    [[{ kind: 'ipmi', name: 'a' }, { kind: 'ipmi', name: 'a' }], /meters\[1\]\.name "a" is used by another meter/],
    [[{ kind: 'ipmi', name: 'a', url: 'http://x' }], /meters\[0\]\.url is not a key of a "ipmi" meter/],
    [[{ kind: 'ipmi', name: 'a', user: 'u' }], /meters\[0\]\.user only applies out-of-band/],
    [[{ kind: 'ipmi', name: 'a', host: 'h', passwordFile: '/p' }], /meters\[0\]\.user is required when passwordFile is set/],
    [[{ kind: 'ipmi', name: 'a', timeoutMs: 50 }], /meters\[0\]\.timeoutMs must be an integer in \[100, 60000\], got 50/],
    [[{ kind: 'redfish', name: 'r', url: 'ftp://bmc' }], /meters\[0\]\.url must be an http:\/\/ or https:\/\/ URL/],
    [[{ kind: 'redfish', name: 'r', url: 'https://root:calvin@bmc' }], /meters\[0\]\.url must not hold credentials/],
    [[{ kind: 'redfish', name: 'r', url: 'https://bmc', chassis: '1', path: '/redfish/v1/x' }], /meters\[0\]\.path conflicts with chassis/],
    [[{ kind: 'redfish', name: 'r', url: 'https://bmc', pdu: '1' }], /meters\[0\]\.outlet is required with the other/],
    [[{ kind: 'redfish', name: 'r', url: 'https://bmc', auth: 'basic' }], /meters\[0\]\.user is required with auth "basic"/],
    [[{ kind: 'redfish', name: 'r', url: 'http://bmc', insecureTls: true }], /meters\[0\]\.insecureTls only applies to an https:\/\/ url/],
    [[{ kind: 'shelly', name: 's', url: 'http://p', gen: 4 }], /meters\[0\]\.gen must be 1 \(Gen1\) or 2\/3/],
    [[{ kind: 'shelly', name: 's', url: 'http://p', gen: 2, user: 'admin' }], /meters\[0\]\.user is only supported for Gen1/],
    [[{ kind: 'snmp', name: 'p', host: 'h', profile: 'apc', inlet: 2 }], /meters\[0\]\.inlet does not apply to profile "apc"/],
    [[{ kind: 'snmp', name: 'p', host: 'h', profile: 'apc', user: 'u' }], /meters\[0\]\.user only applies to version "3"/],
    [[{ kind: 'snmp', name: 'p', host: 'h', profile: 'apc', version: '3', user: 'u', privProtocol: 'aes', privKeyFile: '/p' }], /meters\[0\]\.privProtocol needs authProtocol/],
    [[{ kind: 'snmp', name: 'p', host: 'h', profile: 'apc', version: '3', user: 'u', authProtocol: 'sha1', authKeyFile: '/k' }], /meters\[0\]\.authProtocol must be one of/],
    [[{ kind: 'command', name: 'c', command: 'read-meter --watts', unit: 'watts' }], /meters\[0\]\.command must be a non-empty list of strings \(argv, no shell\)/],
    [[{ kind: 'command', name: 'c', command: ['x'] }], /meters\[0\]\.unit must be one of "watts", "joules", got undefined/],
    [[{ kind: 'command', name: 'c', command: ['x'], unit: 'watts', energyFrom: 'both' }], /meters\[0\]\.energyFrom must be one of "register", "power"/],
  ];
  for (const [raw, re] of bad) {
    test(`rejects ${JSON.stringify(raw).slice(0, 90)}`, () => {
      const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { meters: unknown }).meters : raw;
      assert.throws(() => parseMeterConfigs(input, W), (err: Error) => {
        assert.match(err.message, re);
        assert.ok(err.message.startsWith(W), err.message);
        return true;
      });
    });
  }
});
