// The shared notification log: how several collectors evaluating the same rules
// over the same store send each firing and each resolution exactly once.
//
// An alert's episodes are numbered per (rule, job). Opening episode n+1 and
// closing episode n are claims on the keys (rule, job, n, "firing"|"resolved")
// with insert-if-absent semantics: the collector whose claim wins notifies, the
// others adopt the winner's start time and stay silent. docs/ALERTS.md explains
// the two backends (SQLite: an atomic INSERT OR IGNORE; InfluxDB: claim, settle,
// earliest claim wins).
import { setTimeout as sleep } from 'node:timers/promises';
import { quoteIdent, quoteString } from '../storage/influx-schema.ts';
import { InfluxStore } from '../storage/influx.ts';
import type { Store } from '../storage/sink.ts';
import { SqliteStore } from '../storage/sqlite.ts';

export type ClaimKind = 'firing' | 'resolved';

export interface ClaimKey {
  ruleId: string;
  jobId: string;
  episode: number;
  kind: ClaimKind;
}

export interface Claim {
  owner: string;
  /** startsAt for a firing claim, endsAt for a resolved one, µs. */
  atUs: number;
}

export interface EpisodeClaims {
  episode: number;
  firing: Claim | undefined;
  resolved: Claim | undefined;
}

/** One small interface per backend: an atomic-enough insert-if-absent, and a read of the latest episode. */
export interface ClaimStore {
  /** Inserts the claim unless the key has one; returns the claim that holds the key. */
  claim(key: ClaimKey, claim: Claim): Promise<Claim>;
  latest(ruleId: string, jobId: string): Promise<EpisodeClaims | undefined>;
}

export interface Episode {
  episode: number;
  startsAtUs: number;
  /** This collector won the claim: it sends the notification. */
  mine: boolean;
}

export class NotificationLog {
  readonly claims: ClaimStore;
  readonly owner: string;

  constructor(claims: ClaimStore, owner: string) {
    this.claims = claims;
    this.owner = owner;
  }

  /** The open episode of (rule, job), opening a new one when none is open. */
  async open(ruleId: string, jobId: string, startsAtUs: number): Promise<Episode> {
    const latest = await this.claims.latest(ruleId, jobId);
    if (latest?.firing && !latest.resolved) return { episode: latest.episode, startsAtUs: latest.firing.atUs, mine: false };
    const episode = (latest?.episode ?? 0) + 1;
    const won = await this.claims.claim({ ruleId, jobId, episode, kind: 'firing' }, { owner: this.owner, atUs: startsAtUs });
    return { episode, startsAtUs: won.atUs, mine: won.owner === this.owner };
  }

  /** Closes the open episode; undefined when none is open (never fired, or already closed by another collector). */
  async close(ruleId: string, jobId: string, endsAtUs: number): Promise<(Episode & { endsAtUs: number }) | undefined> {
    const latest = await this.claims.latest(ruleId, jobId);
    if (!latest?.firing || latest.resolved) return undefined;
    const won = await this.claims.claim({ ruleId, jobId, episode: latest.episode, kind: 'resolved' }, { owner: this.owner, atUs: endsAtUs });
    return { episode: latest.episode, startsAtUs: latest.firing.atUs, endsAtUs: won.atUs, mine: won.owner === this.owner };
  }
}

export interface LogOptions {
  /** InfluxDB only: how long to wait for competing claims before reading the winner. */
  settleMs: number;
}

export function claimStoreFor(store: Store, opts: LogOptions): ClaimStore {
  if (store instanceof SqliteStore) return new SqliteClaims(store);
  if (store instanceof InfluxStore) return new InfluxClaims(store, opts.settleMs);
  throw new Error(`alerts: no notification log for this store (${(store as { name?: string }).name ?? 'unknown'})`);
}

/** SQLite: INSERT OR IGNORE on the key is atomic, also between processes sharing the file. */
export class SqliteClaims implements ClaimStore {
  private readonly store: SqliteStore;

  constructor(store: SqliteStore) {
    this.store = store;
    // Outside the store's migrations on purpose: alert bookkeeping, not energy data.
    store.db.exec(`CREATE TABLE IF NOT EXISTS alert_log (
      rule TEXT NOT NULL, job TEXT NOT NULL, episode INTEGER NOT NULL, kind TEXT NOT NULL,
      owner TEXT NOT NULL, at_us INTEGER NOT NULL, PRIMARY KEY (rule, job, episode, kind))`);
  }

  async claim(k: ClaimKey, c: Claim): Promise<Claim> {
    const db = this.store.db;
    db.prepare('INSERT OR IGNORE INTO alert_log VALUES (?, ?, ?, ?, ?, ?)').run(k.ruleId, k.jobId, k.episode, k.kind, c.owner, c.atUs);
    const r = db.prepare('SELECT owner, at_us FROM alert_log WHERE rule = ? AND job = ? AND episode = ? AND kind = ?').get(k.ruleId, k.jobId, k.episode, k.kind) as { owner: string; at_us: number };
    return { owner: r.owner, atUs: r.at_us };
  }

