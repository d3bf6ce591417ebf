// The InfluxDB schema (docs/SCHEMA.md), as pure functions from what the
// collector stores to points. Every point's timestamp is its interval's start
// in microseconds (precision "u"), and its tags are the bounded identity of the
// figure, so a replayed report produces the same measurement + tags + time and
// overwrites instead of adding. Unbounded values (pid, labels) are fields.
import { FieldType, type IPoint, type ISchemaOptions } from 'influx';
import type { AttributionResult } from '../attribution/types.ts';
import type { CarbonInterval, GridIntensity, HostRecord, JobCarbon } from './sink.ts';

export const PRECISION = 'u' as const;

export const MEASUREMENTS = {
  hostEnergy: 'host_energy',
  hostInterval: 'host_interval',
  unattributed: 'unattributed_energy',
  jobEnergy: 'job_energy',
  jobInterval: 'job_interval',
  jobMeta: 'job_meta',
  jobLabel: 'job_label',
  jobCarbon: 'job_carbon',
  hostCarbon: 'host_carbon',
  gridIntensity: 'grid_intensity',
  hostInfo: 'host_info',
} as const;

const { FLOAT, INTEGER, STRING, BOOLEAN } = FieldType;

/** Tags and field types per measurement; node-influx refuses any point that strays from them. */
export const SCHEMAS: Omit<ISchemaOptions, 'database'>[] = [
  {
    measurement: MEASUREMENTS.hostEnergy,
    tags: ['host', 'domain', 'device', 'source', 'quality'],
    fields: { joules: FLOAT, watts: FLOAT, interval_s: FLOAT, flags: STRING },
  },
  {
    measurement: MEASUREMENTS.hostInterval,
    tags: ['host'],
    fields: { seq: INTEGER, end_us: INTEGER, interval_s: FLOAT, software_j: FLOAT, wall_j: FLOAT, wall_software_ratio: FLOAT, instance: STRING },
  },
  {
    measurement: MEASUREMENTS.unattributed,
    tags: ['host', 'domain', 'device', 'component', 'modality', 'reason'],
    fields: { joules: FLOAT, method: STRING, flags: STRING },
  },
  {
    measurement: MEASUREMENTS.jobEnergy,
    tags: ['host', 'job', 'domain', 'device', 'component', 'modality'],
    fields: { joules: FLOAT, watts: FLOAT, interval_s: FLOAT, method: STRING, flags: STRING },
  },
  {
    measurement: MEASUREMENTS.jobInterval,
    tags: ['host', 'job'],
    fields: {
      end_us: INTEGER,
      interval_s: FLOAT,
      software_j: FLOAT,
      wall_j: FLOAT,
      dynamic_j: FLOAT,
      idle_j: FLOAT,
      cpu_j: FLOAT,
      dram_j: FLOAT,
      gpu_j: FLOAT,
      other_j: FLOAT,
      estimated: BOOLEAN,
      cpu_seconds: FLOAT,
      tokens: FLOAT,
      tokens_unpadded: FLOAT,
      examples: FLOAT,
      steps: FLOAT,
    },
  },
  {
    measurement: MEASUREMENTS.jobMeta,
    tags: ['host', 'job'],
    fields: { end_us: INTEGER, labels: STRING, pids: STRING, processes: INTEGER },
  },
  {
    measurement: MEASUREMENTS.jobLabel,
    tags: ['job', 'label'],
    fields: { last_us: INTEGER },
  },
  {
    measurement: MEASUREMENTS.jobCarbon,
    tags: ['host', 'job'],
    fields: {
      end_us: INTEGER,
      zone: STRING,
      joules: FLOAT,
      pue: FLOAT,
      gco2e: FLOAT,
      gco2e_software: FLOAT,
      gco2e_wall: FLOAT,
      energy_basis: STRING,
      basis: STRING,
      share_measured: FLOAT,
      share_estimated: FLOAT,
      share_forecast: FLOAT,
      share_interpolated: FLOAT,
      share_static: FLOAT,
      provisional: BOOLEAN,
      sources: STRING,
    },
  },
  {
    measurement: MEASUREMENTS.hostCarbon,
    tags: ['host'],
    fields: {
      end_us: INTEGER,
      zone: STRING,
      zone_source: STRING,
      pue: FLOAT,
      joules: FLOAT,
      gco2e: FLOAT,
      gco2e_software: FLOAT,
      gco2e_wall: FLOAT,
      energy_basis: STRING,
      provisional: BOOLEAN,
      result: STRING,
    },
  },
  {
    measurement: MEASUREMENTS.gridIntensity,
    tags: ['zone', 'source', 'basis'],
    fields: { end_us: INTEGER, gco2e_per_kwh: FLOAT, quality: STRING, dataset: STRING },
  },
  {
    measurement: MEASUREMENTS.hostInfo,
    tags: ['host'],
    fields: { agent_version: STRING, inventory: STRING, cpu_model: STRING, gpus: INTEGER, grid_zone: STRING, pue: FLOAT },
  },
];

