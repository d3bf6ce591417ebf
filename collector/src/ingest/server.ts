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
import { AgentMessage as AgentMessageCodec, checkHelloFields, DEFAULT_MAX_MESSAGE_BYTES, IngestService, type AgentMessage, type CollectorMessage, type Rejection, type Report } from '@wattprint/proto';
import { attribute, type AttributionContext } from '../attribution/attribute.ts';
import type { AttributionResult } from '../attribution/types.ts';
import type { Sink } from '../storage/sink.ts';
import { GroupWriter } from './group-writer.ts';
import { DEFAULT_LIMITS, screenReadings, validateReport, type IngestLimits } from './validate.ts';
import { addQuarantined, withoutQuarantined } from './quarantine.ts';

export interface IngestCounters {
  reportsAccepted: number;
  /** Reports rejected, by Rejection code. */
  reportsRejected: Record<string, number>;
  /** Readings quarantined (stored apart, flagged, joules unattributed) in reports otherwise stored, by code. */
  readingsQuarantined?: Record<string, number>;
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

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

/**
 * Host names a TLS peer certificate vouches for: its DNS SANs, and only when
 * it carries the clientAuth extended key usage (a server certificate cannot
 * speak for a host). The CN is not a host name (RFC 6125).
 */
export function certificateHostNames(cert: { subject?: { CN?: string | string[] }; subjectaltname?: string; ext_key_usage?: string[] } | undefined): string[] {
  if (!cert) return [];
  if (!cert.ext_key_usage?.includes(CLIENT_AUTH_EKU)) return [];
  const names = new Set<string>();
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
  const counters: IngestCounters = { reportsAccepted: 0, reportsRejected: {}, readingsQuarantined: {}, streamsRefused: {}, writeFailures: 0, streamsOpen: 0 };
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
    let instanceId = '';
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
            // Without a host or a seq the report cannot be placed: bad_identity, and the ack does not move.
            if (!r.host || !seq || !Number.isSafeInteger(seq)) {
              reject(rejected, Number.isSafeInteger(seq) ? seq : 0, host, 'bad_identity', !r.host ? 'report has no host' : `report has no usable seq (${r.seq})`);
              continue;
            }
            if (seq <= lastSeq) {
              reject(rejected, seq, host, 'seq_regression', `seq ${seq} after ${lastSeq} on this stream`);
              continue; // never moves the ack
            }
            lastSeq = highest = seq;
            if (r.host !== host) {
              const shown = String(r.host).length > 64 ? `${JSON.stringify(String(r.host).slice(0, 64))}… (${String(r.host).length} characters)` : JSON.stringify(r.host);
              reject(rejected, seq, host, 'wrong_host', `report for host ${shown} on a stream opened for "${host}"`);
              continue;
            }
            const bad = validateReport(r, now(), limits);
            if (bad) {
              reject(rejected, seq, host, bad.code, bad.message);
              continue;
            }
            // One agent per host: an interval another instance already stored is refused, never added.
            if (instanceId && opts.sink.otherInstanceOverlapping) {
              let other;
              try {
                // The window reaches one interval back: the incumbent's previous interval is
                // committed by now on whichever collector took it, so the verdict does not
                // hang on which of two collectors commits first.
                const startUs = Number(r.startUs);
                const endUs = Number(r.endUs);
                other = await opts.sink.otherInstanceOverlapping(host!, instanceId, startUs - (endUs - startUs), endUs);
              } catch (err) {
                counters.writeFailures++;
                fail(grpc.status.UNAVAILABLE, 'storage', `storage unavailable (${opts.sink.name}: ${(err as Error).message}) checking report ${seq}; nothing acknowledged, the agent keeps its reports`);
                return;
              }
              if (other) {
                reject(rejected, seq, host, 'duplicate_agent', `interval ${r.startUs}..${r.endUs} of host "${r.host}" overlaps (or directly follows) ${other.startUs}..${other.endUs}, stored by agent instance ${other.instanceId}; this one is ${instanceId}: two agents for one host (stop one, or give each its own --host)`);
                continue;
              }
            }
            const quarantined = screenReadings(r, limits);
            for (const q of quarantined) {
              const byCode = (counters.readingsQuarantined ??= {});
              byCode[q.code] = (byCode[q.code] ?? 0) + 1;
              log(`ingest: quarantined a reading of report ${seq} from ${host}: ${q.code}: ${q.message}; the rest of the report is stored`);
            }
            const clean = withoutQuarantined(r, quarantined);
            let ctx: AttributionContext | undefined;
            try {
              ctx = await opts.context?.(clean);
            } catch (err) {
              // The shared registry lives in the store: unreachable store, not our bug.
              counters.writeFailures++;
              fail(grpc.status.UNAVAILABLE, 'storage', `job registrations unavailable (${opts.sink.name}: ${(err as Error).message}); nothing acknowledged, the agent keeps its reports`);
              return;
            }
            try {
              const result = addQuarantined(attribute(clean, ctx), r, quarantined);
              results.push(instanceId ? { ...result, instanceId } : result);
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

    call.on('data', (msg: AgentMessage & { undecodable?: string }) => {
      if (closed) return;
      if (msg.undecodable !== undefined) return fail(grpc.status.INVALID_ARGUMENT, 'undecodable', `undecodable message: ${msg.undecodable}`);
      if (msg.hello) {
        const h = msg.hello;
        if (host !== undefined) return fail(grpc.status.INVALID_ARGUMENT, 'protocol', 'a second Hello on one stream');
        if (!h.host) return fail(grpc.status.INVALID_ARGUMENT, 'protocol', 'Hello without a host');
        const badHello = checkHelloFields(h);
        if (badHello) return fail(grpc.status.INVALID_ARGUMENT, 'invalid_hello', `Hello refused: ${badHello.code}: ${badHello.message}`);
        if (names !== undefined && !names.includes(h.host)) {
          return fail(grpc.status.PERMISSION_DENIED, 'wrong_host', `wrong_host: the client certificate is for ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no host name'}, not "${h.host}"`);
        }
        host = h.host;
        instanceId = h.instanceId ?? '';
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
  // An undecodable frame is the agent's fault, not ours: INVALID_ARGUMENT, not grpc-js's INTERNAL.
  const service = {
    stream: {
      ...IngestService.stream,
      requestDeserialize: (b: Buffer): AgentMessage => {
        try {
          return AgentMessageCodec.decode(b);
        } catch (err) {
          return { undecodable: (err as Error).message } as AgentMessage;
        }
      },
    },
  };
  server.addService(service, { stream: handler.stream });
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
