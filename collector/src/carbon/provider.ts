// The one small interface every grid-intensity provider implements (one
// provider per file), and the period it returns. Internally intensity is
// always gCO2e per kWh and time is microseconds since the Unix epoch (UTC),
// like every interval in the collector.

/**
 * What an intensity means. Average (location-based) figures are for
 * accounting; marginal (WattTime MOER) is for scheduling and is never summed
 * into the accounting figure.
 */
export type Basis = 'location_lifecycle' | 'location_direct' | 'marginal';

/**
 * How good an intensity is. "measured": the provider's final value;
 * "estimated": the provider says it estimated it; "forecast": a prediction
 * for a period not yet settled; "interpolated": we filled a short gap from
 * its neighbours; "static_yearly": a yearly average from an embedded dataset
 * (or a fixed configured value).
 */
export type IntensityQuality = 'measured' | 'estimated' | 'forecast' | 'interpolated' | 'static_yearly';

export const QUALITIES: readonly IntensityQuality[] = ['measured', 'estimated', 'forecast', 'interpolated', 'static_yearly'];

/** Qualities that may still change: a figure that used one is provisional. */
export const PROVISIONAL_QUALITIES: ReadonlySet<IntensityQuality> = new Set(['estimated', 'forecast', 'interpolated']);

/** Where a number came from, shown with every figure that used it. */
export interface Dataset {
  /** e.g. "Electricity Maps API v3 carbon-intensity/past-range", "Ember yearly (via @tgwf/co2 0.19.0)". */
  name: string;
  licence: string;
  /** Data year for yearly datasets. */
  year?: number;
}

/** One intensity value valid over [startUs, endUs) in one zone. */
export interface IntensityPeriod {
  startUs: number;
  endUs: number;
  gPerKwh: number;
  basis: Basis;
  quality: IntensityQuality;
  /** Provider id that produced it ("electricitymaps", "ukci", "static"...). */
  provider: string;
  zone: string;
  dataset: Dataset;
  /** Provider's revision time, when it gives one (updatedAt, last_updated). */
  updatedAtUs?: number;
  /** Provider's own words for how it estimated (Electricity Maps estimationMethod). */
  estimationMethod?: string;
}

export interface IntensityProvider {
  readonly id: string;
  readonly basis: Basis;
  /**
   * Periods overlapping [startUs, endUs), sorted by start, not overlapping.
   * Gaps are allowed (no data); a failure throws (ProviderError or HttpError),
   * so a chain can tell "no data" from "could not ask".
   */
  periods(zone: string, startUs: number, endUs: number, signal?: AbortSignal): Promise<IntensityPeriod[]>;
}

/** A provider answered, but not with something we can use. */
export class ProviderError extends Error {
  readonly provider: string;
  constructor(provider: string, message: string) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
    this.provider = provider;
  }
}

export const HOUR_US = 3_600_000_000;
export const DAY_US = 24 * HOUR_US;

export function isoFromUs(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

/** Parses a provider timestamp; throws a ProviderError naming the field otherwise. */
export function usFromIso(provider: string, field: string, value: unknown): number {
  if (typeof value !== 'string') throw new ProviderError(provider, `${field} is ${JSON.stringify(value)}, expected a timestamp string`);
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ProviderError(provider, `${field} "${value}" is not a timestamp`);
  return ms * 1000;
}

/** Sorts by start and keeps the last of periods that share a start (providers sometimes repeat a slot). */
export function dedupeByStart(periods: IntensityPeriod[]): IntensityPeriod[] {
  const byStart = new Map<number, IntensityPeriod>();
  for (const p of periods) byStart.set(p.startUs, p);
  return [...byStart.values()].sort((a, b) => a.startUs - b.startUs);
}
