// SQLite off the main thread. node:sqlite is synchronous: on the thread that
// serves gRPC intake and HTTP, one heavy read would stall every ack. The
// store runs in worker threads instead: one writer (ingest, carbon, host
// records, in order) and one reader, on the same WAL file, so reads never
// wait for writes nor writes for reads; the main thread only posts messages.
// SqliteThreadStore implements the same Sink and Store as SqliteStore.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AttributionResult } from '../attribution/types.ts';
import type { CarbonResult } from '../carbon/compute.ts';
import { SqliteStore } from './sqlite.ts';
import type { CarbonWrite, GridIntensity, HostRecord, HostSummary, JobCarbonTotals, JobFilter, JobTotals, JobWindow, SeriesPoint, Sink, StoredInstance, Store } from './sink.ts';

interface Call {
  id: number;
  method: string;
  args: unknown[];
}

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

/** One worker holding one connection; calls are answered in the order they were posted. */
class Thread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;
  private dead: Error | undefined;

  constructor(file: string, role: string) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { file, role } });
    this.worker.on('message', (a: Answer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.value);
      else p.reject(Object.assign(new Error(a.message), { name: a.name }));
    });
    const fail = (err: Error) => {
      this.dead = new Error(`sqlite ${role} thread for ${file} stopped: ${err.message}`);
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies Call);
    });
  }

  async stop(): Promise<void> {
    if (this.dead) return;
    await this.call('close');
    await this.worker.terminate();
  }
}

export class SqliteThreadStore implements Sink, Store {
  readonly name = 'sqlite';
  /** The writer thread commits one group while the main thread attributes and posts the next. */
  readonly concurrentWrites = 2;
  readonly file: string;
  private readonly writer: Thread;
  private readonly reader: Thread;

  private constructor(file: string, writer: Thread, reader: Thread) {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
  }

  /** The writer opens the file first (it runs the migrations), then the reader. Not for ":memory:" (one connection per thread). */
  static async open(file: string): Promise<SqliteThreadStore> {
    if (file === ':memory:') throw new Error('SqliteThreadStore needs a file: an in-memory database is one per connection');
    const writer = new Thread(file, 'writer');
    await writer.call('ready');
    const reader = new Thread(file, 'reader');
    try {
      await reader.call('ready');
    } catch (err) {
      await writer.stop();
      throw err;
    }
    return new SqliteThreadStore(file, writer, reader);
  }

  write(results: AttributionResult[]): Promise<void> {
    return this.writer.call('write', results);
  }
  private hosts: { h: HostRecord; resolve: () => void; reject: (e: Error) => void }[] = [];

  /** Hellos that arrive together are stored in one transaction (see SqliteStore.upsertHosts). */
  upsertHost(h: HostRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.hosts.push({ h, resolve, reject }) > 1) return;
      setImmediate(() => {
        const batch = this.hosts;
        this.hosts = [];
        this.writer.call('upsertHosts', batch.map((b) => b.h)).then(
          () => batch.forEach((b) => b.resolve()),
          (err: Error) => batch.forEach((b) => b.reject(err)),
        );
      });
    });
  }
  writeCarbon(c: CarbonWrite): Promise<void> {
    return this.writer.call('writeCarbon', c);
  }
  writeGridIntensity(periods: GridIntensity[]): Promise<void> {
    return this.writer.call('writeGridIntensity', periods);
  }
  async close(): Promise<void> {
    await Promise.all([this.reader.stop(), this.writer.stop()]);
  }

  listHosts(): Promise<HostSummary[]> {
    return this.reader.call('listHosts');
  }
  jobTotals(jobId: string): Promise<JobTotals | undefined> {
    return this.reader.call('jobTotals', jobId);
  }
  listJobs(filter: JobFilter): Promise<JobTotals[]> {
    return this.reader.call('listJobs', filter);
  }
  hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    return this.reader.call('hostSeries', host, fromUs, toUs, stepUs);
  }
  jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]> {
    return this.reader.call('jobSeries', jobId, fromUs, toUs, stepUs);
  }
  hostEnergy(host: string, fromUs?: number, toUs?: number) {
    return this.reader.call<{ domain: string; device: string; source: string; quality: string; joules: number }[]>('hostEnergy', host, fromUs, toUs);
  }
  jobCarbon(jobId: string, window?: JobWindow): Promise<JobCarbonTotals | undefined> {
    return this.reader.call('jobCarbon', jobId, window);
  }
  jobCarbonMany(jobIds: string[], window?: JobWindow): Promise<Map<string, JobCarbonTotals>> {
    return this.reader.call('jobCarbonMany', jobIds, window);
  }
  /** One agent per host: read from the committed rows (WAL), so it sees what any collector stored. */
  otherInstanceOverlapping(host: string, instanceId: string, fromUs: number, toUs: number): Promise<StoredInstance | undefined> {
    return this.reader.call('otherInstanceOverlapping', host, instanceId, fromUs, toUs);
  }
  provisionalCarbon(sinceUs: number): Promise<CarbonResult[]> {
    return this.reader.call('provisionalCarbon', sinceUs);
  }
}

const METHODS = new Set(['write', 'upsertHost', 'upsertHosts', 'writeCarbon', 'writeGridIntensity', 'listHosts', 'jobTotals', 'listJobs', 'hostSeries', 'jobSeries', 'hostEnergy', 'jobCarbon', 'jobCarbonMany', 'provisionalCarbon', 'otherInstanceOverlapping']);

if (!isMainThread && (workerData as { role?: string })?.role && parentPort) {
  const { file } = workerData as { file: string; role: string };
  const port = parentPort;
  let store: SqliteStore | undefined;
  let opening: Error | undefined;
  try {
    store = new SqliteStore(file);
  } catch (err) {
    opening = err as Error;
  }
  // One call at a time, in order: node:sqlite is synchronous, so each call completes before the next message is read.
  port.on('message', async (c: Call) => {
    const answer = (a: Answer) => port.postMessage(a);
    try {
      if (opening) throw opening;
      if (c.method === 'ready') return answer({ id: c.id, ok: true, value: true });
      if (c.method === 'close') {
        await store!.close();
        return answer({ id: c.id, ok: true, value: undefined });
      }
      if (!METHODS.has(c.method)) throw new Error(`no method ${c.method}`);
      const value = await (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[c.method]!(...c.args);
      answer({ id: c.id, ok: true, value });
    } catch (err) {
      const e = err as Error;
      answer({ id: c.id, ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(err) });
    }
  });
}
