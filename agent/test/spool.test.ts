import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { encodeRecord, RECORD_HEADER_BYTES, scanSegment, Spool } from '../src/spool/spool.ts';

const NODE = process.execPath;
const SPOOL_MODULE = new URL('../src/spool/spool.ts', import.meta.url).href;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wp-spool-'));
}

function payloadFor(seq: number, size = 40): Uint8Array {
  return Buffer.from(`report ${seq} `.padEnd(size, 'x'));
}

function segments(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.wal')).sort();
}

function quiet(): { log: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { log: (m) => lines.push(m), lines };
}

test('appends survive a reopen; only acked reports are forgotten; seqs never repeat', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log });
  for (let i = 1; i <= 5; i++) assert.equal(s.append(payloadFor), i);
  s.ack(2);
  assert.deepEqual(s.read(1, 10).map((r) => r.seq), [3, 4, 5]);
  assert.equal(s.read(3, 10)[0]!.payload.toString().trim().startsWith('report 3'), true);
  s.close();

  const again = new Spool({ dir, log: quiet().log });
  assert.equal(again.firstPendingSeq, 3);
  assert.equal(again.nextSeq, 6);
  assert.deepEqual(again.read(0, 10).map((r) => r.payload.toString().slice(0, 8)), ['report 3', 'report 4', 'report 5']);
  again.ack(5);
  again.close();

  // Everything acked: the segments may go, but the seq must continue, not restart at 1.
  const third = new Spool({ dir, log: quiet().log });
  assert.equal(third.pending, 0);
  assert.equal(third.nextSeq, 6);
  assert.equal(segments(dir).length, 0, 'fully acked recovered segments are deleted');
  third.close();
});

test('an ack never settles more than was appended', () => {
  const s = new Spool({ dir: tmpDir(), log: quiet().log });
  s.append(payloadFor);
  s.ack(99);
  assert.equal(s.settled, 1);
  assert.equal(s.append(payloadFor), 2);
  assert.equal(s.pending, 1);
  s.close();
});

test('a torn tail is cut, counted, and its seq reused by the next append in a fresh segment', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log });
  for (let i = 1; i <= 3; i++) s.append((seq) => payloadFor(seq, 100));
  s.close();
  const [seg] = segments(dir);
  const file = path.join(dir, seg!);
  fs.truncateSync(file, fs.statSync(file).size - 30); // SIGKILL in the middle of record 3
  const q = quiet();
  const r = new Spool({ dir, log: q.log });
  assert.equal(r.stats().truncatedTails, 1);
  assert.match(q.lines.join('\n'), /cut a torn record at byte \d+ of seg-0000000000000001\.wal/);
  assert.deepEqual(r.read(0, 10).map((x) => x.seq), [1, 2]);
  assert.equal(r.append(payloadFor), 3);
  assert.equal(segments(dir).length, 2, 'a recovered segment is never appended to');
  r.close();
  const again = new Spool({ dir, log: quiet().log });
  assert.deepEqual(again.read(0, 10).map((x) => x.seq), [1, 2, 3]);
  again.close();
});

test('a corrupt record in the middle is skipped; the records after it are kept', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log });
  for (let i = 1; i <= 4; i++) s.append((seq) => payloadFor(seq, 64));
  s.close();
  const file = path.join(dir, segments(dir)[0]!);
  const buf = fs.readFileSync(file);
  const recordBytes = RECORD_HEADER_BYTES + 64;
  buf[recordBytes + RECORD_HEADER_BYTES + 5]! ^= 0xff; // a flipped bit in record 2's payload
  fs.writeFileSync(file, buf);
  const q = quiet();
  const r = new Spool({ dir, log: q.log });
  assert.deepEqual(r.read(0, 10).map((x) => x.seq), [1, 3, 4]);
  assert.equal(r.stats().corruptRegions, 1);
  assert.match(q.lines.join('\n'), /skipped 92 corrupt bytes at 92 of seg-/);
  assert.equal(r.nextSeq, 5);
  r.close();
});

