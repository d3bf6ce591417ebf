// Counter positions carried across agent stops and restarts.
//
// After every interval the agent writes where each counter stood (and the
// process scanner's CPU ticks) with the boot id. On start with the same boot
// id, the first interval counts from there: the energy of the downtime is
// kept, flagged `gap_recovered`. After a reboot the counters restarted, so
// the checkpoint is ignored.
//
// The checkpoint is written just before its report is appended to the spool,
// and holds the positions both before and after that report: after a crash
// between the two, the spool's next seq tells which one matches what reached
// the spool, so nothing is counted twice or lost. A crash of the agent keeps
// the page cache (only a reboot loses it, and a reboot voids the checkpoint),
// so a rename without fsync is enough.
import fs from 'node:fs';
import type { CounterPositions } from '../sources/source.ts';
import type { ScannerSnapshot } from '../procfs/scanner.ts';

export interface Positions {
  /** End of the interval these positions close, µs. */
  endUs: number;
  /** Counter positions by source name, then device. */
  sources: Record<string, CounterPositions>;
  scanner: ScannerSnapshot | undefined;
}

export interface Checkpoint {
  version: 1;
  bootId: string;
  /** Seq of the report whose `after` positions these are (0: none yet). */
  seq: number;
  before: Positions | undefined;
  after: Positions;
}

export function readCheckpoint(file: string): Checkpoint | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // none yet, or torn by a crash mid-write of the temp file (the rename is atomic)
  }
  const c = raw as Checkpoint;
  if (c?.version !== 1 || typeof c.bootId !== 'string' || !Number.isInteger(c.seq) || typeof c.after?.endUs !== 'number') return undefined;
  return c;
}

export function writeCheckpoint(file: string, c: Checkpoint): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(c));
  fs.renameSync(tmp, file);
}

export type Resume = { positions: Positions; gapSeconds: number } | { positions: undefined; reason: string };

/**
 * Which positions the restarted agent counts from. `nextSeq` is the spool's
 * next seq: above the checkpoint's seq, its report reached the spool.
 * A gap longer than `maxGapS` would make an interval the collector refuses,
 * so the agent starts afresh then (the downtime is lost, and logged).
 */
export function resumeFrom(c: Checkpoint | undefined, bootId: string, nextSeq: number, nowUs: number, maxGapS: number): Resume {
  if (!c) return { positions: undefined, reason: 'no checkpoint' };
  if (!bootId) return { positions: undefined, reason: 'boot id unknown' };
  if (c.bootId !== bootId) return { positions: undefined, reason: `the host rebooted (boot id ${c.bootId.slice(0, 8)}… is now ${bootId.slice(0, 8)}…); counters restarted` };
  const positions = nextSeq > c.seq ? c.after : c.before;
  if (!positions) return { positions: undefined, reason: 'the checkpoint predates the last spooled report' };
  const gapSeconds = (nowUs - positions.endUs) / 1e6;
  if (!(gapSeconds > 0)) return { positions: undefined, reason: `the checkpoint ends ${(-gapSeconds).toFixed(1)} s in the future (clock stepped back)` };
  if (gapSeconds > maxGapS) return { positions: undefined, reason: `down ${gapSeconds.toFixed(0)} s, longer than one interval may span (${maxGapS} s): the downtime's energy is not counted` };
  return { positions, gapSeconds };
}
