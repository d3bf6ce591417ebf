// Where a job's energy came from: its counted component joules by the source
// and quality of the readings they were split from (counter, integrated
// power, estimate). Both stores fetch the same two sums and join them here.

/** A job's component joules on one device of one host (job_energy, counted domains, no wall `other`). */
export interface JobDeviceJoules {
  jobId: string;
  host: string;
  domain: string;
  device: string;
  joules: number;
}

/** A host device's measured joules by source and quality (host_energy). */
export interface DeviceQuality {
  host: string;
  domain: string;
  device: string;
  source: string;
  quality: string;
  joules: number;
}

export interface EnergySource {
  source: string;
  quality: string;
  joules: number;
}

/** The domains counted in job software totals (nested core/uncore left out; psys only counts where a host has no package). */
export const COUNTED_SOURCE_DOMAINS = ['package', 'dram', 'gpu', 'psys'];

/**
 * Job joules by (source, quality). A device read by one source keeps all its
 * joules there; one read by several over time (a fallback) splits them in
 * proportion to what each source measured.
 */
export function energySources(jobRows: JobDeviceJoules[], devices: DeviceQuality[]): Map<string, EnergySource[]> {
  const byDevice = new Map<string, DeviceQuality[]>();
  for (const d of devices) {
    const k = `${d.host}\0${d.domain}\0${d.device}`;
    byDevice.set(k, [...(byDevice.get(k) ?? []), d]);
  }
  const out = new Map<string, Map<string, EnergySource>>();
  for (const j of jobRows) {
    const ds = byDevice.get(`${j.host}\0${j.domain}\0${j.device}`) ?? [];
    const total = ds.reduce((a, d) => a + d.joules, 0);
    const parts = total > 0 ? ds.map((d) => ({ source: d.source, quality: d.quality, share: d.joules / total })) : [{ source: 'unknown', quality: 'unknown', share: 1 }];
    const m = out.get(j.jobId) ?? new Map<string, EnergySource>();
    for (const p of parts) {
      const k = `${p.source}/${p.quality}`;
      const e = m.get(k) ?? { source: p.source, quality: p.quality, joules: 0 };
      e.joules += j.joules * p.share;
      m.set(k, e);
    }
    out.set(j.jobId, m);
  }
  return new Map([...out].map(([job, m]) => [job, [...m.values()].sort((a, b) => b.joules - a.joules || (a.source < b.source ? -1 : 1))]));
}

/** Totals with their energy sources. */
export function withEnergySources<T extends { jobId: string; energySources?: EnergySource[] }>(totals: T[], sources: Map<string, EnergySource[]>): T[] {
  for (const t of totals) t.energySources = sources.get(t.jobId) ?? [];
  return totals;
}
