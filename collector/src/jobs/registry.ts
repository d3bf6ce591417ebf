// Jobs registered through the HTTP API: labels, time windows and host+pid
// registrations. Attribution uses the registrations to place processes the
// agent could not resolve; reports use the labels and windows.
//
// Writes check the shared limits (proto/src/limits.ts) and throw LimitError;
// reads never throw: a row stored before the limits existed (a time past 2^53
// µs, broken JSON) is skipped and counted in `skippedRows`.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { assertOk, checkHost, checkJobId, checkLabels, checkPid, checkStartTimeUs, checkTimeUs, isTimeUs } from '@wattprint/proto';

export interface JobRecord {
  jobId: string;
  labels: Record<string, string>;
  startUs: number | undefined;
  endUs: number | undefined;
}

export interface ProcessRegistration {
  jobId: string;
  host: string;
  pid: number;
  /** 0 matches any start time of that pid inside the window. */
  startTimeUs: number;
  fromUs: number;
  /** Undefined while the job runs. */
  toUs: number | undefined;
}

/** A filter for listing or removing process registrations; at least one field for removal. */
export interface RegistrationFilter {
  jobId?: string;
  host?: string;
  pid?: number;
}

/** Integers read as BigInt so no stored value can make node:sqlite throw; out of range is undefined. */
function safeInt(v: unknown): number | undefined {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

function bigSafe(stmt: StatementSync): StatementSync {
  stmt.setReadBigInts(true);
  return stmt;
}

/**
 * What the API and attribution need of a registry: the SQLite one answers at
 * once, the InfluxDB one (influx-registry.ts, shared by collectors) after I/O.
 */
export interface JobRegistry {
  upsert(jobId: string, labels: Record<string, string>, startUs?: number, endUs?: number): JobRecord | Promise<JobRecord>;
  get(jobId: string): JobRecord | undefined | Promise<JobRecord | undefined>;
  all(): JobRecord[] | Promise<JobRecord[]>;
  addProcess(p: ProcessRegistration): void | Promise<void>;
  end(jobId: string, atUs: number): JobRecord | undefined | Promise<JobRecord | undefined>;
  processesFor(host: string): ProcessRegistration[] | Promise<ProcessRegistration[]>;
  close(): void;
  /** Listing and removing process registrations, and the count of bad stored rows skipped (SQLite only). */
  processes?(filter: RegistrationFilter): ProcessRegistration[];
  removeProcesses?(filter: RegistrationFilter): number;
  readonly skippedRows?: { jobs: number; processes: number };
}

export class JobRegistryStore implements JobRegistry {
  private readonly db: DatabaseSync;
  /** Stored rows skipped on read because they break the limits, by table. */
  readonly skippedRows = { jobs: 0, processes: 0 };

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS registry_jobs (job_id TEXT PRIMARY KEY, labels TEXT NOT NULL, start_us INTEGER, end_us INTEGER);
      CREATE TABLE IF NOT EXISTS registry_processes (
        job_id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, start_time_us INTEGER NOT NULL,
        from_us INTEGER NOT NULL, to_us INTEGER, PRIMARY KEY (host, pid, start_time_us, job_id));`);
  }

  upsert(jobId: string, labels: Record<string, string>, startUs?: number, endUs?: number): JobRecord {
    assertOk(checkJobId(jobId, 'jobId') ?? checkLabels(labels) ?? (startUs === undefined ? undefined : checkTimeUs(startUs, 'start')) ?? (endUs === undefined ? undefined : checkTimeUs(endUs, 'end')));
    const existing = this.get(jobId);
    // The merged labels must fit too; a stored row that breaks the limits is replaced, not merged into.
    assertOk(checkLabels({ ...(existing?.labels ?? {}), ...labels }));
    if (!existing) this.db.prepare('DELETE FROM registry_jobs WHERE job_id = ?').run(jobId);
    this.db
      .prepare(
        `INSERT INTO registry_jobs VALUES (?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET
          labels = json_patch(registry_jobs.labels, excluded.labels),
          start_us = coalesce(excluded.start_us, registry_jobs.start_us),
          end_us = coalesce(excluded.end_us, registry_jobs.end_us)`,
      )
      .run(jobId, JSON.stringify(labels), startUs ?? null, endUs ?? null);
    return this.get(jobId)!;
  }

  get(jobId: string): JobRecord | undefined {
    const r = bigSafe(this.db.prepare('SELECT * FROM registry_jobs WHERE job_id = ?')).get(jobId) as Record<string, unknown> | undefined;
    return r ? this.jobRow(r) : undefined;
  }

  /** A stored job row, or undefined (counted) when it breaks the limits. */
  private jobRow(r: Record<string, unknown>): JobRecord | undefined {
    const time = (v: unknown) => (v === null ? null : isTimeUs(safeInt(v)) ? safeInt(v) : false);
    const startUs = time(r.start_us);
    const endUs = time(r.end_us);
    let labels: unknown;
    try {
      labels = JSON.parse(String(r.labels));
    } catch {
      labels = undefined;
    }
    if (typeof r.job_id !== 'string' || startUs === false || endUs === false || checkLabels(labels) || labels === undefined) {
      this.skippedRows.jobs++;
      return undefined;
    }
    return { jobId: r.job_id, labels: labels as Record<string, string>, startUs: startUs ?? undefined, endUs: endUs ?? undefined };
  }

  all(): JobRecord[] {
    return (bigSafe(this.db.prepare('SELECT * FROM registry_jobs ORDER BY job_id')).all() as Record<string, unknown>[]).flatMap((r) => this.jobRow(r) ?? []);
  }

  addProcess(p: ProcessRegistration): void {
    assertOk(
      checkJobId(p.jobId, 'jobId') ??
        checkHost(p.host) ??
        checkPid(p.pid) ??
        checkStartTimeUs(p.startTimeUs, 'startTimeUs') ??
        checkTimeUs(p.fromUs, 'from') ??
        (p.toUs === undefined ? undefined : checkTimeUs(p.toUs, 'to')),
    );
    this.db.prepare('INSERT OR REPLACE INTO registry_processes VALUES (?, ?, ?, ?, ?, ?)').run(p.jobId, p.host, p.pid, p.startTimeUs, p.fromUs, p.toUs ?? null);
  }

  /** Ends a job: its window closes and its open process registrations stop at `atUs`. */
  end(jobId: string, atUs: number): JobRecord | undefined {
    assertOk(checkTimeUs(atUs, 'at'));
    if (!this.get(jobId)) return undefined;
    this.db.prepare('UPDATE registry_jobs SET end_us = ? WHERE job_id = ?').run(atUs, jobId);
    this.db.prepare('UPDATE registry_processes SET to_us = ? WHERE job_id = ? AND to_us IS NULL').run(atUs, jobId);
    return this.get(jobId);
  }

  processesFor(host: string): ProcessRegistration[] {
    return this.processes({ host });
  }

  /** Process registrations matching the filter; rows that break the limits are skipped and counted. */
  processes(f: RegistrationFilter = {}): ProcessRegistration[] {
    const { where, args } = registrationWhere(f);
    const rows = bigSafe(this.db.prepare(`SELECT * FROM registry_processes${where} ORDER BY host, pid, job_id`)).all(...args) as Record<string, unknown>[];
    const out: ProcessRegistration[] = [];
    for (const r of rows) {
      const pid = safeInt(r.pid);
      const startTimeUs = safeInt(r.start_time_us);
      const fromUs = safeInt(r.from_us);
      const toUs = r.to_us === null ? undefined : safeInt(r.to_us);
      const reg = { jobId: r.job_id as string, host: r.host as string, pid: pid!, startTimeUs: startTimeUs!, fromUs: fromUs!, toUs };
      if (
        checkJobId(reg.jobId) ??
        checkHost(reg.host) ??
        checkPid(pid) ??
        checkStartTimeUs(startTimeUs, 'start_time_us') ??
        checkTimeUs(fromUs, 'from_us') ??
        (r.to_us === null ? undefined : checkTimeUs(toUs, 'to_us'))
      ) {
        this.skippedRows.processes++;
        continue;
      }
      out.push(reg);
    }
    return out;
  }

  /**
   * Removes the process registrations matching the filter (at least one field),
   * whatever their stored values: this is how an operator clears a bad row.
   */
  removeProcesses(f: RegistrationFilter): number {
    const { where, args } = registrationWhere(f);
    if (!where) throw new Error('removeProcesses: give a job id, host or pid');
    return Number(this.db.prepare(`DELETE FROM registry_processes${where}`).run(...args).changes);
  }

  close(): void {
    this.db.close();
  }
}

function registrationWhere(f: RegistrationFilter): { where: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  if (f.jobId !== undefined) parts.push('job_id = ?'), args.push(f.jobId);
  if (f.host !== undefined) parts.push('host = ?'), args.push(f.host);
  if (f.pid !== undefined) parts.push('pid = ?'), args.push(f.pid);
  return { where: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', args };
}
