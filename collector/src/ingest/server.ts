// gRPC ingest: one bidirectional stream per agent. Each report is validated,
// attributed and written; its seq is acknowledged only after the sink said
// the write is durable. Bad reports are rejected by seq with a code, and the
// stream stays open. Collectors keep no per-agent state that correctness
// depends on: the host binding and seq order live in the stream alone.
import * as grpc from '@grpc/grpc-js';
import { IngestService, type AgentMessage, type CollectorMessage, type Rejection, type Report } from '@wattprint/proto';
import { attribute, type AttributionPolicy } from '../attribution/attribute.ts';
import type { AttributionResult } from '../attribution/types.ts';
import type { Sink } from '../storage/sink.ts';
import { DEFAULT_LIMITS, validateReport, type IngestLimits } from './validate.ts';

export interface IngestCounters {
  reportsAccepted: number;
  reportsRejected: Record<string, number>;
  writeFailures: number;
  streamsOpen: number;
}

export interface IngestOptions {
  sink: Sink;
  limits?: IngestLimits;
  policy?: AttributionPolicy;
  /** Host names a peer certificate may speak for; undefined for plaintext. */
  identityOf?: (call: grpc.ServerDuplexStream<AgentMessage, CollectorMessage>) => string | undefined;
  /** Hook run on every stored result (carbon, alerts, live view). */
  onStored?: (results: AttributionResult[]) => void;
  log?: (msg: string) => void;
  now?: () => number;
  maxBatch?: number;
}

export function createIngestHandler(opts: IngestOptions) {
  const counters: IngestCounters = { reportsAccepted: 0, reportsRejected: {}, writeFailures: 0, streamsOpen: 0 };
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const log = opts.log ?? ((m: string) => console.error(m));
  const now = opts.now ?? (() => Date.now() * 1000);
  const maxBatch = opts.maxBatch ?? 256;

  const reject = (rejected: Rejection[], seq: number, code: string, message: string) => {
    counters.reportsRejected[code] = (counters.reportsRejected[code] ?? 0) + 1;
    rejected.push({ seq, code, message });
    log(`ingest: rejected report ${seq}: ${code}: ${message}`);
  };

  const stream = (call: grpc.ServerDuplexStream<AgentMessage, CollectorMessage>) => {
    counters.streamsOpen++;
    let host: string | undefined;
    let lastSeq = 0;
    const certHost = opts.identityOf?.(call);
    const queue: Report[] = [];
    let draining = false;
    let closed = false;

    const drain = async () => {
      if (draining) return;
      draining = true;
      try {
        while (queue.length > 0 && !closed) {
          const batch = queue.splice(0, maxBatch);
          const rejected: Rejection[] = [];
          const results: AttributionResult[] = [];
          let highest = 0;
          for (const r of batch) {
            const seq = Number(r.seq ?? 0);
            if (r.host !== host) {
              reject(rejected, seq, 'wrong_host', `report for host "${r.host}" on a stream opened for "${host}"`);
            } else if (seq <= lastSeq) {
              reject(rejected, seq, 'seq_regression', `seq ${seq} after ${lastSeq} on this stream`);
              continue; // never lower the ack
            } else {
              const bad = validateReport(r, now(), limits);
              if (bad) reject(rejected, seq, bad.code, bad.message);
              else results.push(attribute(r, opts.policy));
            }
            lastSeq = Math.max(lastSeq, seq);
            highest = Math.max(highest, seq);
          }
          if (results.length > 0) {
            try {
              await opts.sink.write(results);
            } catch (err) {
              // Not stored: no ack. Close the stream so the agent replays from its spool.
              counters.writeFailures++;
              log(`ingest: ${opts.sink.name} write failed (${(err as Error).message}); closing the stream unacknowledged`);
              closed = true;
              call.emit('error', { code: grpc.status.UNAVAILABLE, details: `storage unavailable: ${(err as Error).message}` });
              call.destroy?.();
              return;
            }
            counters.reportsAccepted += results.length;
            opts.onStored?.(results);
          }
          if (highest > 0 && !closed) call.write({ ack: { seq: highest, rejected } });
        }
      } finally {
        draining = false;
      }
    };

    call.on('data', (msg: AgentMessage) => {
      if (closed) return;
      if (msg.hello) {
        const h = msg.hello;
        if (!h.host) return fail(grpc.status.INVALID_ARGUMENT, 'hello without host');
        if (certHost !== undefined && certHost !== h.host) return fail(grpc.status.PERMISSION_DENIED, `certificate is for "${certHost}", not "${h.host}"`);
        host = h.host;
        lastSeq = Math.max(Number(h.resumeSeq ?? 1) - 1, 0);
        opts.sink.upsertHost({ host: h.host, agentVersion: h.agentVersion ?? '', inventory: h.inventory ?? {}, seenUs: now() }).catch((err) => log(`ingest: cannot store host ${h.host}: ${(err as Error).message}`));
        return;
      }
      if (msg.report) {
        if (!host) return fail(grpc.status.FAILED_PRECONDITION, 'report before hello');
        queue.push(msg.report);
        void drain();
      }
    });
    const fail = (code: grpc.status, details: string) => {
      log(`ingest: closing stream: ${details}`);
      closed = true;
      call.emit('error', { code, details });
    };
    call.on('end', () => {
      closed = true;
      call.end();
    });
    call.on('error', () => {
      closed = true;
    });
    call.on('close', () => {
      closed = true;
      counters.streamsOpen--;
    });
  };

  return { stream, counters };
}

export interface IngestServer {
  server: grpc.Server;
  port: number;
  counters: IngestCounters;
  stop(): Promise<void>;
}

export async function startIngestServer(address: string, credentials: grpc.ServerCredentials, opts: IngestOptions & { maxMessageBytes?: number }): Promise<IngestServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes ?? 4 * 1024 * 1024,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  });
  const handler = createIngestHandler(opts);
  server.addService(IngestService, { stream: handler.stream });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return {
    server,
    port,
    counters: handler.counters,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000).unref();
      }),
  };
}
