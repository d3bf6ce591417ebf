// InfluxDB sink and store, through the `influx` client (InfluxDB 1.x HTTP API:
// /write and /query with InfluxQL; 2.x and 3.x answer the same endpoints in
// their v1 compatibility layer). The client neither batches nor retries in a
// way we can rely on, so its pool is told not to retry or bench a host, and
// Batcher does both. Schema: influx-schema.ts and docs/SCHEMA.md.
import os from 'node:os';
import { InfluxDB, type IPoint } from 'influx';
import { isPermanentRefusal, refusalReason, type DeadLetter, type DeadLetterStore, type ReplayResult } from './dead-letters.ts';
import { registerSecret } from '@wattprint/proto';
import type { AttributionResult } from '../attribution/types.ts';
import { Batcher, DEFAULT_RETRY, type BatcherStats, type RetryPolicy } from './batcher.ts';
import {
  DEFAULT_RETENTION,
  MEASUREMENTS as M,
  PRECISION,
  SCHEMAS,
  carbonToPoint,
  continuousQueries,
  durationSeconds,
  hostCarbonToPoint,
  hostToPoint,
  intensityPoints,
  intensityToPoint,
  quoteIdent,
  quoteString,
  resultToPoints,
  type RetentionPlan,
} from './influx-schema.ts';
import type { CarbonResult } from '../carbon/compute.ts';
import { COUNTED_SOURCE_DOMAINS, energySources, withEnergySources } from './energy-sources.ts';
import { meterSeries, reconcileRows, withWallNotes, withWindow, type StoredMeterInterval } from './wall-rows.ts';
import { byDomainDevice, checkRange, combineCarbon, combineJobs, LONGEST_INTERVAL_US, parseCarbonResults, toSeries, type CarbonSums, type JobHostRow, type LabelSet } from './query.ts';
import { MAX_INTERVAL_US, type CarbonWrite, type GridIntensity, type HostRecord, type HostSummary, type JobCarbonTotals, type JobFilter, type JobTotals, type JobWindow, type SeriesPoint, type Sink, type StoredInstance, type Store } from './sink.ts';

export interface InfluxConfig {
  /** e.g. http://127.0.0.1:8086 (https works too). */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /**
   * Create the database, retention policies and continuous queries at start-up
   * (idempotent; needs an admin user when auth is on). Turn off for InfluxDB
   * 2.x/3.x, where buckets and DBRP mappings replace them.
   */
  manageSchema?: boolean;
  retention?: RetentionPlan;
  /** Points per request (InfluxDB's docs suggest 5,000 to 10,000). */
  batchPoints?: number;
  flushIntervalMs?: number;
  /** Points queued or in flight before write() waits. */
  maxPendingPoints?: number;
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  log?: (msg: string) => void;
}

export interface InfluxStats extends BatcherStats {
  /** Points InfluxDB dropped as older than the retention policy (a replay of expired data). */
  droppedBeyondRetention: number;
  /** Points InfluxDB refused for good, kept as dead letters (measurement dead_letter). */
  deadLettered: number;
}

type Row = Record<string, unknown> & { time: number };

/** No delay ever: the pool must not take our only host out of rotation; Batcher owns backoff. */
const NO_BENCHING = { getDelay: () => 0, next: () => NO_BENCHING, reset: () => NO_BENCHING };

/** Where refused points are kept: their own measurement, in the long retention policy. */
export const DEAD_LETTER_MEASUREMENT = 'dead_letter';

export class InfluxStore implements Sink, Store, DeadLetterStore {
  readonly name = 'influxdb';
  /** The batcher merges concurrent writes into full requests: ingest need not wait for one before the next. */
  readonly concurrentWrites = 8;
  readonly client: InfluxDB;
  readonly database: string;
  /** Raw retention policy, or undefined for the server's default (2.x/3.x DBRP mapping). */
  readonly rp: string | undefined;
  private readonly cfg: InfluxConfig;
  private readonly batcher: Batcher<IPoint>;
  private droppedBeyondRetention = 0;
  private deadLetterCount = 0;
  private lastDeadLetterUs = 0;
  /** Names this collector's dead letters (a tag: one series per collector process). */
  readonly writer = `${os.hostname()}:${process.pid}`;

