// Carbon configuration (the "carbon" section of the collector config) and the
// stage it builds. Every error names the key that is wrong. Example:
//
//   {
//     "defaultZone": "DE", "defaultPue": 1.1, "cacheDir": "/var/lib/wattprint/carbon",
//     "providers": [
//       { "type": "electricitymaps", "token": "…", "version": "v3", "emissionFactorType": "lifecycle" },
//       { "type": "ukci", "zones": { "GB": "national", "GB-LONDON": 13 } },
//       { "type": "fixed", "lbPerMwh": 1046.1, "label": "EPA eGRID, Pittsburgh PA", "zones": ["PIT"] }
//     ],
//     "marginal": [{ "type": "watttime", "username": "…", "password": "…", "regions": { "US-CAL-CISO": "CAISO_NORTH" } }]
//   }
//
// "restateIntervalSeconds" (600) is how often the collector restates
// provisional figures; "cacheTtlSeconds" (600) how long an answer that may
// still change is reused before a provider is asked again.
// Defaults for base URLs are the public APIs: https://api.electricitymaps.com,
// https://api.watttime.org, https://api.carbonintensity.org.uk.
import { ProviderChain } from './chain.ts';
import { ElectricityMapsProvider } from './electricitymaps.ts';
import { CachedProvider, IntensityCache } from './fetch.ts';
import { FixedProvider } from './fixed.ts';
import type { Basis, IntensityProvider, IntensityQuality } from './provider.ts';
import { CarbonStage } from './stage.ts';
import { StaticProvider } from './static.ts';
import { UkciProvider } from './ukci.ts';
import { WattTimeProvider } from './watttime.ts';
import { readSecret } from '@wattprint/proto';

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: expected an object`);
  return v as Obj;
}
function str(o: Obj, k: string, where: string, required = false): string | undefined {
  const v = o[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`${where}: "${k}" must be a non-empty string`);
  return v;
}
function num(o: Obj, k: string, where: string, min: number, max: number): number | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${where}: "${k}" must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}
function strList(o: Obj, k: string, where: string): string[] | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new Error(`${where}: "${k}" must be a list of non-empty strings`);
  return v as string[];
}
/** A credential: inline, {"file": PATH} or {"env": NAME} (docs/CARBON.md); registered so no log shows it. */
function secret(o: Obj, k: string, where: string): string {
  if (o[k] === undefined || o[k] === '') throw new Error(`${where}: "${k}" must be a non-empty string, {"file": PATH} or {"env": NAME}`);
  return readSecret(o[k], `${where}.${k}`);
}
function known(o: Obj, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown key "${k}" (known: ${keys.join(', ')})`);
}