/** Line protocol has no empty tag value: an empty tag is left out, and InfluxQL reads it back as "". */
function tags(t: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) if (v !== '') out[k] = v;
  return out;
}

function checkTime(us: number, what: string): number {
  if (!Number.isSafeInteger(us) || us < 0) throw new Error(`${what}: timestamp ${us} µs is not a non-negative integer`);
  return us;
}

/** Finite numbers only: line protocol has no NaN or Infinity, and one would fail the whole batch. */
function finite(fields: Record<string, number | string | boolean | undefined>, what: string): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${what}: field ${k} is ${v}`);
    out[k] = v;
  }
  return out;
}

/** All points of one attribution result. Process shares stay out (pid is unbounded): job_meta keeps the pids. */
export function resultToPoints(r: AttributionResult): IPoint[] {
  const at = checkTime(r.startUs, `report ${r.host}#${r.seq}`);
  checkTime(r.endUs, `report ${r.host}#${r.seq}`);
  const seconds = (r.endUs - r.startUs) / 1e6;
  const what = `report ${r.host}#${r.seq}`;
  const points: IPoint[] = [];
  const push = (measurement: string, t: Record<string, string>, f: Record<string, number | string | boolean | undefined>) =>
    points.push({ measurement, tags: tags(t), fields: finite(f, `${what} ${measurement}`), timestamp: at });

  push(MEASUREMENTS.hostInterval, { host: r.host }, {
    seq: r.seq,
    end_us: r.endUs,
    interval_s: seconds,
    software_j: r.hostSoftwareJoules,
    wall_j: r.hostWallJoules,
    wall_software_ratio: r.hostWallJoules !== undefined && r.hostSoftwareJoules > 0 ? r.hostWallJoules / r.hostSoftwareJoules : undefined,
    instance: r.instanceId || undefined,
  });
  for (const m of r.measured) {
    push(MEASUREMENTS.hostEnergy, { host: r.host, domain: m.domain, device: m.device, source: m.source, quality: m.quality }, {
      joules: m.joules,
      watts: seconds > 0 ? m.joules / seconds : undefined,
      interval_s: seconds,
      flags: m.flags.join(','),
    });
  }
  for (const u of r.unattributed) {
    push(MEASUREMENTS.unattributed, { host: r.host, domain: u.domain, device: u.device, component: u.component, modality: u.modality, reason: u.reason }, {
      joules: u.joules,
      method: u.method,
      flags: u.flags.join(','),
    });
  }
  for (const j of r.jobShares) {
    push(MEASUREMENTS.jobEnergy, { host: r.host, job: j.jobId, domain: j.domain, device: j.device, component: j.component, modality: j.modality }, {
      joules: j.joules,
      watts: seconds > 0 ? j.joules / seconds : undefined,
      interval_s: seconds,
      method: j.method,
      flags: j.flags.join(','),
    });
  }
  const pids = jobPids(r);
  for (const j of r.jobs) {
    const c = j.byComponent;
    push(MEASUREMENTS.jobInterval, { host: r.host, job: j.jobId }, {
      end_us: r.endUs,
      interval_s: seconds,
      software_j: j.softwareJoules,
      wall_j: j.wallJoules,
      dynamic_j: j.dynamicJoules,
      idle_j: j.idleJoules,
      cpu_j: c.cpu,
      dram_j: c.dram,
      gpu_j: c.gpu,
      other_j: c.other,
      estimated: j.estimated,
      cpu_seconds: j.cpuSeconds,
      tokens: j.tokens,
      tokens_unpadded: j.tokensUnpadded ?? 0,
      examples: j.examples,
      steps: j.steps,
    });
    const p = pids.get(j.jobId) ?? [];
    push(MEASUREMENTS.jobMeta, { host: r.host, job: j.jobId }, { end_us: r.endUs, labels: canonicalJson(j.labels), pids: p.join(','), processes: p.length });
    points.push(...labelPoints(j.jobId, j.labels, r.startUs, what));
  }
  return points;
}

const HOUR_US = 3_600_000_000;

