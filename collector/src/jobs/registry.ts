// Jobs registered through the HTTP API: labels, time windows and host+pid
// registrations. Attribution uses the registrations to place processes the
// agent could not resolve; reports use the labels and windows.
import { DatabaseSync } from 'node:sqlite';

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
}

export class JobRegistryStore implements JobRegistry {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS registry_jobs (job_id TEXT PRIMARY KEY, labels TEXT NOT NULL, start_us INTEGER, end_us INTEGER);
      CREATE TABLE IF NOT EXISTS registry_processes (
        job_id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, start_time_us INTEGER NOT NULL,
        from_us INTEGER NOT NULL, to_us INTEGER, PRIMARY KEY (host, pid, start_time_us, job_id));`);
  }

  upsert(jobId: string, labels: Record<string, string>, startUs?: number, endUs?: number): JobRecord {
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
    const r = this.db.prepare('SELECT * FROM registry_jobs WHERE job_id = ?').get(jobId) as Record<string, unknown> | undefined;
    return r ? { jobId, labels: JSON.parse(r.labels as string), startUs: (r.start_us as number | null) ?? undefined, endUs: (r.end_us as number | null) ?? undefined } : undefined;
  }

  all(): JobRecord[] {
    return (this.db.prepare('SELECT job_id FROM registry_jobs ORDER BY job_id').all() as { job_id: string }[]).map((r) => this.get(r.job_id)!);
  }

  addProcess(p: ProcessRegistration): void {
    this.db.prepare('INSERT OR REPLACE INTO registry_processes VALUES (?, ?, ?, ?, ?, ?)').run(p.jobId, p.host, p.pid, p.startTimeUs, p.fromUs, p.toUs ?? null);
  }

  /** Ends a job: its window closes and its open process registrations stop at `atUs`. */
  end(jobId: string, atUs: number): JobRecord | undefined {
    if (!this.get(jobId)) return undefined;
    this.db.prepare('UPDATE registry_jobs SET end_us = ? WHERE job_id = ?').run(atUs, jobId);
    this.db.prepare('UPDATE registry_processes SET to_us = ? WHERE job_id = ? AND to_us IS NULL').run(atUs, jobId);
    return this.get(jobId);
  }

  processesFor(host: string): ProcessRegistration[] {
    return (this.db.prepare('SELECT * FROM registry_processes WHERE host = ?').all(host) as Record<string, number | string | null>[]).map((r) => ({
      jobId: r.job_id as string,
      host: r.host as string,
      pid: r.pid as number,
      startTimeUs: r.start_time_us as number,
      fromUs: r.from_us as number,
      toUs: (r.to_us as number | null) ?? undefined,
    }));
  }

  close(): void {
    this.db.close();
  }
}
