// Data for the dashboard and alert tests: the storage fixtures (two hosts, a
// wall meter, a GPU, two jobs, one on both hosts, progress) moved to end at
// `endUs`, attributed for real, plus carbon per job interval (energy × PUE ×
// a fixed intensity per zone), host carbon per interval, and grid intensity
// periods covering the range. gpu-b names no zone: it is priced in the
// collector's default zone (DE), as a host without one is.
import type { Report } from '@wattprint/proto';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import type { CarbonInterval, GridIntensity, HostRecord, JobCarbon, Sink } from '@wattprint/collector/storage/sink.ts';
import { fixtureHellos, fixtureReports, INTERVALS, STEP, T0 } from '../storage/fixtures.ts';

export const ZONE_OF: Record<string, string> = { 'gpu-a': 'FR', 'gpu-b': 'DE' };
export const INTENSITY: Record<string, number> = { FR: 52, DE: 381 };
export const PUE: Record<string, number> = { 'gpu-a': 1.2, 'gpu-b': 1.0 };
/** Grid periods: 5 minutes each, from 30 minutes before the data ends to 30 minutes after. */
const PERIOD_US = 300_000_000;

/** Reports of `copies` back-to-back runs of the fixtures, the last ending at endUs. */
export function shiftedReports(endUs: number, copies = 1): Report[] {
  const span = INTERVALS * STEP;
  const out: Report[] = [];
  for (let c = 0; c < copies; c++) {
    const shift = endUs - (copies - c) * span - T0 - 3_000_000;
    for (const r of fixtureReports()) {
      out.push({
        ...r,
        seq: Number(r.seq) + c * 1000,
        startUs: Number(r.startUs) + shift,
        endUs: Number(r.endUs) + shift,
        processes: (r.processes ?? []).map((p) => ({ ...p, startTimeUs: Number(p.startTimeUs) + shift - c * span })),
      });
    }
  }
  return out;
}

export function carbonRows(results: AttributionResult[]): JobCarbon[] {
  return results.flatMap((r) =>
    r.jobs.map((j) => {
      const zone = ZONE_OF[r.host]!;
      const pue = PUE[r.host]!;
      const gco2e = (j.wallJoules / 3.6e6) * pue * INTENSITY[zone]!;
      return {
        host: r.host,
        jobId: j.jobId,
        startUs: r.startUs,
        endUs: r.endUs,
        zone,
        joules: j.wallJoules,
        pue,
        gco2e,
        gco2eSoftware: (j.softwareJoules / 3.6e6) * pue * INTENSITY[zone]!,
        gco2eWall: gco2e,
        energyBasis: r.hostWallJoules === undefined ? 'software' : 'wall',
        basis: 'location_lifecycle',
        qualityShares: { measured: 1, estimated: 0, forecast: 0, interpolated: 0, static: 0 },
        provisional: false,
        sources: ['fixed'],
      } satisfies JobCarbon;
    }),
  );
}

export function hostCarbonRows(results: AttributionResult[]): CarbonInterval[] {
  return results.map((r) => {
    const zone = ZONE_OF[r.host]!;
    const pue = PUE[r.host]!;
    const joules = r.hostWallJoules ?? r.hostSoftwareJoules;
    const g = (j: number) => (j / 3.6e6) * pue * INTENSITY[zone]!;
    return {
      host: r.host, startUs: r.startUs, endUs: r.endUs, zone, zoneSource: r.host === 'gpu-b' ? 'collector' : 'config', pue, joules,
      gco2e: g(joules), gco2eSoftware: g(r.hostSoftwareJoules), gco2eWall: r.hostWallJoules === undefined ? undefined : g(r.hostWallJoules),
      energyBasis: r.hostWallJoules === undefined ? 'software' : 'wall', provisional: false, result: undefined,
    } satisfies CarbonInterval;
  });
}

export function gridPeriods(endUs: number): GridIntensity[] {
  const out: GridIntensity[] = [];
  const first = Math.floor((endUs - 1_800_000_000) / PERIOD_US) * PERIOD_US;
  for (const zone of Object.keys(INTENSITY)) {
    for (let t = first; t < endUs + 1_800_000_000; t += PERIOD_US) {
      out.push({ zone, provider: 'fixed', basis: 'location_lifecycle', quality: 'measured', startUs: t, endUs: t + PERIOD_US, gco2ePerKwh: INTENSITY[zone]!, dataset: 'test' });
    }
  }
  return out;
}

export function hosts(seenUs: number): HostRecord[] {
  return fixtureHellos().map((h) => ({
    host: h.host!,
    agentVersion: h.agentVersion!,
    inventory: h.host === 'gpu-b' ? { ...h.inventory!, gridZone: '', gridZoneSource: 'collector' } : h.inventory!,
    seenUs,
  }));
}

/** Writes energy, hosts, carbon and grid intensity through the sink's own write methods. */
export async function seed(sink: Sink, endUs: number, copies = 1): Promise<AttributionResult[]> {
  const results = shiftedReports(endUs, copies).map((r) => attribute(r));
  for (const h of hosts(endUs - copies * INTERVALS * STEP - 60_000_000)) await sink.upsertHost(h);
  await sink.write(results);
  const periods = gridPeriods(endUs);
  await sink.writeCarbon!({ jobs: carbonRows(results), intervals: hostCarbonRows(results), periods });
  await sink.writeGridIntensity!(periods);
  return results;
}
