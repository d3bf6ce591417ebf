// Points a store refused for good (InfluxDB: 400 partial write, field type
// conflict, max-values-per-tag, max-series-per-database, unparsable). They are
// kept, counted and listed, not retried forever: the rest of the batch is
// stored and acknowledged, so one bad series never stalls a host's stream.
// An operator fixes the cause (raises the limit, drops a series) and replays.

export interface DeadLetter {
  /** Key of the dead letter: its time in µs and the collector that kept it. */
  id: string;
  atUs: number;
  writer: string;
  /** Measurement of the refused point. */
  measurement: string;
  /** What the store said (its error text). */
  reason: string;
  /** The refused point as JSON: measurement, tags, fields, timestamp (µs). */
  point: string;
  /** Stored by a later replay. */
  replayed: boolean;
}

export interface ReplayResult {
  /** Dead letters the store accepted this time. */
  replayed: number;
  /** Still refused; they stay listed with the new reason. */
  refused: number;
}

/** The part of a store that keeps dead letters. */
export interface DeadLetterStore {
  deadLetters(opts: { limit: number; includeReplayed: boolean }): Promise<DeadLetter[]>;
  replayDeadLetters(limit: number): Promise<ReplayResult>;
  /** Points refused for good since start (this collector). */
  deadLettered(): number;
}

export function hasDeadLetters(s: unknown): s is DeadLetterStore {
  return typeof (s as Partial<DeadLetterStore>)?.deadLetters === 'function' && typeof (s as Partial<DeadLetterStore>)?.replayDeadLetters === 'function';
}

/**
 * A refusal no retry can change: the request was understood and (part of it)
 * refused. 400 covers partial writes, type conflicts, tag/series limits and
 * parse errors; 413 a request too large (split, it may go through).
 * 401/403/404 are configuration, not data: they stay unacknowledged (agents
 * keep the reports) until the operator fixes the setting.
 */
export function isPermanentRefusal(err: unknown): boolean {
  const status = (err as { status?: number })?.status;
  return status === 400 || status === 413;
}

/** InfluxDB's error text without the HTTP wrapping: `partial write: ... dropped=1`. */
export function refusalReason(err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  const m = /\{"error":"((?:[^"\\]|\\.)*)"\}/.exec(msg);
  return (m ? m[1]!.replace(/\\"/g, '"') : msg).slice(0, 2000);
}
