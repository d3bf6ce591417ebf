// Streams spooled reports to a collector over one bidirectional gRPC stream
// and frees them when the collector acknowledges a durable write.
//
// - Order: reports go out in seq order; after any failure the stream is
//   reopened and everything still unacknowledged is replayed from the spool.
// - Failover: each failure moves to the next address in the list; reconnects
//   wait an exponential backoff with full jitter, reset once a collector
//   answers the Hello.
// - Flow: at most `window` reports are in flight, and a write() that returns
//   false pauses sending until 'drain'.
// - Liveness: gRPC keepalive finds dead connections; an ack watchdog finds
//   live connections to a collector that stopped answering.
// - Size: a report whose frame exceeds the collector's message limit could
//   never be delivered and would block the stream forever, so it is sent
//   slimmed (energy kept, per-process detail dropped, flagged).
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { backoffMs, DEFAULT_MAX_MESSAGE_BYTES, IngestService, decodeReport, encodeReport, reportFrame, type CollectorMessage, type Hello, type Rejection } from '@wattprint/proto';
import type { Spool } from '../spool/spool.ts';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
  /** Name to verify in the collector's certificate when dialling by IP. */
  serverName?: string;
}

export interface UplinkOptions {
  addresses: string[];
  spool: Spool;
  hello: () => Hello;
  /** Required unless plaintext is explicitly chosen. */
  tls?: TlsFiles;
  plaintext?: boolean;
  /** Reports sent but not yet acknowledged, at most. */
  window?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** HTTP/2 keepalive ping period; a ping unanswered for keepaliveTimeoutMs drops the connection. */
  keepaliveMs?: number;
  keepaliveTimeoutMs?: number;
  /** Reopen the stream when reports are in flight and nothing was acknowledged for this long. */
  ackTimeoutMs?: number;
  /** Largest frame sent; lowered when a collector says its limit is smaller. */
  maxMessageBytes?: number;
  log?: (msg: string) => void;
  random?: () => number;
}

export interface UplinkStats {
  connected: boolean;
  address: string;
  sent: number;
  /** Highest seq acknowledged. */
  acked: number;
  rejected: number;
  reconnects: number;
  /** Reports sent without per-process detail because they were too large. */
  slimmed: number;
  maxMessageBytes: number;
}

type Settings = Required<Omit<UplinkOptions, 'tls' | 'plaintext'>> & Pick<UplinkOptions, 'tls' | 'plaintext'>;

const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');
const MIN_MESSAGE_BYTES = 64 * 1024;

/** Delay before reconnect attempt `attempt` (0-based): uniform in [0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return backoffMs(attempt, { initialMs: baseMs, maxMs, jitter: 1 }, random);
}

/** The collector's limit from grpc-js's "Received message larger than max (N vs M)". */
export function limitFromDetails(details: string): number | undefined {
  const m = /larger than max \(\d+ vs\.? (\d+)\)/.exec(details);
  return m ? Number(m[1]) : undefined;
}

/**
 * The report without per-process detail, so it fits any sane message limit.
 * Energy and host CPU time stay: the collector stores all of it as
 * unattributed, so conservation holds; a status entry says why.
 */
export function slimReport(payload: Uint8Array, why: string): Buffer {
  const r = decodeReport(payload);
  const processes = r.processes?.length ?? 0;
  const gpuProcesses = r.gpuProcesses?.length ?? 0;
  const slim = { ...r, processes: [], gpuProcesses: [], sources: [...(r.sources ?? []), { source: 'uplink', ok: false, reason: `${why}: per-process usage of ${processes} processes and ${gpuProcesses} GPU processes dropped; energy kept, unattributed`, fix: 'raise the collector\'s max message size' }] };
  return Buffer.from(encodeReport(slim));
}

export class Uplink {
  private readonly opts: Settings;
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<unknown, CollectorMessage> | undefined;
  private addressIndex = 0;
  private attempt = 0;
  private cursor = 0; // next seq to send on the current stream
  private helloAcked = false;
  private lastProgressMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onAppend = () => this.pump();
  readonly stats: UplinkStats;

