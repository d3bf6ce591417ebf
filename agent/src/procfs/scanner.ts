// Per-process CPU time from procfs, one scan per interval.
//
// Identity is (pid, start time): a reused PID is a new process. CPU time of
// children reaped during the interval reaches their parent through cutime and
// cstime; the part of it already counted while the child was alive is taken
// off, so short-lived DataLoader workers are neither lost nor counted twice.
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessUsage } from '@wattprint/proto';
import { resolveJob, type JobMatch, type JobRules, DEFAULT_JOB_RULES } from '../jobs/resolve.ts';
import { parseCgroup, parseEnviron, parsePidStat, parseProcStat, type HostCpuTimes } from './parse.ts';

export interface Registration {
  jobId: string;
  labels?: Record<string, string>;
}

/** Looks up an explicit registration by process identity. */
export type RegistrationLookup = (pid: number, startTimeUs: number) => Registration | undefined;

export interface ScanResult {
  processes: ProcessUsage[];
  cpuBusySeconds: number;
  cpuIdleSeconds: number;
  cpuCount: number;
  /** True on the first scan, which only sets baselines. */
  baseline: boolean;
  problems: string[];
}

interface Tracked {
  pid: number;
  startTimeUs: number;
  ppid: number;
  uid: number;
  command: string;
  cgroup: string;
  env: Map<string, string> | undefined;
  /** utime + stime at the last scan, ticks. */
  own: number;
  /** cutime + cstime at the last scan, ticks. */
  children: number;
  job: JobMatch;
  /** Restored from a snapshot: described (uid, cgroup, command, env) at the next scan. */
  restored?: boolean;
}

/**
 * Where the scanner stood: host CPU ticks, uptime, and each process's CPU
 * ticks by identity. Persisted with the counter positions, so the CPU time
 * of a restart gap goes to the processes alive with the same start time.
 */
export interface ScannerSnapshot {
  host: HostCpuTimes;
  uptimeTicks: number;
  /** [pid, starttime ticks, start time µs, ppid, own ticks, children ticks] */
  processes: [number, number, number, number, number, number][];
}

export interface ScannerOptions {
  procfsRoot?: string;
  clockTicks?: number;
  pageSize?: number;
  rules?: JobRules;
  registrations?: RegistrationLookup;
  /** Labels registered for a job without a pid (Slurm prolog). */
  jobLabels?: (jobId: string) => Record<string, string> | undefined;
  /** Report processes with no CPU time and no job as well (default false). */
  includeIdle?: boolean;
  /** /proc/<pid>/stat descriptors kept open across scans (0 disables); stay under RLIMIT_NOFILE. */
  maxOpenFiles?: number;
  /**
   * Read command lines (first 256 characters) into ProcessUsage.command.
   * Default false: nothing reads them downstream, and they can hold secrets.
   */
  collectCommands?: boolean;
}

export class ProcScanner {
  private readonly root: string;
  private readonly hz: number;
  private readonly pageSize: number;
  private readonly rules: JobRules;
  private readonly registrations: RegistrationLookup;
  private readonly jobLabels: (jobId: string) => Record<string, string> | undefined;
  private readonly includeIdle: boolean;
  private tracked = new Map<string, Tracked>();

  /** Pids of the processes the last scan resolved to `jobId` (the local endpoint's progress check). */
  jobPids(jobId: string): number[] {
    const out: number[] = [];
    for (const t of this.tracked.values()) if (t.job.jobId === jobId) out.push(t.pid);
    return out;
  }
  private lastHost: HostCpuTimes | undefined;
  private lastUptimeTicks = -1;
  private readonly statFds = new Map<string, number>();
  private readonly statBuf = Buffer.alloc(4096);
  private readonly maxOpenFiles: number;
  private readonly collectCommands: boolean;

