// The carbon stage inside the running collector. After each durable write of
// attribution results, ingest hands them here (onStored) and goes on: the
// carbon is computed and written in the background, one batch at a time, so a
// slow provider or a failed write never holds an ack back. Every few minutes
// the provisional figures still inside the restatement window are read back
// from the store and rewritten under the same keys when better data exists.
// A write that fails (storage locked or down) is retried a few times later.
import type { Inventory } from '@wattprint/proto';
import type { AttributionResult } from '../attribution/types.ts';
import type { CarbonWrite, HostRecord, Store } from '../storage/sink.ts';
import { carbonWrite } from './records.ts';
import type { CarbonStage } from './stage.ts';

export interface CarbonPipelineOptions {
  stage: CarbonStage;
  write: (c: CarbonWrite) => Promise<void>;
  store: Pick<Store, 'listHosts' | 'provisionalCarbon'>;
  log?: (m: string) => void;
  /** µs since the epoch. */
  now?: () => number;
  /** Waits before each retry of a failed write; then the batch is given up (default 1 s, 5 s, 30 s). */
  retryDelaysMs?: number[];
}

export interface CarbonPipelineCounters {
  /** Host batches computed and written. */
  batches: number;
  /** Job-interval figures written. */
  jobFigures: number;
  /** Batches given up (computing failed, or every write attempt); logged. */
  failures: number;
  /** Writes that failed and were scheduled again. */
  writeRetries: number;
  restateRuns: number;
  /** Host-interval results rewritten by restatement. */
  restated: number;
  restateFailures: number;
  /** Batches waiting. */
  pending: number;
}

export class CarbonPipeline {
  readonly counters: CarbonPipelineCounters = { batches: 0, jobFigures: 0, failures: 0, writeRetries: 0, restateRuns: 0, restated: 0, restateFailures: 0, pending: 0 };
  private readonly o: CarbonPipelineOptions;
  private readonly log: (m: string) => void;
  private readonly now: () => number;
  /** undefined: a host known to have no inventory (not looked up again until its Hello). */
  private readonly inventories = new Map<string, Inventory | undefined>();
  private tail: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly retryDelaysMs: number[];
  private restating = false;

  constructor(o: CarbonPipelineOptions) {
    this.o = o;
    this.log = o.log ?? ((m) => console.error(m));
    this.now = o.now ?? (() => Date.now() * 1000);
    this.retryDelaysMs = o.retryDelaysMs ?? [1000, 5000, 30_000];
  }

  /** Zone, PUE and cloud region come from the agent's Hello. */
  noteHost(h: HostRecord): void {
    this.inventories.set(h.host, h.inventory);
  }

  /** The ingest hook: queues the results and returns at once. Never throws. */
  onStored(results: readonly AttributionResult[]): void {
    const byHost = new Map<string, AttributionResult[]>();
    for (const r of results) {
      const list = byHost.get(r.host);
      if (list) list.push(r);
      else byHost.set(r.host, [r]);
    }
    for (const [host, batch] of byHost) this.enqueue(() => this.computeAndWrite(host, batch));
  }

  /** Resolves once everything queued so far (and queued meanwhile) is written; a write waiting to be retried is not waited for. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.tail) {
      seen = this.tail;
      await seen;
    }
  }

  /** Restates now (through the same queue as fresh figures); resolves with how many results were rewritten. */
  restateNow(): Promise<number> {
    return new Promise((resolve) => this.enqueue(async () => resolve(await this.restate())));
  }

  /** Starts the periodic restatement. */
  start(): void {
    const every = this.o.stage.restateEveryMs;
    this.timer = setInterval(() => {
      if (this.restating) return; // the previous run is still queued or running
      this.restating = true;
      void this.restateNow().finally(() => (this.restating = false));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
    if (this.retries.size > 0) {
      this.counters.failures += this.retries.size;
      this.log(`carbon: ${this.retries.size} batch(es) waiting for a retry were not written before shutdown`);
    }
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  private enqueue(job: () => Promise<void>): void {
    this.counters.pending++;
    this.tail = this.tail.then(async () => {
      try {
        await job();
      } finally {
        this.counters.pending--;
      }
    });
  }

  private async inventoryOf(host: string): Promise<Inventory | undefined> {
    if (!this.inventories.has(host)) {
      // Hello comes first on every stream; this is for a host seen only through the store.
      for (const h of await this.o.store.listHosts()) if (!this.inventories.has(h.host)) this.inventories.set(h.host, h.inventory);
      if (!this.inventories.has(host)) this.inventories.set(host, undefined);
    }
    return this.inventories.get(host);
  }

  private async computeAndWrite(host: string, results: AttributionResult[]): Promise<void> {
    try {
      const batch = await this.o.stage.computeBatch(results, await this.inventoryOf(host));
      if (batch.results.length === 0) return;
      await this.writeOrRetry(`host ${host}: ${results.length} interval(s) from ${results[0]?.startUs}`, carbonWrite(batch.results, batch.periods), 0);
    } catch (err) {
      this.counters.failures++;
      this.log(`carbon: host ${host}: no carbon stored for ${results.length} interval(s) from ${results[0]?.startUs}: ${(err as Error).message}`);
    }
  }

  private async writeOrRetry(what: string, rows: CarbonWrite, attempt: number): Promise<void> {
    try {
      await this.o.write(rows);
      this.counters.batches++;
      this.counters.jobFigures += rows.jobs.length;
    } catch (err) {
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined) {
        this.counters.failures++;
        this.log(`carbon: ${what}: no carbon stored after ${attempt + 1} attempt(s): ${(err as Error).message}`);
        return;
      }
      this.counters.writeRetries++;
      this.log(`carbon: ${what}: write failed (${(err as Error).message}); retrying in ${delay} ms`);
      const t = setTimeout(() => {
        this.retries.delete(t);
        this.enqueue(() => this.writeOrRetry(what, rows, attempt + 1));
      }, delay);
      t.unref();
      this.retries.add(t);
    }
  }

  private async restate(): Promise<number> {
    this.counters.restateRuns++;
    try {
      const stored = await this.o.store.provisionalCarbon(this.now() - this.o.stage.restateWindowUs);
      if (stored.length === 0) return 0;
      const batch = await this.o.stage.restateBatch(stored);
      if (batch.results.length === 0) return 0;
      await this.o.write(carbonWrite(batch.results, batch.periods));
      this.counters.restated += batch.results.length;
      return batch.results.length;
    } catch (err) {
      this.counters.restateFailures++;
      this.log(`carbon: restatement failed: ${(err as Error).message}`);
      return 0;
    }
  }
}