  private constructor(cfg: InfluxConfig) {
    const url = new URL(cfg.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`influx.url ${cfg.url}: use http:// or https://`);
    if (!cfg.database) throw new Error('influx.database is empty');
    if ((cfg.username === undefined) !== (cfg.password === undefined)) throw new Error('influx: set both username and password, or neither');
    // However the password arrived (flag, file, environment), no log line shows it.
    registerSecret(cfg.password);
    this.cfg = cfg;
    this.database = cfg.database;
    this.rp = cfg.manageSchema === false ? cfg.retention?.raw.name : (cfg.retention ?? DEFAULT_RETENTION).raw.name;
    this.client = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      path: url.pathname === '/' ? '' : url.pathname,
      database: cfg.database,
      // Without credentials the client would send root:root; null means no Authorization header.
      username: cfg.username ?? (null as unknown as string),
      password: cfg.password ?? (null as unknown as string),
      schema: SCHEMAS,
      pool: { maxRetries: 0, requestTimeout: cfg.requestTimeoutMs ?? 10_000, backoff: NO_BENCHING },
    });
    const log = cfg.log;
    this.batcher = new Batcher<IPoint>({
      batchSize: cfg.batchPoints ?? 5000,
      flushIntervalMs: cfg.flushIntervalMs ?? 200,
      maxPending: cfg.maxPendingPoints ?? 50_000,
      retry: cfg.retry ?? DEFAULT_RETRY,
      send: (points) => this.send(points),
      retryable: isRetryable,
      ...(log ? { log: (m: string) => log(`influx ${this.where()}: ${m}`) } : {}),
    });
  }

  /** Connects (a /ping), and when manageSchema is on creates the database, RPs and CQs. */
  static async open(cfg: InfluxConfig): Promise<InfluxStore> {
    const store = new InfluxStore(cfg);
    await store.connect();
    return store;
  }

  /**
   * A store that has not talked to InfluxDB yet: a daemon creates it, then
   * calls connect() until it succeeds (writes meanwhile wait in the batcher).
   */
  static create(cfg: InfluxConfig): InfluxStore {
    return new InfluxStore(cfg);
  }

  /**
   * One attempt: /ping, then the schema (manageSchema) or a check that the
   * database exists. Errors carry `retryable` (unreachable, 5xx) or not
   * (credentials, missing database).
   */
  async connect(opts: { checkDatabase?: boolean } = {}): Promise<void> {
    const [ping] = await this.client.ping(this.cfg.requestTimeoutMs ?? 10_000);
    if (!ping?.online) {
      const err = new Error(`influx: no answer from ${this.cfg.url}/ping: is InfluxDB running there?`) as Error & { retryable: boolean; unreachable: boolean };
      err.retryable = true;
      err.unreachable = true;
      throw err;
    }
    if (this.cfg.manageSchema !== false) return this.ensureSchema();
    if (!opts.checkDatabase) return;
    // Without schema management the database must exist: a write would answer 404 on every batch.
    let names: string[];
    try {
      names = (await this.statement('SHOW DATABASES')).map((r) => str(r.name));
    } catch (err) {
      // Non-admin users may not list databases; the first write tells then.
      if (/requires admin privilege|not authorized/.test((err as Error).message)) return;
      throw err;
    }
    if (!names.includes(this.database)) {
      const err = new Error(`influx: database "${this.database}" does not exist on ${this.cfg.url}`) as Error & { retryable: boolean; missingDatabase: boolean };
      err.retryable = false;
      err.missingDatabase = true;
      throw err;
    }
  }

  stats(): InfluxStats {
    return { ...this.batcher.stats(), droppedBeyondRetention: this.droppedBeyondRetention, deadLettered: this.deadLetterCount };
  }

  private where(): string {
    return `${this.cfg.url} db=${this.database}${this.rp ? ` rp=${this.rp}` : ''}`;
  }

  /**
   * Database, retention policies and continuous queries, created or brought
   * in line with the plan; running it again changes nothing.
   */
  async ensureSchema(): Promise<void> {
    const plan = this.cfg.retention ?? DEFAULT_RETENTION;
    const db = quoteIdent(this.database);
    await this.admin(`CREATE DATABASE ${db}`);
    const existing = await this.statement(`SHOW RETENTION POLICIES ON ${db}`);
    for (const [rp, isDefault] of [[plan.raw, true], [plan.hourly, false]] as const) {
      const want = durationSeconds(rp.duration);
      const have = existing.find((r) => r.name === rp.name);
      const duration = want === 0 ? 'INF' : rp.duration;
      if (!have) {
        await this.admin(`CREATE RETENTION POLICY ${quoteIdent(rp.name)} ON ${db} DURATION ${duration} REPLICATION 1${isDefault ? ' DEFAULT' : ''}`);
      } else if (durationSeconds(String(have.duration)) !== want || (isDefault && have.default !== true)) {
        await this.admin(`ALTER RETENTION POLICY ${quoteIdent(rp.name)} ON ${db} DURATION ${duration}${isDefault ? ' DEFAULT' : ''}`);
      }
    }
    for (const cq of continuousQueries(this.database, plan)) {
      try {
        await this.admin(cq.statement);
      } catch (err) {
        // Same name, different definition (an upgrade): replace it.
        if (!/continuous query already exists/.test((err as Error).message)) throw err;
        await this.admin(`DROP CONTINUOUS QUERY ${quoteIdent(cq.name)} ON ${db}`);
        await this.admin(cq.statement);
      }
    }
  }

  async write(results: AttributionResult[]): Promise<void> {
    const points = results.flatMap(resultToPoints);
    await this.batcher.add(points);
  }

  async otherInstanceOverlapping(host: string, instanceId: string, fromUs: number, toUs: number): Promise<StoredInstance | undefined> {
    // Queued points are not visible to a query yet: send them first.
    await this.batcher.flush();
    const rows = await this.statement(
      `SELECT "end_us", "instance" FROM ${this.from(M.hostInterval)} WHERE "host" = ${quoteString(host)} AND ${timeRange(fromUs - MAX_INTERVAL_US, toUs)} ` +
        `AND "end_us" > ${int(fromUs)} AND "instance" != '' AND "instance" != ${quoteString(instanceId)} LIMIT 1`,
    );
    const r = rows[0];
    return r ? { instanceId: String(r.instance), startUs: Number(r.time), endUs: Number(r.end_us) } : undefined;
  }

  async upsertHost(h: HostRecord): Promise<void> {
    await this.batcher.add([hostToPoint(h)]);
  }

  async writeCarbon(c: CarbonWrite): Promise<void> {
    const starts = c.intervals.map((i) => i.startUs);
    await this.batcher.add([...c.jobs.map(carbonToPoint), ...c.intervals.map(hostCarbonToPoint), ...c.periods.flatMap((p) => intensityPoints(p, starts))]);
  }

  async writeGridIntensity(periods: GridIntensity[]): Promise<void> {
    await this.batcher.add(periods.map(intensityToPoint));
  }

  /** Sends what is queued now and waits for it. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  async close(): Promise<void> {
    await this.batcher.close();
  }

  /**
   * One batch: what InfluxDB refuses for good (400) is found, kept as dead
   * letters and logged, and the batch counts as written; transient failures
   * throw for the batcher to retry (writes are idempotent, so resending points
   * a partial write already stored changes nothing).
   */
  private async send(points: IPoint[]): Promise<void> {
    const refused: { point: IPoint; reason: string }[] = [];
    await this.sendSplitting(points, refused, 0);
    if (refused.length === 0) return;
    await this.keepDeadLetters(refused);
    const reasons = [...new Set(refused.map((r) => r.reason))];
    this.cfg.log?.(
      `influx ${this.where()}: InfluxDB refused ${refused.length} of ${points.length} points for good (${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; +${reasons.length - 3} more` : ''}); ` +
        `kept as dead letters (wattprint dead-letters, GET /v1/admin/dead-letters), the rest is stored and acknowledged`,
    );
  }

  private async sendSplitting(points: IPoint[], refused: { point: IPoint; reason: string }[], depth: number): Promise<void> {
    try {
      await this.writeOnce(points);
      return;
    } catch (err) {
      if (!isPermanentRefusal(err)) throw err;
      const reason = refusalReason(err);
      if (points.length === 1) {
        refused.push({ point: points[0]!, reason });
        return;
      }
      // A tag limit names its measurement and tag: the refused points are the
      // ones whose value the index does not hold. One query instead of a bisection.
      const limit = /max-values-per-tag limit exceeded[^:]*: measurement="((?:[^"\\]|\\.)*)" tag="((?:[^"\\]|\\.)*)"/.exec(reason);
      if (limit) {
        const [measurement, key] = [limit[1]!, limit[2]!];
        const known = new Set((await this.statement(`SHOW TAG VALUES FROM ${this.from(measurement)} WITH KEY = ${quoteIdent(key)}`)).map((r) => str(r.value)));
        const out: IPoint[] = [];
        const rest: IPoint[] = [];
        for (const p of points) (p.measurement === measurement && p.tags?.[key] !== undefined && !known.has(p.tags[key]!) ? out : rest).push(p);
        if (out.length > 0) {
          for (const p of out) refused.push({ point: p, reason });
          if (rest.length > 0) await this.sendSplitting(rest, refused, depth + 1);
          return;
        }
      }
      const mid = points.length >> 1;
      await this.sendSplitting(points.slice(0, mid), refused, depth + 1);
      await this.sendSplitting(points.slice(mid), refused, depth + 1);
    }
  }

  /** Dead letters go to the long-lived policy: they must outlive the raw data they would have been. */
  private deadLetterRp(): string | undefined {
    return this.cfg.manageSchema === false ? this.rp : (this.cfg.retention ?? DEFAULT_RETENTION).hourly.name;
  }

  private nextDeadLetterUs(): number {
    this.lastDeadLetterUs = Math.max(Date.now() * 1000, this.lastDeadLetterUs + 1);
    return this.lastDeadLetterUs;
  }

  private async keepDeadLetters(refused: { point: IPoint; reason: string }[]): Promise<void> {
    const letters: IPoint[] = refused.map(({ point, reason }) => ({
      measurement: DEAD_LETTER_MEASUREMENT,
      tags: { writer: this.writer },
      fields: { measurement: point.measurement ?? '', reason, point: JSON.stringify(point), replayed: false },
      timestamp: this.nextDeadLetterUs(),
    }));
    const rp = this.deadLetterRp();
    try {
      await this.client.writePoints(letters, { precision: PRECISION, ...(rp ? { retentionPolicy: rp } : {}) });
    } catch (err) {
      // Not kept: the batch fails and is retried (the agent keeps the report) rather than lose them silently.
      throw describe(err, `dead letters to ${this.where()}`);
    }
    this.deadLetterCount += refused.length;
  }

  async deadLetters(opts: { limit: number; includeReplayed: boolean }): Promise<DeadLetter[]> {
    const rp = this.deadLetterRp();
    const from = rp ? `${quoteIdent(this.database)}.${quoteIdent(rp)}.${quoteIdent(DEAD_LETTER_MEASUREMENT)}` : quoteIdent(DEAD_LETTER_MEASUREMENT);
    const rows = await this.statement(`SELECT * FROM ${from}${opts.includeReplayed ? '' : ' WHERE "replayed" = false'} ORDER BY time ASC LIMIT ${int(opts.limit)}`);
    return rows.map((r) => ({
      id: `${r.time}:${str(r.writer)}`,
      atUs: r.time,
      writer: str(r.writer),
      measurement: str(r.measurement),
      reason: str(r.reason),
      point: str(r.point),
      replayed: r.replayed === true,
    }));
  }

  /**
   * Sends the unreplayed dead letters again, one request each (the cause was
   * per point); accepted ones are marked replayed, refused ones get the new reason.
   */
  async replayDeadLetters(limit: number): Promise<ReplayResult> {
    const letters = await this.deadLetters({ limit, includeReplayed: false });
    const rp = this.deadLetterRp();
    const result: ReplayResult = { replayed: 0, refused: 0 };
    for (const d of letters) {
      let reason: string | undefined;
      try {
        await this.writeOnce([JSON.parse(d.point) as IPoint]);
      } catch (err) {
        if (!isPermanentRefusal(err)) throw err;
        reason = refusalReason(err);
      }
      if (reason === undefined) result.replayed++;
      else result.refused++;
      const update: IPoint = { measurement: DEAD_LETTER_MEASUREMENT, tags: { writer: d.writer }, fields: { measurement: d.measurement, reason: reason ?? d.reason, point: d.point, replayed: reason === undefined }, timestamp: d.atUs };
      await this.client.writePoints([update], { precision: PRECISION, ...(rp ? { retentionPolicy: rp } : {}) });
    }
    return result;
  }

  deadLettered(): number {
    return this.deadLetterCount;
  }

  private async writeOnce(points: IPoint[]): Promise<void> {
    try {
      await this.client.writePoints(points, { precision: PRECISION, ...(this.rp ? { retentionPolicy: this.rp } : {}) });
    } catch (err) {
      const body = (err as Error).message ?? '';
      // A replay older than the raw RP: InfluxDB keeps the rest and drops those on purpose.
      const dropped = /^A 400 .*partial write: points beyond retention policy dropped=(\d+)"?\}?\s*$/.exec(body);
      if (dropped) {
        this.droppedBeyondRetention += Number(dropped[1]);
        // Said out loud: silently dropped points once hid a whole zone's grid intensity.
        this.cfg.log?.(`influx ${this.where()}: InfluxDB dropped ${dropped[1]} point(s) older than the retention policy (${this.droppedBeyondRetention} so far)`);
        return;
      }
      throw describe(err, `write to ${this.where()}`);
    }
  }

  // ---- queries -------------------------------------------------------------

  private from(measurement: string): string {
    return this.rp ? `${quoteIdent(this.database)}.${quoteIdent(this.rp)}.${quoteIdent(measurement)}` : quoteIdent(measurement);
  }

  /** Runs statements in one request; rows carry time (µs), group-by tags and columns. */
  private async select(statements: string[]): Promise<Row[][]> {
    if (statements.length === 0) return [];
    let raw: { results?: { error?: string; series?: { tags?: Record<string, string>; columns: string[]; values?: unknown[][] }[] }[]; error?: string };
    try {
      raw = await this.client.queryRaw(statements.join('; '), { precision: PRECISION, method: 'POST', database: this.database });
    } catch (err) {
      throw describe(err, `query on ${this.where()}`);
    }
    if (raw.error) throw new Error(`influx query on ${this.where()}: ${raw.error}`);
    return statements.map((s, i) => {
      const res = raw.results?.[i];
      if (res?.error) throw new Error(`influx query on ${this.where()}: ${res.error} (in: ${s})`);
      const rows: Row[] = [];
      for (const series of res?.series ?? []) {
        for (const v of series.values ?? []) {
          const row: Record<string, unknown> = { ...(series.tags ?? {}) };
          series.columns.forEach((c, k) => (row[c] = v[k]));
          rows.push(row as Row);
        }
      }
      return rows;
    });
  }

  private async statement(s: string): Promise<Row[]> {
    return (await this.select([s]))[0]!;
  }

  private async admin(s: string): Promise<void> {
    await this.statement(s);
  }

  async listHosts(): Promise<HostSummary[]> {
    const [latestInfo, firstInfo, lastInterval, maxEnd, ratio] = await this.select([
      `SELECT * FROM ${this.from(M.hostInfo)} GROUP BY "host" ORDER BY time DESC LIMIT 1`,
      `SELECT first("agent_version") FROM ${this.from(M.hostInfo)} GROUP BY "host"`,
      `SELECT * FROM ${this.from(M.hostInterval)} GROUP BY "host" ORDER BY time DESC LIMIT 1`,
      `SELECT max("end_us") AS "end_us" FROM ${this.from(M.hostInterval)} GROUP BY "host"`,
      `SELECT sum("wall_j") AS "w", sum("software_j") AS "s" FROM ${this.from(M.hostInterval)} WHERE "wall_j" >= 0 GROUP BY "host"`,
    ]);
    const byHost = <T extends Row>(rows: T[]) => new Map(rows.map((r) => [String(r.host), r]));
    const first = byHost(firstInfo!);
    const last = byHost(lastInterval!);
    const ends = byHost(maxEnd!);
    const ratios = byHost(ratio!);
    const hosts = [...latestInfo!].sort((a, b) => (String(a.host) < String(b.host) ? -1 : 1));
    // The latest interval's readings of every host, in one request.
    const latestRows = await this.select(
      hosts.map((h) => {
        const t = last.get(String(h.host))?.time ?? -1;
        return `SELECT * FROM ${this.from(M.hostEnergy)} WHERE "host" = ${quoteString(String(h.host))} AND time = ${t}u`;
      }),
    );
    return hosts.map((h, i) => {
      const host = String(h.host);
      const li = last.get(host);
      let latest: HostSummary['latest'];
      if (li) {
        const endUs = Number(li.end_us);
        const seconds = (endUs - li.time) / 1e6;
        latest = {
          startUs: li.time,
          endUs,
          domains: byDomainDevice(
            latestRows[i]!.map((r) => ({
              domain: str(r.domain),
              device: str(r.device),
              source: str(r.source),
              quality: str(r.quality),
              joules: Number(r.joules),
              watts: Number(r.joules) / seconds,
              flags: r.flags ? String(r.flags).split(',') : [],
            })),
          ),
        };
      }
      const rr = ratios.get(host);
      const w = rr ? Number(rr.w) : 0;
      const s = rr ? Number(rr.s) : 0;
      const endSeen = ends.get(host);
      return {
        host,
        agentVersion: str(h.agent_version),
        inventory: JSON.parse(str(h.inventory) || '{}'),
        firstSeenUs: first.get(host)?.time ?? h.time,
        lastSeenUs: Math.max(h.time, endSeen ? Number(endSeen.end_us) : 0),
        latest,
        wallSoftwareRatio: w && s ? w / s : undefined,
      };
    });
  }

  async hostEnergy(host: string, fromUs = 0, toUs = Number.MAX_SAFE_INTEGER) {
    const rows = await this.statement(
      `SELECT sum("joules") AS "joules" FROM ${this.from(M.hostEnergy)} WHERE "host" = ${quoteString(host)} AND ${timeRange(fromUs, toUs)} GROUP BY "domain", "device", "source", "quality"`,
    );
    return byDomainDevice(rows.map((r) => ({ domain: str(r.domain), device: str(r.device), source: str(r.source), quality: str(r.quality), joules: Number(r.joules) })));
  }

  /** One request: the job's sums, first interval, estimate count and labels. */
  async jobTotals(jobId: string): Promise<JobTotals | undefined> {
    return (await this.totalsFor([jobId], '', {}))[0];
  }

  /**
   * Without a window: the first interval of each job (one point read per
   * series), sorted newest first, then sums for the page only. A label filter
   * is a series-index lookup on job_label first. With a window: sums over the
   * intervals in it. docs/SCHEMA.md lists what each read costs.
   */
  async listJobs(filter: JobFilter): Promise<JobTotals[]> {
    let candidates = filter.jobIds;
    const wanted = Object.entries(filter.labels ?? {});
    if (wanted.length > 0) {
      // "v1,v2" means either value (matchesLabels).
      const found = await this.select(wanted.map(([k, v]) => `SHOW TAG VALUES FROM ${this.from(M.jobLabel)} WITH KEY = "job" WHERE ${v.split(',').map((one) => `"label" = ${quoteString(`${k}=${one}`)}`).join(' OR ')}`));
      let ids = new Set(found[0]!.map((r) => str(r.value)));
      for (const rows of found.slice(1)) {
        const next = new Set(rows.map((r) => str(r.value)));
        ids = new Set([...ids].filter((j) => next.has(j)));
      }
      candidates = candidates ? candidates.filter((j) => ids.has(j)) : [...ids];
    }
    if (candidates && candidates.length === 0) return [];
    if (filter.fromUs === undefined && filter.toUs === undefined && filter.host === undefined) {
      const starts = await this.statement(`SELECT "end_us" FROM ${this.from(M.jobInterval)}${candidates ? ` WHERE ${jobsIn(candidates)}` : ''} GROUP BY "job" LIMIT 1`);
      const page = starts
        .sort((a, b) => b.time - a.time || (str(a.job) < str(b.job) ? -1 : str(a.job) > str(b.job) ? 1 : 0))
        .slice(0, filter.limit ?? 1000)
        .map((r) => str(r.job));
      return page.length ? this.totalsFor(page, '', filter) : [];
    }
    // Intervals are at most maxIntervalS long (validate.ts): one that overlaps [from, to) starts after from − that.
    const fromUs = filter.fromUs ?? 0;
    const window =
      `time >= ${int(Math.max(0, fromUs - LONGEST_INTERVAL_US))}u AND time < ${int(filter.toUs ?? Number.MAX_SAFE_INTEGER)}u AND "end_us" > ${int(fromUs)}` +
      (filter.host !== undefined ? ` AND "host" = ${quoteString(filter.host)}` : '');
    return this.totalsFor(candidates, window, filter);
  }

  /** Sums per (job, host), first intervals, estimate counts and labels, in one request; then the shared combineJobs. */
  private async totalsFor(jobs: string[] | undefined, window: string, filter: JobFilter): Promise<JobTotals[]> {
    const conds = [jobs ? jobsIn(jobs) : '', window].filter((c) => c !== '');
    const w = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const from = this.from(M.jobInterval);
    const sums = ['software_j', 'wall_j', 'dynamic_j', 'idle_j', 'cpu_j', 'dram_j', 'gpu_j', 'other_j', 'cpu_seconds', 'tokens', 'examples', 'steps', 'tokens_unpadded'];
    const lw = jobs ? `WHERE ${jobsIn(jobs)}` : '';
    const [totals, firsts, estimated, labelRows, lastMeta] = await this.select([
      `SELECT ${sums.map((f) => `sum(${quoteIdent(f)}) AS ${quoteIdent(f)}`).join(', ')}, max("end_us") AS "end_us" FROM ${from} ${w} GROUP BY "job", "host"`,
      `SELECT first("software_j") FROM ${from} ${w} GROUP BY "job", "host"`,
      `SELECT count("software_j") FROM ${from} ${w ? `${w} AND` : 'WHERE'} "estimated" = true GROUP BY "job", "host"`,
      `SELECT "last_us" FROM ${this.from(M.jobLabel)} ${lw} GROUP BY "job", "label" ORDER BY time DESC LIMIT 1`,
      `SELECT "labels" FROM ${this.from(M.jobMeta)} ${lw} GROUP BY "job" ORDER BY time DESC LIMIT 1`,
    ]);
    const key = (r: Row) => `${str(r.job)}\0${str(r.host)}`;
    const start = new Map(firsts!.map((r) => [key(r), r.time]));
    const est = new Set(estimated!.filter((r) => Number(r.count) > 0).map(key));
    const rows: JobHostRow[] = totals!.map((r) => ({
      jobId: str(r.job),
      host: str(r.host),
      startUs: start.get(key(r)) ?? 0,
      endUs: Number(r.end_us),
      softwareJoules: Number(r.software_j),
      wallJoules: Number(r.wall_j),
      dynamicJoules: Number(r.dynamic_j),
      idleJoules: Number(r.idle_j),
      cpu: Number(r.cpu_j),
      dram: Number(r.dram_j),
      gpu: Number(r.gpu_j),
      other: Number(r.other_j),
      estimated: est.has(key(r)),
      cpuSeconds: Number(r.cpu_seconds),
      tokens: Number(r.tokens),
      tokensUnpadded: Number(r.tokens_unpadded ?? 0),
      examples: Number(r.examples),
      steps: Number(r.steps),
    }));
    // Each (job, label) as a one-key label set at its last interval: mergeLabels then gives each key its latest value.
    const labelSets: LabelSet[] = labelRows!.map((r) => {
      const label = str(r.label);
      const eq = label.indexOf('=');
      return { jobId: str(r.job), lastStartUs: Number(r.last_us), labels: JSON.stringify({ [label.slice(0, eq)]: label.slice(eq + 1) }) };
    });
    // Jobs stored before job_label existed: their labels from job_meta, the old way.
    const indexed = new Set(labelSets.map((l) => l.jobId));
    const legacy = lastMeta!.filter((r) => !indexed.has(str(r.job)) && str(r.labels) !== '{}' && str(r.labels) !== '').map((r) => str(r.job));
    if (legacy.length > 0) labelSets.push(...(await this.labelSets(legacy)));
    const wall = await reconcileRows(this, rows, filter);
    const hosts = [...new Set(rows.map((r) => r.host))];
    const domainIn = `(${COUNTED_SOURCE_DOMAINS.map((d) => `"domain" = ${quoteString(d)}`).join(' OR ')})`;
    // job_energy has no end_us: take its rows from the window's start less the longest interval,
    // then keep those of the job intervals the totals counted (the same rows as SQLite's).
    const jeWhere = [filter.fromUs !== undefined ? `time >= ${int(Math.max(0, filter.fromUs - 3_600_000_000))}u` : '', filter.toUs !== undefined ? `time < ${int(filter.toUs)}u` : '', jobs ? jobsIn(jobs) : '', filter.host !== undefined ? `"host" = ${quoteString(filter.host)}` : ''].filter(Boolean);
    const [jobDevices, devices, counted] = hosts.length
      ? await this.select([
          `SELECT "joules" FROM ${this.from(M.jobEnergy)} WHERE ${[...jeWhere, domainIn, `"modality" != 'other'`].join(' AND ')} GROUP BY "job", "host", "domain", "device"`,
          // The devices' readings over the page's span only, not each host's whole history.
          `SELECT sum("joules") AS "joules" FROM ${this.from(M.hostEnergy)} WHERE (${hosts.map((h) => `"host" = ${quoteString(h)}`).join(' OR ')}) AND ${timeRange(Math.min(...rows.map((r) => r.startUs)), Math.max(...rows.map((r) => r.endUs)))} GROUP BY "host", "domain", "device", "source", "quality"`,
          `SELECT "software_j" FROM ${from} ${w} GROUP BY "job", "host"`,
        ])
      : [[], [], []];
    const keep = new Set(counted!.map((r) => `${str(r.job)}\0${str(r.host)}\0${r.time}`));
    const sources = energySources(
      jobDevices!.filter((r) => keep.has(`${str(r.job)}\0${str(r.host)}\0${r.time}`)).map((r) => ({ jobId: str(r.job), host: str(r.host), domain: str(r.domain), device: str(r.device), joules: Number(r.joules) })),
      devices!.map((r) => ({ host: str(r.host), domain: str(r.domain), device: str(r.device), source: str(r.source), quality: str(r.quality), joules: Number(r.joules) })),
    );
    return withEnergySources(withWindow(withWallNotes(combineJobs(wall.rows, labelSets, filter), wall.notes), filter), sources);
  }

  async hostWallRatio(host: string): Promise<number | undefined> {
    const r = (await this.statement(`SELECT sum("wall_j") AS "w", sum("software_j") AS "s" FROM ${this.from(M.hostInterval)} WHERE "host" = ${quoteString(host)} AND "wall_j" >= 0`))[0];
    const w = r ? Number(r.w) : 0;
    const s = r ? Number(r.s) : 0;
    return w && s ? w / s : undefined;
  }

  async meterIntervals(host: string, fromUs: number, toUs: number): Promise<StoredMeterInterval[]> {
    const [ivs, jobs] = await this.select([
      `SELECT "end_us", "software_j", "wall_j" FROM ${this.from(M.hostInterval)} WHERE "host" = ${quoteString(host)} AND "wall_j" >= 0 AND ${timeRange(fromUs, toUs)}`,
      `SELECT "job", "software_j", "wall_j" FROM ${this.from(M.jobInterval)} WHERE "host" = ${quoteString(host)} AND ${timeRange(fromUs, toUs)}`,
    ]);
    return meterSeries(
      ivs!.map((r) => ({ startUs: r.time, endUs: Number(r.end_us), wallJoules: Number(r.wall_j), componentJoules: Number(r.software_j) })),
      jobs!.map((j) => ({ startUs: j.time, jobId: str(j.job), softwareJoules: Number(j.software_j), wallJoules: Number(j.wall_j) })),
    );
  }

  /** Distinct label sets per job with their last appearance, from job_meta (what mergeLabels needs). */
  private async labelSets(jobs: string[]): Promise<LabelSet[]> {
    const out: LabelSet[] = [];
    const rows = await this.statement(`SELECT "labels" FROM ${this.from(M.jobMeta)} WHERE ${jobsIn(jobs)} GROUP BY "job"`);
    const last = new Map<string, number>();
    for (const r of rows) {
      const k = `${str(r.job)}\0${str(r.labels)}`;
      last.set(k, Math.max(last.get(k) ?? -1, r.time));
    }
    for (const [k, lastStartUs] of last) {
      const [jobId, labels] = k.split('\0') as [string, string];
      out.push({ jobId, labels, lastStartUs });
    }
    return out;
  }

  async jobCarbon(jobId: string, window: JobWindow = {}): Promise<JobCarbonTotals | undefined> {
    return (await this.jobCarbonMany([jobId], window)).get(jobId);
  }

  /**
   * Sums and distinct values per job, then the shared combineCarbon: the same
   * steps as the SQLite store, one request for the whole page. InfluxQL has no
   * sum of a product, so a subquery forms joules × share per row first. With a
   * window, the intervals overlapping it count whole (as listJobs).
   */
  async jobCarbonMany(jobIds: string[], window: JobWindow = {}): Promise<Map<string, JobCarbonTotals>> {
    const out = new Map<string, JobCarbonTotals>();
    if (jobIds.length === 0) return out;
    const from = this.from(M.jobCarbon);
    const clip = [window.fromUs !== undefined ? ` AND "end_us" > ${int(window.fromUs)}` : '', window.toUs !== undefined ? ` AND time < ${int(window.toUs)}u` : ''].join('');
    const where = `WHERE ${jobsIn(jobIds)}${clip}`;
    const qualities = ['measured', 'estimated', 'forecast', 'interpolated', 'static'] as const;
    const inner = ['joules', 'gco2e', 'gco2e_software', 'gco2e_wall'].map(quoteIdent).concat(qualities.map((q) => `"joules" * "share_${q}" AS "q_${q}"`));
    const outer = ['joules', 'gco2e', 'gco2e_software', 'gco2e_wall', ...qualities.map((q) => `q_${q}`)].map((f) => `sum(${quoteIdent(f)}) AS ${quoteIdent(f)}`);
    const [sumRows, counts, provisional, zones, bases, energyBases, sources, pues] = await this.select([
      `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${from} ${where} GROUP BY "job") GROUP BY "job"`,
      `SELECT count("gco2e") AS "n" FROM ${from} ${where} GROUP BY "job"`,
      `SELECT count("gco2e") AS "n" FROM ${from} ${where} AND "provisional" = true GROUP BY "job"`,
      ...['zone', 'basis', 'energy_basis', 'sources', 'pue'].map((f) => `SELECT DISTINCT(${quoteIdent(f)}) AS "v" FROM ${from} ${where} GROUP BY "job"`),
    ]);
    const byJob = (rows: Row[]) => {
      const m = new Map<string, Row[]>();
      for (const r of rows) m.set(str(r.job), [...(m.get(str(r.job)) ?? []), r]);
      return m;
    };
    const [s, c, p, z, b, e, so, pu] = [sumRows!, counts!, provisional!, zones!, bases!, energyBases!, sources!, pues!].map(byJob) as Map<string, Row[]>[];
    const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const values = (rows: Row[] | undefined) => (rows ?? []).map((x) => str(x.v));
    for (const jobId of jobIds) {
      const r = s!.get(jobId)?.[0] ?? ({} as Row);
      const sums: CarbonSums = {
        rows: n(c!.get(jobId)?.[0]?.n),
        joules: n(r.joules),
        gco2e: n(r.gco2e),
        gco2eSoftware: n(r.gco2e_software),
        gco2eWall: n(r.gco2e_wall),
        provisionalRows: n(p!.get(jobId)?.[0]?.n),
        byQuality: { measured: n(r.q_measured), estimated: n(r.q_estimated), forecast: n(r.q_forecast), interpolated: n(r.q_interpolated), static: n(r.q_static) },
      };
      const t = combineCarbon(jobId, sums, { zones: values(z!.get(jobId)), bases: values(b!.get(jobId)), energyBases: values(e!.get(jobId)), sources: values(so!.get(jobId)), pues: (pu!.get(jobId) ?? []).map((x) => Number(x.v)) });
      if (t) out.set(jobId, t);
    }
    return out;
  }

  async provisionalCarbon(sinceUs: number): Promise<CarbonResult[]> {
    // Intervals are short: one that ended after sinceUs started less than a day before it.
    const rows = await this.statement(
      `SELECT "result" FROM ${this.from(M.hostCarbon)} WHERE "provisional" = true AND "end_us" >= ${int(sinceUs)} AND time >= ${int(Math.max(0, sinceUs - 86_400_000_000))}u`,
    );
    return parseCarbonResults(rows.map((r) => str(r.result)).filter((t) => t !== ''));
  }

  async hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    checkRange(fromUs, toUs, stepUs);
    const rows = await this.statement(
      `SELECT sum("joules") AS "joules" FROM ${this.from(M.hostEnergy)} WHERE "host" = ${quoteString(host)} AND ${timeRange(fromUs, toUs)} ` +
        `GROUP BY ${groupByTime(fromUs, stepUs)}, "domain", "device" fill(none)`,
    );
    return toSeries(rows.map((r) => ({ tUs: r.time, key: `${str(r.domain)}/${str(r.device)}`, joules: Number(r.joules) })), stepUs);
  }

  async jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    checkRange(fromUs, toUs, stepUs);
    const rows = await this.statement(
      `SELECT sum("cpu_j") AS "cpu", sum("dram_j") AS "dram", sum("gpu_j") AS "gpu", sum("other_j") AS "other" FROM ${this.from(M.jobInterval)} ` +
        `WHERE "job" = ${quoteString(jobId)} AND ${timeRange(fromUs, toUs)} GROUP BY ${groupByTime(fromUs, stepUs)} fill(none)`,
    );
    return toSeries(
      rows.flatMap((r) => (['cpu', 'dram', 'gpu', 'other'] as const).map((k) => ({ tUs: r.time, key: k, joules: Number(r[k]) }))),
      stepUs,
    );
  }
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function int(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`expected an integer number of microseconds, got ${v}`);
  return v;
}

/** A tag condition matching any of the jobs: an OR of equalities, which the series index answers. */
function jobsIn(jobs: string[]): string {
  return `(${jobs.map((j) => `"job" = ${quoteString(j)}`).join(' OR ')})`;
}

function timeRange(fromUs: number, toUs: number): string {
  return `time >= ${int(fromUs)}u AND time < ${int(toUs)}u`;
}

/** Buckets aligned on fromUs: InfluxDB aligns on the epoch plus the offset. */
function groupByTime(fromUs: number, stepUs: number): string {
  const offset = ((fromUs % stepUs) + stepUs) % stepUs;
  return `time(${int(stepUs)}u, ${offset}u)`;
}

/** What describe() decided: 5xx, 429, timeouts and network errors are worth another try; other 4xx are not. */
export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown })?.retryable === true;
}

/** A clear error naming the endpoint, with `status` and `retryable` set. */
export function describe(err: unknown, what: string): Error & { status?: number; retryable: boolean } {
  const e = err as Error & { res?: { statusCode?: number }; code?: unknown; name?: string };
  const status = e?.res?.statusCode;
  let msg: string;
  let retryable: boolean;
  if (status !== undefined) {
    retryable = status === 429 || status >= 500;
    const hint =
      status === 401 || status === 403
        ? ': check influx username/password (the user needs WRITE on the database, and ALL for start-up schema)'
        : status === 404
          ? ': the database does not exist (enable manageSchema, or create it)'
          : '';
    msg = `${e.message.trim()}${hint}`;
  } else if (e?.constructor?.name === 'ServiceNotAvailableError') {
    retryable = true;
    msg = `InfluxDB unavailable (${e.message || '5xx'})`;
  } else if (typeof e?.code === 'string') {
    retryable = true;
    msg = `${e.code}: ${e.message}`;
  } else {
    retryable = false;
    msg = e?.message ?? String(err);
  }
  // No `cause`: the client's error drags the whole request and response along into every log line.
  const out = new Error(`influx ${what}: ${msg}`) as Error & { status?: number; retryable: boolean };
  if (status !== undefined) out.status = status;
  out.retryable = retryable;
  return out;
}