test('a zero-filled tail (file extended, data never written) is not mistaken for records', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log });
  s.append(payloadFor);
  s.close();
  const file = path.join(dir, segments(dir)[0]!);
  fs.appendFileSync(file, Buffer.alloc(4096));
  const r = new Spool({ dir, log: quiet().log });
  assert.deepEqual(r.read(0, 10).map((x) => x.seq), [1]);
  assert.equal(r.stats().truncatedTails, 1);
  assert.equal(fs.statSync(file).size, RECORD_HEADER_BYTES + 40);
  r.close();
});

test('a damaged settled mark replays everything held, never reuses a seq', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log, segmentBytes: 1 << 20 });
  for (let i = 1; i <= 3; i++) s.append(payloadFor);
  s.ack(2);
  s.close();
  fs.writeFileSync(path.join(dir, 'settled'), 'garbage');
  const q = quiet();
  const r = new Spool({ dir, log: q.log });
  assert.deepEqual(r.read(0, 10).map((x) => x.seq), [1, 2, 3]);
  assert.equal(r.nextSeq, 4);
  assert.match(q.lines.join('\n'), /not a seq; replaying everything spooled/);
  r.close();
});

test('size bound: the oldest unsent reports are dropped, counted and logged; disk use stays bounded', () => {
  const dir = tmpDir();
  const q = quiet();
  const maxBytes = 64 * 1024;
  const s = new Spool({ dir, log: q.log, maxBytes, segmentBytes: 8 * 1024 });
  const dropped: number[] = [];
  s.on('dropped', (n: number) => dropped.push(n));
  for (let i = 0; i < 2000; i++) s.append((seq) => payloadFor(seq, 200));
  const st = s.stats();
  assert.ok(st.bytes <= maxBytes + 8 * 1024, `${st.bytes} bytes on disk`);
  const onDisk = segments(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
  assert.equal(onDisk, st.bytes);
  assert.equal(st.dropped + st.pending, 2000, 'every report is either held or counted as dropped');
  assert.equal(dropped.reduce((a, b) => a + b, 0), st.dropped);
  assert.equal(s.firstPendingSeq, st.dropped + 1, 'the oldest go first');
  assert.match(q.lines[0]!, /dropped \d+ unacknowledged reports \(seq 1\.\.\d+\): the spool holds \d+ bytes, above its 65536-byte bound/);
  s.close();
  // The drop is durable: a restart does not resurrect dropped reports.
  const r = new Spool({ dir, log: quiet().log });
  assert.equal(r.firstPendingSeq, st.dropped + 1);
  assert.equal(r.pending, st.pending);
  r.close();
});

test('age bound: reports unsent for longer than maxAgeMs are dropped with a count', () => {
  let now = 1_000_000;
  const q = quiet();
  const s = new Spool({ dir: tmpDir(), log: q.log, maxAgeMs: 60_000, now: () => now });
  for (let i = 0; i < 10; i++) {
    s.append(payloadFor);
    now += 10_000;
  }
  // Appended at 0s..90s; at 100s the first four (0..30s) are older than 60s.
  s.append(payloadFor);
  assert.equal(s.dropped, 4);
  assert.equal(s.firstPendingSeq, 5);
  assert.match(q.lines.join('\n'), /unsent for longer than 60s/);
  s.close();
});

test('a long run of append+ack keeps files and memory bounded', () => {
  const dir = tmpDir();
  const s = new Spool({ dir, log: quiet().log, segmentBytes: 16 * 1024, sync: false });
  for (let i = 1; i <= 20_000; i++) {
    s.append((seq) => payloadFor(seq, 300));
    if (i % 7 === 0) s.ack(i - 3);
  }
  assert.ok(segments(dir).length <= 2, `${segments(dir).length} segments left`);
  assert.ok(s.pending <= 10);
  // Internal entry list is compacted: no more than a few thousand kept for 20k appended.
  const entries = (s as unknown as { entries: unknown[] }).entries.length;
  assert.ok(entries < 3000, `${entries} entries in memory`);
  s.close();
});

test('scanSegment recovers exactly the records wholly before any cut point', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 20 }), fc.nat(), (sizes, cutSeed) => {
      const recs = sizes.map((n, i) => encodeRecord(i + 1, 1000 + i, Buffer.alloc(n, i)));
      const all = Buffer.concat(recs);
      const cut = cutSeed % (all.length + 1);
      const scan = scanSegment(all.subarray(0, cut));
      let end = 0;
      let whole = 0;
      for (const r of recs) {
        if (end + r.length > cut) break;
        end += r.length;
        whole++;
      }
      assert.deepEqual(scan.records.map((r) => r.seq), Array.from({ length: whole }, (_, i) => i + 1));
      assert.equal(scan.validEnd, end);
    }),
    { numRuns: 300, seed: 7 },
  );
});

