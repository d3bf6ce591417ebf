// Embedded store on SQLite (node:sqlite, no native addon to build), for
// `npm start`, `wattprint measure` and single hosts. Same logical content as
// the InfluxDB schema (docs/SCHEMA.md). Primary keys make every write an
// idempotent upsert, so a replayed report changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AttributionResult } from '../attribution/types.ts';
import type { HostRecord, HostSummary, JobFilter, JobTotals, SeriesPoint, Sink, Store } from './sink.ts';

/** Ordered migrations; user_version holds how many have run. Never edit a shipped one. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE hosts (
    host TEXT PRIMARY KEY, agent_version TEXT NOT NULL, inventory TEXT NOT NULL,
    first_seen_us INTEGER NOT NULL, last_seen_us INTEGER NOT NULL);
  CREATE TABLE reports (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, seq INTEGER NOT NULL,
    software_j REAL NOT NULL, wall_j REAL,
    PRIMARY KEY (host, start_us));
  CREATE TABLE host_energy (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    domain TEXT NOT NULL, device TEXT NOT NULL, source TEXT NOT NULL, quality TEXT NOT NULL,
    joules REAL NOT NULL, flags TEXT NOT NULL,
    PRIMARY KEY (host, domain, device, start_us));
  CREATE TABLE job_energy (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
    domain TEXT NOT NULL, device TEXT NOT NULL, component TEXT NOT NULL, modality TEXT NOT NULL,
    joules REAL NOT NULL, method TEXT NOT NULL, flags TEXT NOT NULL,
    PRIMARY KEY (host, job_id, domain, device, modality, start_us));
  CREATE TABLE process_energy (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    pid INTEGER NOT NULL, start_time_us INTEGER NOT NULL, job_id TEXT NOT NULL,
    domain TEXT NOT NULL, device TEXT NOT NULL, modality TEXT NOT NULL, joules REAL NOT NULL, method TEXT NOT NULL,
    PRIMARY KEY (host, pid, start_time_us, domain, device, modality, start_us));
  CREATE TABLE unattributed (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    domain TEXT NOT NULL, device TEXT NOT NULL, reason TEXT NOT NULL, modality TEXT NOT NULL, joules REAL NOT NULL,
    PRIMARY KEY (host, domain, device, reason, modality, start_us));
  CREATE TABLE job_interval (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
    software_j REAL NOT NULL, wall_j REAL NOT NULL, dynamic_j REAL NOT NULL, idle_j REAL NOT NULL,
    cpu_j REAL NOT NULL, dram_j REAL NOT NULL, gpu_j REAL NOT NULL, other_j REAL NOT NULL,
    estimated INTEGER NOT NULL, cpu_seconds REAL NOT NULL, tokens REAL NOT NULL, examples REAL NOT NULL, steps REAL NOT NULL,
    PRIMARY KEY (host, job_id, start_us));
  CREATE TABLE jobs (job_id TEXT PRIMARY KEY, labels TEXT NOT NULL);
  CREATE INDEX job_interval_job ON job_interval (job_id, start_us);
  CREATE INDEX host_energy_time ON host_energy (host, start_us);
  `,
];

export class SqliteStore implements Sink, Store {
  readonly name = 'sqlite';
  readonly db: DatabaseSync;
  private readonly stmts: Record<string, StatementSync>;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    // WAL + FULL: a committed transaction survives a crash, so acks after it are honest.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    migrate(this.db);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      report: p('INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)'),
      hostEnergy: p('INSERT OR REPLACE INTO host_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      jobEnergy: p('INSERT OR REPLACE INTO job_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      processEnergy: p('INSERT OR REPLACE INTO process_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      unattributed: p('INSERT OR REPLACE INTO unattributed VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      jobInterval: p('INSERT OR REPLACE INTO job_interval VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      job: p(`INSERT INTO jobs VALUES (?, ?) ON CONFLICT(job_id) DO UPDATE SET labels = json_patch(jobs.labels, excluded.labels)`),
      host: p(`INSERT INTO hosts VALUES (?, ?, ?, ?, ?) ON CONFLICT(host) DO UPDATE SET
        agent_version = excluded.agent_version, inventory = excluded.inventory,
        last_seen_us = max(hosts.last_seen_us, excluded.last_seen_us)`),
      touchHost: p('UPDATE hosts SET last_seen_us = max(last_seen_us, ?) WHERE host = ?'),
    };
  }

  async write(results: AttributionResult[]): Promise<void> {
    const s = this.stmts;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const r of results) {
        const base = [r.host, r.startUs, r.endUs] as const;
        s.report!.run(r.host, r.startUs, r.endUs, r.seq, r.hostSoftwareJoules, r.hostWallJoules ?? null);
        for (const m of r.measured) s.hostEnergy!.run(...base, m.domain, m.device, m.source, m.quality, m.joules, m.flags.join(','));
        for (const j of r.jobShares) s.jobEnergy!.run(...base, j.jobId, j.domain, j.device, j.component, j.modality, j.joules, j.method, j.flags.join(','));
        for (const p of r.processShares) s.processEnergy!.run(...base, p.pid, p.startTimeUs, p.jobId, p.domain, p.device, p.modality, p.joules, p.method);
        for (const u of r.unattributed) s.unattributed!.run(...base, u.domain, u.device, u.reason, u.modality, u.joules);
        for (const j of r.jobs) {
          const c = j.byComponent;
          s.jobInterval!.run(...base, j.jobId, j.softwareJoules, j.wallJoules, j.dynamicJoules, j.idleJoules, c.cpu, c.dram, c.gpu, c.other, j.estimated ? 1 : 0, j.cpuSeconds, j.tokens, j.examples, j.steps);
          s.job!.run(j.jobId, JSON.stringify(j.labels));
        }
        s.touchHost!.run(r.endUs, r.host);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async upsertHost(h: HostRecord): Promise<void> {
    this.stmts.host!.run(h.host, h.agentVersion, JSON.stringify(h.inventory), h.seenUs, h.seenUs);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async listHosts(): Promise<HostSummary[]> {
    const hosts = this.db.prepare('SELECT * FROM hosts ORDER BY host').all() as Record<string, unknown>[];
    const out: HostSummary[] = [];
    for (const h of hosts) {
      const host = h.host as string;
      const last = this.db.prepare('SELECT start_us, end_us FROM reports WHERE host = ? ORDER BY start_us DESC LIMIT 1').get(host) as { start_us: number; end_us: number } | undefined;
      let latest: HostSummary['latest'];
      if (last) {
        const rows = this.db.prepare('SELECT domain, device, source, quality, joules, flags FROM host_energy WHERE host = ? AND start_us = ? ORDER BY domain, device').all(host, last.start_us) as Record<string, unknown>[];
        const seconds = (last.end_us - last.start_us) / 1e6;
        latest = {
          startUs: last.start_us,
          endUs: last.end_us,
          domains: rows.map((r) => ({ domain: r.domain as string, device: r.device as string, source: r.source as string, quality: r.quality as string, joules: r.joules as number, watts: (r.joules as number) / seconds, flags: r.flags ? String(r.flags).split(',') : [] })),
        };
      }
      const ratio = this.db.prepare('SELECT sum(wall_j) AS w, sum(software_j) AS s FROM reports WHERE host = ? AND wall_j IS NOT NULL').get(host) as { w: number | null; s: number | null };
      out.push({
        host,
        agentVersion: h.agent_version as string,
        inventory: JSON.parse(h.inventory as string),
        firstSeenUs: h.first_seen_us as number,
        lastSeenUs: h.last_seen_us as number,
        latest,
        wallSoftwareRatio: ratio.w && ratio.s ? ratio.w / ratio.s : undefined,
      });
    }
    return out;
  }

  async hostEnergy(host: string, fromUs = 0, toUs = Number.MAX_SAFE_INTEGER) {
    return this.db
      .prepare('SELECT domain, device, source, quality, sum(joules) AS joules FROM host_energy WHERE host = ? AND start_us >= ? AND start_us < ? GROUP BY domain, device, source, quality ORDER BY domain, device')
      .all(host, fromUs, toUs) as { domain: string; device: string; source: string; quality: string; joules: number }[];
  }

  async jobTotals(jobId: string): Promise<JobTotals | undefined> {
    const rows = await this.queryJobs('WHERE ji.job_id = ?', [jobId], 1);
    return rows[0];
  }

  async listJobs(filter: JobFilter): Promise<JobTotals[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.fromUs !== undefined) {
      where.push('ji.end_us > ?');
      args.push(filter.fromUs);
    }
    if (filter.toUs !== undefined) {
      where.push('ji.start_us < ?');
      args.push(filter.toUs);
    }
    for (const [k, v] of Object.entries(filter.labels ?? {})) {
      where.push('json_extract(j.labels, ?) = ?');
      args.push(`$."${k.replaceAll('"', '')}"`, v);
    }
    return this.queryJobs(where.length ? 'WHERE ' + where.join(' AND ') : '', args, filter.limit ?? 1000);
  }

  private async queryJobs(where: string, args: (string | number)[], limit: number): Promise<JobTotals[]> {
    const rows = this.db
      .prepare(
        `SELECT ji.job_id, coalesce(j.labels, '{}') AS labels, group_concat(DISTINCT ji.host) AS hosts,
          min(ji.start_us) AS start_us, max(ji.end_us) AS end_us,
          sum(software_j) AS software_j, sum(wall_j) AS wall_j, sum(dynamic_j) AS dynamic_j, sum(idle_j) AS idle_j,
          sum(cpu_j) AS cpu_j, sum(dram_j) AS dram_j, sum(gpu_j) AS gpu_j, sum(other_j) AS other_j,
          max(estimated) AS estimated, sum(cpu_seconds) AS cpu_seconds, sum(tokens) AS tokens, sum(examples) AS examples, sum(steps) AS steps
        FROM job_interval ji LEFT JOIN jobs j ON j.job_id = ji.job_id
        ${where} GROUP BY ji.job_id ORDER BY min(ji.start_us) DESC LIMIT ?`,
      )
      .all(...args, limit) as Record<string, number | string>[];
    return rows.map((r) => ({
      jobId: r.job_id as string,
      labels: JSON.parse(r.labels as string),
      hosts: String(r.hosts ?? '').split(',').filter(Boolean).sort(),
      startUs: r.start_us as number,
      endUs: r.end_us as number,
      softwareJoules: r.software_j as number,
      wallJoules: r.wall_j as number,
      dynamicJoules: r.dynamic_j as number,
      idleJoules: r.idle_j as number,
      byComponent: { cpu: r.cpu_j as number, dram: r.dram_j as number, gpu: r.gpu_j as number, other: r.other_j as number },
      estimated: Boolean(r.estimated),
      cpuSeconds: r.cpu_seconds as number,
      tokens: r.tokens as number,
      examples: r.examples as number,
      steps: r.steps as number,
    }));
  }

  async hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    const rows = this.db
      .prepare(
        `SELECT (start_us - ?) / ? AS bucket, domain || '/' || device AS key, sum(joules) AS j
         FROM host_energy WHERE host = ? AND start_us >= ? AND start_us < ? GROUP BY bucket, key ORDER BY bucket`,
      )
      .all(fromUs, stepUs, host, fromUs, toUs) as { bucket: number; key: string; j: number }[];
    return toSeries(rows, fromUs, stepUs);
  }

  async jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    const rows = this.db
      .prepare(
        `SELECT (start_us - ?) / ? AS bucket, component AS key, sum(joules) AS j
         FROM job_energy WHERE job_id = ? AND start_us >= ? AND start_us < ? GROUP BY bucket, key ORDER BY bucket`,
      )
      .all(fromUs, stepUs, jobId, fromUs, toUs) as { bucket: number; key: string; j: number }[];
    return toSeries(rows, fromUs, stepUs);
  }
}

function toSeries(rows: { bucket: number; key: string; j: number }[], fromUs: number, stepUs: number): SeriesPoint[] {
  const points = new Map<number, SeriesPoint>();
  for (const r of rows) {
    const b = Math.floor(r.bucket);
    const p = points.get(b) ?? { tUs: fromUs + b * stepUs, watts: {} };
    p.watts[r.key] = (p.watts[r.key] ?? 0) + r.j / (stepUs / 1e6);
    points.set(b, p);
  }
  return [...points.values()];
}

function migrate(db: DatabaseSync): void {
  const { user_version: have } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (have > MIGRATIONS.length) throw new Error(`store schema version ${have} is newer than this collector (${MIGRATIONS.length}); upgrade the collector`);
  for (let v = have; v < MIGRATIONS.length; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