  constructor(opts: UplinkOptions) {
    if (opts.addresses.length === 0) throw new Error('uplink: no collector address configured');
    if (!opts.tls && !opts.plaintext) throw new Error('uplink: TLS files are required; set plaintext: true to send unencrypted (loopback or trusted networks only)');
    this.opts = {
      window: 256,
      backoffBaseMs: 250,
      backoffMaxMs: 10_000,
      keepaliveMs: 30_000,
      keepaliveTimeoutMs: 10_000,
      ackTimeoutMs: 60_000,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
      log: (m) => console.error(m),
      random: Math.random,
      ...opts,
    };
    this.stats = { connected: false, address: '', sent: 0, acked: 0, rejected: 0, reconnects: 0, slimmed: 0, maxMessageBytes: this.opts.maxMessageBytes };
  }

  start(): void {
    this.opts.spool.on('append', this.onAppend);
    const period = Math.max(50, Math.floor(this.opts.ackTimeoutMs / 4));
    this.watchdog = setInterval(() => this.checkProgress(), period);
    this.watchdog.unref();
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.opts.spool.off('append', this.onAppend);
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdog) clearInterval(this.watchdog);
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.client?.close();
  }

  private credentials(): grpc.ChannelCredentials {
    const tls = this.opts.tls;
    if (!tls) return grpc.credentials.createInsecure();
    return grpc.credentials.createSsl(fs.readFileSync(tls.ca), fs.readFileSync(tls.key), fs.readFileSync(tls.cert));
  }

  private connect(): void {
    if (this.stopped) return;
    const address = this.opts.addresses[this.addressIndex % this.opts.addresses.length]!;
    this.stats.address = address;
    const options: grpc.ChannelOptions = {
      'grpc.keepalive_time_ms': this.opts.keepaliveMs,
      'grpc.keepalive_timeout_ms': this.opts.keepaliveTimeoutMs,
      'grpc.keepalive_permit_without_calls': 1,
      // Our own loop owns reconnects (with failover); the channel should not sit in its own backoff.
      'grpc.initial_reconnect_backoff_ms': this.opts.backoffBaseMs,
      'grpc.max_reconnect_backoff_ms': this.opts.backoffMaxMs,
    };
    if (this.opts.tls?.serverName) options['grpc.ssl_target_name_override'] = this.opts.tls.serverName;
    let creds: grpc.ChannelCredentials;
    try {
      creds = this.credentials();
    } catch (err) {
      this.opts.log(`uplink: cannot load TLS files: ${(err as Error).message}`);
      this.retry();
      return;
    }
    this.client?.close();
    this.client = new Client(address, creds, options);
    const call = (this.client as unknown as { stream: () => grpc.ClientDuplexStream<unknown, CollectorMessage> }).stream();
    this.call = call;
    this.helloAcked = false;
    this.lastProgressMs = Date.now();
    const fail = (why: string, code?: grpc.status, details = '') => {
      if (this.call !== call) return;
      this.call = undefined;
      this.stats.connected = false;
      if (code === grpc.status.RESOURCE_EXHAUSTED) this.lowerLimit(details);
      this.opts.log(`uplink: stream to ${address} ended (${why}); ${this.opts.spool.pending} reports held`);
      call.removeAllListeners('data');
      call.on('error', () => {}); // a late error from a cancelled call is expected
      call.cancel();
      this.addressIndex++;
      this.retry();
    };
    call.on('data', (msg: CollectorMessage) => this.onMessage(call, msg));
    call.on('error', (err: grpc.ServiceError) => fail(`${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`, err.code, err.details ?? ''));
    call.on('end', () => fail('closed by collector'));
    call.on('drain', () => this.pump());
    this.failCurrent = fail;
    call.write({ hello: this.opts.hello() });
    this.cursor = this.opts.spool.firstPendingSeq;
    this.pump();
  }

  private failCurrent: (why: string) => void = () => {};

  private onMessage(call: grpc.ClientDuplexStream<unknown, CollectorMessage>, msg: CollectorMessage): void {
    if (this.call !== call) return;
    this.lastProgressMs = Date.now();
    if (!this.helloAcked) {
      this.helloAcked = true;
      this.stats.connected = true;
      this.attempt = 0;
    }
    const ack = msg.ack;
    if (!ack) return;
    // Never settle what this stream did not send, whatever the collector says.
    const seq = Math.min(Number(ack.seq ?? 0), this.cursor - 1);
    for (const r of ack.rejected ?? []) this.onRejected(r);
    if (seq > 0) {
      this.stats.acked = Math.max(this.stats.acked, seq);
      this.opts.spool.ack(seq);
    }
    this.pump();
  }

  private onRejected(r: Rejection): void {
    this.stats.rejected++;
    this.opts.log(`uplink: collector rejected report ${r.seq}: ${r.code}: ${r.message}`);
    if (r.code !== 'too_large') return;
    // The collector will never take it whole; keep its energy by spooling a
    // slim copy (same interval, new seq) before the ack frees the original.
    const [rec] = this.opts.spool.read(Number(r.seq), 1);
    if (!rec || rec.seq !== Number(r.seq)) return;
    const slim = slimReport(rec.payload, `report ${rec.seq} rejected as too large`);
    this.opts.spool.append((seq) => encodeReport({ ...decodeReport(slim), seq }));
    this.stats.slimmed++;
  }

  /** Sends spooled reports in order while the window and the socket allow. */
  private pump(): void {
    const call = this.call;
    if (!call) return;
    const spool = this.opts.spool;
    this.cursor = Math.max(this.cursor, spool.firstPendingSeq);
    for (;;) {
      const room = this.opts.window - (this.cursor - spool.firstPendingSeq);
      if (room <= 0 || this.cursor >= spool.nextSeq) return;
      const batch = spool.read(this.cursor, Math.min(64, room));
      if (batch.length === 0) return;
      for (const { seq, payload } of batch) {
        const flowing = call.write(this.frame(seq, payload));
        this.cursor = seq + 1;
        this.stats.sent++;
        if (!flowing) return; // resumes on 'drain'
      }
    }
  }

  private frame(seq: number, payload: Buffer): Buffer {
    const frame = reportFrame(payload);
    if (frame.length <= this.stats.maxMessageBytes) return frame;
    this.stats.slimmed++;
    this.opts.log(`uplink: report ${seq} is ${frame.length} bytes, above the ${this.stats.maxMessageBytes}-byte message limit; sending it without per-process detail`);
    return reportFrame(slimReport(payload, `report of ${frame.length} bytes above the ${this.stats.maxMessageBytes}-byte message limit`));
  }

  private lowerLimit(details: string): void {
    const said = limitFromDetails(details);
    // Trust a stated limit; without one, halve, but not below what any energy-only report needs.
    const next = said !== undefined && said >= 1024 ? said : Math.max(MIN_MESSAGE_BYTES, Math.floor(this.stats.maxMessageBytes / 2));
    if (next >= this.stats.maxMessageBytes) return;
    this.opts.log(`uplink: collector refused a message as too large; sending at most ${next} bytes per report from now on`);
    this.stats.maxMessageBytes = next;
  }

  private checkProgress(): void {
    if (!this.call) return;
    const waiting = !this.helloAcked || this.cursor > this.opts.spool.firstPendingSeq;
    if (waiting && Date.now() - this.lastProgressMs > this.opts.ackTimeoutMs) {
      this.failCurrent(`no answer from the collector for ${Math.round(this.opts.ackTimeoutMs / 1000)}s`);
    }
  }

  private retry(): void {
    if (this.stopped) return;
    this.stats.reconnects++;
    const delay = backoffDelay(this.attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random);
    this.attempt++;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