  constructor(opts: ScannerOptions = {}) {
    this.root = opts.procfsRoot ?? '/proc';
    this.hz = opts.clockTicks ?? 100;
    this.pageSize = opts.pageSize ?? 4096;
    this.rules = opts.rules ?? DEFAULT_JOB_RULES;
    this.registrations = opts.registrations ?? (() => undefined);
    this.jobLabels = opts.jobLabels ?? (() => undefined);
    this.includeIdle = opts.includeIdle ?? false;
    this.maxOpenFiles = opts.maxOpenFiles ?? defaultMaxOpenFiles();
    this.collectCommands = opts.collectCommands ?? false;
  }

  scan(): ScanResult {
    const problems: string[] = [];
    const host = this.readHost(problems);
    const uptimeTicks = this.readUptimeTicks();
    const baseline = this.lastHost === undefined;
    const bootUs = (host?.bootTime ?? 0) * 1e6;

    const seen = new Map<string, Tracked>();
    const cpuTicks = new Map<string, number>();
    const childTicks = new Map<string, number>();
    const started = new Set<string>();
    const rss = new Map<string, number>();
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(this.root);
    } catch (err) {
      problems.push(`cannot list ${this.root}: ${(err as Error).message}`);
    }
    for (const name of entries) {
      if (!isPid(name)) continue;
      const dir = path.join(this.root, name);
      const statText = this.readStat(name, dir);
      if (statText === undefined) continue; // exited between readdir and read
      const st = parsePidStat(statText);
      if (!st) {
        problems.push(`${dir}/stat: unparseable`);
        continue;
      }
      const startTimeUs = bootUs + Math.round((st.starttime * 1e6) / this.hz);
      const key = `${st.pid}:${st.starttime}`;
      const prev = this.tracked.get(key);
      const own = st.utime + st.stime;
      const children = st.cutime + st.cstime;
      let t: Tracked;
      let delta: number;
      if (prev) {
        t = prev;
        if (prev.restored) {
          this.describe(dir, prev);
          prev.restored = false;
        }
        delta = own - prev.own;
        childTicks.set(key, Math.max(children - prev.children, 0));
        prev.children = children;
        prev.own = own;
        prev.ppid = st.ppid;
      } else {
        t = { pid: st.pid, startTimeUs, ppid: st.ppid, uid: 0, command: this.collectCommands ? st.comm : '', cgroup: '', env: undefined, own, children, job: { jobId: '', source: '' } };
        this.describe(dir, t);
        // Started since the previous scan: all its CPU time is in this interval.
        const isNew = !baseline && st.starttime >= this.lastUptimeTicks;
        delta = isNew ? own : 0;
        if (isNew) childTicks.set(key, children);
        if (isNew) started.add(key);
      }
      seen.set(key, t);
      cpuTicks.set(key, Math.max(delta, 0));
      rss.set(key, st.rssPages * this.pageSize);
    }

    const byPid = new Map<number, Tracked>();
    const keyByPid = new Map<number, string>();
    for (const [key, t] of seen) {
      byPid.set(t.pid, t);
      keyByPid.set(t.pid, key);
    }
    // Children that vanished were reaped into their parent's cutime/cstime with
    // their whole lifetime. What exceeds the part already counted while they
    // lived is their last stretch: it goes to them (marked exited), so their job
    // keeps it. Reaped children never seen alive stay with the parent.
    const gone = [...this.tracked].filter(([key]) => !seen.has(key)).map(([, t]) => t);
    // A child and its own children can vanish in the same interval: the whole
    // subtree then reaches the surviving ancestor's cutime at once, so what
    // was counted for every vanished member comes off.
    const goneChildren = new Map<number, Tracked[]>();
    for (const t of gone) goneChildren.set(t.ppid, [...(goneChildren.get(t.ppid) ?? []), t]);
    const counted = (t: Tracked, depth = 0): number => t.own + t.children + (depth < 64 ? (goneChildren.get(t.pid) ?? []).reduce((a, c) => a + counted(c, depth + 1), 0) : 0);
    const vanished = new Map<string, Tracked[]>();
    for (const t of gone) {
      const pkey = keyByPid.get(t.ppid);
      if (!pkey) continue; // its parent vanished too (handled through it), or it was reparented
      vanished.set(pkey, [...(vanished.get(pkey) ?? []), t]);
    }
    const exited: { t: Tracked; ticks: number }[] = [];
    for (const [key, reaped] of childTicks) {
      const kids = vanished.get(key);
      if (!kids) {
        cpuTicks.set(key, (cpuTicks.get(key) ?? 0) + reaped);
        continue;
      }
      const known = kids.map((k) => counted(k));
      const total = known.reduce((a, b) => a + b, 0);
      const rest = Math.max(reaped - total, 0);
      kids.forEach((k, i) => exited.push({ t: k, ticks: rest * (total > 0 ? known[i]! / total : 1 / kids.length) }));
    }

