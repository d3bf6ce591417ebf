// UK Carbon Intensity API (NESO, CC BY 4.0): half-hour periods of CO2 from
// generation (imports and losses included), national or per DNO region. No
// auth. `actual` (an outturn estimate from metered data, national only) is
// preferred; otherwise `forecast`, marked so and restated later.
// A range call also returns the slot that ends at `from`; we trim it, and
// deduplicate on `from` (the API has repeated a period before).
import { getJson, type HttpOptions } from './fetch.ts';
import { dedupeByStart, HOUR_US, ProviderError, usFromIso, type Basis, type IntensityPeriod, type IntensityProvider } from './provider.ts';

export const UKCI_BASE_URL = 'https://api.carbonintensity.org.uk';

export interface UkciOptions {
  baseUrl?: string;
  /** Our zone -> "national" or a region id 1..17 (13 = London). Default {GB: "national"}. */
  zones?: Record<string, 'national' | number>;
  http?: HttpOptions;
}

const MAX_RANGE_US = 14 * 24 * HOUR_US;
const HALF_HOUR_US = HOUR_US / 2;

interface Slot {
  from?: unknown;
  to?: unknown;
  intensity?: { forecast?: unknown; actual?: unknown };
}

/** "2018-01-20T12:00Z", the API's own format (minutes, UTC). */
export function ukciTime(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 16) + 'Z';
}

export class UkciProvider implements IntensityProvider {
  readonly id = 'ukci';
  /** CO2 from generation only: closest to a direct (combustion) factor. */
  readonly basis: Basis = 'location_direct';
  private readonly o: Required<UkciOptions>;

  constructor(o: UkciOptions = {}) {
    this.o = { baseUrl: UKCI_BASE_URL, zones: { GB: 'national' }, http: {}, ...o };
    for (const [zone, t] of Object.entries(this.o.zones)) {
      if (t !== 'national' && !(Number.isInteger(t) && t >= 1 && t <= 17)) throw new ProviderError(this.id, `zones.${zone}: ${JSON.stringify(t)} is neither "national" nor a region id 1..17`);
    }
  }

  async periods(zone: string, startUs: number, endUs: number, signal?: AbortSignal): Promise<IntensityPeriod[]> {
    const target = this.o.zones[zone];
    if (target === undefined) return [];
    const out: IntensityPeriod[] = [];
    // The API works in whole minutes: widen to them, then cut to the window below.
    const from0 = Math.floor(startUs / 60_000_000) * 60_000_000;
    const to0 = Math.ceil(endUs / 60_000_000) * 60_000_000;
    for (let s = from0; s < to0; s += MAX_RANGE_US) {
      const e = Math.min(to0, s + MAX_RANGE_US);
      const slots = target === 'national' ? await this.national(s, e, signal) : await this.regional(target, s, e, signal);
      for (const slot of slots) {
        const p = this.toPeriod(zone, target, slot);
        if (p) out.push(p);
      }
    }
    // Drops the extra leading slot (it ends at `from`) and anything past the window.
    return dedupeByStart(out.filter((p) => p.endUs > startUs && p.startUs < endUs));
  }

  private url(path: string): string {
    return `${this.o.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private async national(s: number, e: number, signal?: AbortSignal): Promise<Slot[]> {
    const body = (await getJson(this.id, this.url(`/intensity/${ukciTime(s)}/${ukciTime(e)}`), {}, { ...this.o.http, ...(signal ? { signal } : {}) })) as { data?: unknown };
    if (!Array.isArray(body?.data)) throw new ProviderError(this.id, 'national intensity: expected {data: [...]}');
    return body.data as Slot[];
  }

  private async regional(id: number, s: number, e: number, signal?: AbortSignal): Promise<Slot[]> {
    const body = (await getJson(this.id, this.url(`/regional/intensity/${ukciTime(s)}/${ukciTime(e)}/regionid/${id}`), {}, { ...this.o.http, ...(signal ? { signal } : {}) })) as { data?: unknown };
    // By region id the nesting flips: data is the region (or a one-element list of it) holding the slots.
    const region = (Array.isArray(body?.data) ? body.data[0] : body?.data) as { regionid?: unknown; data?: unknown } | undefined;
    if (!region || !Array.isArray(region.data)) throw new ProviderError(this.id, `regional intensity ${id}: expected {data: {regionid, data: [...]}}`);
    if (region.regionid !== undefined && Number(region.regionid) !== id) throw new ProviderError(this.id, `asked for region ${id}, answered for ${JSON.stringify(region.regionid)}`);
    return region.data as Slot[];
  }

  private toPeriod(zone: string, target: 'national' | number, slot: Slot): IntensityPeriod | undefined {
    const startUs = usFromIso(this.id, 'from', slot?.from);
    const endUs = slot.to === undefined ? startUs + HALF_HOUR_US : usFromIso(this.id, 'to', slot.to);
    if (!(endUs > startUs)) throw new ProviderError(this.id, `slot ${String(slot.from)}..${String(slot.to)} is empty`);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
    const actual = num(slot.intensity?.actual);
    const forecast = num(slot.intensity?.forecast);
    const g = actual ?? forecast;
    if (g === undefined) return undefined;
    const where = target === 'national' ? 'national' : `region ${target}`;
    return {
      startUs,
      endUs,
      gPerKwh: g,
      basis: this.basis,
      quality: actual !== undefined ? 'measured' : 'forecast',
      provider: this.id,
      zone,
      dataset: { name: `UK Carbon Intensity API (NESO) ${where} ${actual !== undefined ? 'actual' : 'forecast'}`, licence: 'CC BY 4.0 (National Energy System Operator)' },
    };
  }
}
