// A raw wire-protocol client for a collector's gRPC ingest (no agent code):
// send Hello and Reports (or raw frames), collect acks and the final status.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Domain, IngestService, Quality, Source, type CollectorMessage, type Report } from '@wattprint/proto';

const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');
// Sends Buffers as they are: lets a test put undecodable bytes on the wire.
const RawClient = grpc.makeGenericClientConstructor({ stream: { ...IngestService.stream, requestSerialize: (b: Buffer) => b } }, 'Ingest');

export interface IngestClient {
  call: grpc.ClientDuplexStream<unknown, CollectorMessage>;
  acks: NonNullable<CollectorMessage['ack']>[];
  status(): grpc.StatusObject | undefined;
  until(what: string, f: () => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openIngest(port: number, raw = false): IngestClient {
  const C = raw ? RawClient : Client;
  const client = new C(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  const call = (client as unknown as { stream: () => grpc.ClientDuplexStream<unknown, CollectorMessage> }).stream();
  const acks: NonNullable<CollectorMessage['ack']>[] = [];
  let status: grpc.StatusObject | undefined;
  call.on('data', (m: CollectorMessage) => m.ack && acks.push(m.ack));
  call.on('error', () => {});
  call.on('status', (s: grpc.StatusObject) => (status = s));
  const until = async (what: string, f: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!f() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(f(), `timed out waiting for ${what}; acks ${JSON.stringify(acks).slice(0, 2000)}; status ${JSON.stringify(status)}`);
  };
  return { call, acks, status: () => status, until, close: () => (call.end(), client.close()) };
}

/** One second of a valid report from `host`, ending a little before now. */
export function validReport(host: string, seq: number, over: Partial<Report> = {}): Report {
  const start = Math.floor(Date.now() / 1000) * 1e6 - 200e6 + seq * 1e6;
  return {
    host,
    seq,
    startUs: start,
    endUs: start + 1e6,
    energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 50, flags: [] }],
    processes: [{ pid: 4242, startTimeUs: start - 60e6, ppid: 1, jobId: 'valid-job', jobSource: 'env', labels: { task: 'sst2' }, cpuSeconds: 0.5 }],
    cpuBusySeconds: 1,
    cpuIdleSeconds: 3,
    cpuCount: 4,
    ...over,
  };
}

/** Every rejection in the acks so far, as "seq:code". */
export function rejections(c: IngestClient): string[] {
  return c.acks.flatMap((a) => a.rejected ?? []).map((r) => `${Number(r.seq)}:${r.code}`);
}
