// The embedded offline default: yearly averages that need no network and
// cover every zone, so a chain always ends with a figure. Lookup order for a
// zone, most specific first:
//   1. cloud zone "aws:ap-east-1" -> Cloud Carbon Footprint region factor
//   2. sub-national zone "SE-SE3"  -> Electricity Maps yearly zone average (ODbL)
//   3. country "SE"                -> Ember yearly country average
//   4. country not in Ember        -> Electricity Maps yearly country average
//   5. anything else               -> Ember world average
// The Ember and Electricity Maps tables are read from @tgwf/co2 at run time
// (docs/CARBON.md says why), so their licences stay with their package.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { averageIntensity, electricityMaps } from '@tgwf/co2/data';
import type { Basis, Dataset, IntensityPeriod, IntensityProvider } from './provider.ts';
import { loadCloudRegions, type CloudRegionsFile } from './zones.ts';

export const EMBER_LICENCE = 'CC BY 4.0 per Ember (ember-energy.org/creative-commons); the CO2.js README states CC BY-SA 4.0';
export const ELECTRICITY_MAPS_YEARLY_LICENCE = 'ODbL 1.0 (Electricity Maps, republished by CO2.js)';
/** CO2.js ships the latest year Ember has per country; at 0.19.0 that is 2024 for nearly all. */
export const EMBER_YEAR = 2024;

function co2jsVersion(): string {
  try {
    const main = createRequire(import.meta.url).resolve('@tgwf/co2');
    const pkg = JSON.parse(fs.readFileSync(path.join(main, '../../../package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === '@tgwf/co2' && pkg.version ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const ISO_PATH = new URL('../../data/grid/iso3166-alpha2-alpha3.json', import.meta.url);

function loadAlpha3(): Record<string, string> {
  const raw = JSON.parse(fs.readFileSync(ISO_PATH, 'utf8')) as { alpha2ToAlpha3?: Record<string, string> };
  if (!raw.alpha2ToAlpha3) throw new Error(`${ISO_PATH}: no alpha2ToAlpha3 table`);
  return raw.alpha2ToAlpha3;
}

export interface StaticValue {
  gPerKwh: number;
  basis: Basis;
  dataset: Dataset;
}

export interface StaticOptions {
  cloudRegions?: CloudRegionsFile;
  /** Set false to leave out the ODbL Electricity Maps yearly table. */
  electricityMapsYearly?: boolean;
}

export class StaticProvider implements IntensityProvider {
  readonly id = 'static';
  readonly basis: Basis = 'location_lifecycle';
  readonly co2jsVersion = co2jsVersion();
  private readonly cloud: CloudRegionsFile;
  private readonly emYears: number[];
  private readonly alpha3 = loadAlpha3();
  private readonly useEm: boolean;

  constructor(opts: StaticOptions = {}) {
    this.cloud = opts.cloudRegions ?? loadCloudRegions();
    this.useEm = opts.electricityMapsYearly ?? true;
    this.emYears = Object.keys(electricityMaps)
      .map((k) => /^yearly(\d{4})$/.exec(k)?.[1])
      .filter((y): y is string => y !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The yearly value for a zone in a calendar year (the nearest year the dataset has). */
  lookup(zone: string, year: number): StaticValue {
    const cloud = /^([a-z]+):(.+)$/.exec(zone);
    if (cloud) {
      const r = this.cloud.regions[cloud[1]!]?.[cloud[2]!];
      if (r?.gPerKwh !== null && r?.gPerKwh !== undefined) {
        const pkgs = Object.entries(this.cloud._meta.packages).map(([n, v]) => `${n} ${v}`).join(', ');
        // eGRID and EEA output rates count combustion only.
        return { gPerKwh: r.gPerKwh, basis: 'location_direct', dataset: { name: `Cloud Carbon Footprint region factor ${cloud[1]}/${cloud[2]} (${pkgs})`, licence: this.cloud._meta.licence } };
      }
    }
    const em = (z: string) => this.emYearly(z, year);
    if (zone.includes('-')) {
      const v = em(zone);
      if (v) return v;
    }
    const country = zone.split(/[-:]/)[0]!.toUpperCase();
    const a3 = country.length === 3 ? country : this.alpha3[country];
    const ember = a3 !== undefined ? averageIntensity.data[a3] : undefined;
    if (typeof ember === 'number') return this.ember(ember, `Ember yearly country average ${a3}`);
    const v = em(country);
    if (v) return v;
    return this.ember(averageIntensity.data.WORLD ?? 0, 'Ember yearly world average');
  }

  async periods(zone: string, startUs: number, endUs: number): Promise<IntensityPeriod[]> {
    const out: IntensityPeriod[] = [];
    const firstYear = new Date(startUs / 1000).getUTCFullYear();
    for (let y = firstYear; ; y++) {
      const s = Date.UTC(y, 0, 1) * 1000;
      if (s >= endUs) break;
      const v = this.lookup(zone, y);
      out.push({ startUs: s, endUs: Date.UTC(y + 1, 0, 1) * 1000, gPerKwh: v.gPerKwh, basis: v.basis, quality: 'static_yearly', provider: this.id, zone, dataset: v.dataset });
    }
    return out;
  }

  private ember(gPerKwh: number, name: string): StaticValue {
    return { gPerKwh, basis: 'location_lifecycle', dataset: { name: `${name} (via @tgwf/co2 ${this.co2jsVersion})`, licence: EMBER_LICENCE, year: EMBER_YEAR } };
  }

  private emYearly(zone: string, year: number): StaticValue | undefined {
    if (!this.useEm || this.emYears.length === 0) return undefined;
    // Same year if shipped, else the nearest one: later years first when equally near.
    const years = [...this.emYears].sort((a, b) => Math.abs(a - year) - Math.abs(b - year) || b - a);
    for (const y of years) {
      const v = electricityMaps[`yearly${y}`]?.data[zone]?.carbonIntensity?.value;
      if (typeof v === 'number' && Number.isFinite(v)) {
        return {
          gPerKwh: v,
          basis: 'location_lifecycle',
          dataset: { name: `Electricity Maps yearly zone average ${zone} ${y} (via @tgwf/co2 ${this.co2jsVersion})`, licence: ELECTRICITY_MAPS_YEARLY_LICENCE, year: y },
        };
      }
    }
    return undefined;
  }
}
