// wattprint dead-letters: what the collectors' store refused for good, and a
// replay once the cause is fixed. Talks to any collector's HTTP API (they share
// the store, so every collector lists the same letters).
import { parseArgs } from 'node:util';

export const DEAD_LETTERS_HELP = `Usage: wattprint dead-letters [--api URL] [--limit N] [--all] [--json] [--replay]

Lists the points InfluxDB refused for good (a tag limit, a field type conflict),
oldest first, or with --replay sends them again and says how many landed.
--api defaults to $WATTPRINT_API, else http://127.0.0.1:8080; the token (admin
scope) comes from $WATTPRINT_TOKEN.`;

interface Letter {
  id: string;
  at: string;
  writer: string;
  measurement: string;
  reason: string;
  point: string;
  replayed: boolean;
}

export async function runDeadLetters(args: string[], usage: (msg: string) => Error): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({ args, options: { api: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, replay: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    throw usage(`${(err as Error).message}\n\n${DEAD_LETTERS_HELP}`);
  }
  if (v.help) {
    console.log(DEAD_LETTERS_HELP);
    return 0;
  }
  const limit = v.limit === undefined ? undefined : Number(v.limit);
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000)) throw usage(`--limit must be an integer in [1, 10000], got "${v.limit}"`);
  const base = ((v.api as string | undefined) ?? process.env.WATTPRINT_API ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.WATTPRINT_TOKEN) headers.authorization = `Bearer ${process.env.WATTPRINT_TOKEN}`;
  const call = async (method: string, p: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(base + p, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw new Error(`--api ${base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${base}${p}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  if (v.replay) {
    const r = (await call('POST', '/v1/admin/dead-letters/replay', limit ? { limit } : {})) as { replayed: number; refused: number };
    if (v.json) console.log(JSON.stringify(r));
    else console.log(`replayed ${r.replayed}, still refused ${r.refused}`);
    return r.refused > 0 ? 1 : 0;
  }
  const q = new URLSearchParams();
  if (limit) q.set('limit', String(limit));
  if (v.all) q.set('all', 'true');
  const r = (await call('GET', `/v1/admin/dead-letters${q.size ? `?${q}` : ''}`)) as { keptSinceStart: number; letters: Letter[] };
  if (v.json) {
    console.log(JSON.stringify(r, null, 2));
    return 0;
  }
  if (r.letters.length === 0) {
    console.log('no dead letters');
    return 0;
  }
  for (const l of r.letters) console.log(`${l.at}  ${l.measurement}  ${l.replayed ? 'replayed' : 'refused'}  ${l.reason}\n    ${l.point}`);
  console.log(`${r.letters.length} shown`);
  return 0;
}