// The child appends (and now and then acks) as fast as it can and prints each
// seq once append() or ack() returned. The parent SIGKILLs it at random moments,
// then checks that recovery holds every printed append that was not acked.
const CHILD = `
import fs from 'node:fs';
import { Spool } from ${JSON.stringify(SPOOL_MODULE)};
const s = new Spool({ dir: process.argv[1], segmentBytes: 4096, log: () => {} });
const pending = s.read(0, 1e9);
for (const r of pending) if (!r.payload.toString().startsWith('report ' + r.seq + ' ')) { fs.writeSync(1, 'BAD ' + r.seq + '\\n'); process.exit(3); }
fs.writeSync(1, 'S ' + s.settled + ' ' + s.nextSeq + '\\n');
for (;;) {
  const seq = s.append((q) => Buffer.from(('report ' + q + ' ').padEnd(50 + (q % 300), 'y')));
  fs.writeSync(1, 'A ' + seq + '\\n');
  if (seq % 5 === 0) { s.ack(seq - 2); fs.writeSync(1, 'K ' + (seq - 2) + '\\n'); }
}
`;

test('SIGKILL at random moments loses no appended report and leaves a log every restart can read', async () => {
  const dir = tmpDir();
  let rng = 12345;
  const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let lastAppended = 0;
  let lastAcked = 0;
  for (let round = 0; round < 12; round++) {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Let it start (it prints S after recovery), then kill at a random moment.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.includes('S ')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await new Promise((r) => setTimeout(r, 5 + random() * 60));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const lines = out.split('\n').filter(Boolean);
    assert.ok(!lines.some((l) => l.startsWith('BAD')), `child found a corrupt payload: ${lines.find((l) => l.startsWith('BAD'))}`);
    const [, settledAtStart, nextAtStart] = lines[0]!.split(' ').map(Number);
    // What the previous life promised must be what this life found.
    assert.ok(settledAtStart! >= lastAcked, `round ${round}: settled ${settledAtStart} < acked ${lastAcked}`);
    assert.ok(nextAtStart! > lastAppended, `round ${round}: next seq ${nextAtStart} <= appended ${lastAppended}`);
    for (const l of lines) {
      const [kind, n] = l.split(' ');
      if (kind === 'A') lastAppended = Math.max(lastAppended, Number(n));
      if (kind === 'K') lastAcked = Math.max(lastAcked, Number(n));
    }
    // Recovery in this process: every appended, unacked seq is there, contiguous.
    const s = new Spool({ dir, segmentBytes: 4096, log: () => {} });
    const held = s.read(0, 1e9).map((r) => r.seq);
    const expectFrom = s.settled + 1;
    assert.ok(s.settled >= lastAcked);
    assert.deepEqual(held, Array.from({ length: s.nextSeq - expectFrom }, (_, i) => expectFrom + i), `round ${round}: held seqs are contiguous`);
    assert.ok(s.nextSeq > lastAppended, `round ${round}: appended seq ${lastAppended} lost (next ${s.nextSeq})`);
    s.close();
  }
  assert.ok(lastAppended > 50, `only ${lastAppended} appends in 12 rounds`);
});
