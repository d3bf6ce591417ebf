// Who is on the other end of a Unix socket: SO_PEERCRED through koffi
// (getsockopt on the accepted socket's fd), and what that caller may do.
// The kernel fills ucred at connect time; nobody can forge it.
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';
import koffi from 'koffi';

export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

// <asm-generic/socket.h>: the same on x86_64 and aarch64.
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

let getsockopt: ((fd: number, level: number, name: number, out: Buffer, len: number[]) => number) | undefined;

function binding() {
  if (!getsockopt) {
    const libc = koffi.load('libc.so.6');
    getsockopt = libc.func('int getsockopt(int sockfd, int level, int optname, _Out_ uint8_t *optval, _Inout_ uint32_t *optlen)') as unknown as typeof getsockopt;
  }
  return getsockopt!;
}

/** The peer of an accepted Unix socket, or undefined when the kernel would not say. */
export function peerCredentials(socket: Socket): PeerCred | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  const buf = Buffer.alloc(12);
  const len = [12];
  try {
    if (binding()(fd, SOL_SOCKET, SO_PEERCRED, buf, len) !== 0 || len[0] !== 12) return undefined;
  } catch {
    return undefined;
  }
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}

/** Real uid of a process from /proc/<pid>/status ("Uid: real effective saved fs"). */
export function processUid(procfsRoot: string, pid: number): number | undefined {
  return statusIds(procfsRoot, pid, 'Uid')?.[0];
}

/** Real gid and supplementary groups of a process. */
export function processGroups(procfsRoot: string, pid: number): number[] {
  return [...(statusIds(procfsRoot, pid, 'Gid')?.slice(0, 1) ?? []), ...(statusIds(procfsRoot, pid, 'Groups') ?? [])];
}

function statusIds(procfsRoot: string, pid: number, field: string): number[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(procfsRoot, String(pid), 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith(`${field}:`));
  if (!line) return undefined;
  return line
    .slice(field.length + 1)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0);
}

/**
 * The caller as the endpoint authorizes it: privileged callers (root, the
 * agent's own user, members of the agent's group: Slurm prolog/epilog,
 * operators) may do anything; anyone else acts only on what they own.
 */
export interface Caller {
  uid: number;
  pid: number;
  privileged: boolean;
}

export function callerOf(cred: PeerCred | undefined, procfsRoot: string, agent = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }): Caller | undefined {
  if (!cred) return undefined;
  const privileged = cred.uid === 0 || cred.uid === agent.uid || cred.gid === agent.gid || processGroups(procfsRoot, cred.pid).includes(agent.gid);
  return { uid: cred.uid, pid: cred.pid, privileged };
}
