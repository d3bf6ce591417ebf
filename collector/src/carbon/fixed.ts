// A fixed configured intensity: an on-site PPA, an off-grid supply, or a
// site's published factor (the study used EPA eGRID per site). It covers
// every period it is asked for, in whole UTC days, so the stored intensity
// series has one row per zone and day however the asks are cut.
import { DAY_US, ProviderError, type Basis, type IntensityPeriod, type IntensityProvider, type IntensityQuality } from './provider.ts';

export interface FixedOptions {
  gPerKwh: number;
  /** Shown with every figure, e.g. "EPA Power Profiler, Pittsburgh PA (1,046.1 lb/MWh)". */
  label: string;
  basis?: Basis;
  quality?: IntensityQuality;
  licence?: string;
  year?: number;
  /** Zones it answers for; all when absent. */
  zones?: string[];
}

export class FixedProvider implements IntensityProvider {
  readonly id = 'fixed';
  readonly basis: Basis;
  private readonly o: FixedOptions;

  constructor(o: FixedOptions) {
    if (!(typeof o.gPerKwh === 'number' && Number.isFinite(o.gPerKwh) && o.gPerKwh >= 0)) throw new ProviderError('fixed', `gPerKwh must be a finite number >= 0, got ${JSON.stringify(o.gPerKwh)}`);
    if (!o.label) throw new ProviderError('fixed', 'label must say where the value comes from');
    this.o = o;
    this.basis = o.basis ?? 'location_lifecycle';
  }

  async periods(zone: string, startUs: number, endUs: number): Promise<IntensityPeriod[]> {
    if (this.o.zones && !this.o.zones.includes(zone)) return [];
    const dataset = { name: `fixed: ${this.o.label}`, licence: this.o.licence ?? 'configured by the operator', ...(this.o.year !== undefined ? { year: this.o.year } : {}) };
    const out: IntensityPeriod[] = [];
    for (let day = Math.floor(startUs / DAY_US) * DAY_US; day < endUs; day += DAY_US) {
      out.push({ startUs: day, endUs: day + DAY_US, gPerKwh: this.o.gPerKwh, basis: this.basis, quality: this.o.quality ?? 'static_yearly', provider: this.id, zone, dataset });
    }
    return out;
  }
}
