// gRPC ingest: one bidirectional stream per agent. Each report is validated,
// attributed and written; its seq is acknowledged only after the sink said
// the write is durable. A bad report is rejected by seq with a code and a
// counter, and the stream stays open. A storage failure closes the stream
// unacknowledged (UNAVAILABLE), so the agent keeps the data and replays it.
//
// Collectors keep no per-agent state that correctness depends on: the host
// binding and the seq order live in the stream alone, and writes are
// idempotent, so any collector can take any agent's stream at any time.
import * as grpc from '@grpc/grpc-js';
import { DEFAULT_MAX_MESSAGE_BYTES, IngestService, type AgentMessage, type CollectorMessage, type Rejection, type Report } from '@wattprint/proto';
import { attribute, type AttributionContext } from '../attribution/attribute.ts';
import type { AttributionResult } from '../attribution/types.ts';
import type { Sink } from '../storage/sink.ts';
import { GroupWriter } from './group-writer.ts';
import { DEFAULT_LIMITS, validateReport, type IngestLimits } from './validate.ts';

export interface IngestCounters {
  reportsAccepted: number;
  /** Reports rejected, by Rejection code. */
  reportsRejected: Record<string, number>;
  /** Streams closed by the collector, by reason ("wrong_host", "storage", ...). */
  streamsRefused: Record<string, number>;
  writeFailures: number;
  streamsOpen: number;
}

export type IngestCall = grpc.ServerDuplexStream<AgentMessage, CollectorMessage>;

export interface IngestOptions {
  sink: Sink;
  limits?: IngestLimits;
  /**
   * What attribution needs besides the report (policy, registrations, idle
   * baselines). It must not depend on which collector runs it, or two
   * collectors would store different rows for one report.
   */
  /** May be async: a registry shared through the store is read before attributing. */
  context?: (report: Report) => AttributionContext | Promise<AttributionContext>;
  /**
   * Host names the peer's client certificate may speak for; undefined means
   * no binding (plaintext, explicitly configured).
   */
  identityOf?: (call: IngestCall) => string[] | undefined;
  /** Hook run on every stored result (carbon, alerts, live view). */
  onStored?: (results: AttributionResult[]) => void;
  log?: (msg: string) => void;
  /** Collector clock, µs since the epoch. */
  now?: () => number;
  /** Reports taken from one stream per write. */
  maxBatch?: number;
}

/** Host names a TLS peer certificate vouches for: its CN and its DNS SANs. */
export function certificateHostNames(cert: { subject?: { CN?: string | string[] }; subjectaltname?: string } | undefined): string[] {
  if (!cert) return [];
  const names = new Set<string>();
  const cn = cert.subject?.CN;
  for (const c of Array.isArray(cn) ? cn : cn ? [cn] : []) names.add(c);
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*DNS:(.+?)\s*$/.exec(part);
    if (m) names.add(m[1]!);
  }
  return [...names];
}

/** identityOf for mTLS: the names in the verified client certificate (none if there is none). */
export function peerCertificateIdentity(call: IngestCall): string[] {
  const ctx = call.getAuthContext?.();
  return certificateHostNames(ctx?.sslPeerCertificate as Parameters<typeof certificateHostNames>[0]);
}

