// Durable, bounded write-ahead spool of encoded Reports.
//
// Layout of the spool directory:
//   seg-<first seq, 16 digits>.wal  records, appended and fsynced before a report is sent
//   settled                          the highest seq that needs no more sending (acked by a
//                                    collector, or dropped to stay within bounds), fsynced
//
// A record is [magic u32][length u32][seq u64][appended ms u64][crc32 u32][payload]; the
// CRC covers length, seq, time and payload. After a SIGKILL the tail of the newest segment
// may hold a torn record: recovery stops trusting a segment at the first bad record, looks
// for the next valid magic (so one corrupt record never hides the ones after it) and cuts a
// torn tail off. A restarted agent always appends to a fresh segment, so a recovered file is
// never written again, and a segment is deleted only once every record in it is settled and
// the settled mark is durable, so sequence numbers never go backwards.
import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { crc32 } from 'node:zlib';

export const RECORD_MAGIC = 0x57505331; // "WPS1"
export const RECORD_HEADER_BYTES = 28;
/** Longest payload the spool accepts; anything larger is a bug upstream, not a report. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const SEGMENT_RE = /^seg-(\d{16})\.wal$/;

export interface SpoolOptions {
  dir: string;
  /** Largest total size on disk; when exceeded the oldest segments are dropped. */
  maxBytes?: number;
  /** Oldest record kept, by append time; older unsent records are dropped. */
  maxAgeMs?: number;
  /** Segment size; defaults to min(4 MiB, maxBytes / 8) so dropping stays fine-grained. */
  segmentBytes?: number;
  /** fdatasync every append (default true). Off only for benchmarks. */
  sync?: boolean;
  log?: (msg: string) => void;
  now?: () => number;
}

export interface SpoolRecord {
  seq: number;
  appendedMs: number;
  payload: Buffer;
}

interface Entry {
  seq: number;
  appendedMs: number;
  segment: Segment;
  offset: number;
  length: number;
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  /** Read descriptor, opened on first read and closed with the segment. */
  readFd: number | undefined;
}

export interface SpoolStats {
  pending: number;
  bytes: number;
  segments: number;
  /** Unsent reports dropped to stay within the size or age bound. */
  dropped: number;
  /** Torn tails cut and corrupt regions skipped during recovery. */
  truncatedTails: number;
  corruptRegions: number;
  settledSeq: number;
  nextSeq: number;
}

/** One record encoded for disk. */
export function encodeRecord(seq: number, appendedMs: number, payload: Uint8Array): Buffer {
  const buf = Buffer.alloc(RECORD_HEADER_BYTES + payload.length);
  buf.writeUInt32BE(RECORD_MAGIC, 0);
  buf.writeUInt32BE(payload.length, 4);
  buf.writeBigUInt64BE(BigInt(seq), 8);
  buf.writeBigUInt64BE(BigInt(appendedMs), 16);
  buf.set(payload, RECORD_HEADER_BYTES);
  buf.writeUInt32BE(recordCrc(buf, 0, payload.length), 24);
  return buf;
}

function recordCrc(buf: Buffer, off: number, length: number): number {
  const c = crc32(buf.subarray(off + 4, off + 24));
  return crc32(buf.subarray(off + RECORD_HEADER_BYTES, off + RECORD_HEADER_BYTES + length), c);
}

export interface ScannedRecord {
  seq: number;
  appendedMs: number;
  offset: number;
  length: number;
}

export interface SegmentScan {
  records: ScannedRecord[];
  /** Byte ranges that held no valid record (corruption, or a torn tail when it ends the file). */
  badRegions: { from: number; to: number }[];
  /** End of the last valid record. */
  validEnd: number;
}

/**
 * Parses a segment's bytes. Pure, so tests can feed it any damage. A record
 * counts only if magic, bounds and CRC agree and its seq is above the previous
 * one; otherwise the scan resumes at the next magic.
 */
