// Streams spooled reports to a collector over one bidirectional gRPC stream
// and frees them when the collector acknowledges a durable write. On any
// failure it reconnects with exponential backoff and full jitter, moving to
// the next address in the list, and replays everything still unacknowledged.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { IngestService, reportFrame, type CollectorMessage, type Hello } from '@wattprint/proto';
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
  log?: (msg: string) => void;
}

export interface UplinkStats {
  connected: boolean;
  address: string;
  sent: number;
  acked: number;
  rejected: number;
  reconnects: number;
}

const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');

export class Uplink {
  private readonly opts: Required<Omit<UplinkOptions, 'tls' | 'plaintext'>> & Pick<UplinkOptions, 'tls' | 'plaintext'>;
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<unknown, CollectorMessage> | undefined;
  private addressIndex = 0;
  private attempt = 0;
  private cursor = 0; // next seq to send on the current stream
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onAppend = () => this.pump();
  readonly stats: UplinkStats = { connected: false, address: '', sent: 0, acked: 0, rejected: 0, reconnects: 0 };

  constructor(opts: UplinkOptions) {
    if (opts.addresses.length === 0) throw new Error('uplink: no collector address configured');
    if (!opts.tls && !opts.plaintext) throw new Error('uplink: TLS files are required; set plaintext: true to send unencrypted (loopback or trusted networks only)');
    this.opts = { window: 256, backoffBaseMs: 250, backoffMaxMs: 30_000, log: (m) => console.error(m), ...opts };
  }

  start(): void {
    this.opts.spool.on('append', this.onAppend);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.opts.spool.off('append', this.onAppend);
    if (this.timer) clearTimeout(this.timer);
    this.call?.cancel();
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
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 5_000,
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
    let settled = false;
    const fail = (why: string) => {
      if (settled || this.call !== call) return;
      settled = true;
      this.stats.connected = false;
      this.opts.log(`uplink: stream to ${address} ended (${why}); ${this.opts.spool.stats().pending} reports held`);
      call.removeAllListeners('data');
      call.cancel();
      this.call = undefined;
      this.addressIndex++;
      this.retry();
    };
    call.on('data', (msg: CollectorMessage) => {
      if (!this.stats.connected) {
        this.stats.connected = true;
        this.attempt = 0;
      }
      const ack = msg.ack;
      if (!ack) return;
      for (const r of ack.rejected ?? []) {
        this.stats.rejected++;
        this.opts.log(`uplink: collector rejected report ${r.seq}: ${r.code}: ${r.message}`);
      }
      const seq = Number(ack.seq ?? 0);
      if (seq > 0) {
        this.stats.acked = seq;
        this.opts.spool.ack(seq);
        this.pump();
      }
    });
    call.on('error', (err: grpc.ServiceError) => fail(`${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`));
    call.on('end', () => fail('closed by collector'));
    call.on('drain', () => this.pump());
    call.write({ hello: this.opts.hello() });
    this.cursor = this.opts.spool.firstPendingSeq;
    this.pump();
  }

  /** Sends spooled reports in order while the window and the socket allow. */
  private pump(): void {
    const call = this.call;
    if (!call) return;
    const spool = this.opts.spool;
    this.cursor = Math.max(this.cursor, spool.firstPendingSeq);
    while (this.cursor < spool.nextSeq && this.cursor - spool.firstPendingSeq < this.opts.window) {
      const batch = spool.read(this.cursor, Math.min(64, this.opts.window));
      if (batch.length === 0) break;
      let flowing = true;
      for (const { seq, payload } of batch) {
        flowing = call.write(reportFrame(payload));
        this.cursor = seq + 1;
        this.stats.sent++;
        if (!flowing) break;
      }
      if (!flowing) return; // resumes on 'drain'
    }
  }

  private retry(): void {
    if (this.stopped) return;
    this.stats.reconnects++;
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    const delay = Math.random() * cap; // full jitter
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref?.();
  }
}