export function createIngestHandler(opts: IngestOptions) {
  const counters: IngestCounters = { reportsAccepted: 0, reportsRejected: {}, streamsRefused: {}, writeFailures: 0, streamsOpen: 0 };
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const log = opts.log ?? ((m: string) => console.error(m));
  const now = opts.now ?? (() => Date.now() * 1000);
  const maxBatch = opts.maxBatch ?? 256;
  const writer = new GroupWriter(opts.sink);

  const reject = (rejected: Rejection[], seq: number, host: string | undefined, code: string, message: string) => {
    counters.reportsRejected[code] = (counters.reportsRejected[code] ?? 0) + 1;
    rejected.push({ seq, code, message });
    log(`ingest: rejected report ${seq} from ${host}: ${code}: ${message}`);
  };

  const stream = (call: IngestCall) => {
    counters.streamsOpen++;
    const names = opts.identityOf?.(call);
    let host: string | undefined;
    let lastSeq = 0;
    const queue: Report[] = [];
    let processing = false;
    let ended = false;
    let closed = false;

    const fail = (code: grpc.status, reason: string, details: string) => {
      if (closed) return;
      closed = true;
      queue.length = 0;
      counters.streamsRefused[reason] = (counters.streamsRefused[reason] ?? 0) + 1;
      log(`ingest: closing stream from ${host ?? call.getPeer()}: ${details}`);
      call.emit('error', { code, details });
    };

    const process = async () => {
      if (processing) return;
      processing = true;
      try {
        while (queue.length > 0 && !closed) {
          const batch = queue.splice(0, maxBatch);
          if (call.isPaused()) call.resume();
          const rejected: Rejection[] = [];
          const results: AttributionResult[] = [];
          let highest = 0;
          for (const r of batch) {
            const seq = Number(r.seq ?? 0);
            if (seq <= lastSeq) {
              reject(rejected, seq, host, 'seq_regression', `seq ${seq} after ${lastSeq} on this stream`);
              continue; // never moves the ack
            }
            lastSeq = highest = seq;
            if (r.host !== host) {
              reject(rejected, seq, host, 'wrong_host', `report for host "${r.host}" on a stream opened for "${host}"`);
              continue;
            }
            const bad = validateReport(r, now(), limits);
            if (bad) {
              reject(rejected, seq, host, bad.code, bad.message);
              continue;
            }
            let ctx: AttributionContext | undefined;
            try {
              ctx = await opts.context?.(r);
            } catch (err) {
              // The shared registry lives in the store: unreachable store, not our bug.
              counters.writeFailures++;
              fail(grpc.status.UNAVAILABLE, 'storage', `job registrations unavailable (${opts.sink.name}: ${(err as Error).message}); nothing acknowledged, the agent keeps its reports`);
              return;
            }
            try {
              results.push(attribute(r, ctx));
            } catch (err) {
              // Our bug, not the agent's: keep the report in its spool until a fixed collector takes it.
              fail(grpc.status.INTERNAL, 'attribution', `attribution of report ${seq} failed: ${(err as Error).message}`);
              return;
            }
          }
          if (results.length > 0) {
            try {
              await writer.write(results);
            } catch (err) {
              counters.writeFailures++;
              fail(grpc.status.UNAVAILABLE, 'storage', `storage unavailable (${opts.sink.name}: ${(err as Error).message}); nothing acknowledged, the agent keeps its reports`);
              return;
            }
            counters.reportsAccepted += results.length;
            opts.onStored?.(results);
          }
          if (closed) return;
          if (highest > 0 || rejected.length > 0) call.write({ ack: { seq: highest || lastSeq, rejected } });
        }
      } finally {
        processing = false;
      }
      if (ended && !closed && queue.length === 0) {
        closed = true;
        call.end();
      }
    };

    call.on('data', (msg: AgentMessage) => {
      if (closed) return;
      if (msg.hello) {
        const h = msg.hello;
        if (host !== undefined) return fail(grpc.status.INVALID_ARGUMENT, 'protocol', 'a second Hello on one stream');
        if (!h.host) return fail(grpc.status.INVALID_ARGUMENT, 'protocol', 'Hello without a host');
        if (names !== undefined && !names.includes(h.host)) {
          return fail(grpc.status.PERMISSION_DENIED, 'wrong_host', `wrong_host: the client certificate is for ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no host name'}, not "${h.host}"`);
        }
        host = h.host;
        lastSeq = Math.max(Number(h.resumeSeq ?? 1) - 1, 0);
        opts.sink.upsertHost({ host: h.host, agentVersion: h.agentVersion ?? '', inventory: h.inventory ?? {}, seenUs: now() }).catch((err) => log(`ingest: cannot store host ${h.host}: ${(err as Error).message}`));
        // Echo what the agent says is settled: tells it the stream is accepted.
        call.write({ ack: { seq: lastSeq, rejected: [] } });
        return;
      }
      if (msg.report) {
        if (host === undefined) return fail(grpc.status.FAILED_PRECONDITION, 'protocol', 'a Report before the Hello');
        queue.push(msg.report);
        // Stop reading from an agent that outruns storage; its window holds the rest.
        if (queue.length >= 2 * maxBatch) call.pause();
        void process();
      }
      // Any other body: a newer agent; ignore what we do not understand.
    });
    call.on('end', () => {
      ended = true;
      void process();
    });
    call.on('error', () => {
      closed = true;
    });
    call.on('cancelled', () => {
      closed = true;
    });
    call.on('close', () => {
      closed = true;
      counters.streamsOpen--;
    });
  };

  return { stream, counters, writer };
}

export interface IngestServer {
  server: grpc.Server;
  port: number;
  counters: IngestCounters;
  /** Group commits: sink writes done and the results they carried. */
  writer: { writes: number; results: number };
  stop(): Promise<void>;
}

export async function startIngestServer(address: string, credentials: grpc.ServerCredentials, opts: IngestOptions & { maxMessageBytes?: number }): Promise<IngestServer> {
  const server = new grpc.Server({
    // A larger message is refused by grpc-js with RESOURCE_EXHAUSTED; the agent then slims it.
    'grpc.max_receive_message_length': opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const handler = createIngestHandler(opts);
  server.addService(IngestService, { stream: handler.stream });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return {
    server,
    port,
    counters: handler.counters,
    writer: handler.writer,
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