export function scanSegment(buf: Buffer, minSeq = 0): SegmentScan {
  const records: ScannedRecord[] = [];
  const badRegions: { from: number; to: number }[] = [];
  let off = 0;
  let prevSeq = minSeq;
  let badFrom: number | undefined;
  while (off + RECORD_HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    const ok =
      buf.readUInt32BE(off) === RECORD_MAGIC &&
      len <= MAX_RECORD_BYTES &&
      off + RECORD_HEADER_BYTES + len <= buf.length &&
      recordCrc(buf, off, len) === buf.readUInt32BE(off + 24);
    const seq = ok ? Number(buf.readBigUInt64BE(off + 8)) : 0;
    if (ok && seq > prevSeq && Number.isSafeInteger(seq)) {
      if (badFrom !== undefined) badRegions.push({ from: badFrom, to: off });
      badFrom = undefined;
      records.push({ seq, appendedMs: Number(buf.readBigUInt64BE(off + 16)), offset: off, length: len });
      prevSeq = seq;
      off += RECORD_HEADER_BYTES + len;
      continue;
    }
    badFrom ??= off;
    const next = buf.indexOf(MAGIC_BYTES, off + 1);
    off = next < 0 ? buf.length : next;
  }
  const validEnd = records.length ? records[records.length - 1]!.offset + RECORD_HEADER_BYTES + records[records.length - 1]!.length : 0;
  if (validEnd < buf.length) badRegions.push({ from: badFrom ?? validEnd, to: buf.length });
  return { records, badRegions, validEnd };
}

const MAGIC_BYTES = Buffer.from([0x57, 0x50, 0x53, 0x31]);

export class Spool extends EventEmitter {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly segmentBytes: number;
  private readonly sync: boolean;
  private readonly log: (msg: string) => void;
  private readonly now: () => number;
  private segments: Segment[] = [];
  private entries: Entry[] = [];
  private head = 0; // index of the first unsettled entry in `entries`
  private writeFd: number | undefined;
  private settledSeq = 0;
  private nextSeqValue = 1;
  private totalBytes = 0;
  dropped = 0;
  truncatedTails = 0;
  corruptRegions = 0;

