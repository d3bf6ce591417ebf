// Job wall totals reconciled over the meter's stored intervals (attribution/
// reconcile.ts) instead of summed per interval, so a lagging meter's catch-up
// reaches the job that used the energy and no job gets more than the meter
// read. Both stores call it on their per-(job, host) rows; it reads only
// stored intervals, so every collector gives the same answer.
import { reconcileMeter, type MeterInterval } from '../attribution/reconcile.ts';
import type { JobHostRow } from './query.ts';

/** A metered interval as stored, with each job's stored (per-interval) wall. */
export interface StoredMeterInterval extends MeterInterval {
  jobs: { jobId: string; softwareJoules: number; wallJoules: number }[];
}

export interface WallSeriesSource {
  /** The host's intervals with a wall reading whose start is in [fromUs, toUs), by start. */
  meterIntervals(host: string, fromUs: number, toUs: number): Promise<StoredMeterInterval[]>;
  /** Σ wall / Σ components over all the host's metered intervals; undefined without any. */
  hostWallRatio(host: string): Promise<number | undefined>;
}

/** How far before the first and after the last interval asked for the reconciliation reads. */
export const LEAD_US = 300_000_000;
/** A shortfall is carried this many intervals at most (the worst meter lag we allow for). */
export const MAX_LAG_INTERVALS = 3;

export interface WallNote {
  /** "meter": reconciled against the host's wall meter (the stored per-interval figures are replaced). */
  basis: 'meter';
  /** Per host: the wall/components ratio the claims used (the host's long-run ratio). */
  hostRatios: Record<string, number>;
  /** Joules the job received from readings after its last interval: a lagging meter catching up. */
  carriedJoules: number;
  /** Joules of shortfall the meter never made up (lapsed) or has not yet (pending, at the end of what is stored). */
  unpaidJoules: number;
}

/**
 * Replaces wallJoules and other of rows on metered hosts with the reconciled
 * figures. A row's wall = what it received from the readings of its own
 * intervals and of up to MAX_LAG_INTERVALS metered intervals after its last
 * one (inside toUs when given), plus the stored wall of its unmetered intervals.
 */
export async function reconcileRows(src: WallSeriesSource, rows: JobHostRow[], window: { fromUs?: number; toUs?: number } = {}): Promise<{ rows: JobHostRow[]; notes: Map<string, WallNote> }> {
  const notes = new Map<string, WallNote>();
  const byHost = new Map<string, JobHostRow[]>();
  for (const r of rows) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  const out: JobHostRow[] = [];
  for (const [host, hostRows] of byHost) {
    const ratio = await src.hostWallRatio(host);
    if (ratio === undefined) {
      out.push(...hostRows);
      continue;
    }
    const from = Math.max(0, Math.min(...hostRows.map((r) => r.startUs)) - LEAD_US);
    const to = Math.max(...hostRows.map((r) => r.endUs)) + LEAD_US;
    const ivs = await src.meterIntervals(host, from, to);
    const rec = reconcileMeter(ivs, { ratio, maxLagIntervals: MAX_LAG_INTERVALS });
    for (const row of hostRows) {
      let storedWall = 0;
      let last = -1;
      ivs.forEach((iv, k) => {
        const mine = iv.startUs >= row.startUs && iv.startUs < row.endUs ? iv.jobs.find((j) => j.jobId === row.jobId) : undefined;
        if (!mine) return;
        storedWall += mine.wallJoules;
        last = k;
      });
      if (last < 0) {
        out.push(row);
        continue;
      }
      let received = 0;
      let carried = 0;
      rec.intervals.forEach((iv, k) => {
        if (iv.startUs < row.startUs || k > last + MAX_LAG_INTERVALS) return;
        if (window.toUs !== undefined && iv.startUs >= window.toUs) return;
        const got = iv.jobs.get(row.jobId) ?? 0;
        received += got;
        if (k > last) carried += got;
      });
      const wall = row.wallJoules - storedWall + received;
      out.push({ ...row, wallJoules: wall, other: row.other + (wall - row.wallJoules) });
      const prev = notes.get(row.jobId);
      notes.set(row.jobId, {
        basis: 'meter',
        hostRatios: { ...(prev?.hostRatios ?? {}), [host]: rec.ratio },
        carriedJoules: (prev?.carriedJoules ?? 0) + carried,
        unpaidJoules: (prev?.unpaidJoules ?? 0) + (rec.lapsed.get(row.jobId) ?? 0) + (rec.pending.get(row.jobId) ?? 0),
      });
    }
  }
  return { rows: out, notes };
}

/** Stored host intervals and job rows -> metered intervals with their jobs, by start. */
export function meterSeries(ivs: Omit<StoredMeterInterval, 'jobs'>[], jobs: { startUs: number; jobId: string; softwareJoules: number; wallJoules: number }[]): StoredMeterInterval[] {
  const byStart = new Map<number, StoredMeterInterval['jobs']>();
  for (const j of jobs) byStart.set(j.startUs, [...(byStart.get(j.startUs) ?? []), { jobId: j.jobId, softwareJoules: j.softwareJoules, wallJoules: j.wallJoules }]);
  return [...ivs].sort((a, b) => a.startUs - b.startUs).map((iv) => ({ ...iv, jobs: (byStart.get(iv.startUs) ?? []).sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0)) }));
}

/** Job totals with the reconciliation notes of their jobs. */
export function withWallNotes<T extends { jobId: string; wall?: WallNote }>(totals: T[], notes: Map<string, WallNote>): T[] {
  for (const t of totals) {
    const n = notes.get(t.jobId);
    if (n) t.wall = n;
  }
  return totals;
}

/** Totals listed over a window remember it, so carbon is clipped to the same intervals. */
export function withWindow<T extends { window?: { fromUs?: number; toUs?: number } }>(totals: T[], filter: { fromUs?: number; toUs?: number }): T[] {
  if (filter.fromUs === undefined && filter.toUs === undefined) return totals;
  for (const t of totals) t.window = { fromUs: filter.fromUs, toUs: filter.toUs };
  return totals;
}
