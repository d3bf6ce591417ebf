// The agent's local endpoint: HTTP over a Unix socket, for `wattprint measure`,
// Slurm prolog/epilog scripts and training code reporting progress.
//
//   POST /v1/jobs/register {"jobId", "pid"?, "labels"?} -> the process and its descendants belong to jobId;
//                          without a pid (a Slurm prolog, before any job process exists) only the
//                          labels are recorded, for the job the agent finds through env or cgroup
//   POST /v1/jobs/end      {"jobId"}                     -> forget the job's registrations
//   POST /v1/progress      {"jobId", "tokens"?, "tokensUnpadded"?, "examples"?, "steps"?}  (deltas; tokens include padding)
//   GET  /v1/status        -> sources, spool and uplink state
//
// A registration is keyed by (pid, start time), read from procfs when it
// arrives, so a PID reused later never inherits the job.
//
// Who may do what (the caller from SO_PEERCRED, peercred.ts): root, the
// agent's user and members of the agent's group may do anything; any other
// user registers only processes they own, to jobs they own (the first
// registrant owns a job, or the uid a privileged caller names in "owner"),
// ends only their jobs, and posts progress only to jobs they own or whose
// running processes are theirs. Anything else is a 403 `forbidden`.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { JobProgress } from '@wattprint/proto';
import { parsePidStat, parseProcStat } from '../procfs/parse.ts';
import type { Registration } from '../procfs/scanner.ts';
import { callerOf, peerCredentials, processUid, type Caller } from './peercred.ts';

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:@\/-]{0,127}$/;
const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_BODY = 64 * 1024;

export class BadRequest extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const forbidden = (message: string) => new BadRequest('forbidden', message, 403);

/** Registrations and progress counters, shared by the endpoint and the scanner. */
export class JobRegistry {
  private readonly byProcess = new Map<string, Registration & { pid: number }>();
  private readonly progress = new Map<string, { tokens: number; tokensUnpadded: number; examples: number; steps: number }>();
  private readonly labels = new Map<string, Record<string, string>>();
  /** Job id -> the uid that owns it (its first registrant, or the uid a privileged caller named). */
  private readonly owners = new Map<string, number>();
  /** Pids of the processes the scanner resolved to a job (set by the agent); their owners are read when asked, as uids change at exec. */
  jobPids: (jobId: string) => number[] = () => [];
  private readonly procfsRoot: string;
  private readonly hz: number;

  constructor(procfsRoot = '/proc', clockTicks = 100) {
    this.procfsRoot = procfsRoot;
    this.hz = clockTicks;
  }

  lookup = (pid: number, startTimeUs: number): Registration | undefined => this.byProcess.get(`${pid}:${startTimeUs}`);

  /** Start time of a live process, µs since the epoch, as the scanner computes it. */
  startTimeUs(pid: number): number {
    let stat: string;
    try {
      stat = fs.readFileSync(path.join(this.procfsRoot, String(pid), 'stat'), 'utf8');
    } catch {
      throw new BadRequest('no_such_process', `process ${pid} does not exist on this host`);
    }
    const st = parsePidStat(stat);
    const host = parseProcStat(fs.readFileSync(path.join(this.procfsRoot, 'stat'), 'utf8'));
    if (!st || !host) throw new BadRequest('unreadable_process', `cannot parse ${this.procfsRoot}/${pid}/stat`);
    return host.bootTime * 1e6 + Math.round((st.starttime * 1e6) / this.hz);
  }

  /** Labels registered for a job, whichever way its processes are found. */
  labelsFor = (jobId: string): Record<string, string> | undefined => this.labels.get(jobId);

  /** Real uid of a live process, from procfs; undefined when it cannot be read. */
  processOwner(pid: number): number | undefined {
    return processUid(this.procfsRoot, pid);
  }

  ownerOf(jobId: string): number | undefined {
    return this.owners.get(jobId);
  }

