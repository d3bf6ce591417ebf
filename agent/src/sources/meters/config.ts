// The "meters" array of the agent config: validated once at start, with
// errors that name the index and the key, then turned into MeterSources.
import { CommandMeter, type CommandMeterConfig } from './command.ts';
import { IpmiMeter, type IpmiMeterConfig } from './ipmi.ts';
import { DEFAULT_METER_TIMEOUT_MS, MeterSource, type MeterSourceOptions } from './meter-source.ts';
import type { Meter, MeterKind } from './meter.ts';
import { RedfishMeter, type RedfishMeterConfig } from './redfish.ts';
import { ShellyMeter, type ShellyMeterConfig } from './shelly.ts';
import { SnmpMeter, type SnmpAuthProtocol, type SnmpMeterConfig, type SnmpPrivProtocol } from './snmp.ts';
import { TasmotaMeter, type TasmotaMeterConfig } from './tasmota.ts';

export type AnyMeterConfig = IpmiMeterConfig | RedfishMeterConfig | ShellyMeterConfig | TasmotaMeterConfig | SnmpMeterConfig | CommandMeterConfig;
export type MeterConfig = AnyMeterConfig & MeterSourceOptions;

const COMMON = ['kind', 'name', 'timeoutMs', 'energyFrom', 'maxWatts', 'staleAfterMs'];
const KEYS: Record<MeterKind, string[]> = {
  ipmi: ['tool', 'command', 'host', 'user', 'passwordFile', 'interface'],
  redfish: ['url', 'chassis', 'pdu', 'outlet', 'path', 'auth', 'user', 'passwordFile', 'insecureTls', 'caFile'],
  shelly: ['url', 'gen', 'channel', 'user', 'passwordFile'],
  tasmota: ['url', 'channel', 'user', 'passwordFile'],
  snmp: ['host', 'port', 'profile', 'index', 'pdu', 'inlet', 'version', 'community', 'user', 'authProtocol', 'authKeyFile', 'privProtocol', 'privKeyFile'],
  command: ['command', 'unit'],
};

/** Reads typed keys off one entry; every error says "<where>: meters[i].key ...". */
class Entry {
  readonly r: Record<string, unknown>;
  readonly at: string;
  constructor(r: Record<string, unknown>, at: string) {
    this.r = r;
    this.at = at;
  }
  fail(key: string, what: string): never {
    throw new Error(`${this.at}.${key} ${what}`);
  }
  str(key: string): string | undefined {
    const v = this.r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }
  need(key: string): string {
    return this.str(key) ?? this.fail(key, 'is required');
  }
  oneOf<T extends string>(key: string, allowed: readonly T[], dflt?: T): T {
    const v = this.r[key];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }
  int(key: string, min: number, max: number, dflt: number): number {
    const v = this.r[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(key, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return v;
  }
  num(key: string, min: number, max: number): number | undefined {
    const v = this.r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(key, `must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return v;
  }
  bool(key: string): boolean | undefined {
    const v = this.r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  url(key: string): string {
    const v = this.need(key);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return this.fail(key, `is not a URL: ${JSON.stringify(v)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') this.fail(key, `must be an http:// or https:// URL, got ${JSON.stringify(v)}`);
    if (u.username || u.password) this.fail(key, 'must not hold credentials; use "user" and "passwordFile"');
    return v;
  }
  /** user and passwordFile come together or not at all. */
  credentials(): { user?: string; passwordFile?: string } {
    const user = this.str('user');
    const passwordFile = this.str('passwordFile');
    if (passwordFile !== undefined && user === undefined) this.fail('user', 'is required when passwordFile is set');
    return { user, passwordFile };
  }
}

export function parseMeterConfigs(raw: unknown, where: string): MeterConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`${where}: "meters" must be a list, got ${typeof raw}`);
  const names = new Set<string>();
  return raw.map((item, i) => {
    const at = `${where}: meters[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${at} must be an object`);
    const e = new Entry(item as Record<string, unknown>, at);
    const kind = e.oneOf<MeterKind>('kind', ['ipmi', 'redfish', 'snmp', 'shelly', 'tasmota', 'command']);
    for (const k of Object.keys(e.r)) if (!COMMON.includes(k) && !KEYS[kind].includes(k)) e.fail(k, `is not a key of a "${kind}" meter (allowed: ${[...COMMON, ...KEYS[kind]].join(', ')})`);
    const name = e.need('name');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) e.fail('name', `must be 1-64 letters, digits, "_", "." or "-", got ${JSON.stringify(name)}`);
    if (names.has(name)) e.fail('name', `${JSON.stringify(name)} is used by another meter`);
    names.add(name);
    const common: MeterSourceOptions = {
      timeoutMs: e.int('timeoutMs', 100, 60_000, DEFAULT_METER_TIMEOUT_MS),
      energyFrom: e.oneOf<'register' | 'power'>('energyFrom', ['register', 'power'], 'register'),
      maxWatts: e.num('maxWatts', 1, 10_000_000),
      staleAfterMs: e.num('staleAfterMs', 1000, 86_400_000),
    };
    return { ...common, ...parseKind(kind, name, e, common.timeoutMs!) } as MeterConfig;
  });
}

