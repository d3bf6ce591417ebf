// Which grid zone a host draws from. Precedence: the agent's configured zone,
// then its cloud provider + region (collector/data/grid/cloud-regions.json,
// from Cloud Carbon Footprint), then the collector's default.
import fs from 'node:fs';
import type { Inventory } from '@wattprint/proto';

export interface CloudRegion {
  /** Location-based factor, gCO2e/kWh. */
  gPerKwh: number | null;
  /** Electricity Maps zone of the region, when CCF maps one. */
  zone: string | null;
}

export interface CloudRegionsFile {
  _meta: { source: string; packages: Record<string, string>; licence: string; dataProvenance: string; year: string; unit: string };
  pue: Record<string, number>;
  regions: Record<string, Record<string, CloudRegion>>;
}

export const CLOUD_REGIONS_PATH = new URL('../../data/grid/cloud-regions.json', import.meta.url);

let cloudRegionsCache: CloudRegionsFile | undefined;

/** Loads and checks the cloud region table; throws naming the file and the bad entry. */
export function loadCloudRegions(file: URL | string = CLOUD_REGIONS_PATH): CloudRegionsFile {
  if (file === CLOUD_REGIONS_PATH && cloudRegionsCache) return cloudRegionsCache;
  const where = String(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${where}: cannot read cloud region table: ${(err as Error).message}`);
  }
  const f = raw as CloudRegionsFile;
  if (typeof f?._meta?.source !== 'string' || typeof f.regions !== 'object' || f.regions === null) throw new Error(`${where}: expected {_meta, pue, regions}`);
  for (const [cloud, regions] of Object.entries(f.regions)) {
    for (const [region, r] of Object.entries(regions)) {
      const okFactor = r.gPerKwh === null || (typeof r.gPerKwh === 'number' && r.gPerKwh >= 0 && r.gPerKwh < 5000);
      if (!okFactor || (r.zone !== null && typeof r.zone !== 'string')) throw new Error(`${where}: regions.${cloud}.${region} is ${JSON.stringify(r)}`);
    }
  }
  if (file === CLOUD_REGIONS_PATH) cloudRegionsCache = f;
  return f;
}

const CLOUD_ALIASES: Record<string, string> = { aws: 'aws', amazon: 'aws', ec2: 'aws', azure: 'azure', microsoft: 'azure', gcp: 'gcp', google: 'gcp', gce: 'gcp' };

export function normaliseCloud(provider: string): string {
  const p = provider.trim().toLowerCase();
  return CLOUD_ALIASES[p] ?? p;
}

/** Zone key of a cloud region that has no Electricity Maps zone: "aws:ap-east-1". */
export function cloudZone(provider: string, region: string): string {
  return `${normaliseCloud(provider)}:${region.trim().toLowerCase()}`;
}

/** Electricity Maps keys ("DE", "SE-SE3", "US-CAL-CISO"), cloud zones ("aws:ap-east-1"), "WORLD". */
const ZONE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function isZoneKey(z: string): boolean {
  return ZONE_RE.test(z);
}

export type ZoneSource = 'config' | 'cloud' | 'collector' | 'world';

export interface ResolvedZone {
  zone: string;
  source: ZoneSource;
  /** What was wrong with the inventory on the way (bad zone, unknown region). */
  problems: string[];
}

/** The zone of a host. `collectorDefault` may be empty: the world average is then used, and said so. */
export function resolveZone(inventory: Inventory | undefined, collectorDefault: string, cloudRegions: CloudRegionsFile = loadCloudRegions()): ResolvedZone {
  const problems: string[] = [];
  const configured = inventory?.gridZone?.trim() ?? '';
  if (configured !== '' && inventory?.gridZoneSource !== 'collector') {
    if (isZoneKey(configured)) return { zone: configured, source: 'config', problems };
    problems.push(`inventory grid_zone ${JSON.stringify(configured)} is not a zone key (like "DE" or "US-CAL-CISO"); ignored`);
  }
  const provider = inventory?.cloudProvider?.trim() ?? '';
  const region = inventory?.cloudRegion?.trim() ?? '';
  if (provider !== '' && region !== '') {
    const cloud = normaliseCloud(provider);
    const r = cloudRegions.regions[cloud]?.[region.toLowerCase()];
    if (r) return { zone: r.zone ?? cloudZone(cloud, region), source: 'cloud', problems };
    problems.push(`cloud region ${cloud}/${region} is not in the cloud region table; using the collector's default zone`);
  }
  if (collectorDefault !== '' && isZoneKey(collectorDefault)) return { zone: collectorDefault, source: 'collector', problems };
  problems.push('no grid zone configured (agent, cloud region or collector default); using the world average');
  return { zone: 'WORLD', source: 'world', problems };
}