  /** Throws a 403 unless `caller` may act on `jobId` (and on `pid`, when given). */
  authorize(caller: Caller | undefined, action: 'register' | 'end' | 'progress', jobId: string, pid?: number): void {
    if (!caller || caller.privileged) return;
    if (pid !== undefined) {
      const owner = this.processOwner(pid);
      if (owner === undefined) this.startTimeUs(pid); // the no_such_process 400 when it is gone
      if (owner !== caller.uid) throw forbidden(`process ${pid} belongs to uid ${owner ?? 'unknown'}, not to uid ${caller.uid}: register only your own processes`);
    }
    const owner = this.owners.get(jobId);
    if (owner === caller.uid) return;
    if (owner !== undefined) throw forbidden(`job "${jobId}" belongs to uid ${owner}, not to uid ${caller.uid}`);
    if (action === 'register') return; // an unowned job: the caller becomes its owner
    if (action === 'progress' && this.jobPids(jobId).some((p) => this.processOwner(p) === caller.uid)) return;
    throw forbidden(`job "${jobId}" is not yours (uid ${caller.uid}): ${action === 'end' ? 'only its owner ends it' : 'post progress for jobs you registered or whose processes you run'}`);
  }

  register(jobId: string, pid: number | undefined, labels: Record<string, string> = {}, owner?: number): { jobId: string; pid?: number; startTimeUs?: number } {
    if (owner !== undefined && !this.owners.has(jobId)) this.owners.set(jobId, owner);
    this.labels.set(jobId, { ...(this.labels.get(jobId) ?? {}), ...labels });
    if (pid === undefined) return { jobId };
    const startTimeUs = this.startTimeUs(pid);
    this.byProcess.set(`${pid}:${startTimeUs}`, { jobId, labels, pid });
    return { jobId, pid, startTimeUs };
  }

  end(jobId: string): number {
    this.labels.delete(jobId);
    this.owners.delete(jobId);
    let n = 0;
    for (const [k, r] of this.byProcess) {
      if (r.jobId === jobId) {
        this.byProcess.delete(k);
        n++;
      }
    }
    return n;
  }

  addProgress(jobId: string, d: { tokens?: number; tokensUnpadded?: number; examples?: number; steps?: number }): void {
    const p = this.progress.get(jobId) ?? { tokens: 0, tokensUnpadded: 0, examples: 0, steps: 0 };
    p.tokens += d.tokens ?? 0;
    p.tokensUnpadded += d.tokensUnpadded ?? 0;
    p.examples += d.examples ?? 0;
    p.steps += d.steps ?? 0;
    this.progress.set(jobId, p);
  }

  /** Progress since the previous drain, for the interval being closed. */
  drainProgress = (): JobProgress[] => {
    const out = [...this.progress].map(([jobId, p]) => ({ jobId, ...p }));
    this.progress.clear();
    return out;
  };

  get size(): number {
    return this.byProcess.size;
  }
}