/**
 * One job_label point per (job, label) and UTC hour, so a label filter is a
 * series-index lookup (SHOW TAG VALUES ... WHERE "label" = 'task=sst2') and
 * each report only overwrites the hour's point. An hour, not a day: the
 * point must stay inside the shortest raw retention InfluxDB allows (1 h). last_us says which interval
 * carried the value last (a later interval wins a key, as in mergeLabels).
 */
export function labelPoints(jobId: string, labels: Record<string, string>, startUs: number, what: string): IPoint[] {
  const hour = Math.floor(startUs / HOUR_US) * HOUR_US;
  return Object.entries(labels).map(([k, v]) => ({ measurement: MEASUREMENTS.jobLabel, tags: { job: jobId, label: `${k}=${v}` }, fields: finite({ last_us: startUs }, `${what} job_label`), timestamp: hour }));
}

/** Distinct pids with energy per job, ascending: the same list for the same report. */
export function jobPids(r: AttributionResult): Map<string, number[]> {
  const sets = new Map<string, Set<number>>();
  for (const p of r.processShares) {
    if (!p.jobId) continue;
    const s = sets.get(p.jobId) ?? new Set<number>();
    s.add(p.pid);
    sets.set(p.jobId, s);
  }
  return new Map([...sets].map(([job, s]) => [job, [...s].sort((a, b) => a - b)]));
}