/** g/kWh from exactly one of gPerKwh, kgPerKwh or lbPerMwh (eGRID's unit: 1 lb/MWh = 0.45359237 g/kWh). */
export function fixedGPerKwh(o: Obj, where: string): number {
  const given = ['gPerKwh', 'kgPerKwh', 'lbPerMwh'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new Error(`${where}: give exactly one of "gPerKwh", "kgPerKwh", "lbPerMwh"${given.length ? ` (got ${given.join(', ')})` : ''}`);
  if (given[0] === 'kgPerKwh') return num(o, 'kgPerKwh', where, 0, 5)! * 1000;
  if (given[0] === 'lbPerMwh') return num(o, 'lbPerMwh', where, 0, 11_000)! * 0.45359237;
  return num(o, 'gPerKwh', where, 0, 5000)!;
}

export interface CarbonBuildOptions {
  now?: () => number;
  log?: (m: string) => void;
}

function provider(raw: unknown, where: string, b: CarbonBuildOptions): IntensityProvider {
  const o = obj(raw, where);
  const type = str(o, 'type', where, true);
  const http = { timeoutMs: num(o, 'timeoutMs', where, 1, 600_000) ?? 10_000 };
  const now = b.now ? { now: b.now } : {};
  switch (type) {
    case 'electricitymaps': {
      known(o, ['type', 'token', 'baseUrl', 'version', 'emissionFactorType', 'zones', 'timeoutMs'], where);
      const version = str(o, 'version', where) ?? 'v3';
      if (version !== 'v3' && version !== 'v4') throw new Error(`${where}: "version" must be "v3" or "v4"`);
      const eft = str(o, 'emissionFactorType', where) ?? 'lifecycle';
      if (eft !== 'lifecycle' && eft !== 'direct') throw new Error(`${where}: "emissionFactorType" must be "lifecycle" or "direct"`);
      const zones = strList(o, 'zones', where);
      const baseUrl = str(o, 'baseUrl', where);
      return new ElectricityMapsProvider({ token: secret(o, 'token', where), version, emissionFactorType: eft, http, ...now, ...(zones ? { zones } : {}), ...(baseUrl ? { baseUrl } : {}) });
    }
    case 'watttime': {
      known(o, ['type', 'username', 'password', 'regions', 'baseUrl', 'timeoutMs'], where);
      const regions = obj(o.regions ?? {}, `${where}.regions`);
      for (const [z, r] of Object.entries(regions)) if (typeof r !== 'string' || r === '') throw new Error(`${where}.regions.${z}: must be a WattTime region name`);
      const baseUrl = str(o, 'baseUrl', where);
      return new WattTimeProvider({ username: secret(o, 'username', where), password: secret(o, 'password', where), regions: regions as Record<string, string>, http, ...now, ...(baseUrl ? { baseUrl } : {}) });
    }
    case 'ukci': {
      known(o, ['type', 'zones', 'baseUrl', 'timeoutMs'], where);
      const baseUrl = str(o, 'baseUrl', where);
      const zones = o.zones === undefined ? undefined : (obj(o.zones, `${where}.zones`) as Record<string, 'national' | number>);
      return new UkciProvider({ http, ...(baseUrl ? { baseUrl } : {}), ...(zones ? { zones } : {}) });
    }
    case 'fixed': {
      known(o, ['type', 'gPerKwh', 'kgPerKwh', 'lbPerMwh', 'label', 'basis', 'quality', 'licence', 'year', 'zones'], where);
      const basis = str(o, 'basis', where) as Basis | undefined;
      if (basis !== undefined && basis !== 'location_lifecycle' && basis !== 'location_direct') throw new Error(`${where}: "basis" must be "location_lifecycle" or "location_direct"`);
      const zones = strList(o, 'zones', where);
      const year = num(o, 'year', where, 1990, 2100);
      const licence = str(o, 'licence', where);
      return new FixedProvider({
        gPerKwh: fixedGPerKwh(o, where),
        label: str(o, 'label', where, true)!,
        ...(basis ? { basis } : {}),
        quality: (str(o, 'quality', where) as IntensityQuality | undefined) ?? 'static_yearly',
        ...(zones ? { zones } : {}),
        ...(year !== undefined ? { year } : {}),
        ...(licence ? { licence } : {}),
      });
    }
    default:
      throw new Error(`${where}: unknown provider type ${JSON.stringify(type)} (electricitymaps, watttime, ukci, fixed)`);
  }
}

/** Builds the carbon stage from the "carbon" config section. */
export function buildCarbonStage(raw: unknown, b: CarbonBuildOptions = {}, where = 'carbon config'): CarbonStage {
  const o = obj(raw ?? {}, where);
  known(o, ['defaultZone', 'defaultPue', 'pueByHost', 'pueByZone', 'cacheDir', 'offline', 'timeoutMs', 'restateWindowHours', 'restateIntervalSeconds', 'cacheTtlSeconds', 'providers', 'marginal', 'electricityMapsYearly'], where);
  if (o.offline !== undefined && typeof o.offline !== 'boolean') throw new Error(`${where}: "offline" must be true or false`);
  if (o.electricityMapsYearly !== undefined && typeof o.electricityMapsYearly !== 'boolean') throw new Error(`${where}: "electricityMapsYearly" must be true or false`);
  const list = (k: string) => {
    const v = o[k] ?? [];
    if (!Array.isArray(v)) throw new Error(`${where}: "${k}" must be a list of providers`);
    return v.map((p, i) => provider(p, `${where}.${k}[${i}]`, b));
  };
  const cache = new IntensityCache(str(o, 'cacheDir', where), b.log);
  const ttl = num(o, 'cacheTtlSeconds', where, 0, 86_400);
  const cacheOpts = { offline: o.offline === true, ...(ttl !== undefined ? { recentTtlUs: ttl * 1e6 } : {}), ...(b.now ? { now: b.now } : {}) };
  const wrap = (p: IntensityProvider) => (p instanceof FixedProvider ? p : new CachedProvider(p, cache, cacheOpts));
  const timeoutMs = num(o, 'timeoutMs', where, 1, 600_000) ?? 3000;
  const chainOpts = { timeoutMs, ...(b.now ? { now: b.now } : {}) };
  const chain = new ProviderChain(list('providers').map(wrap), { ...chainOpts, kind: 'average', final: new StaticProvider({ electricityMapsYearly: o.electricityMapsYearly !== false }) });
  const marginalProviders = list('marginal').map(wrap);
  const marginal = marginalProviders.length > 0 ? new ProviderChain(marginalProviders, { ...chainOpts, kind: 'marginal' }) : undefined;
  const hours = num(o, 'restateWindowHours', where, 0, 24 * 365);
  const every = num(o, 'restateIntervalSeconds', where, 0.1, 7 * 86_400);
  const defaultPue = num(o, 'defaultPue', where, 1, 5);
  const pueMap = (k: string) => {
    if (o[k] === undefined) return undefined;
    const m = obj(o[k], `${where}.${k}`);
    for (const name of Object.keys(m)) num(m, name, `${where}.${k}`, 1, 5);
    return m as Record<string, number>;
  };
  const pueByHost = pueMap('pueByHost');
  const pueByZone = pueMap('pueByZone');
  return new CarbonStage({
    ...(pueByHost ? { pueByHost } : {}),
    ...(pueByZone ? { pueByZone } : {}),
    chain,
    ...(marginal ? { marginal } : {}),
    collectorZone: str(o, 'defaultZone', where) ?? '',
    ...(defaultPue !== undefined ? { defaultPue } : {}),
    ...(hours !== undefined ? { restateWindowUs: hours * 3_600_000_000 } : {}),
    ...(every !== undefined ? { restateEveryMs: every * 1000 } : {}),
    ...(b.now ? { now: b.now } : {}),
    ...(b.log ? { log: b.log } : {}),
  });
}
