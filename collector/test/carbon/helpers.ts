// Small builders shared by the carbon tests.
import type { IntensityPeriod, IntensityQuality } from '@wattprint/collector/carbon/provider.ts';

export const H = 3_600_000_000;
export const T0 = Date.UTC(2025, 5, 1) * 1000; // 2025-06-01T00:00Z, µs

export function period(startUs: number, endUs: number, gPerKwh: number, quality: IntensityQuality = 'measured', provider = 'test', zone = 'DE'): IntensityPeriod {
  return { startUs, endUs, gPerKwh, basis: provider === 'watttime' ? 'marginal' : 'location_lifecycle', quality, provider, zone, dataset: { name: `${provider} data`, licence: 'test' } };
}

export function iso(us: number): string {
  return new Date(us / 1000).toISOString();
}

/** "2025-06-01T00:30Z": the UK API's time format. */
export function ukTime(us: number): string {
  return iso(us).slice(0, 16) + 'Z';
}

export const noSleep = { sleep: async () => {}, random: () => 0.5 };