/** JSON with sorted keys, so identical labels give identical strings (and identical points). */
export function canonicalJson(o: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export function hostToPoint(h: HostRecord): IPoint {
  const inv = h.inventory;
  return {
    measurement: MEASUREMENTS.hostInfo,
    tags: tags({ host: h.host }),
    fields: finite(
      {
        agent_version: h.agentVersion,
        inventory: JSON.stringify(inv),
        cpu_model: inv.cpuModel ?? '',
        gpus: inv.gpus?.length ?? 0,
        grid_zone: inv.gridZone ?? '',
        pue: inv.pue ?? undefined,
      },
      `host ${h.host}`,
    ),
    timestamp: checkTime(h.seenUs, `host ${h.host}`),
  };
}

export function carbonToPoint(c: JobCarbon): IPoint {
  const what = `carbon ${c.host}/${c.jobId}`;
  checkTime(c.endUs, what);
  return {
    measurement: MEASUREMENTS.jobCarbon,
    tags: tags({ host: c.host, job: c.jobId }),
    fields: finite(
      {
        end_us: c.endUs,
        zone: c.zone,
        joules: c.joules,
        pue: c.pue,
        gco2e: c.gco2e,
        gco2e_software: c.gco2eSoftware,
        gco2e_wall: c.gco2eWall,
        energy_basis: c.energyBasis,
        basis: c.basis,
        share_measured: c.qualityShares.measured,
        share_estimated: c.qualityShares.estimated,
        share_forecast: c.qualityShares.forecast,
        share_interpolated: c.qualityShares.interpolated,
        share_static: c.qualityShares.static,
        provisional: c.provisional,
        sources: JSON.stringify(c.sources),
      },
      what,
    ),
    timestamp: checkTime(c.startUs, what),
  };
}

/** Every field is written, the result too ('' once final): a point only replaces the fields it carries. */
export function hostCarbonToPoint(c: CarbonInterval): IPoint {
  const what = `carbon ${c.host}`;
  checkTime(c.endUs, what);
  return {
    measurement: MEASUREMENTS.hostCarbon,
    tags: tags({ host: c.host }),
    fields: finite(
      {
        end_us: c.endUs,
        zone: c.zone,
        zone_source: c.zoneSource,
        pue: c.pue,
        joules: c.joules,
        gco2e: c.gco2e,
        gco2e_software: c.gco2eSoftware,
        gco2e_wall: c.gco2eWall,
        energy_basis: c.energyBasis,
        provisional: c.provisional,
        result: c.result ? JSON.stringify(c.result) : '',
      },
      what,
    ),
    timestamp: checkTime(c.startUs, what),
  };
}

export function intensityToPoint(g: GridIntensity): IPoint {
  const what = `grid intensity ${g.zone}`;
  checkTime(g.endUs, what);
  return {
    measurement: MEASUREMENTS.gridIntensity,
    tags: tags({ zone: g.zone, source: g.provider, basis: g.basis }),
    fields: finite({ end_us: g.endUs, gco2e_per_kwh: g.gco2ePerKwh, quality: g.quality, dataset: g.dataset }, what),
    timestamp: checkTime(g.startUs, what),
  };
}


/**
 * A period longer than an hour (a static yearly figure) as one point per UTC
 * hour the given intervals touch, at that hour's start (or the period's): a
 * single point at the year's start would be older than the raw policy
 * (InfluxDB drops it) and outside every dashboard window. Same tags and fields,
 * so rewriting an hour overwrites it. Shorter periods stay one point.
 */
export function intensityPoints(g: GridIntensity, intervalStartsUs: readonly number[]): IPoint[] {
  if (g.endUs - g.startUs <= HOUR_US) return [intensityToPoint(g)];
  const hours = new Set<number>();
  for (const t of intervalStartsUs) if (t >= g.startUs && t < g.endUs) hours.add(Math.max(g.startUs, t - (t % HOUR_US)));
  if (hours.size === 0) return [intensityToPoint(g)];
  return [...hours].sort((a, b) => a - b).map((h) => ({ ...intensityToPoint(g), timestamp: h }));
}

export interface RetentionPlan {
  /** Where the collector writes: full resolution, DEFAULT so Grafana finds it unqualified. */
  raw: { name: string; duration: string };
  /** Hourly sums written by the continuous queries. */
  hourly: { name: string; duration: string };
}

export const DEFAULT_RETENTION: RetentionPlan = {
  raw: { name: 'wp_raw', duration: '30d' },
  hourly: { name: 'wp_1h', duration: 'INF' },
};

/** Energy sums per hour; string fields (method, flags, labels) do not survive downsampling. */
const DOWNSAMPLED: Record<string, string[]> = {
  [MEASUREMENTS.hostEnergy]: ['joules'],
  [MEASUREMENTS.hostInterval]: ['software_j', 'wall_j'],
  [MEASUREMENTS.unattributed]: ['joules'],
  [MEASUREMENTS.jobEnergy]: ['joules'],
  [MEASUREMENTS.jobInterval]: ['software_j', 'wall_j', 'dynamic_j', 'idle_j', 'cpu_j', 'dram_j', 'gpu_j', 'other_j', 'cpu_seconds', 'tokens', 'examples', 'steps'],
  [MEASUREMENTS.jobCarbon]: ['joules', 'gco2e', 'gco2e_software', 'gco2e_wall'],
  [MEASUREMENTS.hostCarbon]: ['joules', 'gco2e', 'gco2e_software', 'gco2e_wall'],
};

export function quoteIdent(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** An InfluxQL string literal (node-influx's stringLit leaves backslashes alone). */
export function quoteString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

/**
 * Tags a rollup keeps: every tag of the measurement but `job`. The hourly
 * policy lives forever, so it must not grow with the number of jobs (100k a
 * month would add series without end); per-job figures live in the raw policy
 * (docs/SCHEMA.md, "Cardinality"). A rollup of job_* is what jobs used, per host.
 */
export function rollupTags(measurement: string): string[] {
  const schema = SCHEMAS.find((x) => x.measurement === measurement);
  if (!schema) throw new Error(`no schema for measurement ${measurement}`);
  return schema.tags.filter((t) => t !== 'job');
}

/**
 * Continuous queries: hourly sums into the hourly RP, recomputed over the last
 * 2 hours (RESAMPLE FOR) so reports replayed within that window are counted.
 * GROUP BY names its tags (never `*`): a new tag cannot slip into the forever policy.
 */
export function continuousQueries(database: string, plan: RetentionPlan): { name: string; statement: string }[] {
  const db = quoteIdent(database);
  return Object.entries(DOWNSAMPLED).map(([m, fields]) => {
    const name = `wp_${m}_1h`;
    const select = fields.map((f) => `sum(${quoteIdent(f)}) AS ${quoteIdent(f)}`).join(', ');
    const groupBy = ['time(1h)', ...rollupTags(m).map(quoteIdent)].join(', ');
    return {
      name,
      statement:
        `CREATE CONTINUOUS QUERY ${quoteIdent(name)} ON ${db} RESAMPLE EVERY 1h FOR 2h BEGIN ` +
        `SELECT ${select} INTO ${db}.${quoteIdent(plan.hourly.name)}.${quoteIdent(m)} FROM ${db}.${quoteIdent(plan.raw.name)}.${quoteIdent(m)} GROUP BY ${groupBy} END`,
    };
  });
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, u: 1e-6, µ: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in an InfluxQL or Go duration ("30d", "720h0m0s"); INF and "0s" are 0 (forever). */
export function durationSeconds(d: string): number {
  const s = d.trim();
  if (/^inf$/i.test(s)) return 0;
  const re = /(\d+(?:\.\d+)?)(ns|u|µ|ms|s|m|h|d|w)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== s.length) throw new Error(`bad InfluxDB duration "${d}" (use e.g. 30d, 12h, INF)`);
  return total;
}
