// The limits on every field, defined once. The wire (collector ingest), the
// HTTP API schemas, configs and the stores all apply these, so a value one
// boundary accepts is one every other boundary can store and read back.
// Pure: each check returns a problem naming the field, or undefined.

/** 2000-01-01T00:00:00Z and 2200-01-01T00:00:00Z in µs: inside 2^53, so every stored time reads back exactly. */
export const MIN_TIME_US = Date.UTC(2000, 0, 1) * 1000;
export const MAX_TIME_US = Date.UTC(2200, 0, 1) * 1000;

export const LIMITS = {
  /** RFC 1035 host name length. */
  hostLength: 253,
  jobIdLength: 128,
  labelKeyLength: 64,
  labelValueLength: 256,
  labelsPerObject: 64,
  /** Device ids: "package-0", a GPU UUID, a meter name. */
  deviceLength: 128,
  flagsPerReading: 32,
  flagLength: 64,
  /** Short names: job source, source names, versions, zones, models, providers. */
  nameLength: 128,
  /** Free text: command lines, cgroup paths, reasons and fixes. */
  textLength: 4096,
  /** Packages, dies, GPUs and meters of one host: dozens; attribution cost grows with this times the processes. */
  energyReadings: 256,
  processes: 100_000,
  gpuProcesses: 100_000,
  progress: 10_000,
  sources: 256,
  gpus: 256,
  meterKinds: 64,
  /** Linux pid_max ceiling. */
  maxPid: 4_194_304,
} as const;

/** Patterns the API schemas use too (JSON Schema `pattern`). */
export const HOST_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$';
export const JOB_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$';
export const LABEL_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$';

const HOST_RE = new RegExp(HOST_PATTERN);
const JOB_ID_RE = new RegExp(JOB_ID_PATTERN);
const LABEL_KEY_RE = new RegExp(LABEL_KEY_PATTERN);
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * A field that failed its limit: the code for a Rejection or a 400, and a
 * message naming the field. `too_large` makes the agent slim and resend.
 */
export interface LimitProblem {
  code: 'invalid_field' | 'too_large' | 'invalid_time';
  field: string;
  message: string;
}

/** Thrown by stores and configs; the API turns it into a 400 with its code. */
export class LimitError extends Error {
  readonly code: LimitProblem['code'];
  readonly field: string;
  constructor(p: LimitProblem) {
    super(p.message);
    this.code = p.code;
    this.field = p.field;
  }
}

export function assertOk(p: LimitProblem | undefined): void {
  if (p) throw new LimitError(p);
}

const show = (v: unknown) => {
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : String(v);
  return typeof v === 'string' && v.length > 40 ? `${s} (${v.length} characters)` : s;
};

/** An integral µs time inside [2000, 2200). */
export function checkTimeUs(v: unknown, field: string): LimitProblem | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < MIN_TIME_US || v >= MAX_TIME_US) {
    return { code: 'invalid_time', field, message: `${field} must be integral microseconds between 2000-01-01 and 2200-01-01, got ${show(v)}` };
  }
  return undefined;
}

export function isTimeUs(v: unknown): v is number {
  return checkTimeUs(v, '') === undefined;
}

export function checkHost(v: unknown, field = 'host'): LimitProblem | undefined {
  if (typeof v !== 'string' || !HOST_RE.test(v)) return { code: 'invalid_field', field, message: `${field} must be a host name (letters, digits, ".", "_", "-"; at most ${LIMITS.hostLength}), got ${show(v)}` };
  return undefined;
}

export function checkJobId(v: unknown, field = 'job id'): LimitProblem | undefined {
  if (typeof v !== 'string' || !JOB_ID_RE.test(v)) return { code: 'invalid_field', field, message: `${field} must be letters, digits and ._:@/- starting with a letter or digit, at most ${LIMITS.jobIdLength}, got ${show(v)}` };
  return undefined;
}

/** A string of at most `max` characters without control characters (tab and newline allowed). */
export function checkText(v: unknown, max: number, field: string): LimitProblem | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return { code: 'invalid_field', field, message: `${field} must be a string` };
  if (v.length > max) return { code: 'invalid_field', field, message: `${field} has ${v.length} characters, above ${max}` };
  if (CONTROL_RE.test(v)) return { code: 'invalid_field', field, message: `${field} contains control characters` };
  return undefined;
}