  async latest(ruleId: string, jobId: string): Promise<EpisodeClaims | undefined> {
    const rows = this.store.db
      .prepare('SELECT episode, kind, owner, at_us FROM alert_log WHERE rule = ? AND job = ? AND episode = (SELECT max(episode) FROM alert_log WHERE rule = ? AND job = ?)')
      .all(ruleId, jobId, ruleId, jobId) as { episode: number; kind: ClaimKind; owner: string; at_us: number }[];
    if (rows.length === 0) return undefined;
    const get = (kind: ClaimKind) => rows.filter((r) => r.kind === kind).map((r) => ({ owner: r.owner, atUs: r.at_us }))[0];
    return { episode: rows[0]!.episode, firing: get('firing'), resolved: get('resolved') };
  }
}

export const LOG_MEASUREMENT = 'alert_log';

interface ClaimRow extends Claim {
  episode: number;
  kind: ClaimKind;
  claimedUs: number;
}

/** The claim that holds a key when several were written: the earliest, then the smallest owner. Every reader picks the same one. */
export function winner<T extends { owner: string; claimedUs: number }>(rows: readonly T[]): T | undefined {
  return [...rows].sort((a, b) => a.claimedUs - b.claimedUs || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0))[0];
}

/**
 * InfluxDB has no insert-if-absent: each collector writes its claim as its own
 * series (tag owner, timestamp = when it claimed), waits `settleMs` for
 * competing claims to land, and reads them back; the earliest claim holds the
 * key. A collector that finds a claim already there does not write one.
 */
export class InfluxClaims implements ClaimStore {
  private readonly store: InfluxStore;
  private readonly settleMs: number;
  private lastClaimUs = 0;

  constructor(store: InfluxStore, settleMs: number) {
    this.store = store;
    this.settleMs = settleMs;
  }

  private from(): string {
    const s = this.store;
    return s.rp ? `${quoteIdent(s.database)}.${quoteIdent(s.rp)}.${quoteIdent(LOG_MEASUREMENT)}` : quoteIdent(LOG_MEASUREMENT);
  }

  private async rows(where: string): Promise<ClaimRow[]> {
    const q = `SELECT "at_us", "owner", "episode", "kind" FROM ${this.from()} WHERE ${where}`;
    const raw = (await this.store.client.queryRaw(q, { precision: 'u', database: this.store.database })) as {
      results?: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[];
    };
    const res = raw.results?.[0];
    if (res?.error) throw new Error(`alerts: notification log query failed: ${res.error}`);
    return (res?.series ?? []).flatMap((s) =>
      s.values.map((v) => {
        const r = Object.fromEntries(s.columns.map((c, i) => [c, v[i]]));
        return { owner: String(r.owner), atUs: Number(r.at_us), episode: Number(r.episode), kind: r.kind as ClaimKind, claimedUs: Number(r.time) };
      }),
    );
  }

  private keyWhere(k: ClaimKey): string {
    return `"rule" = ${quoteString(k.ruleId)} AND "job" = ${quoteString(k.jobId)} AND "episode" = ${quoteString(String(k.episode))} AND "kind" = ${quoteString(k.kind)}`;
  }

  async claim(k: ClaimKey, c: Claim): Promise<Claim> {
    const existing = winner(await this.rows(this.keyWhere(k)));
    if (existing) return existing;
    // Strictly increasing per collector, so two claims of ours never share a point key.
    const claimedUs = Math.max(Date.now() * 1000, this.lastClaimUs + 1);
    this.lastClaimUs = claimedUs;
    await this.store.client.writePoints(
      [{ measurement: LOG_MEASUREMENT, tags: { rule: k.ruleId, job: k.jobId, episode: String(k.episode), kind: k.kind, owner: c.owner }, fields: { at_us: c.atUs }, timestamp: claimedUs }],
      { precision: 'u', ...(this.store.rp ? { retentionPolicy: this.store.rp } : {}) },
    );
    if (this.settleMs > 0) await sleep(this.settleMs);
    const won = winner(await this.rows(this.keyWhere(k)));
    if (!won) throw new Error(`alerts: the claim on ${k.ruleId}/${k.jobId}#${k.episode} ${k.kind} was written but cannot be read back`);
    return won;
  }

  async latest(ruleId: string, jobId: string): Promise<EpisodeClaims | undefined> {
    const rows = await this.rows(`"rule" = ${quoteString(ruleId)} AND "job" = ${quoteString(jobId)}`);
    if (rows.length === 0) return undefined;
    const episode = Math.max(...rows.map((r) => r.episode));
    const pick = (kind: ClaimKind) => {
      const w = winner(rows.filter((r) => r.episode === episode && r.kind === kind));
      return w ? { owner: w.owner, atUs: w.atUs } : undefined;
    };
    return { episode, firing: pick('firing'), resolved: pick('resolved') };
  }
}
