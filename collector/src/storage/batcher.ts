// Batches points from many write() calls into few requests: a batch leaves
// when it is full or its oldest point has waited flushIntervalMs. Each caller's
// promise settles only when all of its points were accepted (or a batch holding
// them failed for good). Failures worth retrying (5xx, timeouts, network) are
// retried with exponential backoff; past giveUpMs the callers are rejected, so
// the ingest server never acks and agents replay from their spools later.
// Backpressure: at most maxPending points wait; further callers wait for room.

import { backoffMs as backoff } from '@wattprint/proto';

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Reject the batch's callers once retrying would pass this long. */
  giveUpMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 200, maxMs: 10_000, giveUpMs: 60_000 };

/** Delay before retry number `attempt` (0-based): exponential, capped, jittered into [½, 1] of the step. */
export function backoffMs(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  return backoff(attempt, p, random);
}

export interface BatcherOptions<T> {
  batchSize: number;
  flushIntervalMs: number;
  maxPending: number;
  retry: RetryPolicy;
  send(items: T[]): Promise<void>;
  retryable(err: unknown): boolean;
  log?: (msg: string) => void;
}

export interface BatcherStats {
  /** Items accepted by the backend. */
  sent: number;
  batches: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Batches whose callers were rejected. */
  failedBatches: number;
  /** Times a caller had to wait for room (backpressure). */
  waits: number;
  /** Queued plus in flight. */
  pending: number;
  lastError: string | undefined;
}

interface Ticket {
  left: number;
  settled: boolean;
  resolve(): void;
  reject(err: Error): void;
}

interface Entry<T> {
  item: T;
  ticket: Ticket;
  atMs: number;
}

export class Batcher<T> {
  private readonly opts: BatcherOptions<T>;
  private queue: Entry<T>[] = [];
  private inFlight = 0;
  private sending = false;
  private flushAll = false;
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly stopRetrying = new AbortController();
  private readonly counters = { sent: 0, batches: 0, retries: 0, failedBatches: 0, waits: 0, lastError: undefined as string | undefined };

  constructor(opts: BatcherOptions<T>) {
    for (const k of ['batchSize', 'maxPending'] as const) {
      if (!Number.isSafeInteger(opts[k]) || opts[k] < 1) throw new RangeError(`batcher: ${k} must be a positive integer, got ${opts[k]}`);
    }
    if (!(opts.flushIntervalMs >= 0)) throw new RangeError(`batcher: flushIntervalMs must be >= 0, got ${opts.flushIntervalMs}`);
    this.opts = opts;
  }

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  stats(): BatcherStats {
    return { ...this.counters, pending: this.pending };
  }

  /** Resolves once every item is accepted by the backend; rejects if any of them could not be. */
  async add(items: T[]): Promise<void> {
    if (this.closing) throw new Error('sink is closing: write refused');
    if (items.length === 0) return;
    // A write larger than maxPending still goes through alone, or it would wait forever.
    while (this.pending > 0 && this.pending + items.length > this.opts.maxPending) {
      this.counters.waits++;
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
      if (this.closing) throw new Error('sink is closing: write refused');
    }
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { left: items.length, settled: false, resolve, reject };
      const atMs = Date.now();
      for (const item of items) this.queue.push({ item, ticket, atMs });
      this.pump();
    });
  }

  /** Sends everything queued now and resolves when nothing is pending. */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    this.flushAll = true;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.pump();
    await idle;
  }

  /** Flushes with one attempt per batch (no retries), then refuses writes. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopRetrying.abort();
    for (const w of this.roomWaiters.splice(0)) w();
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.sending || this.queue.length === 0) return;
    const dueMs = this.queue[0]!.atMs + this.opts.flushIntervalMs;
    const now = Date.now();
    if (this.queue.length >= this.opts.batchSize || this.flushAll || this.closing || now >= dueMs) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.sendNext();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, dueMs - now);
    }
  }

  private async sendNext(): Promise<void> {
    this.sending = true;
    const batch = this.queue.splice(0, this.opts.batchSize);
    this.inFlight = batch.length;
    try {
      await this.sendWithRetry(batch.map((e) => e.item));
      this.counters.sent += batch.length;
      this.counters.batches++;
      for (const e of batch) {
        if (--e.ticket.left === 0 && !e.ticket.settled) {
          e.ticket.settled = true;
          e.ticket.resolve();
        }
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.counters.failedBatches++;
      this.counters.lastError = error.message;
      this.opts.log?.(`batcher: ${batch.length} points not stored: ${error.message}`);
      for (const e of batch) {
        if (!e.ticket.settled) {
          e.ticket.settled = true;
          e.ticket.reject(error);
        }
      }
      // The rest of a failed caller's points go too: it was told the write failed and will replay it.
      this.queue = this.queue.filter((e) => !e.ticket.settled);
    } finally {
      this.inFlight = 0;
      this.sending = false;
      for (const w of this.roomWaiters.splice(0)) w();
      if (this.pending === 0) {
        this.flushAll = false;
        for (const w of this.idleWaiters.splice(0)) w();
      }
      this.pump();
    }
  }

  private async sendWithRetry(items: T[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.send(items);
        return;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (!this.opts.retryable(err) || this.closing) throw err;
        const wait = backoffMs(attempt, this.opts.retry);
        const spent = Date.now() - started;
        if (spent + wait > this.opts.retry.giveUpMs) {
          throw new Error(`gave up after ${attempt + 1} attempts in ${(spent / 1000).toFixed(1)} s: ${msg}`, { cause: err });
        }
        this.counters.retries++;
        this.counters.lastError = msg;
        this.opts.log?.(`batcher: attempt ${attempt + 1} failed (${msg}); retrying in ${wait} ms`);
        await sleep(wait, this.stopRetrying.signal);
        if (this.closing) throw new Error(`sink closed while retrying: ${msg}`, { cause: err });
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