    // Resolve jobs parents-first through a memo keyed by pid.
    const memo = new Map<number, JobMatch>();
    const resolve = (t: Tracked, depth: number): JobMatch => {
      const hit = memo.get(t.pid);
      if (hit) return hit;
      const parent = depth < 64 && t.ppid !== t.pid ? byPid.get(t.ppid) : undefined;
      const job = resolveJob({
        registration: this.registrations(t.pid, t.startTimeUs),
        env: t.env,
        cgroup: t.cgroup,
        parent: parent ? resolve(parent, depth + 1) : undefined,
        rules: this.rules,
      });
      if (job.jobId && !job.labels) {
        const registered = this.jobLabels(job.jobId);
        if (registered) job.labels = registered;
      }
      memo.set(t.pid, job);
      t.job = job;
      return job;
    };

    const processes: ProcessUsage[] = [];
    for (const { t, ticks } of exited) {
      if (baseline || (ticks === 0 && !t.job.jobId)) continue;
      processes.push({ pid: t.pid, startTimeUs: t.startTimeUs, ppid: t.ppid, uid: t.uid, command: t.command, cgroup: t.cgroup, jobId: t.job.jobId, jobSource: t.job.source, labels: t.job.labels ?? {}, cpuSeconds: ticks / this.hz, rssBytes: 0, exited: true });
    }
    for (const [key, t] of seen) {
      const job = resolve(t, 0);
      const ticks = cpuTicks.get(key) ?? 0;
      if (baseline) continue;
      if (ticks === 0 && !job.jobId && !this.includeIdle) continue;
      processes.push({
        pid: t.pid,
        startTimeUs: t.startTimeUs,
        ppid: t.ppid,
        uid: t.uid,
        command: t.command,
        cgroup: t.cgroup,
        jobId: job.jobId,
        jobSource: job.source,
        labels: job.labels ?? {},
        cpuSeconds: ticks / this.hz,
        rssBytes: rss.get(key) ?? 0,
        started: started.has(key),
      });
    }

