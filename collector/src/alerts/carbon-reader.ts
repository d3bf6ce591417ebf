// Reads job carbon and grid intensity for the alert evaluator. A job's
// cumulative carbon and zones come from the Store query layer
// (`jobCarbon(jobId)`) where the store has it; the windowed emission rate and
// the grid intensity at a moment are not in the query layer, so these few
// queries read the job_carbon and grid_intensity tables/measurements directly
// (docs/SCHEMA.md), and stand in for jobCarbon on a store that lacks it.
import { MEASUREMENTS as M, quoteIdent, quoteString } from '../storage/influx-schema.ts';
import { InfluxStore } from '../storage/influx.ts';
import type { Store } from '../storage/sink.ts';
import { SqliteStore } from '../storage/sqlite.ts';

export interface JobCarbonFacts {
  /** Σ gCO2e over all the job's intervals. */
  gco2e: number;
  /** Σ gCO2e of the intervals that start in the window. */
  windowGco2e: number;
  /** The zone of the job's latest carbon figure, per host. */
  zones: string[];
}

export interface CarbonReader {
  jobCarbon(jobIds: string[], windowFromUs: number, windowToUs: number): Promise<Map<string, JobCarbonFacts>>;
  /** gCO2e/kWh per zone for the period covering atUs (best quality first; absent when none covers it). */
  intensityAt(zones: string[], atUs: number): Promise<Map<string, number>>;
}

/** Preferred when several providers cover the same moment. */
const QUALITY_RANK: Record<string, number> = { measured: 0, estimated: 1, interpolated: 2, forecast: 3, static_yearly: 4, static: 4 };

export function bestIntensity(rows: { quality: string; gco2ePerKwh: number }[]): number | undefined {
  const rank = (q: string) => QUALITY_RANK[q] ?? 9;
  const sorted = [...rows].sort((a, b) => rank(a.quality) - rank(b.quality) || b.gco2ePerKwh - a.gco2ePerKwh);
  return sorted[0]?.gco2ePerKwh;
}

export function carbonReaderFor(store: Store): CarbonReader {
  let direct: CarbonReader;
  if (store instanceof SqliteStore) direct = sqliteReader(store);
  else if (store instanceof InfluxStore) direct = influxReader(store);
  else throw new Error(`alerts: no carbon reader for this store (${(store as { name?: string }).name ?? 'unknown'})`);
  if (typeof (store as Partial<Store>).jobCarbon !== 'function') return direct;
  return {
    intensityAt: (zones, atUs) => direct.intensityAt(zones, atUs),
    async jobCarbon(jobIds, fromUs, toUs) {
      // The query layer's totals (restated figures included), with the window from the direct read.
      const windowed = await direct.jobCarbon(jobIds, fromUs, toUs);
      const out = new Map<string, JobCarbonFacts>();
      for (const id of jobIds) {
        const t = await store.jobCarbon(id);
        if (t) out.set(id, { gco2e: t.gco2e, windowGco2e: windowed.get(id)?.windowGco2e ?? 0, zones: windowed.get(id)?.zones.length ? windowed.get(id)!.zones : [...t.zones].sort() });
      }
      return out;
    },
  };
}

function sqliteReader(store: SqliteStore): CarbonReader {
  const db = store.db;
  return {
    async jobCarbon(jobIds, fromUs, toUs) {
      const total = db.prepare('SELECT sum(gco2e) AS g FROM job_carbon WHERE job_id = ?');
      const windowed = db.prepare('SELECT sum(gco2e) AS g FROM job_carbon WHERE job_id = ? AND start_us >= ? AND start_us < ?');
      const zones = db.prepare(
        'SELECT DISTINCT c.zone AS zone FROM job_carbon c JOIN (SELECT host, max(start_us) AS s FROM job_carbon WHERE job_id = ? GROUP BY host) l ON c.host = l.host AND c.start_us = l.s WHERE c.job_id = ? ORDER BY zone',
      );
      const out = new Map<string, JobCarbonFacts>();
      for (const id of jobIds) {
        const t = total.get(id) as { g: number | null };
        if (t.g === null) continue;
        const w = windowed.get(id, fromUs, toUs) as { g: number | null };
        out.set(id, { gco2e: t.g, windowGco2e: w.g ?? 0, zones: (zones.all(id, id) as { zone: string }[]).map((r) => r.zone).filter(Boolean) });
      }
      return out;
    },
    async intensityAt(zones, atUs) {
      const q = db.prepare('SELECT quality, gco2e_per_kwh AS g FROM grid_intensity WHERE zone = ? AND start_us <= ? AND end_us > ?');
      const out = new Map<string, number>();
      for (const z of zones) {
        const best = bestIntensity((q.all(z, atUs, atUs) as { quality: string; g: number }[]).map((r) => ({ quality: r.quality, gco2ePerKwh: r.g })));
        if (best !== undefined) out.set(z, best);
      }
      return out;
    },
  };
}