  constructor(opts: SpoolOptions) {
    super();
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3600 * 1000;
    this.segmentBytes = opts.segmentBytes ?? Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(this.maxBytes / 8)));
    this.sync = opts.sync ?? true;
    this.log = opts.log ?? ((m) => console.error(m));
    this.now = opts.now ?? Date.now;
    fs.mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  get nextSeq(): number {
    return this.nextSeqValue;
  }
  /** Highest seq that needs no more sending (acknowledged or dropped). */
  get settled(): number {
    return this.settledSeq;
  }
  /** Lowest seq still held, or nextSeq when nothing is pending. */
  get firstPendingSeq(): number {
    return this.entries[this.head]?.seq ?? this.nextSeqValue;
  }
  get pending(): number {
    return this.entries.length - this.head;
  }

  stats(): SpoolStats {
    return {
      pending: this.pending,
      bytes: this.totalBytes,
      segments: this.segments.length,
      dropped: this.dropped,
      truncatedTails: this.truncatedTails,
      corruptRegions: this.corruptRegions,
      settledSeq: this.settledSeq,
      nextSeq: this.nextSeqValue,
    };
  }

  /** Appends a payload under the next seq and makes it durable before returning. */
  append(encode: (seq: number) => Uint8Array): number {
    const seq = this.nextSeqValue;
    const payload = encode(seq);
    if (payload.length > MAX_RECORD_BYTES) throw new Error(`spool: report ${seq} is ${payload.length} bytes, above the ${MAX_RECORD_BYTES}-byte record limit`);
    const appendedMs = this.now();
    const record = encodeRecord(seq, appendedMs, payload);
    let seg = this.segments[this.segments.length - 1];
    if (!seg || this.writeFd === undefined || (seg.bytes > 0 && seg.bytes + record.length > this.segmentBytes)) seg = this.openSegment(seq);
    const offset = seg.bytes;
    writeAll(this.writeFd!, record);
    if (this.sync) fs.fdatasyncSync(this.writeFd!);
    seg.bytes += record.length;
    seg.lastSeq = seq;
    this.totalBytes += record.length;
    this.entries.push({ seq, appendedMs, segment: seg, offset, length: payload.length });
    this.nextSeqValue = seq + 1;
    this.enforceBounds();
    this.emit('append', seq);
    return seq;
  }

  /** Pending records with seq >= fromSeq, oldest first, at most `limit`. */
  read(fromSeq: number, limit: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    for (let i = this.lowerBound(fromSeq); i < this.entries.length && out.length < limit; i++) {
      const e = this.entries[i]!;
      const buf = Buffer.alloc(e.length);
      e.segment.readFd ??= fs.openSync(e.segment.file, 'r');
      const n = fs.readSync(e.segment.readFd, buf, 0, e.length, e.offset + RECORD_HEADER_BYTES);
      if (n !== e.length) throw new Error(`spool: short read of seq ${e.seq} in ${e.segment.file} (${n} of ${e.length} bytes)`);
      out.push({ seq: e.seq, appendedMs: e.appendedMs, payload: buf });
    }
    return out;
  }

  /** Everything up to and including `seq` is durably stored by a collector. */
  ack(seq: number): void {
    this.settle(Math.min(seq, this.nextSeqValue - 1));
  }

  close(): void {
    if (this.writeFd !== undefined) fs.closeSync(this.writeFd);
    this.writeFd = undefined;
    for (const s of this.segments) closeRead(s);
  }

  private settle(seq: number): void {
    if (seq <= this.settledSeq) return;
    this.settledSeq = seq;
    while (this.head < this.entries.length && this.entries[this.head]!.seq <= seq) this.head++;
    this.compact();
    this.writeSettledMark();
    this.removeSettledSegments();
  }

  // The mark is fsynced: a segment is only deleted after it, so after any crash
  // max(mark, newest record) still bounds every seq ever handed out.
  private writeSettledMark(): void {
    const tmp = path.join(this.dir, 'settled.tmp');
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, Buffer.from(`${this.settledSeq}\n`));
      if (this.sync) fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, 'settled'));
    if (this.sync) fsyncDir(this.dir);
  }

  private lowerBound(seq: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Settled entries are dropped from memory in chunks, so memory follows the backlog.
  private compact(): void {
    if (this.head > 1024 && this.head > this.entries.length / 2) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private openSegment(firstSeq: number): Segment {
    if (this.writeFd !== undefined) fs.closeSync(this.writeFd);
    const file = path.join(this.dir, `seg-${String(firstSeq).padStart(16, '0')}.wal`);
    // 'w': a leftover empty file of this name (crash right after creation) is simply reused.
    this.writeFd = fs.openSync(file, 'w');
    if (this.sync) fsyncDir(this.dir);
    const seg: Segment = { file, firstSeq, lastSeq: firstSeq - 1, bytes: 0, readFd: undefined };
    this.segments.push(seg);
    return seg;
  }

  /** Deletes segments whose every record is settled, except the one being written. */
  private removeSettledSegments(): void {
    while (this.segments.length > 0) {
      const seg = this.segments[0]!;
      const writing = seg === this.segments[this.segments.length - 1] && this.writeFd !== undefined;
      if (seg.lastSeq > this.settledSeq || (writing && seg.bytes < this.segmentBytes / 2)) return;
      this.removeOldestSegment();
    }
  }

  private removeOldestSegment(): void {
    const seg = this.segments.shift()!;
    if (this.segments.length === 0 && this.writeFd !== undefined) {
      fs.closeSync(this.writeFd);
      this.writeFd = undefined;
    }
    closeRead(seg);
    this.totalBytes -= seg.bytes;
    fs.rmSync(seg.file, { force: true });
  }

  /**
   * Size bound: drop whole oldest segments, never the one being written.
   * Age bound: settle (drop) unsent records older than maxAgeMs.
   * Either way the drop is counted, logged and emitted.
   */
  private enforceBounds(): void {
    while (this.segments.length > 1 && this.totalBytes > this.maxBytes) {
      const seg = this.segments[0]!;
      this.dropThrough(seg.lastSeq, `the spool holds ${this.totalBytes} bytes, above its ${this.maxBytes}-byte bound`);
      if (this.segments[0] === seg) this.removeOldestSegment();
    }
    const cutoff = this.now() - this.maxAgeMs;
    let last = 0;
    for (let i = this.head; i < this.entries.length && this.entries[i]!.appendedMs < cutoff; i++) last = this.entries[i]!.seq;
    if (last > 0) this.dropThrough(last, `unsent for longer than ${Math.round(this.maxAgeMs / 1000)}s`);
  }

  private dropThrough(seq: number, why: string): void {
    const before = this.firstPendingSeq;
    let lost = 0;
    for (let i = this.head; i < this.entries.length && this.entries[i]!.seq <= seq; i++) lost++;
    this.settle(seq);
    if (lost === 0) return;
    this.dropped += lost;
    this.log(`spool: dropped ${lost} unacknowledged reports (seq ${before}..${seq}): ${why}; ${this.dropped} dropped in total`);
    this.emit('dropped', lost);
  }

  private recover(): void {
    this.settledSeq = readMark(path.join(this.dir, 'settled'), this.log);
    fs.rmSync(path.join(this.dir, 'settled.tmp'), { force: true });
    const names = fs.readdirSync(this.dir).filter((f) => SEGMENT_RE.test(f)).sort();
    let maxSeq = this.settledSeq;
    let prevSeq = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      const buf = fs.readFileSync(file);
      const scan = scanSegment(buf, prevSeq);
      for (const bad of scan.badRegions) {
        if (bad.to === buf.length && bad.from === scan.validEnd) {
          this.truncatedTails++;
          this.log(`spool: cut a torn record at byte ${bad.from} of ${name} (${buf.length - bad.from} bytes)`);
        } else {
          this.corruptRegions++;
          this.log(`spool: skipped ${bad.to - bad.from} corrupt bytes at ${bad.from} of ${name}`);
        }
      }
      if (scan.validEnd < buf.length) fs.truncateSync(file, scan.validEnd);
      if (scan.records.length === 0) {
        fs.rmSync(file, { force: true });
        continue;
      }
      const seg: Segment = { file, firstSeq: scan.records[0]!.seq, lastSeq: scan.records[scan.records.length - 1]!.seq, bytes: scan.validEnd, readFd: undefined };
      for (const r of scan.records) if (r.seq > this.settledSeq) this.entries.push({ seq: r.seq, appendedMs: r.appendedMs, segment: seg, offset: r.offset, length: r.length });
      this.segments.push(seg);
      this.totalBytes += seg.bytes;
      prevSeq = seg.lastSeq;
      maxSeq = Math.max(maxSeq, seg.lastSeq);
    }
    this.nextSeqValue = maxSeq + 1;
    this.removeSettledSegments();
    if (this.entries.length > 0) this.log(`spool: recovered ${this.entries.length} unacknowledged reports (seq ${this.firstPendingSeq}..${maxSeq})`);
  }
}

function readMark(file: string, log: (m: string) => void): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 0; // fresh spool
  }
  const v = Number(text.trim());
  if (Number.isSafeInteger(v) && v >= 0) return v;
  log(`spool: ${file} holds "${text.trim().slice(0, 40)}", not a seq; replaying everything spooled (harmless: writes are idempotent)`);
  return 0;
}

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function closeRead(seg: Segment): void {
  if (seg.readFd !== undefined) fs.closeSync(seg.readFd);
  seg.readFd = undefined;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
