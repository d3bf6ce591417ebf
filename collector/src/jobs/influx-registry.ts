// Job registrations kept in InfluxDB, so every collector of a cluster sees the
// registrations made through any of them (docs/ARCHITECTURE.md, "Shared state").
//
// InfluxDB has no update in place, so the registry is an event log: each API
// call (register, add a process, end) is one point in the measurement
// `registration`, tagged with the collector that wrote it (a bounded tag: no
// job, host or pid in tags) and timed when it was written (strictly increasing
// per collector). Every collector folds the same events in the same order
// (time, then writer) into the same state as the SQLite registry keeps. Reads
// are served from that folded state, refreshed from InfluxDB when older than
// refreshMs; a collector's own writes apply at once.
import os from 'node:os';
import type { IPoint } from 'influx';
import { quoteIdent } from '../storage/influx-schema.ts';
import type { InfluxStore } from '../storage/influx.ts';
import type { JobRecord, ProcessRegistration } from './registry.ts';

export const REGISTRATION_MEASUREMENT = 'registration';

type Event =
  | { kind: 'job'; jobId: string; labels: Record<string, string>; startUs?: number; endUs?: number }
  | { kind: 'process'; p: ProcessRegistration }
  | { kind: 'end'; jobId: string; atUs: number };

interface Stamped {
  timeUs: number;
  writer: string;
  event: Event;
}

export interface InfluxRegistryOptions {
  /** Longest a read may serve a state older than this (other collectors' writes), ms. */
  refreshMs?: number;
  /** Retention policy for the events (a long one: registrations outlive raw data). */
  retentionPolicy?: string;
  /** Events are re-read this far behind the newest seen, for clocks that disagree, µs. */
  overlapUs?: number;
}

/** Folds events (in order) into jobs and process registrations: the SQLite registry's semantics. */
export function foldRegistrations(events: readonly Stamped[]): { jobs: Map<string, JobRecord>; processes: Map<string, ProcessRegistration> } {
  const jobs = new Map<string, JobRecord>();
  const processes = new Map<string, ProcessRegistration>();
  for (const { event: e } of events) {
    if (e.kind === 'job') {
      const had = jobs.get(e.jobId);
      jobs.set(e.jobId, {
        jobId: e.jobId,
        labels: { ...(had?.labels ?? {}), ...e.labels },
        startUs: e.startUs ?? had?.startUs,
        endUs: e.endUs ?? had?.endUs,
      });
    } else if (e.kind === 'process') {
      processes.set(`${e.p.host}\0${e.p.pid}\0${e.p.startTimeUs}\0${e.p.jobId}`, e.p);
    } else {
      const had = jobs.get(e.jobId);
      if (!had) continue;
      jobs.set(e.jobId, { ...had, endUs: e.atUs });
      for (const [k, p] of processes) if (p.jobId === e.jobId && p.toUs === undefined) processes.set(k, { ...p, toUs: e.atUs });
    }
  }
  return { jobs, processes };
}

function order(a: Stamped, b: Stamped): number {
  return a.timeUs - b.timeUs || (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0);
}

export class InfluxJobRegistry {
  private readonly store: InfluxStore;
  private readonly refreshMs: number;
  private readonly rp: string | undefined;
  private readonly overlapUs: number;
  readonly writer = `${os.hostname()}:${process.pid}`;
  private events: Stamped[] = [];
  private readonly seen = new Set<string>();
  private state = foldRegistrations([]);
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;
  private lastUs = 0;

  constructor(store: InfluxStore, opts: InfluxRegistryOptions = {}) {
    this.store = store;
    this.refreshMs = opts.refreshMs ?? 1000;
    this.rp = opts.retentionPolicy;
    this.overlapUs = opts.overlapUs ?? 120_000_000;
  }

  private from(): string {
    return this.rp ? `${quoteIdent(this.store.database)}.${quoteIdent(this.rp)}.${quoteIdent(REGISTRATION_MEASUREMENT)}` : quoteIdent(REGISTRATION_MEASUREMENT);
  }