type Series = { tags?: Record<string, string>; columns: string[]; values: unknown[][] };

function influxReader(store: InfluxStore): CarbonReader {
  const from = (m: string) => (store.rp ? `${quoteIdent(store.database)}.${quoteIdent(store.rp)}.${quoteIdent(m)}` : quoteIdent(m));
  const select = async (statements: string[]): Promise<Record<string, unknown>[][]> => {
    if (statements.length === 0) return [];
    const raw = (await store.client.queryRaw(statements.join('; '), { precision: 'u', database: store.database })) as { results?: { error?: string; series?: Series[] }[] };
    return statements.map((s, i) => {
      const res = raw.results?.[i];
      if (res?.error) throw new Error(`alerts: influx query failed: ${res.error} (in: ${s})`);
      return (res?.series ?? []).flatMap((ser) => ser.values.map((v) => Object.fromEntries([...Object.entries(ser.tags ?? {}), ...ser.columns.map((c, k) => [c, v[k]])])));
    });
  };
  // Static yearly figures start on 1 January: look back a year for the period covering now.
  const YEAR_US = 366 * 86_400_000_000;
  return {
    async jobCarbon(jobIds, fromUs, toUs) {
      const out = new Map<string, JobCarbonFacts>();
      const c = from(M.jobCarbon);
      for (let i = 0; i < jobIds.length; i += 50) {
        const chunk = jobIds.slice(i, i + 50);
        const rows = await select(
          chunk.flatMap((id) => {
            const job = `"job" = ${quoteString(id)}`;
            return [
              `SELECT sum("gco2e") AS "g" FROM ${c} WHERE ${job}`,
              `SELECT sum("gco2e") AS "g" FROM ${c} WHERE ${job} AND time >= ${fromUs}u AND time < ${toUs}u`,
              `SELECT last("zone") AS "zone" FROM ${c} WHERE ${job} GROUP BY "host"`,
            ];
          }),
        );
        chunk.forEach((id, k) => {
          const [total, windowed, zones] = [rows[3 * k]!, rows[3 * k + 1]!, rows[3 * k + 2]!];
          if (total.length === 0) return;
          const zoneSet = [...new Set(zones.map((r) => String(r.zone ?? '')).filter(Boolean))].sort();
          out.set(id, { gco2e: Number(total[0]!.g), windowGco2e: Number(windowed[0]?.g ?? 0), zones: zoneSet });
        });
      }
      return out;
    },
    async intensityAt(zones, atUs) {
      const rows = await select(
        zones.map(
          (z) =>
            `SELECT "gco2e_per_kwh", "quality", "end_us" FROM ${from(M.gridIntensity)} WHERE "zone" = ${quoteString(z)} AND time <= ${atUs}u AND time > ${atUs - YEAR_US}u ` +
            `GROUP BY "source", "basis" ORDER BY time DESC LIMIT 1`,
        ),
      );
      const out = new Map<string, number>();
      zones.forEach((z, i) => {
        const covering = rows[i]!.filter((r) => Number(r.end_us) > atUs).map((r) => ({ quality: String(r.quality), gco2ePerKwh: Number(r.gco2e_per_kwh) }));
        const best = bestIntensity(covering);
        if (best !== undefined) out.set(z, best);
      });
      return out;
    },
  };
}