/**
 * `too_large` only where the agent's slimmed copy (per-process lists dropped)
 * fixes it; anything else is `invalid_field`, so a slim copy is never refused again.
 */
export function checkCount(n: number, max: number, field: string): LimitProblem | undefined {
  const slimmable = field === 'processes' || field === 'gpu_processes';
  return n > max ? { code: slimmable ? 'too_large' : 'invalid_field', field, message: `${field} has ${n} entries, above ${max}` } : undefined;
}

export function checkLabels(v: unknown, field = 'labels'): LimitProblem | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) return { code: 'invalid_field', field, message: `${field} must be an object of strings` };
  const entries = Object.entries(v as Record<string, unknown>);
  const many = checkCount(entries.length, LIMITS.labelsPerObject, field);
  if (many) return many;
  for (const [k, val] of entries) {
    if (!LABEL_KEY_RE.test(k) || k === '__proto__') return { code: 'invalid_field', field, message: `${field} key ${show(k)} must be a letter or _ then letters, digits, _.-, at most ${LIMITS.labelKeyLength}` };
    const p = checkText(val, LIMITS.labelValueLength, `${field}.${k}`) ?? (typeof val === 'string' ? undefined : { code: 'invalid_field' as const, field: `${field}.${k}`, message: `${field}.${k} must be a string` });
    if (p) return p;
  }
  return undefined;
}

/** A process registration's start time: 0 (any) or a time inside the bounds. */
export function checkStartTimeUs(v: unknown, field: string): LimitProblem | undefined {
  return v === 0 ? undefined : checkTimeUs(v, field);
}

/**
 * A process start time on the wire: an identity more than a date (agents on
 * odd clocks send small ones), so only the upper bound and integrality apply.
 */
export function checkProcessStartUs(v: unknown, field: string): LimitProblem | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v >= MAX_TIME_US) return { code: 'invalid_time', field, message: `${field} must be integral microseconds before 2200-01-01, got ${show(v)}` };
  return undefined;
}

export function checkPid(v: unknown, field = 'pid'): LimitProblem | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS.maxPid) return { code: 'invalid_field', field, message: `${field} must be an integer in [1, ${LIMITS.maxPid}], got ${show(v)}` };
  return undefined;
}

// Wire messages, structurally: only the fields checked here (the proto types
// satisfy these without importing the generated code).
interface WireReading { device?: string | null; flags?: (string | null)[] | null }
interface WireProcess { pid?: number | null; startTimeUs?: number | null; command?: string | null; cgroup?: string | null; jobId?: string | null; jobSource?: string | null; labels?: Record<string, string> | null }
interface WireReport {
  host?: string | null;
  seq?: number | null;
  startUs?: number | null;
  endUs?: number | null;
  bootId?: string | null;
  energy?: WireReading[] | null;
  processes?: WireProcess[] | null;
  gpuProcesses?: { gpuUuid?: string | null }[] | null;
  progress?: { jobId?: string | null }[] | null;
  sources?: { source?: string | null; reason?: string | null; fix?: string | null }[] | null;
}

