// Durable, bounded write-ahead spool of encoded Reports.
//
// Segment files hold records: [u32 length][u32 crc32][u64 seq][payload]. A
// record is fsynced before the report is sent, and is forgotten only once a
// collector acknowledged its seq (the acked mark lives in `acked`). A torn
// record at the tail after a SIGKILL fails its length or CRC check and is cut
// off on open, so a restart always finds a clean log.
import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { crc32 } from 'node:zlib';

const HEADER = 16;

export interface SpoolOptions {
  dir: string;
  /** Largest total size on disk; the oldest segments go first. */
  maxBytes?: number;
  /** Oldest record kept, by append time. */
  maxAgeMs?: number;
  segmentBytes?: number;
  /** fdatasync every append (default true). Off only for benchmarks. */
  sync?: boolean;
  log?: (msg: string) => void;
  now?: () => number;
}

interface Entry {
  seq: number;
  segment: Segment;
  offset: number;
  length: number;
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  createdMs: number;
  records: number;
}

export interface SpoolStats {
  pending: number;
  bytes: number;
  segments: number;
  dropped: number;
  truncatedTails: number;
  ackedSeq: number;
  nextSeq: number;
}

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
  private head = 0; // index of the first unacked entry in `entries`
  private fd: number | undefined;
  private ackedSeq = 0;
  private nextSeqValue = 1;
  dropped = 0;
  truncatedTails = 0;

  constructor(opts: SpoolOptions) {
    super();
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3600 * 1000;
    this.segmentBytes = opts.segmentBytes ?? 4 * 1024 * 1024;
    this.sync = opts.sync ?? true;
    this.log = opts.log ?? ((m) => console.error(m));
    this.now = opts.now ?? Date.now;
    fs.mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  get nextSeq(): number {
    return this.nextSeqValue;
  }
  get acked(): number {
    return this.ackedSeq;
  }
  /** Lowest seq still held, or nextSeq when empty. */
  get firstPendingSeq(): number {
    return this.entries[this.head]?.seq ?? this.nextSeqValue;
  }

  stats(): SpoolStats {
    return {
      pending: this.entries.length - this.head,
      bytes: this.segments.reduce((a, s) => a + s.bytes, 0),
      segments: this.segments.length,
      dropped: this.dropped,
      truncatedTails: this.truncatedTails,
      ackedSeq: this.ackedSeq,
      nextSeq: this.nextSeqValue,
    };
  }

  /** Appends a payload under the next seq and makes it durable. */
  append(encode: (seq: number) => Uint8Array): number {
    const seq = this.nextSeqValue;
    const payload = encode(seq);
    const header = Buffer.alloc(HEADER);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32(payload), 4);
    header.writeBigUInt64BE(BigInt(seq), 8);
    let seg = this.segments[this.segments.length - 1];
    if (!seg || this.fd === undefined || seg.bytes + HEADER + payload.length > this.segmentBytes) seg = this.openSegment(seq);
    const offset = seg.bytes;
    fs.writeSync(this.fd!, Buffer.concat([header, payload]));
    if (this.sync) fs.fdatasyncSync(this.fd!);
    seg.bytes += HEADER + payload.length;
    seg.lastSeq = seq;
    seg.records++;
    this.entries.push({ seq, segment: seg, offset, length: payload.length });
    this.nextSeqValue = seq + 1;
    this.enforceBounds();
    this.emit('append', seq);
    return seq;
  }

  /** Pending payloads with seq >= fromSeq, oldest first, at most `limit`. */
  read(fromSeq: number, limit: number): { seq: number; payload: Buffer }[] {
    const out: { seq: number; payload: Buffer }[] = [];
    let i = this.lowerBound(fromSeq);
    for (; i < this.entries.length && out.length < limit; i++) {
      const e = this.entries[i]!;
      const buf = Buffer.alloc(e.length);
      const fd = fs.openSync(e.segment.file, 'r');
      try {
        fs.readSync(fd, buf, 0, e.length, e.offset + HEADER);
      } finally {
        fs.closeSync(fd);
      }
      out.push({ seq: e.seq, payload: buf });
    }
    return out;
  }

  /** Everything up to and including `seq` is stored by a collector. */
  ack(seq: number): void {
    if (seq <= this.ackedSeq) return;
    this.ackedSeq = Math.min(seq, this.nextSeqValue - 1);
    while (this.head < this.entries.length && this.entries[this.head]!.seq <= this.ackedSeq) this.head++;
    this.compact();
    // No fsync needed: losing this mark only causes a harmless (idempotent) replay.
    const tmp = path.join(this.dir, 'acked.tmp');
    fs.writeFileSync(tmp, String(this.ackedSeq));
    fs.renameSync(tmp, path.join(this.dir, 'acked'));
    this.dropFullyAckedSegments();
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
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

  private compact(): void {
    if (this.head > 1024 && this.head > this.entries.length / 2) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private openSegment(firstSeq: number): Segment {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    const file = path.join(this.dir, `seg-${String(firstSeq).padStart(16, '0')}.wal`);
    this.fd = fs.openSync(file, 'a');
    const seg: Segment = { file, firstSeq, lastSeq: firstSeq - 1, bytes: 0, createdMs: this.now(), records: 0 };
    this.segments.push(seg);
    return seg;
  }

  private dropFullyAckedSegments(): void {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.ackedSeq) this.removeSegment(false);
    const only = this.segments[0];
    if (only && this.segments.length === 1 && only.records > 0 && only.lastSeq <= this.ackedSeq && only.bytes >= this.segmentBytes / 2) {
      this.removeSegment(false);
    }
  }

  /** Removes the oldest segment; when it held unacked records, counts and logs them. */
  private removeSegment(dropping: boolean): void {
    const seg = this.segments.shift()!;
    if (this.segments.length === 0 && this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    let lost = 0;
    while (this.head < this.entries.length && this.entries[this.head]!.segment === seg) {
      if (this.entries[this.head]!.seq > this.ackedSeq) lost++;
      this.head++;
    }
    this.compact();
    if (dropping && lost > 0) {
      this.dropped += lost;
      this.log(`spool: dropped ${lost} unacknowledged reports (seq ${seg.firstSeq}..${seg.lastSeq}) to stay within bounds; ${this.dropped} dropped in total`);
      this.emit('dropped', lost);
    }
    try {
      fs.unlinkSync(seg.file);
    } catch {
      /* already gone */
    }
  }

  private enforceBounds(): void {
    const total = () => this.segments.reduce((a, s) => a + s.bytes, 0);
    while (this.segments.length > 1 && total() > this.maxBytes) this.removeSegment(true);
    const oldest = this.now() - this.maxAgeMs;
    while (this.segments.length > 1 && this.segments[1]!.createdMs < oldest) this.removeSegment(true);
  }

  private recover(): void {
    try {
      const a = Number(fs.readFileSync(path.join(this.dir, 'acked'), 'utf8').trim());
      if (Number.isSafeInteger(a) && a >= 0) this.ackedSeq = a;
    } catch {
      /* fresh spool */
    }
    const files = fs.readdirSync(this.dir).filter((f) => /^seg-\d+\.wal$/.test(f)).sort();
    let maxSeq = this.ackedSeq;
    let prevSeq = 0;
    for (const name of files) {
      const file = path.join(this.dir, name);
      const buf = fs.readFileSync(file);
      const st = fs.statSync(file);
      const seg: Segment = { file, firstSeq: Number(name.slice(4, 20)), lastSeq: 0, bytes: 0, createdMs: st.mtimeMs, records: 0 };
      let off = 0;
      let lastSeq = 0;
      while (off + HEADER <= buf.length) {
        const len = buf.readUInt32BE(off);
        const crc = buf.readUInt32BE(off + 4);
        const seq = Number(buf.readBigUInt64BE(off + 8));
        if (off + HEADER + len > buf.length || crc32(buf.subarray(off + HEADER, off + HEADER + len)) !== crc || seq <= prevSeq) break;
        if (seq > this.ackedSeq) this.entries.push({ seq, segment: seg, offset: off, length: len });
        lastSeq = seq;
        prevSeq = seq;
        seg.records++;
        off += HEADER + len;
      }
      if (off < buf.length) {
        fs.truncateSync(file, off);
        this.truncatedTails++;
        this.log(`spool: cut a torn record at byte ${off} of ${name} (${buf.length - off} bytes)`);
      }
      seg.bytes = off;
      seg.lastSeq = lastSeq;
      maxSeq = Math.max(maxSeq, lastSeq);
      if (seg.records === 0) {
        fs.unlinkSync(file);
        continue;
      }
      this.segments.push(seg);
    }
    this.nextSeqValue = maxSeq + 1;
    // New appends always start a fresh segment, so a recovered one is never reopened half-written.
    this.dropFullyAckedSegments();
  }
}