    let busy = 0;
    let idle = 0;
    if (host && this.lastHost) {
      busy = Math.max(host.busyTicks - this.lastHost.busyTicks, 0) / this.hz;
      idle = Math.max(host.idleTicks - this.lastHost.idleTicks, 0) / this.hz;
    }
    if (host) this.lastHost = host;
    if (uptimeTicks >= 0) this.lastUptimeTicks = uptimeTicks;
    this.tracked = seen;
    // Descriptors of processes that are gone would read nothing new.
    for (const [pid, fd] of this.statFds) {
      if (!byPid.has(Number(pid))) {
        fs.closeSync(fd);
        this.statFds.delete(pid);
      }
    }
    return { processes, cpuBusySeconds: busy, cpuIdleSeconds: idle, cpuCount: host?.cpuCount ?? 1, baseline, problems };
  }

  /**
   * /proc/<pid>/stat, through a descriptor kept open across scans where the
   * budget allows: one pread per process per interval instead of open, read
   * and close. A kept descriptor of a process that exited fails with ESRCH
   * (or reads nothing), and the pid is opened afresh: a reused PID is a new
   * process, found again by its start time.
   */
  private readStat(pid: string, dir: string): string | undefined {
    const kept = this.statFds.get(pid);
    if (kept !== undefined) {
      try {
        const n = fs.readSync(kept, this.statBuf, 0, this.statBuf.length, 0);
        if (n > 0) return this.statBuf.toString('latin1', 0, n);
      } catch {
        /* exited: reopen below */
      }
      fs.closeSync(kept);
      this.statFds.delete(pid);
    }
    if (this.statFds.size < this.maxOpenFiles) {
      let fd: number;
      try {
        fd = fs.openSync(path.join(dir, 'stat'), 'r');
      } catch {
        return undefined;
      }
      try {
        const n = fs.readSync(fd, this.statBuf, 0, this.statBuf.length, 0);
        this.statFds.set(pid, fd);
        return this.statBuf.toString('latin1', 0, n);
      } catch {
        fs.closeSync(fd);
        return undefined;
      }
    }
    try {
      return fs.readFileSync(path.join(dir, 'stat'), 'latin1');
    } catch {
      return undefined;
    }
  }

  /** The state the next scan counts from; undefined before the first scan. */
  snapshot(): ScannerSnapshot | undefined {
    if (!this.lastHost) return undefined;
    const processes: ScannerSnapshot['processes'] = [];
    for (const [key, t] of this.tracked) processes.push([t.pid, Number(key.slice(key.indexOf(':') + 1)), t.startTimeUs, t.ppid, t.own, t.children]);
    return { host: this.lastHost, uptimeTicks: this.lastUptimeTicks, processes };
  }

  /** Counts the next scan from a snapshot taken on this same boot (agent restart). */
  restore(snap: ScannerSnapshot): void {
    this.lastHost = snap.host;
    this.lastUptimeTicks = snap.uptimeTicks;
    this.tracked = new Map();
    for (const [pid, starttime, startTimeUs, ppid, own, children] of snap.processes) {
      this.tracked.set(`${pid}:${starttime}`, { pid, startTimeUs, ppid, uid: 0, command: '', cgroup: '', env: undefined, own, children, job: { jobId: '', source: '' }, restored: true });
    }
  }

  /** Closes the descriptors kept across scans. */
  close(): void {
    for (const fd of this.statFds.values()) fs.closeSync(fd);
    this.statFds.clear();
  }

  private readHost(problems: string[]): HostCpuTimes | undefined {
    try {
      const h = parseProcStat(fs.readFileSync(path.join(this.root, 'stat'), 'utf8'));
      if (!h) problems.push(`${this.root}/stat: no aggregate cpu line`);
      return h;
    } catch (err) {
      problems.push(`cannot read ${this.root}/stat: ${(err as Error).message}`);
      return undefined;
    }
  }

  private readUptimeTicks(): number {
    try {
      const up = Number(fs.readFileSync(path.join(this.root, 'uptime'), 'utf8').split(/\s+/)[0]);
      return Number.isFinite(up) ? Math.floor(up * this.hz) : -1;
    } catch {
      return -1;
    }
  }

  /** Reads what does not change over a process's life: once per identity. */
  private describe(dir: string, t: Tracked): void {
    try {
      t.uid = fs.statSync(dir).uid;
    } catch {
      /* gone */
    }
    try {
      t.cgroup = parseCgroup(fs.readFileSync(path.join(dir, 'cgroup'), 'utf8'));
    } catch {
      /* no cgroup file */
    }
    if (this.collectCommands) try {
      const cmd = fs.readFileSync(path.join(dir, 'cmdline'), 'utf8').replaceAll('\0', ' ').trim();
      if (cmd) t.command = cmd.slice(0, 256);
    } catch {
      /* keep comm */
    }
    try {
      t.env = parseEnviron(fs.readFileSync(path.join(dir, 'environ')));
    } catch {
      t.env = undefined; // other users' environ needs CAP_SYS_PTRACE
    }
  }
}

/** The soft RLIMIT_NOFILE from /proc/self/limits, less room for sockets, the spool and NVML. */
function defaultMaxOpenFiles(): number {
  try {
    const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)/m);
    const soft = m?.[1] === 'unlimited' ? 1 << 20 : Number(m?.[1]);
    if (Number.isFinite(soft)) return Math.max(Math.min(soft - 256, 1 << 16), 0);
  } catch {
    /* not Linux */
  }
  return 768;
}

function isPid(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(name);
}