/** Every string, count and time in a Report against LIMITS (energy values are validate.ts's concern). */
export function checkReportFields(r: WireReport): LimitProblem | undefined {
  const seq = r.seq ?? 0;
  if (!Number.isSafeInteger(seq)) return { code: 'invalid_field', field: 'seq', message: `seq ${seq} is not a safe integer` };
  const first =
    checkTimeUs(r.startUs, 'start_us') ??
    checkTimeUs(r.endUs, 'end_us') ??
    checkText(r.bootId, LIMITS.nameLength, 'boot_id') ??
    checkCount(r.energy?.length ?? 0, LIMITS.energyReadings, 'energy') ??
    checkCount(r.processes?.length ?? 0, LIMITS.processes, 'processes') ??
    checkCount(r.gpuProcesses?.length ?? 0, LIMITS.gpuProcesses, 'gpu_processes') ??
    checkCount(r.progress?.length ?? 0, LIMITS.progress, 'progress') ??
    checkCount(r.sources?.length ?? 0, LIMITS.sources, 'sources');
  if (first) return first;
  for (const [i, e] of (r.energy ?? []).entries()) {
    const p = checkText(e.device, LIMITS.deviceLength, `energy[${i}].device`) ?? checkCount(e.flags?.length ?? 0, LIMITS.flagsPerReading, `energy[${i}].flags`);
    if (p) return p;
    for (const [k, f] of (e.flags ?? []).entries()) {
      const q = checkText(f, LIMITS.flagLength, `energy[${i}].flags[${k}]`);
      if (q) return q;
    }
  }
  for (const [i, p] of (r.processes ?? []).entries()) {
    const at = `processes[${i}]`;
    const bad =
      checkProcessStartUs(p.startTimeUs ?? 0, `${at}.start_time_us`) ??
      checkText(p.command, LIMITS.textLength, `${at}.command`) ??
      checkText(p.cgroup, LIMITS.textLength, `${at}.cgroup`) ??
      (p.jobId ? checkJobId(p.jobId, `${at}.job_id`) : undefined) ??
      checkText(p.jobSource, LIMITS.nameLength, `${at}.job_source`) ??
      checkLabels(p.labels, `${at}.labels`);
    if (bad) return bad;
  }
  for (const [i, g] of (r.gpuProcesses ?? []).entries()) {
    const p = checkText(g.gpuUuid, LIMITS.deviceLength, `gpu_processes[${i}].gpu_uuid`);
    if (p) return p;
  }
  for (const [i, g] of (r.progress ?? []).entries()) {
    const p = checkJobId(g.jobId, `progress[${i}].job_id`);
    if (p) return p;
  }
  for (const [i, s] of (r.sources ?? []).entries()) {
    const p = checkText(s.source, LIMITS.nameLength, `sources[${i}].source`) ?? checkText(s.reason, LIMITS.textLength, `sources[${i}].reason`) ?? checkText(s.fix, LIMITS.textLength, `sources[${i}].fix`);
    if (p) return p;
  }
  return undefined;
}

interface WireHello {
  host?: string | null;
  agentVersion?: string | null;
  resumeSeq?: number | null;
  inventory?: {
    cpuModel?: string | null;
    tdpSource?: string | null;
    gpus?: { uuid?: string | null; name?: string | null }[] | null;
    meterKinds?: (string | null)[] | null;
    gridZone?: string | null;
    gridZoneSource?: string | null;
    labels?: Record<string, string> | null;
    cloudProvider?: string | null;
    cloudRegion?: string | null;
  } | null;
}

export function checkHelloFields(h: WireHello): LimitProblem | undefined {
  const inv = h.inventory ?? {};
  const first =
    checkHost(h.host, 'hello.host') ??
    checkText(h.agentVersion, LIMITS.nameLength, 'hello.agent_version') ??
    (Number.isSafeInteger(h.resumeSeq ?? 0) ? undefined : { code: 'invalid_field' as const, field: 'hello.resume_seq', message: `hello.resume_seq ${h.resumeSeq} is not a safe integer` }) ??
    checkText(inv.cpuModel, LIMITS.nameLength, 'inventory.cpu_model') ??
    checkText(inv.tdpSource, LIMITS.nameLength, 'inventory.tdp_source') ??
    checkText(inv.gridZone, LIMITS.nameLength, 'inventory.grid_zone') ??
    checkText(inv.gridZoneSource, LIMITS.nameLength, 'inventory.grid_zone_source') ??
    checkText(inv.cloudProvider, LIMITS.nameLength, 'inventory.cloud_provider') ??
    checkText(inv.cloudRegion, LIMITS.nameLength, 'inventory.cloud_region') ??
    checkLabels(inv.labels, 'inventory.labels') ??
    checkCount(inv.gpus?.length ?? 0, LIMITS.gpus, 'inventory.gpus') ??
    checkCount(inv.meterKinds?.length ?? 0, LIMITS.meterKinds, 'inventory.meter_kinds');
  if (first) return first;
  for (const [i, g] of (inv.gpus ?? []).entries()) {
    const p = checkText(g.uuid, LIMITS.deviceLength, `inventory.gpus[${i}].uuid`) ?? checkText(g.name, LIMITS.nameLength, `inventory.gpus[${i}].name`);
    if (p) return p;
  }
  for (const [i, m] of (inv.meterKinds ?? []).entries()) {
    const p = checkText(m, LIMITS.nameLength, `inventory.meter_kinds[${i}]`);
    if (p) return p;
  }
  return undefined;
}
