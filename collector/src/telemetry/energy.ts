// Energy and carbon as Prometheus counters on /metrics: what this collector
// stored, per host and device, per job and component, per job carbon, and per
// host what no job was charged. docs/PROMETHEUS.md says how to query them.
//
// Counters only ever grow. A report this collector already counted (a replay
// after a lost ack, on the same stream or a new one) is skipped by a
// per-host watermark on the interval start; carbon restatements likewise
// change the store, not the counter. A new series is exposed at 0 on its first
// scrape and with its value from the next, so Prometheus' increase() sees all
// of it. A job's series leave /metrics `jobRetentionS` after its last interval
// reached this collector; hosts stay (they are few).
import type { AttributionResult } from '../attribution/types.ts';
import type { CarbonWrite } from '../storage/sink.ts';

export const DEFAULT_JOB_RETENTION_S = 900;

/** The metric families, in exposition order. */
export const ENERGY_METRICS = {
  host: { name: 'wattprint_host_energy_joules_total', help: 'Energy measured on a host, per domain and device, with the source and quality of the reading', labels: ['host', 'domain', 'device', 'source', 'quality'] },
  software: { name: 'wattprint_host_software_energy_joules_total', help: 'Software energy of a host: its components counted once (package or psys, DRAM, GPU), what RAPL and NVML tools report', labels: ['host'] },
  wall: { name: 'wattprint_host_wall_energy_joules_total', help: 'Wall energy of a host with a wall or node meter', labels: ['host'] },
  unattributed: { name: 'wattprint_host_unattributed_energy_joules_total', help: 'Energy of a host charged to no job (idle, system, nobody holding a GPU, wall remainder), per domain, device and reason', labels: ['host', 'domain', 'device', 'reason'] },
  job: { name: 'wattprint_job_energy_joules_total', help: 'Energy attributed to a job on a host, per component (cpu, dram, gpu; other = its share of wall minus components)', labels: ['wattprint_job', 'host', 'component'] },
  carbon: { name: 'wattprint_job_carbon_grams_total', help: 'Emissions of a job on a host in gCO2e as first priced (energy x PUE x grid intensity of the zone)', labels: ['wattprint_job', 'host', 'zone'] },
} as const;

type Family = keyof typeof ENERGY_METRICS;

interface Series {
  labels: string[];
  value: number;
  /** Set once the series was scraped at 0; until then it shows 0. */
  exposed: boolean;
  /** Jobs only: the series' job, for retention. */
  job?: string;
}

export interface EnergyMetricsOptions {
  jobRetentionS?: number;
  /** Collector clock, ms. */
  nowMs?: () => number;
}

export class EnergyMetrics {
  private readonly series: Record<Family, Map<string, Series>> = { host: new Map(), software: new Map(), wall: new Map(), unattributed: new Map(), job: new Map(), carbon: new Map() };
  /** Highest interval start counted per host (energy) and per host and job (carbon). */
  private readonly energyMark = new Map<string, number>();
  private readonly carbonMark = new Map<string, number>();
  /** When each job last got energy here, ms. */
  private readonly jobSeen = new Map<string, number>();
  private readonly retentionMs: number;
  private readonly nowMs: () => number;
  /** Reports skipped because they were already counted (replays). */
  replaysSkipped = 0;

  constructor(opts: EnergyMetricsOptions = {}) {
    this.retentionMs = (opts.jobRetentionS ?? DEFAULT_JOB_RETENTION_S) * 1000;
    this.nowMs = opts.nowMs ?? Date.now;
  }

  private add(family: Family, labels: string[], joules: number, job?: string): void {
    if (!(Number.isFinite(joules) && joules >= 0)) return;
    const key = labels.join('\u0000');
    const m = this.series[family];
    let s = m.get(key);
    if (!s) m.set(key, (s = { labels, value: 0, exposed: false, job }));
    s.value += joules;
  }

  /** Counts stored attribution results (ingest's onStored hook). */
  onStored(results: readonly AttributionResult[]): void {
    const now = this.nowMs();
    for (const r of results) {
      const mark = this.energyMark.get(r.host);
      if (mark !== undefined && r.startUs <= mark) {
        this.replaysSkipped++;
        continue;
      }
      this.energyMark.set(r.host, r.startUs);
      for (const m of r.measured) this.add('host', [r.host, m.domain, m.device, m.source, m.quality], m.joules);
      this.add('software', [r.host], r.hostSoftwareJoules);
      if (r.hostWallJoules !== undefined) this.add('wall', [r.host], r.hostWallJoules);
      for (const u of r.unattributed) this.add('unattributed', [r.host, u.domain, u.device, u.reason], u.joules);
      for (const j of r.jobs) {
        this.jobSeen.set(j.jobId, now);
        for (const [component, joules] of Object.entries(j.byComponent)) this.add('job', [j.jobId, r.host, component], joules, j.jobId);
      }
    }
  }

  /** Counts job carbon as first written (the carbon stage's writes; restatements are skipped). */
  onCarbon(w: CarbonWrite): void {
    for (const c of w.jobs) {
      const k = `${c.host}\u0000${c.jobId}`;
      const mark = this.carbonMark.get(k);
      if (mark !== undefined && c.startUs <= mark) continue;
      this.carbonMark.set(k, c.startUs);
      this.add('carbon', [c.jobId, c.host, c.zone], c.gco2e, c.jobId);
    }
  }

  /** Drops the series of jobs not seen for jobRetentionS. */
  private expire(): void {
    const cutoff = this.nowMs() - this.retentionMs;
    const gone = new Set<string>();
    for (const [job, at] of this.jobSeen) if (at < cutoff) gone.add(job);
    if (gone.size === 0) return;
    for (const family of ['job', 'carbon'] as const) for (const [k, s] of this.series[family]) if (s.job !== undefined && gone.has(s.job)) this.series[family].delete(k);
    for (const k of this.carbonMark.keys()) if (gone.has(k.slice(k.indexOf('\u0000') + 1))) this.carbonMark.delete(k);
    for (const job of gone) this.jobSeen.delete(job);
  }

  /** Series per family, for docs and tests. */
  counts(): Record<Family, number> {
    return Object.fromEntries(Object.entries(this.series).map(([k, m]) => [k, m.size])) as Record<Family, number>;
  }

  /** Prometheus text exposition (0.0.4) of every family. */
  render(): string {
    this.expire();
    const out: string[] = [];
    for (const family of Object.keys(ENERGY_METRICS) as Family[]) {
      const def = ENERGY_METRICS[family];
      out.push(`# HELP ${def.name} ${def.help}`, `# TYPE ${def.name} counter`);
      for (const s of this.series[family].values()) {
        const labels = def.labels.map((l, i) => `${l}="${escapeLabel(s.labels[i]!)}"`).join(',');
        out.push(`${def.name}{${labels}} ${s.exposed ? formatValue(s.value) : '0'}`);
        s.exposed = true;
      }
    }
    return out.join('\n') + '\n';
  }
}

export function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

/** Full precision: Prometheus parses Go floats; JS's shortest round-trip form is one. */
function formatValue(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}
