// One way to find the agent's local socket, shared by `wattprint start`,
// `wattprint agent`, `wattprint measure`, the Slurm scripts
// (deploy/slurm/agent-request.sh) and the progress helpers (docs/PROGRESS.md):
//
//   1. an explicit --socket flag (then nothing else is tried),
//   2. WATTPRINT_SOCKET,
//   3. the system socket, /run/wattprint/agent.sock (the systemd agent),
//   4. the user's state directory, ~/.wattprint/agent.sock (`wattprint start`).
//
// A server listens on the first of 1, 2 and its own default. A client takes
// the first candidate whose socket answers; a socket that exists but refuses
// the user (EACCES, or the agent answers 401/403) is an agent present and
// refusing, which `measure` reports instead of quietly starting a second one.
import fs from 'node:fs';
import path from 'node:path';
import { localRequest } from './endpoint.ts';

export const SYSTEM_SOCKET = '/run/wattprint/agent.sock';
export const SOCKET_ENV = 'WATTPRINT_SOCKET';

export interface SocketCandidate {
  path: string;
  /** "--socket", "WATTPRINT_SOCKET", "system", "state dir". */
  from: string;
}

export function userSocket(stateDir: string): string {
  return path.join(stateDir, 'agent.sock');
}

/** Where clients look, in order. */
export function socketCandidates(o: { flag?: string; env?: NodeJS.ProcessEnv; stateDir: string }): SocketCandidate[] {
  if (o.flag) return [{ path: o.flag, from: '--socket' }];
  const out: SocketCandidate[] = [];
  const env = o.env?.[SOCKET_ENV];
  if (env) out.push({ path: env, from: SOCKET_ENV });
  out.push({ path: SYSTEM_SOCKET, from: 'system' }, { path: userSocket(o.stateDir), from: 'state dir' });
  return out.filter((c, i) => out.findIndex((d) => d.path === c.path) === i);
}

/** Where a server listens: the flag, then WATTPRINT_SOCKET, then its own default. */
export function listenSocket(o: { flag?: string; env?: NodeJS.ProcessEnv; fallback: string }): string {
  return o.flag ?? (o.env?.[SOCKET_ENV] || o.fallback);
}

export type AgentFound =
  | { state: 'answering'; socket: SocketCandidate }
  | { state: 'refused'; socket: SocketCandidate; detail: string }
  | { state: 'absent'; tried: string[] };

/** The first candidate with an agent behind it, answering or refusing. */
export async function findAgent(candidates: SocketCandidate[], timeoutMs = 1000): Promise<AgentFound> {
  const tried: string[] = [];
  for (const c of candidates) {
    if (!fs.existsSync(c.path)) {
      tried.push(`${c.path} (${c.from}): none`);
      continue;
    }
    try {
      const r = await localRequest(c.path, 'GET', '/v1/status', undefined, timeoutMs);
      if (r.code === 200) return { state: 'answering', socket: c };
      if (r.code === 401 || r.code === 403) return { state: 'refused', socket: c, detail: `the agent answered ${r.code}: ${JSON.stringify(r.body).slice(0, 200)}` };
      tried.push(`${c.path} (${c.from}): answered ${r.code}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return { state: 'refused', socket: c, detail: `${code}: this user may not connect to it` };
      // ECONNREFUSED: a stale socket file, nobody listening.
      tried.push(`${c.path} (${c.from}): ${code ?? (err as Error).message}`);
    }
  }
  return { state: 'absent', tried };
}