function parseKind(kind: MeterKind, name: string, e: Entry, timeoutMs: number): AnyMeterConfig {
  switch (kind) {
    case 'ipmi': {
      const host = e.str('host');
      const creds = e.credentials();
      if (!host && (creds.user || e.r.interface !== undefined)) e.fail(creds.user ? 'user' : 'interface', 'only applies out-of-band: set "host" too');
      return { kind, name, tool: e.oneOf('tool', ['ipmitool', 'freeipmi'], 'ipmitool'), command: e.str('command'), host, ...creds, interface: e.str('interface') };
    }
    case 'redfish': {
      const url = e.url('url');
      const targets = ['chassis', 'path'].filter((k) => e.r[k] !== undefined).concat(e.r.pdu !== undefined || e.r.outlet !== undefined ? ['pdu/outlet'] : []);
      if (targets.length > 1) e.fail(targets[1]!, `conflicts with ${targets[0]}: give one of chassis, pdu+outlet, path`);
      const pdu = e.str('pdu');
      const outlet = e.str('outlet');
      if ((pdu === undefined) !== (outlet === undefined)) e.fail(pdu === undefined ? 'pdu' : 'outlet', 'is required with the other (a PDU outlet needs both)');
      const path = e.str('path');
      if (path !== undefined && !path.startsWith('/redfish/')) e.fail('path', `must start with /redfish/, got ${JSON.stringify(path)}`);
      const creds = e.credentials();
      const auth = e.oneOf('auth', ['basic', 'session', 'none'], creds.user ? 'basic' : 'none');
      if (auth !== 'none' && !creds.user) e.fail('user', `is required with auth "${auth}"`);
      const insecureTls = e.bool('insecureTls');
      const caFile = e.str('caFile');
      if ((insecureTls || caFile) && !url.startsWith('https:')) e.fail(insecureTls ? 'insecureTls' : 'caFile', 'only applies to an https:// url');
      return { kind, name, url, chassis: e.str('chassis'), pdu, outlet, path, auth, ...creds, insecureTls, caFile };
    }
    case 'shelly': {
      const gen = e.r.gen;
      if (gen !== 1 && gen !== 2 && gen !== 3) e.fail('gen', `must be 1 (Gen1) or 2/3 (Gen2, Gen3), got ${JSON.stringify(gen)}`);
      const creds = e.credentials();
      if (creds.user && gen !== 1) e.fail('user', 'is only supported for Gen1 (Gen2/3 use digest authentication, which the agent does not speak)');
      return { kind, name, url: e.url('url'), gen: gen === 1 ? 1 : 2, channel: e.int('channel', 0, 15, 0), ...creds };
    }
    case 'tasmota':
      return { kind, name, url: e.url('url'), channel: e.int('channel', 0, 15, 0), ...e.credentials() };
    case 'snmp': {
      const profile = e.oneOf('profile', ['apc', 'raritan']);
      for (const k of profile === 'apc' ? ['pdu', 'inlet'] : ['index']) if (e.r[k] !== undefined) e.fail(k, `does not apply to profile "${profile}"`);
      const version = e.oneOf('version', ['2c', '3'], '2c');
      const cfg: SnmpMeterConfig = {
        kind,
        name,
        host: e.need('host'),
        port: e.int('port', 1, 65535, 161),
        profile,
        index: e.int('index', 1, 1_000_000, 1),
        pdu: e.int('pdu', 1, 1_000_000, 1),
        inlet: e.int('inlet', 1, 1_000_000, 1),
        version,
        community: e.str('community') ?? 'public',
        timeoutMs,
      };
      if (version === '2c') {
        for (const k of ['user', 'authProtocol', 'authKeyFile', 'privProtocol', 'privKeyFile']) if (e.r[k] !== undefined) e.fail(k, 'only applies to version "3"');
        return cfg;
      }
      if (e.r.community !== undefined) e.fail('community', 'only applies to version "2c"');
      cfg.user = e.need('user');
      if (e.r.authProtocol !== undefined) {
        cfg.authProtocol = e.oneOf<SnmpAuthProtocol>('authProtocol', ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']);
        cfg.authKeyFile = e.need('authKeyFile');
      } else if (e.r.authKeyFile !== undefined) e.fail('authKeyFile', 'needs authProtocol');
      if (e.r.privProtocol !== undefined) {
        if (!cfg.authProtocol) e.fail('privProtocol', 'needs authProtocol (SNMPv3 has no privacy without authentication)');
        cfg.privProtocol = e.oneOf<SnmpPrivProtocol>('privProtocol', ['des', 'aes', 'aes256b', 'aes256r']);
        cfg.privKeyFile = e.need('privKeyFile');
      } else if (e.r.privKeyFile !== undefined) e.fail('privKeyFile', 'needs privProtocol');
      return cfg;
    }
    case 'command': {
      const command = e.r.command;
      if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string') || command[0] === '') {
        e.fail('command', `must be a non-empty list of strings (argv, no shell), got ${JSON.stringify(command)}`);
      }
      return { kind, name, command: command as string[], unit: e.oneOf('unit', ['watts', 'joules']) };
    }
  }
}

export function createMeter(cfg: AnyMeterConfig): Meter {
  switch (cfg.kind) {
    case 'ipmi':
      return new IpmiMeter(cfg);
    case 'redfish':
      return new RedfishMeter(cfg);
    case 'shelly':
      return new ShellyMeter(cfg);
    case 'tasmota':
      return new TasmotaMeter(cfg);
    case 'snmp':
      return new SnmpMeter(cfg);
    case 'command':
      return new CommandMeter(cfg);
  }
}

export function createMeterSources(configs: MeterConfig[]): MeterSource[] {
  return configs.map((c) => new MeterSource(createMeter(c), { timeoutMs: c.timeoutMs, energyFrom: c.energyFrom, maxWatts: c.maxWatts, staleAfterMs: c.staleAfterMs }));
}
