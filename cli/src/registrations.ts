// `wattprint registrations`: list or remove process registrations (host + pid
// -> job), through a collector's API or directly in a collector's store file.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { JobRegistryStore, type RegistrationFilter } from '@wattprint/collector/jobs/registry.ts';
import { assertOk, checkHost, checkJobId, checkPid } from '@wattprint/proto';

const HELP = `Usage: wattprint registrations [--job ID] [--host H] [--pid N] [--remove] [--json]
                               [--api URL [--token T] | --db FILE]

Lists the process registrations matching the filter; with --remove, removes
them (at least one of --job, --host, --pid), bad stored rows included.
WATTPRINT_API and WATTPRINT_TOKEN work too.`;

export class RegistrationsUsageError extends Error {}

interface Row {
  jobId: string;
  host: string;
  pid: number;
  startTimeUs: number;
  from: string;
  to: string | null;
}

export async function runRegistrations(args: string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({ args, options: { job: { type: 'string' }, host: { type: 'string' }, pid: { type: 'string' }, remove: { type: 'boolean' }, json: { type: 'boolean' }, api: { type: 'string' }, token: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    throw new RegistrationsUsageError(`${(err as Error).message}\n\n${HELP}`);
  }
  if (v.help) {
    out(HELP);
    return 0;
  }
  const filter: RegistrationFilter = {};
  try {
    if (v.job !== undefined) assertOk(checkJobId(v.job, '--job')), (filter.jobId = v.job as string);
    if (v.host !== undefined) assertOk(checkHost(v.host, '--host')), (filter.host = v.host as string);
    if (v.pid !== undefined) assertOk(checkPid(Number(v.pid), '--pid')), (filter.pid = Number(v.pid));
  } catch (err) {
    throw new RegistrationsUsageError((err as Error).message);
  }
  if (v.remove && Object.keys(filter).length === 0) throw new RegistrationsUsageError('--remove needs --job, --host or --pid');
  const api = (v.api as string | undefined) ?? process.env.WATTPRINT_API;
  if (v.db) {
    if (!fs.existsSync(v.db as string)) throw new RegistrationsUsageError(`no store at ${v.db}`);
    const reg = new JobRegistryStore(v.db as string);
    try {
      if (v.remove) return report(out, v.json === true, reg.removeProcesses(filter));
      const rows = reg.processes(filter).map((p) => ({ jobId: p.jobId, host: p.host, pid: p.pid, startTimeUs: p.startTimeUs, from: new Date(p.fromUs / 1000).toISOString(), to: p.toUs === undefined ? null : new Date(p.toUs / 1000).toISOString() }));
      return list(out, v.json === true, rows, reg.skippedRows.processes);
    } finally {
      reg.close();
    }
  }
  if (!api) throw new RegistrationsUsageError(`give --api URL (or WATTPRINT_API) or --db FILE\n\n${HELP}`);
  const token = (v.token as string | undefined) ?? process.env.WATTPRINT_TOKEN;
  const qs = new URLSearchParams(Object.entries(filter).map(([k, x]) => [k, String(x)])).toString();
  const res = await fetch(`${api.replace(/\/$/, '')}/v1/registrations${qs ? `?${qs}` : ''}`, { method: v.remove ? 'DELETE' : 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; registrations?: Row[]; skipped?: number; removed?: number };
  if (!res.ok) throw new Error(`${api}: ${res.status} ${body.error ?? ''}: ${body.message ?? ''}`);
  if (v.remove) return report(out, v.json === true, body.removed ?? 0);
  return list(out, v.json === true, body.registrations ?? [], body.skipped ?? 0);
}

function report(out: (l: string) => void, json: boolean, removed: number): number {
  out(json ? JSON.stringify({ removed }) : `removed ${removed} registration${removed === 1 ? '' : 's'}`);
  return 0;
}

function list(out: (l: string) => void, json: boolean, rows: Row[], skipped: number): number {
  if (json) {
    out(JSON.stringify({ registrations: rows, skipped }));
    return 0;
  }
  out(['job', 'host', 'pid', 'start_time_us', 'from', 'to'].join('\t'));
  for (const r of rows) out([r.jobId, r.host, r.pid, r.startTimeUs, r.from, r.to ?? '-'].join('\t'));
  if (skipped > 0) out(`(${skipped} stored row${skipped === 1 ? '' : 's'} outside the limits skipped: remove them with --remove and a filter)`);
  return 0;
}
