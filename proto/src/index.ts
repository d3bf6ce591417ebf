// The wire protocol as TypeScript: static protobufjs code (no .proto parsing at
// run time) plus the gRPC service definition built from it.
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { wattprint } from '../gen/wattprint.js';

// 64-bit fields decode as plain numbers: seq and microsecond timestamps stay
// far below 2^53, and Long objects would leak into every consumer.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const v1 = wattprint.v1;

export const Report = v1.Report;
export const Hello = v1.Hello;
export const Ack = v1.Ack;
export const AgentMessage = v1.AgentMessage;
export const CollectorMessage = v1.CollectorMessage;
export const Domain = v1.Domain;
export const Source = v1.Source;
export const Quality = v1.Quality;

export type Report = wattprint.v1.IReport;
export type Hello = wattprint.v1.IHello;
export type Inventory = wattprint.v1.IInventory;
export type Ack = wattprint.v1.IAck;
export type Rejection = wattprint.v1.IRejection;
export type EnergyReading = wattprint.v1.IEnergyReading;
export type ProcessUsage = wattprint.v1.IProcessUsage;
export type GpuProcessUsage = wattprint.v1.IGpuProcessUsage;
export type JobProgress = wattprint.v1.IJobProgress;
export type SourceStatus = wattprint.v1.ISourceStatus;
export type AgentMessage = wattprint.v1.IAgentMessage;
export type CollectorMessage = wattprint.v1.ICollectorMessage;
export type Domain = wattprint.v1.Domain;
export type Source = wattprint.v1.Source;
export type Quality = wattprint.v1.Quality;

/** Lower-case names used in storage, the API and logs: DOMAIN_PACKAGE -> "package". */
export function domainName(d: Domain | null | undefined): string {
  return enumName(v1.Domain, d, 'DOMAIN_');
}
export function sourceName(s: Source | null | undefined): string {
  return enumName(v1.Source, s, 'SOURCE_');
}
export function qualityName(q: Quality | null | undefined): string {
  return enumName(v1.Quality, q, 'QUALITY_');
}
function enumName(e: Record<string, number | string>, value: number | null | undefined, prefix: string): string {
  const name = Object.keys(e).find((k) => e[k] === (value ?? 0));
  return name ? name.slice(prefix.length).toLowerCase() : 'unspecified';
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** gRPC service `wattprint.v1.Ingest`, serialised with the static code above. */
export { backoffMs, type Backoff } from './backoff.ts';

export const IngestService = {
  stream: {
    path: '/wattprint.v1.Ingest/Stream',
    requestStream: true,
    responseStream: true,
    // A Buffer is an AgentMessage encoded already (see reportFrame).
    requestSerialize: (m: AgentMessage | Buffer) => (Buffer.isBuffer(m) ? m : Buffer.from(v1.AgentMessage.encode(m).finish())),
    requestDeserialize: (b: Buffer) => v1.AgentMessage.decode(b),
    responseSerialize: (m: CollectorMessage) => Buffer.from(v1.CollectorMessage.encode(m).finish()),
    responseDeserialize: (b: Buffer) => v1.CollectorMessage.decode(b),
  },
} satisfies ServiceDefinition;

/** Protobuf JSON mapping of a report (enum names, 64-bit ints as strings). */
export function reportToJson(r: Report): Record<string, unknown> {
  return v1.Report.toObject(v1.Report.fromObject(r as Record<string, unknown>), {
    enums: String,
    longs: String,
    defaults: false,
    arrays: true,
    objects: true,
  });
}

export function encodeReport(r: Report): Uint8Array {
  return v1.Report.encode(r).finish();
}
export function decodeReport(b: Uint8Array): Report {
  return v1.Report.decode(b);
}

/**
 * An encoded AgentMessage{report} built from already-encoded Report bytes,
 * without decoding them: field 2, wire type 2, varint length, payload.
 */
export function reportFrame(reportBytes: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((2 << 3) | 2).bytes(reportBytes);
  return Buffer.from(w.finish());
}
export * from './limits.ts';
export * from './redact.ts';