function finiteNonNegative(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new BadRequest('invalid_field', `"${key}" must be a finite number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function jobIdOf(body: Record<string, unknown>): string {
  const id = body.jobId;
  if (typeof id !== 'string' || !JOB_ID.test(id)) throw new BadRequest('invalid_job_id', `"jobId" must match ${JOB_ID}, got ${JSON.stringify(id)}`);
  return id;
}

function labelsOf(body: Record<string, unknown>): Record<string, string> {
  const l = body.labels;
  if (l === undefined) return {};
  if (typeof l !== 'object' || l === null || Array.isArray(l)) throw new BadRequest('invalid_labels', '"labels" must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l)) {
    if (!LABEL_KEY.test(k) || typeof v !== 'string' || v.length > 256) throw new BadRequest('invalid_labels', `label ${JSON.stringify(k)} must be a name (${LABEL_KEY}) with a string value of at most 256 characters`);
    out[k] = v;
  }
  return out;
}

/** Handles one parsed request; pure apart from the registry. Without a caller nothing is checked (in-process use). */
export function handleLocal(registry: JobRegistry, method: string, url: string, body: Record<string, unknown>, status: () => unknown, caller?: Caller): { code: number; body: unknown } {
  try {
    if (method === 'GET' && url === '/v1/status') return { code: 200, body: status() };
    if (method !== 'POST') return { code: 405, body: { error: 'method_not_allowed', message: `${method} ${url}` } };
    switch (url) {
      case '/v1/jobs/register': {
        const jobId = jobIdOf(body);
        const pid = body.pid;
        if (pid !== undefined && (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0)) throw new BadRequest('invalid_pid', `"pid" must be a positive integer, got ${JSON.stringify(pid)}`);
        const named = body.owner;
        if (named !== undefined && (typeof named !== 'number' || !Number.isInteger(named) || named < 0)) throw new BadRequest('invalid_owner', `"owner" must be a uid, got ${JSON.stringify(named)}`);
        if (named !== undefined && caller && !caller.privileged) throw forbidden('only root or the agent\'s group may name a job\'s owner');
        const labels = labelsOf(body);
        registry.authorize(caller, 'register', jobId, pid as number | undefined);
        // Who owns the job from now on: the caller, or for a privileged caller the uid it names or the process's owner.
        const owner = !caller ? undefined : !caller.privileged ? caller.uid : ((named as number | undefined) ?? (pid !== undefined ? registry.processOwner(pid as number) : undefined));
        return { code: 200, body: registry.register(jobId, pid as number | undefined, labels, owner) };
      }
      case '/v1/jobs/end': {
        const jobId = jobIdOf(body);
        registry.authorize(caller, 'end', jobId);
        return { code: 200, body: { jobId, released: registry.end(jobId) } };
      }
      case '/v1/progress': {
        const jobId = jobIdOf(body);
        registry.authorize(caller, 'progress', jobId);
        registry.addProgress(jobId, { tokens: finiteNonNegative(body, 'tokens'), tokensUnpadded: finiteNonNegative(body, 'tokensUnpadded'), examples: finiteNonNegative(body, 'examples'), steps: finiteNonNegative(body, 'steps') });
        return { code: 202, body: { jobId } };
      }
      default:
        return { code: 404, body: { error: 'not_found', message: `no route ${method} ${url}` } };
    }
  } catch (err) {
    if (err instanceof BadRequest) return { code: err.status, body: { error: err.code, message: err.message } };
    return { code: 500, body: { error: 'internal', message: (err as Error).message } };
  }
}

export interface LocalEndpoint {
  socketPath: string;
  close(): Promise<void>;
  counters: { requests: number; badRequests: number; forbidden: number };
}

/**
 * Serves the endpoint on a Unix socket. The default mode 0666 lets every job
 * user reach it (the peer-credential check does the authorizing), without
 * putting them in the agent's group (which reads RAPL and the TLS key).
 */
export async function startLocalEndpoint(socketPath: string, registry: JobRegistry, status: () => unknown, mode = 0o666, procfsRoot = '/proc'): Promise<LocalEndpoint> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  try {
    fs.unlinkSync(socketPath); // a stale socket from a previous run
  } catch {
    /* none */
  }
  const counters = { requests: 0, badRequests: 0, forbidden: 0 };
  const server = http.createServer((req, res) => {
    counters.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        counters.badRequests++;
        res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'too_large', message: `body above ${MAX_BODY} bytes` }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: Record<string, unknown> = {};
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim()) {
        try {
          const parsed = JSON.parse(text);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed;
        } catch (err) {
          counters.badRequests++;
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_json', message: `body must be a JSON object: ${(err as Error).message}` }));
          return;
        }
      }
      // The caller's credentials come from the kernel; without them the caller is nobody in particular.
      const caller = callerOf(peerCredentials(req.socket), procfsRoot) ?? { uid: -1, pid: -1, privileged: false };
      const out = handleLocal(registry, req.method ?? 'GET', (req.url ?? '/').split('?')[0]!, body, status, caller);
      if (out.code === 403) counters.forbidden++;
      else if (out.code >= 400) counters.badRequests++;
      res.writeHead(out.code, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, mode);
  return {
    socketPath,
    counters,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Client side: one request to the local endpoint. */
export function localRequest(socketPath: string, method: string, url: string, body?: unknown, timeoutMs = 3000): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, method, path: url, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ code: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`local endpoint ${socketPath} did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
