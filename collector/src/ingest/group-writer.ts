// Group commit: streams hand in their attribution results and wait; one sink
// write at a time carries everything that queued up meanwhile, so a thousand
// agents cost a few durable transactions per second, not a thousand. Each
// caller's promise settles with the write that carried its results, so an
// ack still follows its own durable write.
import type { AttributionResult } from '../attribution/types.ts';
import type { Sink } from '../storage/sink.ts';

interface Waiter {
  results: AttributionResult[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class GroupWriter {
  private readonly sink: Sink;
  private readonly maxResults: number;
  private readonly maxInFlight: number;
  private queue: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Sink writes done, and results they carried (for the bench and metrics). */
  writes = 0;
  results = 0;

  /** maxInFlight: group writes at once (a batching sink merges them into fewer, fuller requests); default the sink's concurrentWrites or 1. */
  constructor(sink: Sink, maxResults = 256, maxInFlight = sink.concurrentWrites ?? 1) {
    this.sink = sink;
    this.maxResults = maxResults;
    this.maxInFlight = Math.max(1, maxInFlight);
  }

  write(results: AttributionResult[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ results, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the other streams' pending messages arrive first: a synchronous
    // sink (SQLite) would otherwise commit one stream at a time.
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      // Take whole waiters up to maxResults (always at least one).
      let n = 0;
      let count = 0;
      while (n < this.queue.length && (n === 0 || count + this.queue[n]!.results.length <= this.maxResults)) count += this.queue[n++]!.results.length;
      const group = this.queue.splice(0, n);
      this.inFlight++;
      this.sink.write(group.flatMap((w) => w.results)).then(
        () => {
          this.writes++;
          this.results += count;
          for (const w of group) w.resolve();
        },
        (err: Error) => {
          for (const w of group) w.reject(err);
        },
      ).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }
}
