// Embedded store on SQLite (node:sqlite, no native addon to build), for
// `npm start`, `wattprint measure` and single hosts. Same logical content as
// the InfluxDB schema (docs/SCHEMA.md). Primary keys make every write an
// idempotent upsert, so a replayed report changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AttributionResult } from '../attribution/types.ts';
import { canonicalJson, jobPids } from './influx-schema.ts';
import type { CarbonResult } from '../carbon/compute.ts';
import { byDomainDevice, checkRange, combineCarbon, combineJobs, LONGEST_INTERVAL_US, parseCarbonResults, toSeries, type CarbonSums, type JobHostRow, type LabelSet } from './query.ts';
import { COUNTED_SOURCE_DOMAINS, energySources, withEnergySources, type DeviceQuality } from './energy-sources.ts';
import { meterSeries, reconcileRows, withWallNotes, withWindow, type StoredMeterInterval } from './wall-rows.ts';
import { MAX_INTERVAL_US, type CarbonWrite, type GridIntensity, type HostRecord, type HostSummary, type JobCarbonTotals, type JobFilter, type JobTotals, type JobWindow, type SeriesPoint, type Sink, type StoredInstance, type Store } from './sink.ts';

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
  // 2: per-interval job metadata (labels merged at read time, as in InfluxDB's
  // job_meta), carbon and grid intensity. The old jobs table becomes one
  // job_meta row per (host, job) at the job's first interval there.
  `
  CREATE TABLE job_meta (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
    labels TEXT NOT NULL, pids TEXT NOT NULL, processes INTEGER NOT NULL,
    PRIMARY KEY (host, job_id, start_us));
  INSERT INTO job_meta
    SELECT ji.host, min(ji.start_us), min(ji.end_us), ji.job_id, j.labels, '', 0
    FROM job_interval ji JOIN jobs j ON j.job_id = ji.job_id GROUP BY ji.host, ji.job_id;
  DROP TABLE jobs;
  CREATE INDEX job_meta_job ON job_meta (job_id, start_us);
  CREATE TABLE job_carbon (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, job_id TEXT NOT NULL,
    zone TEXT NOT NULL, joules REAL NOT NULL, pue REAL NOT NULL, gco2e REAL NOT NULL, basis TEXT NOT NULL,
    share_measured REAL NOT NULL, share_estimated REAL NOT NULL, share_forecast REAL NOT NULL, share_static REAL NOT NULL,
    provisional INTEGER NOT NULL,
    PRIMARY KEY (host, job_id, start_us));
  CREATE TABLE grid_intensity (
    zone TEXT NOT NULL, source TEXT NOT NULL, basis TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    gco2e_per_kwh REAL NOT NULL, quality TEXT NOT NULL,
    PRIMARY KEY (zone, source, basis, start_us));
  `,
  // 3: carbon wired in. Job rows get both energy bases' figures, an
  // interpolated share (no quality folded into another), shares of energy
  // instead of grams, and their sources; host_carbon holds per-interval host
  // figures and, while provisional, the whole result for restatement. Nothing
  // wrote job_carbon before this version; old rows, if any, keep their figure
  // as both bases.
  `
  ALTER TABLE job_carbon ADD COLUMN share_interpolated REAL NOT NULL DEFAULT 0;
  ALTER TABLE job_carbon ADD COLUMN gco2e_software REAL NOT NULL DEFAULT 0;
  ALTER TABLE job_carbon ADD COLUMN gco2e_wall REAL NOT NULL DEFAULT 0;
  ALTER TABLE job_carbon ADD COLUMN energy_basis TEXT NOT NULL DEFAULT 'software';
  ALTER TABLE job_carbon ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
  UPDATE job_carbon SET gco2e_software = gco2e, gco2e_wall = gco2e;
  CREATE INDEX job_carbon_job ON job_carbon (job_id, start_us);
  ALTER TABLE grid_intensity ADD COLUMN dataset TEXT NOT NULL DEFAULT '';
  CREATE TABLE host_carbon (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    zone TEXT NOT NULL, zone_source TEXT NOT NULL, pue REAL NOT NULL, joules REAL NOT NULL,
    gco2e REAL NOT NULL, gco2e_software REAL NOT NULL, gco2e_wall REAL, energy_basis TEXT NOT NULL,
    provisional INTEGER NOT NULL, result TEXT NOT NULL,
    PRIMARY KEY (host, start_us));
  CREATE INDEX host_carbon_provisional ON host_carbon (provisional, end_us);
  `,
  // 4: which agent instance stored each interval, so any
  // collector can refuse a second agent for a host (docs/RELIABILITY.md).
  `
  CREATE TABLE IF NOT EXISTS report_instance (
    host TEXT NOT NULL, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, instance_id TEXT NOT NULL,
    PRIMARY KEY (host, start_us));
  `,
  // 5: tokens without padding next to tokens with it (the study analyses both).
  `
  ALTER TABLE job_interval ADD COLUMN tokens_unpadded REAL NOT NULL DEFAULT 0;
  `,
  // 6: reads that scale. Job totals kept per job as intervals are written
  // (triggers, so a replayed interval, which updates its row with the same
  // values, changes nothing), the hosts of each job, and each job's labels one
  // row per key (a filter is an index lookup; per key the value of the latest
  // interval wins, as mergeLabels does). Everything backfilled from the rows.
  `
  CREATE TABLE job_summary (
    job_id TEXT PRIMARY KEY, start_us INTEGER NOT NULL, end_us INTEGER NOT NULL,
    software_j REAL NOT NULL, wall_j REAL NOT NULL, dynamic_j REAL NOT NULL, idle_j REAL NOT NULL,
    cpu_j REAL NOT NULL, dram_j REAL NOT NULL, gpu_j REAL NOT NULL, other_j REAL NOT NULL,
    estimated_n INTEGER NOT NULL, cpu_seconds REAL NOT NULL, tokens REAL NOT NULL, examples REAL NOT NULL, steps REAL NOT NULL,
    intervals INTEGER NOT NULL);
  CREATE INDEX job_summary_start ON job_summary (start_us DESC, job_id);
  CREATE INDEX job_summary_end ON job_summary (end_us);
  CREATE TABLE job_host (job_id TEXT NOT NULL, host TEXT NOT NULL, PRIMARY KEY (job_id, host)) WITHOUT ROWID;
  CREATE TABLE job_label (job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, last_us INTEGER NOT NULL, PRIMARY KEY (job_id, key)) WITHOUT ROWID;
  CREATE INDEX job_label_value ON job_label (key, value, job_id);
  INSERT INTO job_summary
    SELECT job_id, min(start_us), max(end_us), sum(software_j), sum(wall_j), sum(dynamic_j), sum(idle_j), sum(cpu_j), sum(dram_j), sum(gpu_j), sum(other_j),
      sum(estimated), sum(cpu_seconds), sum(tokens), sum(examples), sum(steps), count(*)
    FROM job_interval GROUP BY job_id;
  INSERT INTO job_host SELECT DISTINCT job_id, host FROM job_interval;
  INSERT INTO job_label SELECT m.job_id, l.key, l.value, m.start_us FROM job_meta m, json_each(m.labels) l WHERE json_valid(m.labels) AND l.type = 'text' AND true
    ON CONFLICT (job_id, key) DO UPDATE SET
      value = CASE WHEN excluded.last_us > last_us OR (excluded.last_us = last_us AND excluded.value > value) THEN excluded.value ELSE value END,
      last_us = max(last_us, excluded.last_us);
  CREATE TRIGGER job_interval_added AFTER INSERT ON job_interval BEGIN
    INSERT INTO job_summary VALUES (new.job_id, new.start_us, new.end_us, new.software_j, new.wall_j, new.dynamic_j, new.idle_j,
      new.cpu_j, new.dram_j, new.gpu_j, new.other_j, new.estimated, new.cpu_seconds, new.tokens, new.examples, new.steps, 1)
    ON CONFLICT (job_id) DO UPDATE SET start_us = min(start_us, excluded.start_us), end_us = max(end_us, excluded.end_us),
      software_j = software_j + excluded.software_j, wall_j = wall_j + excluded.wall_j, dynamic_j = dynamic_j + excluded.dynamic_j, idle_j = idle_j + excluded.idle_j,
      cpu_j = cpu_j + excluded.cpu_j, dram_j = dram_j + excluded.dram_j, gpu_j = gpu_j + excluded.gpu_j, other_j = other_j + excluded.other_j,
      estimated_n = estimated_n + excluded.estimated_n, cpu_seconds = cpu_seconds + excluded.cpu_seconds, tokens = tokens + excluded.tokens,
      examples = examples + excluded.examples, steps = steps + excluded.steps, intervals = intervals + 1;
    INSERT OR IGNORE INTO job_host VALUES (new.job_id, new.host);
  END;
  CREATE TRIGGER job_interval_restated AFTER UPDATE ON job_interval
    WHEN new.software_j IS NOT old.software_j OR new.wall_j IS NOT old.wall_j OR new.dynamic_j IS NOT old.dynamic_j OR new.idle_j IS NOT old.idle_j
      OR new.cpu_j IS NOT old.cpu_j OR new.dram_j IS NOT old.dram_j OR new.gpu_j IS NOT old.gpu_j OR new.other_j IS NOT old.other_j
      OR new.estimated IS NOT old.estimated OR new.cpu_seconds IS NOT old.cpu_seconds OR new.tokens IS NOT old.tokens
      OR new.examples IS NOT old.examples OR new.steps IS NOT old.steps OR new.end_us IS NOT old.end_us
  BEGIN
    UPDATE job_summary SET end_us = max(end_us, new.end_us),
      software_j = software_j + new.software_j - old.software_j, wall_j = wall_j + new.wall_j - old.wall_j,
      dynamic_j = dynamic_j + new.dynamic_j - old.dynamic_j, idle_j = idle_j + new.idle_j - old.idle_j,
      cpu_j = cpu_j + new.cpu_j - old.cpu_j, dram_j = dram_j + new.dram_j - old.dram_j, gpu_j = gpu_j + new.gpu_j - old.gpu_j, other_j = other_j + new.other_j - old.other_j,
      estimated_n = estimated_n + new.estimated - old.estimated, cpu_seconds = cpu_seconds + new.cpu_seconds - old.cpu_seconds,
      tokens = tokens + new.tokens - old.tokens, examples = examples + new.examples - old.examples, steps = steps + new.steps - old.steps
    WHERE job_id = new.job_id;
  END;
  CREATE TRIGGER job_meta_labels AFTER INSERT ON job_meta WHEN json_valid(new.labels) BEGIN
    INSERT INTO job_label SELECT new.job_id, l.key, l.value, new.start_us FROM json_each(new.labels) l WHERE l.type = 'text'
    ON CONFLICT (job_id, key) DO UPDATE SET
      value = CASE WHEN excluded.last_us > last_us OR (excluded.last_us = last_us AND excluded.value > value) THEN excluded.value ELSE value END,
      last_us = max(last_us, excluded.last_us);
  END;
  CREATE INDEX job_interval_start ON job_interval (start_us);
  -- A page of jobs reads their component energy by job (energy sources): not a scan of every host's rows.
  CREATE INDEX job_energy_job ON job_energy (job_id, start_us);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const BUSY_TIMEOUT_MS = 5000;
const CARBON_BUSY_TIMEOUT_MS = 200;

export class SqliteStore implements Sink, Store {
  readonly name = 'sqlite';
  readonly db: DatabaseSync;
  private readonly stmts: Record<string, StatementSync>;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    // WAL + FULL: a committed transaction survives a crash, so acks after it are honest.
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`);
    try {
      migrate(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      report: p('INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)'),
      hostEnergy: p('INSERT OR REPLACE INTO host_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      jobEnergy: p('INSERT OR REPLACE INTO job_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      unattributed: p('INSERT OR REPLACE INTO unattributed VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      // An upsert, not OR REPLACE: the summary triggers see a replayed interval as an update (old and new values).
      jobInterval: p(`INSERT INTO job_interval VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host, job_id, start_us) DO UPDATE SET
        end_us = excluded.end_us, software_j = excluded.software_j, wall_j = excluded.wall_j, dynamic_j = excluded.dynamic_j, idle_j = excluded.idle_j,
        cpu_j = excluded.cpu_j, dram_j = excluded.dram_j, gpu_j = excluded.gpu_j, other_j = excluded.other_j, estimated = excluded.estimated,
        cpu_seconds = excluded.cpu_seconds, tokens = excluded.tokens, examples = excluded.examples, steps = excluded.steps, tokens_unpadded = excluded.tokens_unpadded`),
      jobMeta: p('INSERT OR REPLACE INTO job_meta VALUES (?, ?, ?, ?, ?, ?, ?)'),
      carbon: p(`INSERT OR REPLACE INTO job_carbon (host, start_us, end_us, job_id, zone, joules, pue, gco2e, gco2e_software, gco2e_wall, energy_basis, basis,
        share_measured, share_estimated, share_forecast, share_interpolated, share_static, provisional, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      hostCarbon: p('INSERT OR REPLACE INTO host_carbon VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      intensity: p('INSERT OR REPLACE INTO grid_intensity (zone, source, basis, start_us, end_us, gco2e_per_kwh, quality, dataset) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      host: p(`INSERT INTO hosts VALUES (?, ?, ?, ?, ?) ON CONFLICT(host) DO UPDATE SET
        agent_version = excluded.agent_version, inventory = excluded.inventory,
        last_seen_us = max(hosts.last_seen_us, excluded.last_seen_us)`),
      touchHost: p('UPDATE hosts SET last_seen_us = max(last_seen_us, ?) WHERE host = ?'),
      reportInstance: p('INSERT OR REPLACE INTO report_instance VALUES (?, ?, ?, ?)'),
      otherInstance: p(`SELECT instance_id, start_us, end_us FROM report_instance
        WHERE host = ? AND start_us >= ? AND start_us < ? AND end_us > ? AND instance_id != ? AND instance_id != '' ORDER BY start_us LIMIT 1`),
    };
  }

  async otherInstanceOverlapping(host: string, instanceId: string, fromUs: number, toUs: number): Promise<StoredInstance | undefined> {
    const row = this.stmts.otherInstance!.get(host, fromUs - MAX_INTERVAL_US, toUs, fromUs, instanceId) as { instance_id: string; start_us: number; end_us: number } | undefined;
    return row ? { instanceId: row.instance_id, startUs: row.start_us, endUs: row.end_us } : undefined;
  }

  async write(results: AttributionResult[]): Promise<void> {
    const s = this.stmts;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const r of results) {
        const base = [r.host, r.startUs, r.endUs] as const;
        s.report!.run(r.host, r.startUs, r.endUs, r.seq, r.hostSoftwareJoules, r.hostWallJoules ?? null);
        if (r.instanceId) s.reportInstance!.run(r.host, r.startUs, r.endUs, r.instanceId);
        for (const m of r.measured) s.hostEnergy!.run(...base, m.domain, m.device, m.source, m.quality, m.joules, m.flags.join(','));
        for (const j of r.jobShares) s.jobEnergy!.run(...base, j.jobId, j.domain, j.device, j.component, j.modality, j.joules, j.method, j.flags.join(','));
        // No process_energy rows: no read used them and they cost ~80 % of a write (docs/BENCHMARKS.md); job_meta keeps the pids.
        for (const u of r.unattributed) s.unattributed!.run(...base, u.domain, u.device, u.reason, u.modality, u.joules);
        const pids = jobPids(r);
        for (const j of r.jobs) {
          const c = j.byComponent;
          s.jobInterval!.run(...base, j.jobId, j.softwareJoules, j.wallJoules, j.dynamicJoules, j.idleJoules, c.cpu, c.dram, c.gpu, c.other, j.estimated ? 1 : 0, j.cpuSeconds, j.tokens, j.examples, j.steps, j.tokensUnpadded ?? 0);
          const p = pids.get(j.jobId) ?? [];
          s.jobMeta!.run(...base, j.jobId, canonicalJson(j.labels), p.join(','), p.length);
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

  /** Several hosts in one transaction, one fsync: a thousand agents saying Hello at once cost one commit, not a thousand. */
  async upsertHosts(hs: HostRecord[]): Promise<void> {
    this.transaction(() => {
      for (const h of hs) this.stmts.host!.run(h.host, h.agentVersion, JSON.stringify(h.inventory), h.seenUs, h.seenUs);
    });
  }

  /**
   * node:sqlite waits for a lock synchronously: carbon waits briefly, so a
   * locked file never stalls ingest for long on its account (the carbon
   * pipeline retries later).
   */
  async writeCarbon(c: CarbonWrite): Promise<void> {
    this.db.exec(`PRAGMA busy_timeout = ${CARBON_BUSY_TIMEOUT_MS}`);
    try {
      this.writeCarbonRows(c);
    } finally {
      if (this.db.isOpen) this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  private writeCarbonRows(c: CarbonWrite): void {
    const s = this.stmts;
    this.transaction(() => {
      for (const j of c.jobs) {
        const q = j.qualityShares;
        s.carbon!.run(j.host, j.startUs, j.endUs, j.jobId, j.zone, j.joules, j.pue, j.gco2e, j.gco2eSoftware, j.gco2eWall, j.energyBasis, j.basis, q.measured, q.estimated, q.forecast, q.interpolated, q.static, j.provisional ? 1 : 0, JSON.stringify(j.sources));
      }
      for (const h of c.intervals) {
        s.hostCarbon!.run(h.host, h.startUs, h.endUs, h.zone, h.zoneSource, h.pue, h.joules, h.gco2e, h.gco2eSoftware, h.gco2eWall ?? null, h.energyBasis, h.provisional ? 1 : 0, h.result ? JSON.stringify(h.result) : '');
      }
      this.intensityRows(c.periods);
    });
  }

  async writeGridIntensity(periods: GridIntensity[]): Promise<void> {
    this.transaction(() => this.intensityRows(periods));
  }

  private intensityRows(periods: GridIntensity[]): void {
    for (const g of periods) this.stmts.intensity!.run(g.zone, g.provider, g.basis, g.startUs, g.endUs, g.gco2ePerKwh, g.quality, g.dataset);
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
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
          domains: byDomainDevice(rows.map((r) => ({ domain: r.domain as string, device: r.device as string, source: r.source as string, quality: r.quality as string, joules: r.joules as number, watts: (r.joules as number) / seconds, flags: r.flags ? String(r.flags).split(',') : [] }))),
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
    const rows = this.db
      .prepare('SELECT domain, device, source, quality, sum(joules) AS joules FROM host_energy WHERE host = ? AND start_us >= ? AND start_us < ? GROUP BY domain, device, source, quality')
      .all(host, fromUs, toUs) as { domain: string; device: string; source: string; quality: string; joules: number }[];
    return byDomainDevice(rows.map((r) => ({ ...r })));
  }

  async jobTotals(jobId: string): Promise<JobTotals | undefined> {
    return (await this.listJobs({ jobIds: [jobId] }))[0];
  }

  /**
   * Without a time window: a page of job_summary rows (index on start), the
   * label filter an index lookup in job_label. With one: the jobs whose span
   * overlaps it (index on end), their totals over the window's intervals only.
   */
  async listJobs(filter: JobFilter): Promise<JobTotals[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    // A rare label: read its jobs from the index, then sort them. A common one: walk jobs newest first and
    // check each (stops at the limit). The count of the rarest wanted label picks the plan.
    // "v1,v2" means either value (matchesLabels).
    const wanted = Object.entries(filter.labels ?? {}).map(([k, v]) => [k, v.split(',')] as const);
    const count = this.db.prepare("SELECT count(*) AS n FROM job_label WHERE key = ? AND value IN (SELECT value FROM json_each(?))");
    const rare = wanted.length > 0 && Math.min(...wanted.map(([k, vs]) => (count.get(k, JSON.stringify(vs)) as { n: number }).n)) <= 5000;
    for (const [k, vs] of wanted) {
      where.push(
        rare
          ? 's.job_id IN (SELECT job_id FROM job_label WHERE key = ? AND value IN (SELECT value FROM json_each(?)))'
          : 'EXISTS (SELECT 1 FROM job_label l WHERE l.job_id = s.job_id AND l.key = ? AND l.value IN (SELECT value FROM json_each(?)))',
      );
      args.push(k, JSON.stringify(vs));
    }
    if (filter.jobIds) {
      where.push('s.job_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.jobIds));
    }
    if (filter.host !== undefined) {
      where.push('s.job_id IN (SELECT job_id FROM job_host WHERE host = ?)');
      args.push(filter.host);
    }
    // A host filter sums that host's intervals only: the window path, over all time when no window is given.
    const windowed = filter.fromUs !== undefined || filter.toUs !== undefined || filter.host !== undefined;
    if (windowed) {
      where.push('s.end_us > ? AND s.start_us < ?');
      args.push(filter.fromUs ?? 0, filter.toUs ?? Number.MAX_SAFE_INTEGER);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    if (!windowed) {
      const rows = this.db.prepare(`SELECT s.job_id FROM job_summary s ${w} ORDER BY s.start_us DESC, s.job_id LIMIT ?`).all(...args, filter.limit ?? 1000) as { job_id: string }[];
      return this.detail(rows.map((r) => r.job_id), filter);
    }
    // Intervals are at most maxIntervalS long (validate.ts): one that overlaps [from, to) starts after from − that.
    const fromUs = filter.fromUs ?? 0;
    const rows = this.db
      .prepare(
        `SELECT job_id, min(start_us) AS start_us, max(end_us) AS end_us,
          sum(software_j) AS software_j, sum(wall_j) AS wall_j, sum(dynamic_j) AS dynamic_j, sum(idle_j) AS idle_j,
          sum(cpu_j) AS cpu_j, sum(dram_j) AS dram_j, sum(gpu_j) AS gpu_j, sum(other_j) AS other_j,
          sum(estimated) AS estimated_n, sum(cpu_seconds) AS cpu_seconds, sum(tokens) AS tokens, sum(examples) AS examples, sum(steps) AS steps
        FROM job_interval WHERE job_id IN (SELECT s.job_id FROM job_summary s ${w}) AND start_us >= ? AND start_us < ? AND end_us > ?${filter.host !== undefined ? ' AND host = ?' : ''} GROUP BY job_id`,
      )
      .all(...args, fromUs - LONGEST_INTERVAL_US, filter.toUs ?? Number.MAX_SAFE_INTEGER, fromUs, ...(filter.host !== undefined ? [filter.host] : [])) as Record<string, number | string>[];
    const jobs = rows.map(summaryRow).sort((a, b) => b.startUs - a.startUs || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
    return this.detail(jobs.slice(0, filter.limit ?? 1000).map((j) => j.jobId), filter);
  }

  /**
   * The page's figures, per (job, host) then combined: wall reconciled over the meter's stored
   * intervals (wall-rows.ts), energy sources, the window remembered for carbon. Only the page's
   * jobs are read (index on job_id), so the cost follows the page, not the store.
   */
  private async detail(jobIds: string[], filter: JobFilter): Promise<JobTotals[]> {
    if (jobIds.length === 0) return [];
    const conds = ['job_id IN (SELECT value FROM json_each(?))'];
    const args: (string | number)[] = [JSON.stringify(jobIds)];
    if (filter.fromUs !== undefined) {
      conds.push('end_us > ?');
      args.push(filter.fromUs);
    }
    if (filter.toUs !== undefined) {
      conds.push('start_us < ?');
      args.push(filter.toUs);
    }
    if (filter.host !== undefined) {
      conds.push('host = ?');
      args.push(filter.host);
    }
    const where = `WHERE ${conds.join(' AND ')}`;
    const rows = this.db
      .prepare(
        `SELECT job_id, host, min(start_us) AS start_us, max(end_us) AS end_us,
          sum(software_j) AS software_j, sum(wall_j) AS wall_j, sum(dynamic_j) AS dynamic_j, sum(idle_j) AS idle_j,
          sum(cpu_j) AS cpu_j, sum(dram_j) AS dram_j, sum(gpu_j) AS gpu_j, sum(other_j) AS other_j,
          max(estimated) AS estimated, sum(cpu_seconds) AS cpu_seconds, sum(tokens) AS tokens, sum(examples) AS examples, sum(steps) AS steps, sum(tokens_unpadded) AS tokens_unpadded
        FROM job_interval ${where} GROUP BY job_id, host`,
      )
      .all(...args) as Record<string, number | string>[];
    const perHost: JobHostRow[] = rows.map((r) => ({
      jobId: r.job_id as string,
      host: r.host as string,
      startUs: r.start_us as number,
      endUs: r.end_us as number,
      softwareJoules: r.software_j as number,
      wallJoules: r.wall_j as number,
      dynamicJoules: r.dynamic_j as number,
      idleJoules: r.idle_j as number,
      cpu: r.cpu_j as number,
      dram: r.dram_j as number,
      gpu: r.gpu_j as number,
      other: r.other_j as number,
      estimated: Boolean(r.estimated),
      cpuSeconds: r.cpu_seconds as number,
      tokens: r.tokens as number,
      tokensUnpadded: r.tokens_unpadded as number,
      examples: r.examples as number,
      steps: r.steps as number,
    }));
    const labelStmt = this.db.prepare('SELECT job_id, labels, max(start_us) AS last_start_us FROM job_meta WHERE job_id = ? GROUP BY labels');
    const labelSets: LabelSet[] = [];
    for (const jobId of new Set(perHost.map((r) => r.jobId))) {
      for (const l of labelStmt.all(jobId) as { job_id: string; labels: string; last_start_us: number }[]) {
        labelSets.push({ jobId: l.job_id, labels: l.labels, lastStartUs: l.last_start_us });
      }
    }
    const wall = await reconcileRows(this, perHost, filter);
    const domains = COUNTED_SOURCE_DOMAINS.map(() => '?').join(', ');
    const jobDevices = this.db
      .prepare(`SELECT job_id, host, domain, device, sum(joules) AS joules FROM job_energy ${where ? where + ' AND' : 'WHERE'} domain IN (${domains}) AND modality != 'other' GROUP BY job_id, host, domain, device`)
      .all(...args, ...COUNTED_SOURCE_DOMAINS) as { job_id: string; host: string; domain: string; device: string; joules: number }[];
    const hosts = [...new Set(perHost.map((r) => r.host))];
    const devices = hosts.length
      ? // The devices' readings over the page's span only (index host_energy_time), not each host's whole history.
        (this.db
          .prepare(`SELECT host, domain, device, source, quality, sum(joules) AS joules FROM host_energy WHERE host IN (${hosts.map(() => '?').join(', ')}) AND start_us >= ? AND start_us < ? GROUP BY host, domain, device, source, quality`)
          .all(...hosts, Math.min(...perHost.map((r) => r.startUs)), Math.max(...perHost.map((r) => r.endUs))) as unknown as DeviceQuality[])
      : [];
    const sources = energySources(jobDevices.map((r) => ({ jobId: r.job_id, host: r.host, domain: r.domain, device: r.device, joules: r.joules })), devices);
    const order = new Map(jobIds.map((id, i) => [id, i]));
    return withEnergySources(withWindow(withWallNotes(combineJobs(wall.rows, labelSets, { ...filter, limit: jobIds.length }), wall.notes), filter), sources).sort((x, y) => order.get(x.jobId)! - order.get(y.jobId)!);
  }

  async hostWallRatio(host: string): Promise<number | undefined> {
    const r = this.db.prepare('SELECT sum(wall_j) AS w, sum(software_j) AS s FROM reports WHERE host = ? AND wall_j IS NOT NULL').get(host) as { w: number | null; s: number | null };
    return r.w && r.s ? r.w / r.s : undefined;
  }

  async meterIntervals(host: string, fromUs: number, toUs: number): Promise<StoredMeterInterval[]> {
    const ivs = this.db.prepare('SELECT start_us, end_us, software_j, wall_j FROM reports WHERE host = ? AND start_us >= ? AND start_us < ? AND wall_j IS NOT NULL ORDER BY start_us').all(host, fromUs, toUs) as Record<string, number>[];
    const jobs = this.db.prepare('SELECT start_us, job_id, software_j, wall_j FROM job_interval WHERE host = ? AND start_us >= ? AND start_us < ? ORDER BY start_us, job_id').all(host, fromUs, toUs) as Record<string, number | string>[];
    return meterSeries(ivs.map((r) => ({ startUs: r.start_us!, endUs: r.end_us!, wallJoules: r.wall_j!, componentJoules: r.software_j! })), jobs.map((j) => ({ startUs: j.start_us as number, jobId: j.job_id as string, softwareJoules: j.software_j as number, wallJoules: j.wall_j as number })));
  }

  async jobCarbon(jobId: string, window: JobWindow = {}): Promise<JobCarbonTotals | undefined> {
    return (await this.jobCarbonMany([jobId], window)).get(jobId);
  }

  /**
   * Sums and distinct values per job in one query, then the shared combineCarbon: the same steps
   * as the InfluxDB store. With a window, the intervals overlapping it count whole (as listJobs).
   */
  async jobCarbonMany(jobIds: string[], window: JobWindow = {}): Promise<Map<string, JobCarbonTotals>> {
    const out = new Map<string, JobCarbonTotals>();
    if (jobIds.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT job_id, count(*) AS n, sum(joules) AS joules, sum(gco2e) AS gco2e, sum(gco2e_software) AS gco2e_software, sum(gco2e_wall) AS gco2e_wall,
          sum(provisional) AS provisional, sum(joules * share_measured) AS q_measured, sum(joules * share_estimated) AS q_estimated,
          sum(joules * share_forecast) AS q_forecast, sum(joules * share_interpolated) AS q_interpolated, sum(joules * share_static) AS q_static,
          json_group_array(DISTINCT zone) AS zones, json_group_array(DISTINCT basis) AS bases, json_group_array(DISTINCT energy_basis) AS energy_bases,
          json_group_array(DISTINCT sources) AS sources, json_group_array(DISTINCT pue) AS pues
        FROM job_carbon WHERE job_id IN (SELECT value FROM json_each(?)) AND end_us > ? AND start_us < ? GROUP BY job_id`,
      )
      .all(JSON.stringify(jobIds), window.fromUs ?? Number.MIN_SAFE_INTEGER, window.toUs ?? Number.MAX_SAFE_INTEGER) as Record<string, number | string | null>[];
    for (const r of rows) {
      const n = (k: string) => Number(r[k] ?? 0);
      const list = (k: string) => JSON.parse(String(r[k] ?? '[]')) as string[];
      const sums: CarbonSums = {
        rows: n('n'),
        joules: n('joules'),
        gco2e: n('gco2e'),
        gco2eSoftware: n('gco2e_software'),
        gco2eWall: n('gco2e_wall'),
        provisionalRows: n('provisional'),
        byQuality: { measured: n('q_measured'), estimated: n('q_estimated'), forecast: n('q_forecast'), interpolated: n('q_interpolated'), static: n('q_static') },
      };
      const jobId = String(r.job_id);
      const t = combineCarbon(jobId, sums, { zones: list('zones'), bases: list('bases'), energyBases: list('energy_bases'), sources: list('sources'), pues: (JSON.parse(String(r.pues ?? '[]')) as number[]).map(Number) });
      if (t) out.set(jobId, t);
    }
    return out;
  }

  async provisionalCarbon(sinceUs: number): Promise<CarbonResult[]> {
    const rows = this.db.prepare("SELECT result FROM host_carbon WHERE provisional = 1 AND end_us >= ? AND result != '' ORDER BY host, start_us").all(sinceUs) as { result: string }[];
    return parseCarbonResults(rows.map((r) => r.result));
  }

  async hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    checkRange(fromUs, toUs, stepUs);
    // Numbers bind as REAL: the CAST keeps the bucket division an integer one.
    const rows = this.db
      .prepare(
        `SELECT ? + ((start_us - CAST(? AS INTEGER)) / CAST(? AS INTEGER)) * ? AS t_us, domain || '/' || device AS key, sum(joules) AS joules
         FROM host_energy WHERE host = ? AND start_us >= ? AND start_us < ? GROUP BY t_us, key`,
      )
      .all(fromUs, fromUs, stepUs, stepUs, host, fromUs, toUs) as { t_us: number; key: string; joules: number }[];
    return toSeries(rows.map((r) => ({ tUs: r.t_us, key: r.key, joules: r.joules })), stepUs);
  }

  async jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    checkRange(fromUs, toUs, stepUs);
    // job_interval, not job_energy: only the counted components (core and uncore lie inside package).
    const rows = this.db
      .prepare(
        `SELECT ? + ((start_us - CAST(? AS INTEGER)) / CAST(? AS INTEGER)) * ? AS t_us, sum(cpu_j) AS cpu, sum(dram_j) AS dram, sum(gpu_j) AS gpu, sum(other_j) AS other
         FROM job_interval WHERE job_id = ? AND start_us >= ? AND start_us < ? GROUP BY t_us`,
      )
      .all(fromUs, fromUs, stepUs, stepUs, jobId, fromUs, toUs) as { t_us: number; cpu: number; dram: number; gpu: number; other: number }[];
    return toSeries(
      rows.flatMap((r) => (['cpu', 'dram', 'gpu', 'other'] as const).map((k) => ({ tUs: r.t_us, key: k, joules: r[k] }))),
      stepUs,
    );
  }
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

/** A job_summary row, or window sums in its shape -> totals (hosts and labels filled in after). */
function summaryRow(r: Record<string, number | string>): JobTotals {
  return {
    jobId: r.job_id as string,
    labels: {},
    hosts: [],
    startUs: r.start_us as number,
    endUs: r.end_us as number,
    softwareJoules: r.software_j as number,
    wallJoules: r.wall_j as number,
    dynamicJoules: r.dynamic_j as number,
    idleJoules: r.idle_j as number,
    byComponent: { cpu: r.cpu_j as number, dram: r.dram_j as number, gpu: r.gpu_j as number, other: r.other_j as number },
    estimated: Number(r.estimated_n) > 0,
    cpuSeconds: r.cpu_seconds as number,
    tokens: r.tokens as number,
    examples: r.examples as number,
    steps: r.steps as number,
  };
}
