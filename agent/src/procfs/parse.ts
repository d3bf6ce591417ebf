// Pure parsers for the /proc files the agent reads.

export interface HostCpuTimes {
  /** Ticks summed over all CPUs. */
  busyTicks: number;
  idleTicks: number;
  cpuCount: number;
  /** Boot time, seconds since the epoch (btime). */
  bootTime: number;
}

/** /proc/stat: aggregate "cpu" line, per-CPU lines and btime. */
export function parseProcStat(text: string): HostCpuTimes | undefined {
  let busy: number | undefined;
  let idle = 0;
  let cpus = 0;
  let btime = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const f = line.trim().split(/\s+/).slice(1).map(Number);
      if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return undefined;
      const [user = 0, nice = 0, system = 0, idl = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
      // guest time is already inside user/nice
      busy = user + nice + system + irq + softirq + steal;
      idle = idl + iowait;
    } else if (/^cpu\d+ /.test(line)) {
      cpus++;
    } else if (line.startsWith('btime ')) {
      btime = Number(line.slice(6).trim());
    }
  }
  if (busy === undefined) return undefined;
  return { busyTicks: busy, idleTicks: idle, cpuCount: Math.max(cpus, 1), bootTime: btime };
}

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** Ticks after boot. */
  starttime: number;
  rssPages: number;
}

/**
 * /proc/<pid>/stat. The command name sits in parentheses and may itself hold
 * spaces and ")", so fields are counted from the last ")".
 */
export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state)
  const field = (n: number) => Number(rest[n - 3]);
  const s: PidStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
    rssPages: field(24),
  };
  if (!Number.isInteger(s.pid) || [s.ppid, s.utime, s.stime, s.cutime, s.cstime, s.starttime].some((x) => !Number.isFinite(x))) return undefined;
  if (!Number.isFinite(s.rssPages)) s.rssPages = 0;
  return s;
}

/** /proc/<pid>/cgroup: the v2 unified path ("0::/..."), else the first v1 path. */
export function parseCgroup(text: string): string {
  let first = '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split(':');
    if (parts.length < 3) continue;
    const p = parts.slice(2).join(':');
    if (parts[0] === '0' && parts[1] === '') return p;
    if (!first) first = p;
  }
  return first;
}

/** /proc/<pid>/environ: NUL-separated KEY=VALUE. */
export function parseEnviron(buf: Buffer | string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of buf.toString().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}