  /** Reads the events this collector has not seen yet (all of them the first time). */
  private async pull(): Promise<void> {
    const newest = this.events.length > 0 ? this.events[this.events.length - 1]!.timeUs : 0;
    const since = Math.max(0, newest - this.overlapUs);
    const raw = (await this.store.client.queryRaw(`SELECT * FROM ${this.from()} WHERE time >= ${since}u`, { precision: 'u', database: this.store.database })) as {
      results?: { error?: string; series?: { columns: string[]; values?: unknown[][] }[] }[];
    };
    const res = raw.results?.[0];
    if (res?.error) throw new Error(`job registry: query on InfluxDB failed: ${res.error}`);
    const fresh: Stamped[] = [];
    for (const s of res?.series ?? []) {
      for (const v of s.values ?? []) {
        const r = Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) as Record<string, unknown>;
        const stamped = { timeUs: Number(r.time), writer: String(r.writer), event: JSON.parse(String(r.event)) as Event };
        const key = `${stamped.timeUs}\0${stamped.writer}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        fresh.push(stamped);
      }
    }
    if (fresh.length > 0) this.absorb(fresh);
  }

  private absorb(fresh: Stamped[]): void {
    const newest = this.events.length > 0 ? this.events[this.events.length - 1]! : undefined;
    fresh.sort(order);
    const inOrder = !newest || order(fresh[0]!, newest) > 0;
    this.events.push(...fresh);
    if (!inOrder) this.events.sort(order);
    // Folding is cheap next to a query; refolding everything keeps one code path.
    this.state = foldRegistrations(this.events);
  }

  /** The state, refreshed from InfluxDB when older than refreshMs (one query shared by concurrent callers). */
  async fresh(): Promise<void> {
    if (Date.now() - this.refreshedAt < this.refreshMs) return;
    this.refreshing ??= this.pull()
      .then(() => {
        this.refreshedAt = Date.now();
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }

  private async append(event: Event): Promise<void> {
    this.lastUs = Math.max(Date.now() * 1000, this.lastUs + 1);
    const point: IPoint = { measurement: REGISTRATION_MEASUREMENT, tags: { writer: this.writer }, fields: { event: JSON.stringify(event), kind: event.kind }, timestamp: this.lastUs };
    // Durable before the API answers: a registration acknowledged is one every collector will see.
    await this.store.client.writePoints([point], { precision: 'u', ...(this.rp ? { retentionPolicy: this.rp } : {}) });
    this.seen.add(`${this.lastUs}\0${this.writer}`);
    this.absorb([{ timeUs: this.lastUs, writer: this.writer, event }]);
  }

  async upsert(jobId: string, labels: Record<string, string>, startUs?: number, endUs?: number): Promise<JobRecord> {
    await this.fresh();
    await this.append({ kind: 'job', jobId, labels, ...(startUs !== undefined ? { startUs } : {}), ...(endUs !== undefined ? { endUs } : {}) });
    return this.state.jobs.get(jobId)!;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    await this.fresh();
    return this.state.jobs.get(jobId);
  }

  async all(): Promise<JobRecord[]> {
    await this.fresh();
    return [...this.state.jobs.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
  }

  async addProcess(p: ProcessRegistration): Promise<void> {
    await this.append({ kind: 'process', p: { ...p, ...(p.toUs === undefined ? {} : { toUs: p.toUs }) } });
  }

  async end(jobId: string, atUs: number): Promise<JobRecord | undefined> {
    await this.fresh();
    if (!this.state.jobs.has(jobId)) return undefined;
    await this.append({ kind: 'end', jobId, atUs });
    return this.state.jobs.get(jobId);
  }

  async processesFor(host: string): Promise<ProcessRegistration[]> {
    await this.fresh();
    return [...this.state.processes.values()].filter((p) => p.host === host);
  }

  /** Labels of a registered job, from the folded state without a refresh (callers refreshed just before). */
  labelsOf(jobId: string): Record<string, string> | undefined {
    return this.state.jobs.get(jobId)?.labels;
  }

  close(): void {}
}
